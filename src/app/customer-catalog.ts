import { can, requirePermission } from '../domain/access/permissions.ts';
import type { PriceSource } from '../domain/pricing/price-rules.ts';
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
import { pricesFor } from './pricing.ts';
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
  entries: PricedEntry[];
}

/**
 * An entry at the price the partner's rules give this customer (R-PRC-2), naming the rule that sets it; the
 * cost and margin per licence for the cycle only for roles that may see billing (R-PRC-3), never others.
 */
export type PricedEntry = CatalogEntry & {
  priceSource?: PriceSource;
  unitCost?: number | null;
  margin?: number | null;
};

/** R-PRC-2: each entry's price from the rules in force at `now`, for the whole cycle (annual = 12 months). */
async function withRulePrices(
  scope: PartnerScope,
  ctx: RequestContext,
  customerId: string,
  entries: readonly CatalogEntry[],
  currency: Currency,
  months: number,
  now: Date,
): Promise<PricedEntry[]> {
  const prices = await pricesFor(
    scope,
    entries.map((e) => e.offer),
    customerId,
    currency,
    now,
  );
  const showCost = can(ctx.actor.role, 'billing.view');
  return entries.map((e) => {
    const p = prices.get(e.offer.id);
    if (!p || e.offer.isTrial) return e;
    const unitPrice = p.unitPrice * months;
    const unitCost = p.unitCost === null ? null : p.unitCost * months;
    return {
      ...e,
      unitPrice,
      priceSource: p.source,
      ...(showCost ? { unitCost, margin: unitCost === null ? null : unitPrice - unitCost } : {}),
    };
  });
}

/**
 * R-CAT-1 and R-CAT-2: what this customer can buy under a billing cycle (`monthly`, `annual`, or `trial`,
 * `none` accepted), with the price in the customer's currency and, for each offer, why not if it cannot.
 */
export async function customerCatalog(
  deps: { db: Db; cloud: Cloud; now: Date },
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
  const months = tab === 'annual' ? 12 : 1;
  const priced = await withRulePrices(scope, ctx, customerId, entries, currency, months, deps.now);
  return { customerId, billingCycle: tab === 'trial' ? 'trial' : tab, currency, entries: priced };
}

/** R-ADD-1: the add-ons a base subscription can take, with the same availability answers. */
export async function addOnCatalog(
  deps: { db: Db; cloud: Cloud; now: Date },
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
  const months = cycle === 'annual' ? 12 : 1;
  const priced = await withRulePrices(scope, ctx, customerId, entries, currency, months, deps.now);
  return { customerId, billingCycle: cycle, currency, entries: priced };
}
