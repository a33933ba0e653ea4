import { termPrice } from '../billing/billing-rules.ts';
import type { Cloud } from '../cloud.ts';
import type { SubscriptionStatus } from '../subscription/subscription-rules.ts';
import { ALL_COUNTRIES, type Currency, type Offer, type PaidBillingCycle, type Segment } from './offer.ts';

/**
 * The catalog one customer sees (R-CAT-1) and, for each entry, whether they can buy it now and why not
 * (R-CAT-2). Pure: the caller loads the offers, the customer and the customer's subscriptions.
 */

/** The console's tab: a paid cycle, or `trial` (`none` is accepted for it, R-TRI-1). */
export type CatalogCycle = PaidBillingCycle | 'trial' | 'none';

export type { SubscriptionStatus };

/** What availability needs to know about one of the customer's subscriptions. */
export interface SubscriptionSummary {
  id: string;
  offerId: string;
  friendlyName: string;
  status: SubscriptionStatus;
  isTrial: boolean;
}

export interface CatalogCustomer {
  segment: Segment;
  /** ISO 3166 alpha-2, from the billing profile's address. */
  country: string;
  cloud: Cloud;
}

export type UnavailableCode =
  | 'limitReached'
  | 'suspendedExists'
  | 'prerequisiteMissing'
  | 'notPurchasable'
  | 'trialAlreadyUsed'
  | 'alreadyOwned';

/** Why an entry cannot be bought now (R-CAT-2), naming the subscription that stands in the way if any. */
export interface UnavailableReason {
  code: UnavailableCode;
  /** The rule that refuses, e.g. `R-ORD-3`. */
  rule: string;
  subscriptionId?: string;
  subscriptionName?: string;
  /**
   * For `notPurchasable`, the message that says exactly why (no price in the currency, an offer Seatwise
   * lists but does not sell) and its values; absent when the offer was simply retired.
   */
  messageKey?: string;
  params?: Record<string, string>;
}

export interface CatalogEntry {
  offer: Offer;
  /** Minor units per licence for the whole cycle: a month (monthly), twelve months (annual), 0 (trial). */
  unitPrice: number;
  currency: Currency;
  purchasable: boolean;
  reason?: UnavailableReason;
  /**
   * A suspended subscription of this offer that the customer already has, when the offer can still be bought:
   * the partner may reactivate it rather than buy a new one (R-CAT-2, R-SUS-4).
   */
  suspendedSubscription?: { subscriptionId: string; subscriptionName: string };
}

export interface CatalogQuery {
  offers: readonly Offer[];
  customer: CatalogCustomer;
  cycle: CatalogCycle;
  currency: Currency;
  /** Every subscription the customer has had, deleted ones included (LifeTime limits count them). */
  subscriptions: readonly SubscriptionSummary[];
  /** Trial offers the customer ever had, converted ones included: a conversion keeps the id but changes the offer (R-TRI-3). */
  trialOfferIdsEverOwned: readonly string[];
}

/** Statuses of a subscription that still exists, for a `Concurrent` limit (R-ORD-3) and for ownership (R-TRI-2). */
const exists = (s: SubscriptionSummary): boolean => s.status !== 'deleted';

const reasonFor = (code: UnavailableCode, rule: string, sub?: SubscriptionSummary): UnavailableReason =>
  sub ? { code, rule, subscriptionId: sub.id, subscriptionName: sub.friendlyName } : { code, rule };

/** Whether the offer may be sold to this customer at all: segment, country and cloud instance (R-CAT-1). */
export function fitsCustomer(offer: Offer, customer: CatalogCustomer): boolean {
  const country = customer.country.toUpperCase();
  return (
    offer.segments.includes(customer.segment) &&
    offer.clouds.includes(customer.cloud) &&
    (offer.countries.includes(ALL_COUNTRIES) || offer.countries.includes(country))
  );
}

/**
 * R-ORD-3 as the order use case and the catalog both apply it: `undefined` when the customer may hold one
 * more subscription of `offer`, otherwise the reason. `Concurrent` counts the subscriptions of the offer
 * that are not deleted; `LifeTime` counts every one the customer ever had, so pass deleted ones too. When
 * the limit is reached and one of the counted subscriptions is suspended, the reason is `suspendedExists`
 * naming it, since the partner should reactivate it rather than buy again (R-CAT-2); otherwise
 * `limitReached` names an existing one.
 */
export function checkLimit(
  offer: Offer,
  subscriptions: readonly SubscriptionSummary[],
): UnavailableReason | undefined {
  if (offer.limitUnitOfMeasure === 'None') return undefined;
  const ofOffer = subscriptions.filter((s) => s.offerId === offer.id);
  const counted = offer.limitUnitOfMeasure === 'Concurrent' ? ofOffer.filter(exists) : ofOffer;
  if (counted.length < offer.limit) return undefined;
  const suspended = counted.find((s) => s.status === 'suspended');
  if (suspended) return reasonFor('suspendedExists', 'R-CAT-2', suspended);
  // Name one that still exists if there is one: that is the one the partner can act on.
  return reasonFor('limitReached', 'R-ORD-3', counted.find(exists) ?? counted.at(-1));
}

/**
 * R-TRI-2: `undefined` when the customer may start this trial; otherwise `trialAlreadyUsed` (one trial per
 * offer per customer, ever) or `alreadyOwned` (the customer owns one of the offers it converts to).
 */
export function checkTrial(
  trial: Offer,
  subscriptions: readonly SubscriptionSummary[],
  trialOfferIdsEverOwned: readonly string[],
): UnavailableReason | undefined {
  const earlier = subscriptions.find((s) => s.isTrial && s.offerId === trial.id);
  if (earlier || trialOfferIdsEverOwned.includes(trial.id))
    return reasonFor('trialAlreadyUsed', 'R-TRI-2', earlier);
  const owned = subscriptions.find((s) => exists(s) && trial.conversionTargetOffers.includes(s.offerId));
  if (owned) return reasonFor('alreadyOwned', 'R-TRI-2', owned);
  return undefined;
}

/**
 * R-ADD-1: `undefined` when `addOn` can be bought on `base`; otherwise `prerequisiteMissing`, naming the
 * base when it exists but is not active.
 */
export function checkPrerequisite(
  addOn: Offer,
  base: SubscriptionSummary | undefined,
): UnavailableReason | undefined {
  if (!base || !addOn.prerequisiteOffers.includes(base.offerId))
    return reasonFor('prerequisiteMissing', 'R-ADD-1');
  if (base.status !== 'active') return reasonFor('prerequisiteMissing', 'R-ADD-1', base);
  return undefined;
}

const entry = (
  offer: Offer,
  unitPrice: number,
  currency: Currency,
  reason: UnavailableReason | undefined,
): CatalogEntry =>
  reason
    ? { offer, unitPrice, currency, purchasable: false, reason }
    : { offer, unitPrice, currency, purchasable: true };

/**
 * R-CAT-2: `undefined` when the offer is for sale; otherwise `notPurchasable`, with the message that says
 * why when the catalog knows (an imported offer Seatwise lists but does not sell).
 */
export function checkPurchasable(offer: Offer): UnavailableReason | undefined {
  if (offer.isAvailableForPurchase) return undefined;
  if (!offer.notSold) return reasonFor('notPurchasable', 'R-CAT-2');
  return {
    code: 'notPurchasable',
    rule: 'R-CAT-2',
    messageKey: `order.notSold.${offer.notSold.reason}`,
    params: { value: offer.notSold.value ?? '' },
  };
}

/** R-CAT-2: `undefined` when a paid offer has a price in `currency`; otherwise why it cannot be bought in it. */
export function checkPriced(offer: Offer, currency: Currency): UnavailableReason | undefined {
  if (offer.isTrial || offer.prices[currency] !== undefined) return undefined;
  return {
    code: 'notPurchasable',
    rule: 'R-CAT-2',
    messageKey: 'order.notPricedInCurrency',
    params: { currency },
  };
}

/**
 * R-CAT-1 and R-CAT-2: the offers of the new-subscription flow for one customer and one cycle, in catalog
 * order. Trials show only under `trial` (and never to education or government customers, R-TRI-1); paid
 * offers only under a cycle they support, not purchasable when not priced in `currency`; add-ons not at all, since they are
 * bought from their base subscription (R-ADD-1, see `listAddOns`).
 */
export function listCatalog(query: CatalogQuery): CatalogEntry[] {
  const { customer, currency, subscriptions, cycle } = query;
  const trialTab = cycle === 'trial' || cycle === 'none';
  const entries: CatalogEntry[] = [];
  for (const offer of query.offers) {
    if (offer.isAddOn || offer.isTrial !== trialTab || !fitsCustomer(offer, customer)) continue;
    if (trialTab) {
      if (customer.segment === 'education' || customer.segment === 'government') continue;
      const reason =
        checkPurchasable(offer) ??
        checkTrial(offer, subscriptions, query.trialOfferIdsEverOwned) ??
        checkLimit(offer, subscriptions);
      entries.push(entry(offer, 0, currency, reason));
      continue;
    }
    // Listed where it fits even without a price in the currency, saying why it cannot be bought (R-CAT-2);
    // an offer not sold at all shows under the cycles Partner Center gave it, or monthly when it gave none.
    const cycles = offer.billingCycles.length > 0 || !offer.notSold ? offer.billingCycles : ['monthly'];
    if (!cycles.includes(cycle)) continue;
    const unitPrice = termPrice(offer.prices[currency] ?? 0, cycle);
    const reason =
      checkPurchasable(offer) ?? checkPriced(offer, currency) ?? checkLimit(offer, subscriptions);
    const suspended = reason
      ? undefined
      : subscriptions.find((s) => s.offerId === offer.id && s.status === 'suspended');
    entries.push({
      ...entry(offer, unitPrice, currency, reason),
      ...(suspended
        ? {
            suspendedSubscription: { subscriptionId: suspended.id, subscriptionName: suspended.friendlyName },
          }
        : {}),
    });
  }
  return entries;
}

export interface AddOnQuery {
  offers: readonly Offer[];
  customer: CatalogCustomer;
  currency: Currency;
  /** The base subscription, with the cycle the add-on takes from it (R-ADD-2). */
  base: SubscriptionSummary & { billingCycle: PaidBillingCycle };
  subscriptions: readonly SubscriptionSummary[];
}

/**
 * R-ADD-1 and R-CAT-2 for a base subscription's page: the add-ons whose prerequisites include the base's
 * offer and that fit the customer and the base's cycle (R-ADD-2), each with whether it can be bought now.
 */
export function listAddOns(query: AddOnQuery): CatalogEntry[] {
  const { base, currency } = query;
  const entries: CatalogEntry[] = [];
  for (const offer of query.offers) {
    if (!offer.isAddOn || !offer.prerequisiteOffers.includes(base.offerId)) continue;
    if (!fitsCustomer(offer, query.customer) || !offer.billingCycles.includes(base.billingCycle)) continue;
    const unitPrice = termPrice(offer.prices[currency] ?? 0, base.billingCycle);
    const reason =
      checkPurchasable(offer) ??
      checkPriced(offer, currency) ??
      checkPrerequisite(offer, base) ??
      checkLimit(offer, query.subscriptions);
    entries.push(entry(offer, unitPrice, currency, reason));
  }
  return entries;
}
