import {
  checkLimit,
  checkPrerequisite,
  checkPriced,
  checkPurchasable,
  checkTrial,
  fitsCustomer,
  type CatalogCustomer,
  type SubscriptionSummary,
  type UnavailableReason,
} from '../catalog/availability.ts';
import { TRIAL_LICENSES, type BillingCycle, type Currency, type Offer } from '../catalog/offer.ts';

/** One line item's refusal: Partner Center's code, the rule, the field, and a message key with its values. */
export interface LineError {
  lineItemNumber: number;
  code: number;
  rule: string;
  field: string;
  messageKey: string;
  params: Record<string, string | number>;
  subscriptionId?: string;
}

export interface LineToValidate {
  lineItemNumber: number;
  offerId: string;
  quantity: number;
}

export interface OrderContext {
  customer: CatalogCustomer;
  cycle: BillingCycle;
  /** Every subscription the customer has had, deleted ones included. */
  subscriptions: readonly SubscriptionSummary[];
  trialOfferIdsEverOwned: readonly string[];
  offers: ReadonlyMap<string, Offer>;
  /** The customer's currency: a paid offer without a price in it is refused (R-CAT-2). */
  currency?: Currency;
}

const refuse = (
  line: LineToValidate,
  code: number,
  rule: string,
  field: string,
  messageKey: string,
  params: Record<string, string | number> = {},
  subscriptionId?: string,
): LineError => ({
  lineItemNumber: line.lineItemNumber,
  code,
  rule,
  field,
  messageKey,
  params: { offerId: line.offerId, ...params },
  ...(subscriptionId ? { subscriptionId } : {}),
});

function fromReason(line: LineToValidate, reason: UnavailableReason): LineError {
  const sub = {
    subscriptionId: reason.subscriptionId ?? '',
    subscriptionName: reason.subscriptionName ?? '',
  };
  switch (reason.code) {
    case 'limitReached':
      return refuse(line, 800066, reason.rule, 'offerId', 'order.limitReached', sub, reason.subscriptionId);
    case 'suspendedExists':
      return refuse(
        line,
        800066,
        reason.rule,
        'offerId',
        'order.suspendedExists',
        sub,
        reason.subscriptionId,
      );
    case 'trialAlreadyUsed':
      return refuse(line, 27006, reason.rule, 'offerId', 'order.trialAlreadyUsed', {}, reason.subscriptionId);
    case 'alreadyOwned':
      return refuse(
        line,
        27006,
        reason.rule,
        'offerId',
        'order.trialProductOwned',
        sub,
        reason.subscriptionId,
      );
    case 'notPurchasable':
      return refuse(
        line,
        2091,
        reason.rule,
        'offerId',
        reason.messageKey ?? 'order.notPurchasable',
        reason.params,
      );
    case 'prerequisiteMissing':
      return reason.subscriptionId
        ? refuse(
            line,
            27009,
            reason.rule,
            'parentSubscriptionId',
            'order.baseNotActive',
            sub,
            reason.subscriptionId,
          )
        : refuse(line, 800029, reason.rule, 'parentSubscriptionId', 'order.notAPrerequisite');
  }
}

/** What a line will create, counted by the lines after it in the same order (R-ORD-3 within one order). */
const pendingSubscription = (line: LineToValidate, offer: Offer, n: number): SubscriptionSummary => ({
  id: `pending-line-${n}`,
  offerId: offer.id,
  friendlyName: offer.name,
  status: 'active',
  isTrial: offer.isTrial,
});

/** The rules one line of a new order must pass, in the order a partner would want to hear them. */
function checkLine(
  line: LineToValidate,
  offer: Offer | undefined,
  ctx: OrderContext,
  subs: readonly SubscriptionSummary[],
) {
  if (!offer) return refuse(line, 2000, 'R-CAT-1', 'offerId', 'order.unknownOffer');
  const notForSale = checkPurchasable(offer);
  if (notForSale) return fromReason(line, notForSale);
  if (offer.isAddOn) return refuse(line, 2085, 'R-ADD-1', 'offerId', 'order.addOnFromCatalog');
  if (offer.isTrial && (ctx.customer.segment === 'education' || ctx.customer.segment === 'government')) {
    return refuse(line, 2085, 'R-TRI-1', 'offerId', 'order.trialNotForSegment', {
      segment: ctx.customer.segment,
    });
  }
  if (!offer.clouds.includes(ctx.customer.cloud) || !offer.segments.includes(ctx.customer.segment)) {
    return refuse(line, 2085, 'R-CAT-1', 'offerId', 'order.notForCustomer', {
      segment: ctx.customer.segment,
    });
  }
  if (!fitsCustomer(offer, ctx.customer)) {
    return refuse(line, 800070, 'R-CAT-1', 'offerId', 'order.notInCountry', {
      country: ctx.customer.country,
    });
  }
  if (offer.isTrial) {
    if (ctx.cycle !== 'none') return refuse(line, 6001, 'R-TRI-1', 'billingCycle', 'order.trialCycle');
    if (line.quantity !== TRIAL_LICENSES) {
      return refuse(line, 2002, 'R-TRI-1', 'quantity', 'order.trialQuantity', { quantity: TRIAL_LICENSES });
    }
    const trial = checkTrial(offer, subs, ctx.trialOfferIdsEverOwned);
    if (trial) return fromReason(line, trial);
  } else {
    if (ctx.cycle === 'none' || !offer.billingCycles.includes(ctx.cycle)) {
      return refuse(line, 6001, 'R-CAT-1', 'billingCycle', 'order.cycleNotSupported', {
        cycle: ctx.cycle,
        supported: offer.billingCycles.join(', '),
      });
    }
    if (line.quantity < offer.minimumQuantity || line.quantity > offer.maximumQuantity) {
      return refuse(line, 2002, 'R-ORD-2', 'quantity', 'order.quantityOutOfBounds', {
        min: offer.minimumQuantity,
        max: offer.maximumQuantity,
      });
    }
    const unpriced = ctx.currency && checkPriced(offer, ctx.currency);
    if (unpriced) return fromReason(line, unpriced);
  }
  const limit = checkLimit(offer, subs);
  return limit && fromReason(line, limit);
}

/**
 * R-ORD-1: validates every line of a new order before anything is created and returns every failing
 * line's error (empty when the order may go ahead). Lines earlier in the order count against later ones'
 * limits (R-ORD-3, R-TRI-2).
 */
export function validateOrderLines(lines: readonly LineToValidate[], ctx: OrderContext): LineError[] {
  const errors: LineError[] = [];
  const numbers = new Set<number>();
  let subs = [...ctx.subscriptions];
  let trials = [...ctx.trialOfferIdsEverOwned];
  lines.forEach((line, n) => {
    if (numbers.has(line.lineItemNumber)) {
      errors.push(refuse(line, 2000, 'R-ORD-1', 'lineItemNumber', 'order.duplicateLineNumber'));
      return;
    }
    numbers.add(line.lineItemNumber);
    const offer = ctx.offers.get(line.offerId);
    const error = checkLine(line, offer, { ...ctx, trialOfferIdsEverOwned: trials }, subs);
    if (error) errors.push(error);
    else if (offer) {
      subs = [...subs, pendingSubscription(line, offer, n)];
      if (offer.isTrial) trials = [...trials, offer.id];
    }
  });
  return errors;
}

export interface AddOnLine extends LineToValidate {
  parentSubscriptionId: string;
}

/**
 * R-ADD-1 and R-ADD-2 for add-on lines PATCHed onto the base's order: the base must exist, be active and be
 * one of the add-on's prerequisites; the add-on must fit the customer, the base's cycle, its bounds and its
 * limit.
 */
export function validateAddOnLines(
  lines: readonly AddOnLine[],
  ctx: Omit<OrderContext, 'cycle'>,
  bases: ReadonlyMap<string, SubscriptionSummary & { billingCycle: BillingCycle }>,
): LineError[] {
  const errors: LineError[] = [];
  let subs = [...ctx.subscriptions];
  lines.forEach((line, n) => {
    const offer = ctx.offers.get(line.offerId);
    const base = bases.get(line.parentSubscriptionId);
    let error: LineError | undefined;
    if (!offer) error = refuse(line, 2000, 'R-CAT-1', 'offerId', 'order.unknownOffer');
    else if (!offer.isAddOn) error = refuse(line, 800029, 'R-ADD-1', 'offerId', 'order.notAnAddOn');
    else if (!base) {
      error = refuse(line, 800029, 'R-ADD-1', 'parentSubscriptionId', 'order.unknownBase', {
        parentSubscriptionId: line.parentSubscriptionId,
      });
    } else {
      const prerequisite = checkPrerequisite(offer, base);
      const notForSale = checkPurchasable(offer);
      const unpriced = ctx.currency && checkPriced(offer, ctx.currency);
      if (prerequisite) error = fromReason(line, prerequisite);
      else if (notForSale) error = fromReason(line, notForSale);
      else if (!fitsCustomer(offer, ctx.customer)) {
        error = refuse(line, 800070, 'R-CAT-1', 'offerId', 'order.notInCountry', {
          country: ctx.customer.country,
        });
      } else if (base.billingCycle === 'none' || !offer.billingCycles.includes(base.billingCycle)) {
        error = refuse(line, 6001, 'R-ADD-2', 'offerId', 'order.cycleNotSupported', {
          cycle: base.billingCycle,
          supported: offer.billingCycles.join(', '),
        });
      } else if (line.quantity < offer.minimumQuantity || line.quantity > offer.maximumQuantity) {
        error = refuse(line, 2002, 'R-ORD-2', 'quantity', 'order.quantityOutOfBounds', {
          min: offer.minimumQuantity,
          max: offer.maximumQuantity,
        });
      } else if (unpriced) error = fromReason(line, unpriced);
      else {
        const limit = checkLimit(offer, subs);
        if (limit) error = fromReason(line, limit);
      }
    }
    if (error) errors.push(error);
    else if (offer) subs = [...subs, pendingSubscription(line, offer, n)];
  });
  return errors;
}
