import { throwIfBelowAssigned } from '../domain/access/customer-users.ts';
import { requirePermission } from '../domain/access/permissions.ts';
import { checkLimit, checkPriced, fitsCustomer } from '../domain/catalog/availability.ts';
import { TRIAL_LICENSES, type Offer, type PaidBillingCycle, type Segment } from '../domain/catalog/offer.ts';
import type { Cloud } from '../domain/cloud.ts';
import { openingLine } from '../domain/billing/billing-rules.ts';
import { DomainError, refusal } from '../domain/errors.ts';
import { termEnd } from '../domain/subscription/terms.ts';
import { inTransaction, type Db } from '../db/database.ts';
import type { Row } from '../db/schema.ts';
import { PartnerScope } from '../db/scope.ts';
import { accessChanged } from './access.ts';
import { changeRows } from './audit.ts';
import { loadOffers } from './catalog.ts';
import type { RequestContext } from './context.ts';
import { assignedCount } from './customer-users.ts';
import { getCustomerRow, lockCustomerRow } from './customers.ts';
import { billableOf, ledgerRows } from './ledger.ts';
import { priceColumns } from './pricing.ts';
import { parseBillingCycle } from './orders.ts';
import {
  customerSubscriptionRows,
  getSubscriptionRow,
  lockSubscriptionRow,
  toSubscriptionView,
  toSummary,
} from './subscriptions.ts';

/** Partner Center's Conversion: a way a trial can become paid (R-TRI-3). */
export interface Conversion {
  offerId: string;
  targetOfferId: string;
  targetOfferName: string;
  orderId: string;
  quantity: number;
  billingCycle: PaidBillingCycle;
}

export interface ConversionResult {
  subscriptionId: string;
  offerId: string;
  targetOfferId: string;
  billingCycle: PaidBillingCycle;
  quantity: number;
}

const notActiveTrial = (id: string) =>
  new DomainError('refused', 2000, 'conversion.notTrial', { subscriptionId: id }, [
    { field: 'subscriptionId', rule: 'R-TRI-3' },
  ]);

function requireActiveTrial(sub: Row<'subscriptions'>) {
  if (!sub.is_trial || sub.status !== 'active') throw notActiveTrial(sub.id);
}

/** The paid offers an active trial can convert to, for each cycle they support, that this customer may buy now. */
export async function listConversions(
  deps: { db: Db; cloud: Cloud },
  ctx: RequestContext,
  customerId: string,
  subscriptionId: string,
): Promise<Conversion[]> {
  requirePermission(ctx.actor.role, 'customers.view');
  const scope = new PartnerScope(deps.db, ctx.actor.partnerId);
  const customer = await getCustomerRow(scope, customerId);
  const sub = await getSubscriptionRow(scope, customerId, subscriptionId);
  requireActiveTrial(sub);
  const offers = await loadOffers(deps.db);
  const trial = offers.get(sub.offer_id);
  const others = (await customerSubscriptionRows(scope, customerId))
    .filter((s) => s.id !== sub.id)
    .map(toSummary);
  const fit = { segment: customer.segment as Segment, country: customer.country, cloud: deps.cloud };
  return (trial?.conversionTargetOffers ?? [])
    .map((id) => offers.get(id))
    .filter(
      (o): o is Offer =>
        !!o &&
        o.isAvailableForPurchase &&
        fitsCustomer(o, fit) &&
        !checkPriced(o, sub.currency as 'USD' | 'EUR') &&
        !checkLimit(o, others),
    )
    .flatMap((o) =>
      o.billingCycles.map((cycle) => ({
        offerId: sub.offer_id,
        targetOfferId: o.id,
        targetOfferName: o.name,
        orderId: sub.order_id,
        quantity: Math.min(Math.max(TRIAL_LICENSES, o.minimumQuantity), o.maximumQuantity),
        billingCycle: cycle,
      })),
    );
}

/**
 * Converts an active trial to paid (R-TRI-3): the subscription keeps its id, takes the target offer, the
 * chosen cycle and quantity (default 25), and starts its paid term now, charged in the same transaction
 * (R-BIL-5, R-BIL-1).
 */
export async function convertTrial(
  deps: { db: Db; cloud: Cloud; now: Date },
  ctx: RequestContext,
  customerId: string,
  subscriptionId: string,
  input: { targetOfferId: string; billingCycle: string; quantity?: number },
): Promise<ConversionResult> {
  requirePermission(ctx.actor.role, 'subscriptions.buy');
  const cycle = parseBillingCycle(input.billingCycle);
  const { now } = deps;
  const offers = await loadOffers(deps.db);
  return inTransaction(deps.db, async (trx) => {
    const scope = new PartnerScope(trx, ctx.actor.partnerId);
    const customer = await lockCustomerRow(scope, customerId);
    // Locked: licence assignments take this row's lock too, so the count below stays true until COMMIT.
    const sub = await lockSubscriptionRow(scope, customerId, subscriptionId);
    requireActiveTrial(sub);
    const trial = offers.get(sub.offer_id);
    const target = offers.get(input.targetOfferId);
    const refuse = (code: number, key: string, field: string, params: Record<string, string | number> = {}) =>
      refusal(
        code,
        key,
        {
          offerId: sub.offer_id,
          targetOfferId: input.targetOfferId,
          ...params,
        },
        [{ field, rule: 'R-TRI-3' }],
      );
    if (!trial || !target || !trial.conversionTargetOffers.includes(target.id)) {
      throw refuse(2000, 'conversion.notTarget', 'targetOfferId');
    }
    if (cycle === 'none' || !target.billingCycles.includes(cycle)) {
      throw refuse(6001, 'order.cycleNotSupported', 'billingCycle', {
        offerId: target.id,
        cycle,
        supported: target.billingCycles.join(', '),
      });
    }
    const quantity = input.quantity ?? TRIAL_LICENSES;
    if (quantity < target.minimumQuantity || quantity > target.maximumQuantity) {
      throw refuse(2002, 'order.quantityOutOfBounds', 'quantity', {
        offerId: target.id,
        min: target.minimumQuantity,
        max: target.maximumQuantity,
      });
    }
    const fit = { segment: customer.segment as Segment, country: customer.country, cloud: deps.cloud };
    if (!target.isAvailableForPurchase || !fitsCustomer(target, fit)) {
      throw refuse(2085, 'order.notForCustomer', 'targetOfferId', {
        offerId: target.id,
        segment: customer.segment,
      });
    }
    const unpriced = checkPriced(target, sub.currency as 'USD' | 'EUR');
    if (unpriced?.messageKey) throw refuse(2091, unpriced.messageKey, 'targetOfferId', unpriced.params);
    const others = (await customerSubscriptionRows(scope, customerId))
      .filter((s) => s.id !== sub.id)
      .map(toSummary);
    const limit = checkLimit(target, others);
    if (limit) {
      throw refuse(
        800066,
        limit.code === 'suspendedExists' ? 'order.suspendedExists' : 'order.limitReached',
        'targetOfferId',
        {
          offerId: target.id,
          subscriptionName: limit.subscriptionName ?? '',
        },
      );
    }
    // Seatwise's choice, as for a quantity decrease: fewer licences than are assigned is refused.
    throwIfBelowAssigned(sub, quantity, await assignedCount(scope, sub.id));
    const before = toSubscriptionView(sub, offers.get(sub.offer_id));
    const updated = await scope
      .updateTable('subscriptions')
      .set({
        offer_id: target.id,
        is_trial: false,
        billing_cycle: cycle,
        quantity,
        ...(await priceColumns(scope, target, customerId, sub.currency, now)), // R-PRC-2
        effective_start_date: now,
        commitment_end_date: termEnd(now, cycle),
        converted_at: now,
        auto_renew_enabled: target.isAutoRenewable,
        version: sub.version + 1,
      })
      .where('id', '=', sub.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (!customer.first_billing_period_start) {
      await scope
        .updateTable('customers')
        .set({ first_billing_period_start: now })
        .where('id', '=', customerId)
        .execute();
    }
    // R-BIL-5: the trial charged nothing; its first paid term is charged whole now (R-BIL-1).
    const charge = openingLine(
      billableOf(updated),
      now,
      { start: now, end: updated.commitment_end_date },
      true,
    );
    await scope.insertRows([
      ...changeRows(
        scope.partnerId,
        ctx,
        [
          {
            resourceType: 'subscription',
            resourceId: sub.id,
            operationType: 'convert_trial_subscription',
            customerId: customer.id,
            customerName: customer.company_name,
            before,
            after: toSubscriptionView(updated, target),
            event: 'subscription.updated',
          },
        ],
        now,
      ),
      ...ledgerRows(scope.partnerId, [{ sub: updated, lines: charge, postedAt: now }]),
    ]);
    // The offer, and so the service plans its licences grant, changed (R-ACC).
    await accessChanged(trx, ctx.actor.partnerId, [customer.id]);
    return {
      subscriptionId: sub.id,
      offerId: sub.offer_id,
      targetOfferId: target.id,
      billingCycle: cycle,
      quantity,
    };
  });
}
