import type { PartnerRole } from '../domain/access/permissions.ts';
import { CLOUD_POLICIES, type Cloud } from '../domain/cloud.ts';
import { plusDays } from '../domain/clock.ts';
import type { Db } from '../db/database.ts';
import { systemContext } from './audit.ts';
import { loadDemoCatalogIfEmpty } from './catalog.ts';
import type { RequestContext } from './context.ts';
import { createCustomerUser, updateLicenses } from './customer-users.ts';
import { createCustomer, qualifyCustomer } from './customers.ts';
import { addAddOnsToOrder, placeOrder, type NewLineItem } from './orders.ts';
import { updateSubscription, type SubscriptionPatch } from './lifecycle.ts';
import { PartnerScope } from '../db/scope.ts';
import { createPartnerUser } from './partners.ts';
import { convertTrial } from './trials.ts';

/** The password of every demo user (R-API-8 lets demo data add one user per role; the README names it). */
export const DEMO_PASSWORD = 'seatwise-demo';

const DEMO_USERS: { userName: string; displayName: string; role: PartnerRole }[] = [
  { userName: 'agent', displayName: 'Alex Admin-Agent', role: 'AdminAgent' },
  { userName: 'sales', displayName: 'Sam Sales', role: 'SalesAgent' },
  { userName: 'helpdesk', displayName: 'Harper Helpdesk', role: 'HelpdeskAgent' },
  { userName: 'billing', displayName: 'Blair Billing', role: 'BillingAdmin' },
];

interface DemoCustomer {
  name: string;
  domain: string;
  country: string;
  culture: string;
  qualification?: 'Education' | 'Nonprofit' | 'GovernmentCommunityCloud' | 'StateOwnedEntity';
  orders: { cycle: string; lines: [offerId: string, quantity: number, friendlyName?: string][] }[];
  addOn?: [offerId: string, quantity: number];
  convert?: [targetOfferId: string, cycle: string, quantity: number];
  /** A change to a line of the first order after purchase, so the ledger shows a credit or a prorated charge. */
  change?: [lineIndex: number, patch: SubscriptionPatch];
  /**
   * How many days before its first order the account opened: the first billing then comes that much later,
   * so a suspension keeps the data 90 + that many days, up to 120 (R-SUS-3). Unset: the same day (90 days).
   */
  openedDaysBeforeFirstBilling?: number;
  /** Customer users (name@domain) with their role and the SKUs (offer ids) they hold a licence of. */
  users?: [name: string, displayName: string, role: 'admin' | 'user', skus: string[]][];
}

// Customers across segments, countries and states, each valid on the global instance.
const GLOBAL_CUSTOMERS: DemoCustomer[] = [
  {
    name: 'Contoso Pharmaceuticals',
    domain: 'contosopharma.onmicrosoft.com',
    country: 'US',
    culture: 'en-US',
    orders: [
      {
        cycle: 'annual',
        lines: [
          ['CN-365-E3', 120, 'E3 for the lab'],
          ['CN-365-E5', 15, 'E5 for security'],
        ],
      },
    ],
    addOn: ['CN-ADD-AUDIO', 40],
    users: [
      ['megan.bowen', 'Megan Bowen', 'admin', ['CN-365-E5']],
      ['alex.wilber', 'Alex Wilber', 'user', ['CN-365-E3']],
      ['diego.siciliani', 'Diego Siciliani', 'user', ['CN-365-E3']],
      ['grady.archie', 'Grady Archie', 'user', ['CN-365-E3', 'CN-ADD-AUDIO']],
      ['isaiah.langer', 'Isaiah Langer', 'user', ['CN-365-E5', 'CN-ADD-AUDIO']],
      ['lee.gu', 'Lee Gu', 'user', []],
    ],
  },
  {
    name: 'Fabrikam Bistro',
    domain: 'fabrikambistro.onmicrosoft.com',
    country: 'FR',
    culture: 'fr-FR',
    openedDaysBeforeFirstBilling: 20,
    orders: [
      {
        cycle: 'monthly',
        lines: [
          ['CN-365-BS', 12, 'Bureau'],
          ['CN-MAIL-P1', 8, 'Cuisine'],
        ],
      },
    ],
    change: [1, { status: 'suspended', suspensionReasons: ['customerRequest'] }],
    users: [
      ['camille.martin', 'Camille Martin', 'admin', ['CN-365-BS']],
      ['lucas.bernard', 'Lucas Bernard', 'user', ['CN-365-BS']],
      ['chloe.dubois', 'Chloé Dubois', 'user', ['CN-MAIL-P1']],
    ],
  },
  {
    name: 'Tailspin Werkzeuge GmbH',
    domain: 'tailspinwerkzeuge.onmicrosoft.com',
    country: 'DE',
    culture: 'de-DE',
    orders: [{ cycle: 'monthly', lines: [['CN-365-BP', 30, 'Verwaltung']] }],
  },
  {
    name: 'Northwind Traders',
    domain: 'northwindtraders.onmicrosoft.com',
    country: 'US',
    culture: 'en-US',
    orders: [
      {
        cycle: 'monthly',
        lines: [
          ['CN-365-BB', 45, 'Sales floor'],
          ['CN-CALL-DOM', 10, 'Phones'],
        ],
      },
      { cycle: 'none', lines: [['CN-365-E5-TRIAL', 25, 'Evaluating E5']] },
    ],
    change: [0, { quantity: 50 }],
    users: [
      ['nancy.davolio', 'Nancy Davolio', 'admin', ['CN-365-BB']],
      ['andrew.fuller', 'Andrew Fuller', 'user', ['CN-365-BB', 'CN-CALL-DOM']],
      ['janet.leverling', 'Janet Leverling', 'user', ['CN-365-BB', 'CN-365-E5-TRIAL']],
      ['steven.buchanan', 'Steven Buchanan', 'user', ['CN-365-E5-TRIAL']],
    ],
  },
  {
    name: 'Adventure Works Cycles',
    domain: 'adventureworks.onmicrosoft.com',
    country: 'GB',
    culture: 'en-GB',
    orders: [{ cycle: 'none', lines: [['CN-365-E3-TRIAL', 25, 'E3 pilot']] }],
    convert: ['CN-365-E3', 'annual', 60],
    users: [
      ['rob.young', 'Rob Young', 'admin', ['CN-365-E3']],
      ['kim.abercrombie', 'Kim Abercrombie', 'user', ['CN-365-E3']],
    ],
  },
  {
    name: 'Woodgrove University',
    domain: 'woodgrove.onmicrosoft.com',
    country: 'US',
    culture: 'en-US',
    qualification: 'Education',
    orders: [
      {
        cycle: 'annual',
        lines: [
          ['CN-365-A3-FAC', 250, 'Faculty'],
          ['CN-365-A3-STU', 2500, 'Students'],
        ],
      },
    ],
  },
  {
    name: 'Humongous Relief Fund',
    domain: 'humongousrelief.onmicrosoft.com',
    country: 'CA',
    culture: 'en-CA',
    qualification: 'Nonprofit',
    orders: [
      {
        cycle: 'annual',
        lines: [
          ['CN-365-BP-NP-GRANT', 10, 'Donated seats'],
          ['CN-365-E3-NP', 20, 'Staff'],
        ],
      },
    ],
  },
  {
    name: 'City of Lakeview',
    domain: 'lakeviewcity.onmicrosoft.com',
    country: 'US',
    culture: 'en-US',
    qualification: 'GovernmentCommunityCloud',
    orders: [{ cycle: 'annual', lines: [['CN-365-G3', 80, 'City hall']] }],
  },
  {
    name: 'Litware Energia SpA',
    domain: 'litwareenergia.onmicrosoft.com',
    country: 'IT',
    culture: 'it-IT',
    qualification: 'StateOwnedEntity',
    orders: [{ cycle: 'annual', lines: [['CN-365-E3', 300, 'Gruppo']] }],
  },
  {
    name: 'Proseware Studio',
    domain: 'prosewarestudio.onmicrosoft.com',
    country: 'JP',
    culture: 'ja-JP',
    orders: [
      {
        cycle: 'monthly',
        lines: [
          ['CN-365-BB', 6],
          ['CN-DRIVE-P1', 6],
        ],
      },
    ],
  },
  {
    name: 'Wide World Importers',
    domain: 'wideworldimporters.onmicrosoft.com',
    country: 'NL',
    culture: 'nl-NL',
    openedDaysBeforeFirstBilling: 60,
    orders: [
      {
        cycle: 'monthly',
        lines: [
          ['CN-MAIL-P1', 25, 'Warehouse'],
          ['CN-CHAT-ESS', 25],
        ],
      },
    ],
    addOn: ['CN-ADD-ARCHIVE', 25],
  },
  {
    name: 'Blue Yonder Airlines',
    domain: 'blueyonderairlines.onmicrosoft.com',
    country: 'US',
    culture: 'en-US',
    orders: [],
  },
];

const USGOV_CUSTOMERS: DemoCustomer[] = [
  {
    name: 'Department of Lakeview Parks',
    domain: 'lakeviewparks.onmicrosoft.us',
    country: 'US',
    culture: 'en-US',
    orders: [{ cycle: 'annual', lines: [['CN-USG-G3', 40, 'Rangers']] }],
    addOn: ['CN-USG-ADD-AUDIO', 10],
  },
  {
    name: 'State Water Board',
    domain: 'statewaterboard.onmicrosoft.us',
    country: 'US',
    culture: 'en-US',
    orders: [{ cycle: 'monthly', lines: [['CN-USG-MAIL-G1', 120]] }],
  },
];

const GERMANY_CUSTOMERS: DemoCustomer[] = [
  {
    name: 'Tailspin Werkzeuge GmbH',
    domain: 'tailspinwerkzeuge.onmicrosoft.de',
    country: 'DE',
    culture: 'de-DE',
    orders: [{ cycle: 'monthly', lines: [['CN-DE-365-BP', 30, 'Verwaltung']] }],
    users: [
      ['jana.schulz', 'Jana Schulz', 'admin', ['CN-DE-365-BP']],
      ['felix.wagner', 'Felix Wagner', 'user', ['CN-DE-365-BP']],
    ],
  },
  {
    name: 'Fabrikam Lyon SARL',
    domain: 'fabrikamlyon.onmicrosoft.de',
    country: 'FR',
    culture: 'fr-FR',
    orders: [{ cycle: 'annual', lines: [['CN-DE-365-E3', 25, 'Siège']] }],
    addOn: ['CN-DE-ADD-ARCHIVE', 25],
    users: [['marie.laurent', 'Marie Laurent', 'admin', ['CN-DE-365-E3', 'CN-DE-ADD-ARCHIVE']]],
  },
];

const CUSTOMERS: Record<Cloud, DemoCustomer[]> = {
  global: GLOBAL_CUSTOMERS,
  usgov: USGOV_CUSTOMERS,
  germany: GERMANY_CUSTOMERS,
};

/**
 * Fills a new instance with a living demo (issues 4, 7 and 8): the demo catalog, one user per role, customers
 * across segments, countries and states with paid subscriptions, add-ons, trials, a converted trial, a
 * suspension and a quantity change, and customer users (admins and users) holding licences. Everything goes
 * through the same use cases as the API, so the demo obeys every rule it shows, and the ledger holds the
 * charges and credits they made (R-BIL). On germany, where partners only read customer users (SPEC §6), the
 * users come in as the operator's directory sync would bring them; usgov has none.
 */
export async function seedDemo(
  db: Db,
  input: { cloud: Cloud; partnerId: string; adminUserId: string; now: Date },
): Promise<{ customers: number; subscriptions: number; users: number }> {
  const { cloud, partnerId, now } = input;
  await loadDemoCatalogIfEmpty(db, now);
  const system = systemContext('demo');
  for (const user of DEMO_USERS) {
    await createPartnerUser(db, partnerId, system, { ...user, password: DEMO_PASSWORD }, now);
  }
  const ctx: RequestContext = {
    actor: { partnerId, userId: input.adminUserId, userName: 'admin', role: 'GlobalAdmin', via: 'cli' },
    correlationId: undefined,
    applicationId: 'seatwise-demo',
  };
  const where = { cloud, now };
  const deps = { db, cloud, now };
  const germanyWasClosed = cloud === 'germany';
  if (germanyWasClosed) await db.updateTable('instance_settings').set({ new_customers_open: true }).execute();
  let subscriptions = 0;
  const changes: { customerId: string; subscriptionId: string; patch: SubscriptionPatch }[] = [];
  const customerIds = new Map<DemoCustomer, string>();
  for (const demo of CUSTOMERS[cloud]) {
    const customer = await createCustomer(
      db,
      partnerId,
      ctx,
      {
        companyProfile: { domain: demo.domain, companyName: demo.name },
        billingProfile: {
          firstName: 'Dana',
          lastName: 'Demo',
          email: `it@${demo.domain.split('.')[0] ?? 'demo'}.example`,
          culture: demo.culture,
          language: demo.culture.slice(0, 2),
          companyName: demo.name,
          defaultAddress: {
            country: demo.country,
            addressLine1: '1 Demo Street',
            city: 'Demo City',
            postalCode: '10000',
          },
        },
      },
      where,
    );
    if (demo.qualification) {
      // The operator grants Nonprofit (R-CUS-2); the system context acts as the operator here.
      await qualifyCustomer(
        db,
        partnerId,
        demo.qualification === 'Nonprofit' ? system : ctx,
        customer.id,
        demo.qualification,
        where,
      );
    }
    if (demo.openedDaysBeforeFirstBilling) {
      // The account opened earlier than the demo's first order, which is its first billing (R-SUS-3).
      const opened = plusDays(now, -demo.openedDaysBeforeFirstBilling);
      await new PartnerScope(db, partnerId)
        .updateTable('customers')
        .set({ account_opened_at: opened })
        .where('id', '=', customer.id)
        .execute();
    }
    customerIds.set(demo, customer.id);
    for (const o of demo.orders) {
      const lineItems: NewLineItem[] = o.lines.map(([offerId, quantity, friendlyName], n) => ({
        lineItemNumber: n,
        offerId,
        quantity,
        ...(friendlyName ? { friendlyName } : {}),
      }));
      const order = await placeOrder(deps, ctx, customer.id, { billingCycle: o.cycle, lineItems });
      subscriptions += order.lineItems.length;
      const base = order.lineItems[0];
      if (demo.addOn && base && o === demo.orders[0]) {
        const [offerId, quantity] = demo.addOn;
        await addAddOnsToOrder(deps, ctx, customer.id, order.id, {
          lineItems: [
            ...order.lineItems,
            {
              lineItemNumber: order.lineItems.length,
              offerId,
              quantity,
              parentSubscriptionId: base.subscriptionId,
            },
          ],
        });
        subscriptions++;
      }
      const changed = demo.change && o === demo.orders[0] ? order.lineItems[demo.change[0]] : undefined;
      if (demo.change && changed) {
        changes.push({
          customerId: customer.id,
          subscriptionId: changed.subscriptionId,
          patch: demo.change[1],
        });
      }
      if (demo.convert && base) {
        const [targetOfferId, billingCycle, quantity] = demo.convert;
        await convertTrial(deps, ctx, customer.id, base.subscriptionId, {
          targetOfferId,
          billingCycle,
          quantity,
        });
      }
    }
  }
  // Customer users and their licences: a partner's own call on global, the directory's on germany.
  let users = 0;
  const manager =
    CLOUD_POLICIES[cloud].customerUserManagement === 'full' ? ctx : systemContext('directory-sync');
  if (CLOUD_POLICIES[cloud].customerUserManagement !== 'absent') {
    for (const demo of CUSTOMERS[cloud]) {
      const customerId = customerIds.get(demo);
      if (!customerId) continue;
      for (const [name, displayName, role, skus] of demo.users ?? []) {
        const user = await createCustomerUser(deps, manager, partnerId, customerId, {
          userPrincipalName: `${name}@${demo.domain}`,
          displayName,
          role,
        });
        users++;
        if (skus.length > 0) {
          await updateLicenses(deps, manager, partnerId, customerId, user.id, {
            licensesToAssign: skus.map((skuId) => ({ skuId })),
            licensesToRemove: [],
          });
        }
      }
    }
  }
  // The changes come after the licences, so that a suspension shows what it does to the users holding them.
  for (const c of changes) {
    const current = await new PartnerScope(db, partnerId)
      .selectFrom('subscriptions')
      .select('version')
      .where('id', '=', c.subscriptionId)
      .executeTakeFirstOrThrow();
    await updateSubscription(deps, ctx, c.customerId, c.subscriptionId, String(current.version), c.patch);
  }
  if (germanyWasClosed)
    await db.updateTable('instance_settings').set({ new_customers_open: false }).execute();
  return { customers: CUSTOMERS[cloud].length, subscriptions, users };
}
