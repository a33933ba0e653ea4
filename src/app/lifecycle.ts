import { throwIfBelowAssigned } from '../domain/access/customer-users.ts';
import { requirePermission } from '../domain/access/permissions.ts';
import type { BillingCycle, Currency, Offer } from '../domain/catalog/offer.ts';
import { termEnd } from '../domain/subscription/terms.ts';
import { changeLines, type LedgerLine } from '../domain/billing/billing-rules.ts';
import { daysSince } from '../domain/clock.ts';
import { expectedVersion, throwIfStale, type ExpectedVersion } from '../domain/versions.ts';
import { isGuid } from '../domain/ids.ts';
import { cancellationRetentionEnd, suspensionRetentionEnd } from '../domain/subscription/schedule.ts';
import {
  actionForStatus,
  moveTo,
  nextStatus,
  parseSuspensionReasons,
  throwIfBaseNotActive,
  throwIfCannotAutoRenew,
  throwIfQuantityOutOfBounds,
  throwIfRetentionPassed,
  throwIfTrial,
  type SubscriptionStatus,
} from '../domain/subscription/subscription-rules.ts';
import { inTransaction, type Db } from '../db/database.ts';
import type { Row } from '../db/schema.ts';
import { PartnerScope } from '../db/scope.ts';
import { accessChanged } from './access.ts';
import { changeRows, type Change, type EventType } from './audit.ts';
import { loadOffers } from './catalog.ts';
import type { RequestContext } from './context.ts';
import { pricesFor } from './pricing.ts';
import { assignedCount } from './customer-users.ts';
import { getCustomerRow, lockCustomerRow } from './customers.ts';
import { billableOf, currentTerms, ledgerRows, lineView, totalOf, type LedgerLineView } from './ledger.ts';
import {
  getSubscriptionRow,
  lockSubscriptionRow,
  toSubscriptionView,
  type SubscriptionView,
} from './subscriptions.ts';

/** What a subscription PATCH may change: Partner Center sends the full resource; these fields are read. */
export interface SubscriptionPatch {
  status?: string;
  quantity?: number;
  friendlyName?: string;
  autoRenewEnabled?: boolean;
  suspensionReasons?: string[];
  suspensionComment?: string;
}

type SubRow = Row<'subscriptions'>;

/**
 * R-API-3: the version a change is based on: an If-Match header value (a string), or where the client put it
 * (`If-Match` or the body's `attributes.etag`); none means the change applies whatever the version.
 */
export type VersionGiven = string | ExpectedVersion | undefined;
const versionOf = (v: VersionGiven): ExpectedVersion | undefined =>
  typeof v === 'string' ? expectedVersion(v, undefined) : v;

const addOnsOf = (scope: PartnerScope, baseId: string, lock: boolean) => {
  const query = scope.selectFrom('subscriptions').selectAll().where('parent_subscription_id', '=', baseId);
  return (lock ? query.forNoKeyUpdate() : query).execute();
};

/**
 * An add-on's base, locked before the add-on itself (a no-op for a base): a reactivation reads the base's
 * status (R-ADD-3) in a later statement, after any writer that held it (the lifecycle sweeper, which does not
 * take the customer's lock) has committed. Base before add-on is the order every writer locks them in.
 */
async function lockBaseOf(scope: PartnerScope, customerId: string, subscriptionId: string) {
  if (!isGuid(subscriptionId)) return;
  await scope
    .selectFrom('subscriptions')
    .select('id')
    .where('id', '=', (eb) =>
      eb
        .selectFrom('subscriptions as a')
        .select('a.parent_subscription_id')
        .where('a.partner_id', '=', scope.partnerId)
        .where('a.customer_id', '=', customerId)
        .where('a.id', '=', subscriptionId),
    )
    .forNoKeyUpdate()
    .execute();
}

interface Step {
  before: SubRow;
  after: SubRow;
  event: EventType;
  reason?: string;
}

/** The columns a change writes; the version moves on so that every earlier ETag goes stale (R-API-3). */
async function save(scope: PartnerScope, s: SubRow): Promise<void> {
  await scope
    .updateTable('subscriptions')
    .set({
      status: s.status,
      quantity: s.quantity,
      friendly_name: s.friendly_name,
      auto_renew_enabled: s.auto_renew_enabled,
      suspension_reasons: JSON.stringify(s.suspension_reasons),
      suspension_comment: s.suspension_comment,
      suspended_at: s.suspended_at,
      suspended_with_parent: s.suspended_with_parent,
      status_changed_at: s.status_changed_at,
      data_retention_end_date: s.data_retention_end_date,
      // Moved only by a reactivation after the term ended (inCurrentTerm).
      commitment_end_date: s.commitment_end_date,
      unit_price: s.unit_price,
      unit_cost: s.unit_cost,
      version: s.version,
    })
    .where('id', '=', s.id)
    .execute();
}

/**
 * Applies a subscription PATCH (R-API-1, R-API-3): works out what changed in the full resource, checks each
 * move against the transition table, and writes it with its add-ons (R-ADD-3, R-ADD-4), its audit records,
 * events and ledger lines (R-BIL-2, R-BIL-3, R-BIL-4, R-QTY-3, R-CAN-2), in one transaction. Order of moves: rename,
 * auto-renew, reactivate, quantity, suspend or cancel.
 */
export async function updateSubscription(
  deps: { db: Db; now: Date },
  ctx: RequestContext,
  customerId: string,
  subscriptionId: string,
  version: VersionGiven,
  patch: SubscriptionPatch,
): Promise<SubscriptionView> {
  requirePermission(ctx.actor.role, 'subscriptions.manage');
  const expected = versionOf(version);
  const { now } = deps;
  return inTransaction(deps.db, async (trx) => {
    const plan = await planUpdate(trx, ctx, customerId, subscriptionId, expected, patch, now, true);
    if (!plan.steps) return toSubscriptionView(plan.sub, plan.offer);
    const { scope, steps } = plan;
    for (const step of steps) await save(scope, step.after);
    const names = await loadOffers(trx, [...new Set(steps.map((s) => s.after.offer_id))]);
    const changes: Change[] = steps.map((step) => ({
      resourceType: 'subscription',
      resourceId: step.after.id,
      operationType: 'update_subscription',
      customerId: plan.customer.id,
      customerName: plan.customer.company_name,
      ...(step.reason ? { reason: step.reason } : {}),
      before: toSubscriptionView(step.before, names.get(step.before.offer_id)),
      after: toSubscriptionView(step.after, names.get(step.after.offer_id)),
      event: step.event,
    }));
    const charges = await chargesOf(scope, steps, now);
    await scope.insertRows([
      ...changeRows(scope.partnerId, ctx, changes, now),
      ...ledgerRows(
        scope.partnerId,
        charges.map((c) => ({ ...c, postedAt: now })),
      ),
    ]);
    const accessMoves = steps.some(
      (step) =>
        step.after.status !== step.before.status ||
        step.after.auto_renew_enabled !== step.before.auto_renew_enabled,
    );
    // R-ACC: no process may answer from what this change made stale once this request has answered.
    if (accessMoves) await accessChanged(trx, ctx.actor.partnerId, [customerId]);
    return toSubscriptionView((steps[0] as Step).after, plan.offer);
  });
}

/** R-BIL-2, R-BIL-3, R-BIL-4, R-QTY-3, R-CAN-2: what each step of a change charges or credits, in its current term. */
async function chargesOf(scope: PartnerScope, steps: readonly Step[], now: Date) {
  // The term each subscription is in after the step: a reactivation may have moved it (inCurrentTerm).
  const terms = await currentTerms(
    scope,
    steps.map((s) => s.after),
  );
  return steps.map((step) => ({
    sub: step.after,
    lines: changeLines(
      billableOf(step.before),
      billableOf(step.after),
      now,
      terms.get(step.after.id) as NonNullable<ReturnType<typeof terms.get>>,
    ),
  }));
}

/** What a subscription change would do and charge, before the partner commits (console confirmations). */
export interface SubscriptionChangePreview {
  subscriptionId: string;
  currency: string;
  /** The subscription (and each add-on the change takes with it) as it would be after the change. */
  subscriptions: SubscriptionView[];
  lines: LedgerLineView[];
  /** Charges minus credits, minor units: negative is money back. */
  total: number;
  attributes: { objectType: 'SubscriptionChangePreview' };
}

/**
 * What `updateSubscription` would do with the same body (R-BIL-2, R-BIL-3, R-BIL-4, R-CAN-2, R-SUS-3): the same checks and
 * the same computation, with the resulting dates (`dataRetentionEndDate` of a suspension or cancellation) and
 * the ledger lines it would write; nothing is written. `If-Match` is optional here; a stale one is refused.
 */
export async function previewSubscriptionChange(
  deps: { db: Db; now: Date },
  ctx: RequestContext,
  customerId: string,
  subscriptionId: string,
  version: VersionGiven,
  patch: SubscriptionPatch,
): Promise<SubscriptionChangePreview> {
  requirePermission(ctx.actor.role, 'subscriptions.manage');
  const expected = versionOf(version);
  const { now } = deps;
  return inTransaction(deps.db, async (trx) => {
    const plan = await planUpdate(trx, ctx, customerId, subscriptionId, expected, patch, now, false);
    const steps = plan.steps ?? [];
    const names = await loadOffers(trx, [
      ...new Set([plan.sub.offer_id, ...steps.map((s) => s.after.offer_id)]),
    ]);
    const charges = await chargesOf(plan.scope, steps, now);
    const lines = charges.flatMap((c) => c.lines.map((l: LedgerLine) => lineView(c.sub, l)));
    const subscriptions = plan.steps
      ? steps.map((s) => toSubscriptionView(s.after, names.get(s.after.offer_id)))
      : [toSubscriptionView(plan.sub, plan.offer)];
    return {
      subscriptionId: plan.sub.id,
      currency: plan.sub.currency,
      subscriptions,
      lines,
      total: totalOf(lines),
      attributes: { objectType: 'SubscriptionChangePreview' as const },
    };
  });
}

/**
 * Works out a change (shared by the PATCH and its preview): loads, checks If-Match and each move, and returns
 * the steps (the subscription, then the add-ons it takes along), or no steps when nothing changes.
 */
async function planUpdate(
  trx: Db,
  ctx: RequestContext,
  customerId: string,
  subscriptionId: string,
  expected: ExpectedVersion | undefined,
  patch: SubscriptionPatch,
  now: Date,
  lock: boolean,
) {
  const scope = new PartnerScope(trx, ctx.actor.partnerId);
  const customer = lock ? await lockCustomerRow(scope, customerId) : await getCustomerRow(scope, customerId);
  if (lock) await lockBaseOf(scope, customerId, subscriptionId);
  const sub = lock
    ? await lockSubscriptionRow(scope, customerId, subscriptionId)
    : await getSubscriptionRow(scope, customerId, subscriptionId);
  throwIfStale(expected, sub.version, 'subscription.staleEtag', { subscriptionId });
  const offers = await loadOffers(trx, [sub.offer_id]);
  const offer = offers.get(sub.offer_id) as Offer;
  // The move the PATCH's status asks for (suspend, reactivate or cancel), as the transition table says.
  const action =
    patch.status === undefined
      ? undefined
      : actionForStatus(patch.status, sub.status as SubscriptionStatus, sub.id);
  let cur: SubRow = sub;
  const status = () => cur.status as SubscriptionStatus;
  let event: EventType = 'subscription.updated';
  let reason: string | undefined;
  const cascade: Step[] = [];

  const name = patch.friendlyName?.trim();
  if (name && name !== cur.friendly_name) {
    nextStatus(status(), 'rename', sub.id);
    cur = { ...cur, friendly_name: name };
  }
  if (patch.autoRenewEnabled !== undefined && patch.autoRenewEnabled !== cur.auto_renew_enabled) {
    nextStatus(status(), 'setAutoRenew', sub.id);
    throwIfCannotAutoRenew({ id: sub.id, isTrial: cur.is_trial }, offer.isAutoRenewable);
    cur = { ...cur, auto_renew_enabled: patch.autoRenewEnabled };
  }
  if (action === 'reactivate') {
    const to = nextStatus(status(), 'reactivate', sub.id);
    throwIfRetentionPassed({ id: sub.id, dataRetentionEndDate: cur.data_retention_end_date }, now);
    const parent = sub.parent_subscription_id
      ? await scope
          .selectFrom('subscriptions')
          .select('status')
          .where('id', '=', sub.parent_subscription_id)
          .executeTakeFirst()
      : undefined;
    throwIfBaseNotActive({
      id: sub.id,
      parentStatus: (parent?.status as SubscriptionStatus | undefined) ?? null,
    });
    cur = await inCurrentTerm(scope, reactivated(cur, to, now), now, offer);
    event = 'subscription.reactivated';
    // R-ADD-3: only the add-ons the base took down come back with it.
    const addOns = (await addOnsOf(scope, sub.id, lock)).filter(
      (a) => a.suspended_with_parent && moveTo(a.status as SubscriptionStatus, 'reactivate') !== null,
    );
    const addOnOffers = await loadOffers(trx, [...new Set(addOns.map((a) => a.offer_id))]);
    for (const addOn of addOns) {
      cascade.push({
        before: addOn,
        after: await inCurrentTerm(scope, reactivated(addOn, to, now), now, addOnOffers.get(addOn.offer_id)),
        event: 'subscription.reactivated',
        reason: 'with its base',
      });
    }
  }
  if (patch.quantity !== undefined && patch.quantity !== cur.quantity) {
    nextStatus(status(), 'changeQuantity', sub.id);
    throwIfTrial({ id: sub.id, isTrial: cur.is_trial });
    throwIfQuantityOutOfBounds({ id: sub.id }, patch.quantity, offer);
    // Seatwise's choice: a decrease below the licences in use is refused (the row lock serializes assignments).
    if (patch.quantity < cur.quantity)
      throwIfBelowAssigned(sub, patch.quantity, await assignedCount(scope, sub.id));
    cur = { ...cur, quantity: patch.quantity };
  }
  if (action === 'suspend') {
    const to = nextStatus(status(), 'suspend', sub.id);
    const reasons = parseSuspensionReasons(patch.suspensionReasons, patch.suspensionComment, sub.id);
    const retention = suspensionRetentionEnd(now, {
      accountOpenedAt: customer.account_opened_at,
      firstBillingPeriodStart: customer.first_billing_period_start,
    });
    cur = suspended(cur, to, now, reasons, patch.suspensionComment ?? null, retention, false);
    event = 'subscription.suspended';
    reason = reasons.join(', ');
    // R-ADD-3: the add-ons that can be suspended go down with their base.
    for (const addOn of await addOnsOf(scope, sub.id, lock)) {
      if (moveTo(addOn.status as SubscriptionStatus, 'suspend') !== null) {
        cascade.push({
          before: addOn,
          after: suspended(addOn, to, now, reasons, patch.suspensionComment ?? null, retention, true),
          event: 'subscription.suspended',
          reason: `${reasons.join(', ')} (with its base)`,
        });
      }
    }
  }
  if (action === 'cancel') {
    const to = nextStatus(status(), 'cancel', sub.id);
    cur = cancelled(cur, to, now);
    event = 'subscription.cancelled';
    // R-ADD-3: the add-ons go with their base in whatever state the table lets the system delete them from
    // (active, suspended, expired, disabled; not one already deleted). The table's delete, not cancel: an
    // expired add-on cannot be cancelled on its own, but goes with its base.
    for (const addOn of await addOnsOf(scope, sub.id, lock)) {
      const addOnTo = moveTo(addOn.status as SubscriptionStatus, 'delete');
      if (addOnTo !== null) {
        cascade.push({
          before: addOn,
          after: cancelled(addOn, addOnTo, now),
          event: 'subscription.cancelled',
          reason: 'with its base',
        });
      }
    }
  }

  const changed = JSON.stringify({ ...cur, version: 0 }) !== JSON.stringify({ ...sub, version: 0 });
  if (!changed) return { scope, customer, sub, offer, steps: undefined };
  const steps: Step[] = [
    { before: sub, after: { ...cur, version: sub.version + 1 }, event, ...(reason ? { reason } : {}) },
  ];
  for (const c of cascade) steps.push({ ...c, after: { ...c.after, version: c.before.version + 1 } });
  return { scope, customer, sub, offer, steps };
}

function suspended(
  s: SubRow,
  to: SubscriptionStatus,
  now: Date,
  reasons: string[],
  comment: string | null,
  retention: Date,
  withParent: boolean,
): SubRow {
  return {
    ...s,
    status: to,
    suspension_reasons: reasons,
    suspension_comment: comment,
    suspended_at: now,
    suspended_with_parent: withParent,
    status_changed_at: now,
    data_retention_end_date: retention,
  };
}

/** R-SUS-4: access comes back at once; the term and its renewal date are unchanged. */
function reactivated(s: SubRow, to: SubscriptionStatus, now: Date): SubRow {
  return {
    ...s,
    status: to,
    suspension_reasons: [],
    suspension_comment: null,
    suspended_at: null,
    suspended_with_parent: false,
    status_changed_at: now,
    data_retention_end_date: null,
  };
}

/**
 * A subscription reactivated after the end of the term it was suspended in (R-SUS-4 allows it until the
 * retention date): the sweeper renews only active subscriptions, so its term did not move while it was
 * suspended. With auto-renew on, it is renewed to the term that holds `now`, on its own renewal day (R-SUS-4:
 * the renewal date is unchanged) and at the then-current price (R-REN-1): the one the partner's rules gave
 * on the day that term began, as the renewal would have (R-PRC-2), with its cost; without charging the terms it
 * spent suspended: the reactivation charges the days from now to that term's end (R-BIL-4). With auto-renew
 * off it stays as it is, and the next sweep expires it (R-REN-2).
 */
async function inCurrentTerm(
  scope: PartnerScope,
  s: SubRow,
  now: Date,
  offer: Offer | undefined,
): Promise<SubRow> {
  if (!s.auto_renew_enabled || s.commitment_end_date.getTime() >= now.getTime()) return s;
  const cycle = s.billing_cycle as BillingCycle;
  let start = s.commitment_end_date;
  let end = s.commitment_end_date;
  while (end.getTime() <= now.getTime()) {
    start = end;
    end = termEnd(end, cycle);
  }
  if (!offer) return { ...s, commitment_end_date: end };
  // The price the partner's rules give on the day the term begins, as a renewal on that day would have
  // (R-PRC-2); an offer no longer priced in the currency keeps its price.
  const priced = await pricesFor(scope, [offer], s.customer_id, s.currency as Currency, start);
  const price = priced.get(offer.id);
  return {
    ...s,
    commitment_end_date: end,
    ...(price ? { unit_price: price.unitPrice, unit_cost: price.unitCost } : {}),
  };
}

/** R-CAN-1: ends at once; admins keep the data 90 days, then it is purged. */
function cancelled(s: SubRow, to: SubscriptionStatus, now: Date): SubRow {
  return {
    ...s,
    status: to,
    suspended_with_parent: false,
    status_changed_at: now,
    data_retention_end_date: cancellationRetentionEnd(now),
  };
}

/** What the console shows before a suspension or a cancellation is submitted (R-SUS-3, R-CAN-1). */
export interface RetentionPreview {
  subscriptionId: string;
  asOf: Date;
  /** If suspended now: the date its data would be deleted unless reactivated (R-SUS-3). */
  ifSuspended: { dataRetentionEndDate: Date; retentionDays: number };
  /** If cancelled now: the date its data would be purged (R-CAN-1). */
  ifCancelled: { dataRetentionEndDate: Date; retentionDays: number };
}

/**
 * The data-retention dates a suspension or a cancellation made now would give this subscription, computed
 * by the same rules the PATCH applies (`suspensionRetentionEnd`, `cancellationRetentionEnd`): read-only.
 */
export async function previewRetention(
  scope: PartnerScope,
  ctx: RequestContext,
  customerId: string,
  subscriptionId: string,
  now: Date,
): Promise<RetentionPreview> {
  requirePermission(ctx.actor.role, 'customers.view');
  const customer = await getCustomerRow(scope, customerId);
  const sub = await getSubscriptionRow(scope, customerId, subscriptionId);
  const suspendEnd = suspensionRetentionEnd(now, {
    accountOpenedAt: customer.account_opened_at,
    firstBillingPeriodStart: customer.first_billing_period_start,
  });
  const cancelEnd = cancellationRetentionEnd(now);
  return {
    subscriptionId: sub.id,
    asOf: now,
    ifSuspended: { dataRetentionEndDate: suspendEnd, retentionDays: daysSince(now, suspendEnd) },
    ifCancelled: { dataRetentionEndDate: cancelEnd, retentionDays: daysSince(now, cancelEnd) },
  };
}
