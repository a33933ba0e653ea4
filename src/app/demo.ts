import type { PartnerRole } from '../domain/access/permissions.ts';
import type { Cloud } from '../domain/cloud.ts';
import type { Db } from '../db/database.ts';
import { systemContext } from './audit.ts';
import { loadDemoCatalogIfEmpty } from './catalog.ts';
import type { RequestContext } from './context.ts';
import { createCustomer, qualifyCustomer } from './customers.ts';
import { addAddOnsToOrder, placeOrder, type NewLineItem } from './orders.ts';
import { updateSubscription, type SubscriptionPatch } from './lifecycle.ts';
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
  },
  {
    name: 'Fabrikam Bistro',
    domain: 'fabrikambistro.onmicrosoft.com',
    country: 'FR',
    culture: 'fr-FR',
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
  },
  {
    name: 'Adventure Works Cycles',
    domain: 'adventureworks.onmicrosoft.com',
    country: 'GB',
    culture: 'en-GB',
    orders: [{ cycle: 'none', lines: [['CN-365-E3-TRIAL', 25, 'E3 pilot']] }],
    convert: ['CN-365-E3', 'annual', 60],
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
  },
  {
    name: 'Fabrikam Lyon SARL',
    domain: 'fabrikamlyon.onmicrosoft.de',
    country: 'FR',
    culture: 'fr-FR',
    orders: [{ cycle: 'annual', lines: [['CN-DE-365-E3', 25, 'Siège']] }],
    addOn: ['CN-DE-ADD-ARCHIVE', 25],
  },
];

const CUSTOMERS: Record<Cloud, DemoCustomer[]> = {
  global: GLOBAL_CUSTOMERS,
  usgov: USGOV_CUSTOMERS,
  germany: GERMANY_CUSTOMERS,
};

/**
 * Fills a new instance with a living demo (issue 4): the demo catalog, one user per role, and customers across
 * segments, countries and states with paid subscriptions, add-ons, trials, a converted trial, a suspension and
 * a quantity change. Everything goes through the same use cases as the API, so the demo obeys every rule it
 * shows, and the ledger holds the charges and credits they made (R-BIL).
 */
export async function seedDemo(
  db: Db,
  input: { cloud: Cloud; partnerId: string; adminUserId: string; now: Date },
): Promise<{ customers: number; subscriptions: number }> {
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
        await updateSubscription(deps, ctx, customer.id, changed.subscriptionId, '1', demo.change[1]);
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
  if (germanyWasClosed)
    await db.updateTable('instance_settings').set({ new_customers_open: false }).execute();
  return { customers: CUSTOMERS[cloud].length, subscriptions };
}
