import { requirePermission } from '../domain/access/permissions.ts';
import {
  listAddOns,
  listCatalog,
  type CatalogCycle,
  type CatalogEntry,
} from '../domain/catalog/availability.ts';
import { currencyFor } from '../domain/catalog/currency.ts';
import type { BillingCycle, Currency, Segment } from '../domain/catalog/offer.ts';
import type { Cloud } from '../domain/cloud.ts';
import type { Db } from '../db/database.ts';
import { PartnerScope } from '../db/scope.ts';
import { loadOffers } from './catalog.ts';
import type { RequestContext } from './context.ts';
import { getCustomerRow } from './customers.ts';
import { parseBillingCycle } from './orders.ts';
import {
  customerSubscriptionRows,
  getSubscriptionRow,
  toSummary,
  trialOfferIdsEverOwned,
} from './subscriptions.ts';

export interface CustomerCatalog {
  customerId: string;
  billingCycle: 'monthly' | 'annual' | 'trial';
  currency: Currency;
  entries: CatalogEntry[];
}

/**
 * R-CAT-1 and R-CAT-2: what this customer can buy under a billing cycle (`monthly`, `annual`, or `trial`,
 * `none` accepted), with the price in the customer's currency and, for each offer, why not if it cannot.
 */
export async function customerCatalog(
  deps: { db: Db; cloud: Cloud },
  ctx: RequestContext,
  customerId: string,
  billingCycle: string,
): Promise<CustomerCatalog> {
  requirePermission(ctx.actor.role, 'customers.view');
  const cycle: BillingCycle = parseBillingCycle(billingCycle);
  const scope = new PartnerScope(deps.db, ctx.actor.partnerId);
  const customer = await getCustomerRow(scope, customerId);
  const currency = currencyFor(customer.country, deps.cloud);
  const tab: CatalogCycle = cycle === 'none' ? 'trial' : cycle;
  const entries = listCatalog({
    offers: [...(await loadOffers(deps.db)).values()],
    customer: { segment: customer.segment as Segment, country: customer.country, cloud: deps.cloud },
    cycle: tab,
    currency,
    subscriptions: (await customerSubscriptionRows(scope, customerId)).map(toSummary),
    trialOfferIdsEverOwned: await trialOfferIdsEverOwned(scope, customerId),
  });
  return { customerId, billingCycle: tab === 'trial' ? 'trial' : tab, currency, entries };
}

/** R-ADD-1: the add-ons a base subscription can take, with the same availability answers. */
export async function addOnCatalog(
  deps: { db: Db; cloud: Cloud },
  ctx: RequestContext,
  customerId: string,
  subscriptionId: string,
): Promise<CustomerCatalog> {
  requirePermission(ctx.actor.role, 'customers.view');
  const scope = new PartnerScope(deps.db, ctx.actor.partnerId);
  const customer = await getCustomerRow(scope, customerId);
  const base = await getSubscriptionRow(scope, customerId, subscriptionId);
  const currency = base.currency as Currency;
  const cycle = base.billing_cycle === 'annual' ? 'annual' : 'monthly';
  const entries =
    base.billing_cycle === 'none' || base.parent_subscription_id
      ? []
      : listAddOns({
          offers: [...(await loadOffers(deps.db)).values()],
          customer: { segment: customer.segment as Segment, country: customer.country, cloud: deps.cloud },
          currency,
          base: { ...toSummary(base), billingCycle: cycle },
          subscriptions: (await customerSubscriptionRows(scope, customerId)).map(toSummary),
        });
  return { customerId, billingCycle: cycle, currency, entries };
}
