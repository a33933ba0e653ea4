import { DomainError, refusal } from '../errors.ts';

/**
 * The subscription lifecycle as data (R-SUS, R-CAN, R-REN, R-RET, R-TRI-4, R-ADD-3, R-ADD-4, R-QTY): one table of
 * moves and named guards; the dated moves and the dates each state carries are in `schedule.ts`. Pure: the
 * use cases and the sweeper load, ask here, and write.
 */
export const SUBSCRIPTION_STATUSES = [
  'pending',
  'active',
  'suspended',
  'expired',
  'disabled',
  'deleted',
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** Partner actions (through PATCH) and system actions (the lifecycle sweeper, R-RET-3). */
export type LifecycleAction =
  | 'suspend'
  | 'reactivate'
  | 'cancel'
  | 'changeQuantity'
  | 'rename'
  | 'setAutoRenew'
  | 'expireTrial'
  | 'renew'
  | 'expire'
  | 'disable'
  | 'delete'
  | 'purge';

/** A refusal: Partner Center's code, the rule, and the message key the HTTP layer localizes. */
export interface Refusal {
  code: number;
  rule: string;
  messageKey: string;
}

type Move = SubscriptionStatus | Refusal;

const refuse = (code: number, rule: string, messageKey: string): Refusal => ({ code, rule, messageKey });
const DELETED = refuse(2011, 'R-CAN-1', 'subscription.deleted');
const ENDED = refuse(800096, 'R-REN-2', 'subscription.ended');
const NOT_ACTIVE = refuse(800096, 'R-SUS-1', 'subscription.suspendNotActive');
const NOT_SUSPENDED = refuse(800096, 'R-SUS-4', 'subscription.reactivateNotSuspended');
const SYSTEM_ONLY = refuse(800096, 'R-RET-3', 'subscription.systemOnly');

/**
 * The transition table: for each state and action, the state it leads to or why it is refused. Every cell is
 * filled, so a new state or action does not compile until each move is decided; tests walk every cell.
 */
export const TRANSITIONS: Record<SubscriptionStatus, Record<LifecycleAction, Move>> = {
  pending: {
    suspend: refuse(800081, 'R-SUS-1', 'subscription.pending'),
    reactivate: refuse(800081, 'R-SUS-4', 'subscription.pending'),
    cancel: refuse(800081, 'R-CAN-1', 'subscription.pending'),
    changeQuantity: refuse(800081, 'R-QTY-2', 'subscription.pending'),
    rename: 'pending',
    setAutoRenew: 'pending',
    expireTrial: SYSTEM_ONLY,
    renew: SYSTEM_ONLY,
    expire: SYSTEM_ONLY,
    disable: SYSTEM_ONLY,
    delete: SYSTEM_ONLY,
    purge: SYSTEM_ONLY,
  },
  active: {
    suspend: 'suspended',
    reactivate: NOT_SUSPENDED,
    cancel: 'deleted',
    changeQuantity: 'active',
    rename: 'active',
    setAutoRenew: 'active',
    expireTrial: 'expired',
    renew: 'active',
    expire: 'expired',
    disable: SYSTEM_ONLY,
    delete: 'deleted',
    purge: SYSTEM_ONLY,
  },
  suspended: {
    suspend: NOT_ACTIVE,
    reactivate: 'active',
    cancel: 'deleted',
    changeQuantity: refuse(2001, 'R-QTY-2', 'subscription.quantityWhileSuspended'),
    rename: 'suspended',
    setAutoRenew: 'suspended',
    expireTrial: SYSTEM_ONLY,
    renew: SYSTEM_ONLY,
    expire: SYSTEM_ONLY,
    disable: SYSTEM_ONLY,
    delete: 'deleted',
    purge: SYSTEM_ONLY,
  },
  expired: {
    suspend: NOT_ACTIVE,
    reactivate: ENDED,
    cancel: ENDED,
    changeQuantity: refuse(800091, 'R-QTY-2', 'subscription.quantityWhileEnded'),
    rename: 'expired',
    setAutoRenew: ENDED,
    expireTrial: SYSTEM_ONLY,
    renew: SYSTEM_ONLY,
    expire: SYSTEM_ONLY,
    disable: 'disabled',
    delete: 'deleted',
    purge: SYSTEM_ONLY,
  },
  disabled: {
    suspend: NOT_ACTIVE,
    reactivate: ENDED,
    cancel: ENDED,
    changeQuantity: refuse(800091, 'R-QTY-2', 'subscription.quantityWhileEnded'),
    rename: 'disabled',
    setAutoRenew: ENDED,
    expireTrial: SYSTEM_ONLY,
    renew: SYSTEM_ONLY,
    expire: SYSTEM_ONLY,
    disable: SYSTEM_ONLY,
    delete: 'deleted',
    purge: SYSTEM_ONLY,
  },
  deleted: {
    suspend: DELETED,
    reactivate: DELETED,
    cancel: DELETED,
    changeQuantity: DELETED,
    rename: DELETED,
    setAutoRenew: DELETED,
    expireTrial: DELETED,
    renew: DELETED,
    expire: DELETED,
    disable: DELETED,
    delete: DELETED,
    purge: 'deleted',
  },
};

export const isRefusal = (m: Move): m is Refusal => typeof m !== 'string';

export function refusalError(r: Refusal, subscriptionId: string, field = 'status'): DomainError {
  return refusal(r.code, r.messageKey, { subscriptionId }, [{ field, rule: r.rule, subscriptionId }]);
}

/** The state `action` leads to from `status`, or null where the table refuses it. */
export function moveTo(status: SubscriptionStatus, action: LifecycleAction): SubscriptionStatus | null {
  const move = TRANSITIONS[status][action];
  return isRefusal(move) ? null : move;
}

/** The state `action` leads to from `status`, or the refusal as a DomainError naming the rule. */
export function nextStatus(
  status: SubscriptionStatus,
  action: LifecycleAction,
  subscriptionId: string,
): SubscriptionStatus {
  const move = TRANSITIONS[status][action];
  if (isRefusal(move))
    throw refusalError(move, subscriptionId, action === 'changeQuantity' ? 'quantity' : 'status');
  return move;
}

/** R-SUS-1: the reasons a partner may give; `unspecified` is recorded for clients that send none. */
export const SUSPENSION_REASONS = ['customerRequest', 'nonPayment', 'fraud', 'other'] as const;
/** One of Seatwise's reasons, `unspecified`, or a reason as Partner Center spells it (`CustomerCancellation`). */
export type SuspensionReason = (typeof SUSPENSION_REASONS)[number] | 'unspecified' | (string & {});

/**
 * Partner Center's reasons are an open, undocumented set (`CustomerCancellation`, `PartnerSuspension`, ...):
 * a name of that form is kept as sent, so that a client written for Partner Center is never refused for it.
 */
const PARTNER_CENTER_REASON = /^[A-Za-z][A-Za-z0-9_]{0,49}$/;

/**
 * Reads reasons in any case (`NonPayment`, `nonpayment` are `nonPayment`), keeps Partner Center's own reason
 * names as sent, and refuses what is not a reason name and `other` without a comment.
 */
export function parseSuspensionReasons(
  values: readonly string[] | undefined,
  comment: string | undefined,
  subscriptionId: string,
): SuspensionReason[] {
  if (!values || values.length === 0) return ['unspecified'];
  const reasons = values.map((v): SuspensionReason => {
    const found = SUSPENSION_REASONS.find((r) => r.toLowerCase() === v.trim().toLowerCase());
    if (found) return found;
    if (PARTNER_CENTER_REASON.test(v.trim())) return v.trim();
    throw new DomainError(
      'invalid_input',
      2000,
      'subscription.unknownReason',
      { value: v, allowed: SUSPENSION_REASONS.join(', ') },
      [{ field: 'suspensionReasons', rule: 'R-SUS-1' }],
    );
  });
  if (reasons.includes('other') && !comment?.trim()) {
    throw new DomainError('invalid_input', 2000, 'subscription.commentRequired', { subscriptionId }, [
      { field: 'suspensionComment', rule: 'R-SUS-1' },
    ]);
  }
  return [...new Set(reasons)];
}

/** R-SUS-4 / R-SUS-5: reactivation is allowed until the retention date, not after. */
export function throwIfRetentionPassed(
  sub: { id: string; dataRetentionEndDate: Date | null },
  now: Date,
): void {
  if (sub.dataRetentionEndDate && now.getTime() >= sub.dataRetentionEndDate.getTime()) {
    throw refusalError(refuse(800096, 'R-SUS-5', 'subscription.retentionPassed'), sub.id);
  }
}

/** R-ADD-4: an add-on cannot come back while its base is not active. */
export function throwIfBaseNotActive(sub: { id: string; parentStatus: SubscriptionStatus | null }): void {
  if (sub.parentStatus !== null && sub.parentStatus !== 'active') {
    throw refusalError(refuse(27009, 'R-ADD-4', 'subscription.baseNotActive'), sub.id);
  }
}

const TRIAL_QUANTITY = refuse(800027, 'R-QTY-2', 'subscription.trialQuantity');
const NOT_AUTO_RENEWABLE = refuse(800093, 'R-REN-1', 'subscription.notAutoRenewable');

/** R-QTY-2: a trial's 25 licences do not change. */
export function throwIfTrial(sub: { id: string; isTrial: boolean }): void {
  if (sub.isTrial) throw refusalError(TRIAL_QUANTITY, sub.id, 'quantity');
}

/** R-QTY-1: the new total must lie within the offer's bounds. */
export function throwIfQuantityOutOfBounds(
  sub: { id: string },
  quantity: number,
  bounds: { minimumQuantity: number; maximumQuantity: number },
): void {
  if (quantity < bounds.minimumQuantity || quantity > bounds.maximumQuantity) {
    throw new DomainError(
      'refused',
      2002,
      'subscription.quantityOutOfBounds',
      { subscriptionId: sub.id, min: bounds.minimumQuantity, max: bounds.maximumQuantity },
      [{ field: 'quantity', rule: 'R-QTY-1', subscriptionId: sub.id }],
    );
  }
}

/** Auto-renew is for paid subscriptions of auto-renewable offers (R-REN-1). */
export function throwIfCannotAutoRenew(sub: { id: string; isTrial: boolean }, offerRenews: boolean): void {
  if (sub.isTrial || !offerRenews) throw refusalError(NOT_AUTO_RENEWABLE, sub.id, 'autoRenewEnabled');
}

/** The moves a partner makes through the PATCH (R-API-1); the others are the sweeper's (`schedule.ts`). */
export const PARTNER_ACTIONS = [
  'suspend',
  'reactivate',
  'cancel',
  'changeQuantity',
  'rename',
  'setAutoRenew',
] as const satisfies readonly LifecycleAction[];
export type PartnerAction = (typeof PARTNER_ACTIONS)[number];

/** What `allowedActions` knows of a subscription: its row, and whether its offer renews when that is known. */
export interface ActionFacts {
  status: SubscriptionStatus;
  isTrial: boolean;
  /** The offer's `isAutoRenewable` (R-REN-1); undefined when the caller has not loaded the offer. */
  offerRenews?: boolean | undefined;
}

/**
 * Why a partner action is refused on this subscription, by the table first and then by the guards that read
 * only the subscription and its offer (R-QTY-2 for trials, R-REN-1); null when it is allowed. The PATCH checks
 * the same table and guards in the same order, plus what depends on the request (bounds, retention date, the
 * base's state for an add-on, R-QTY-1, R-SUS-5, R-ADD-4).
 */
export function partnerRefusal(action: PartnerAction, s: ActionFacts): Refusal | null {
  const move = TRANSITIONS[s.status][action];
  if (isRefusal(move)) return move;
  if (action === 'changeQuantity' && s.isTrial) return TRIAL_QUANTITY;
  if (action === 'setAutoRenew' && (s.isTrial || s.offerRenews === false)) return NOT_AUTO_RENEWABLE;
  return null;
}

/** The partner actions this subscription accepts now (the API's `allowedActions`, read by the console). */
export const allowedActions = (s: ActionFacts): PartnerAction[] =>
  PARTNER_ACTIONS.filter((a) => partnerRefusal(a, s) === null);

/**
 * The partner actions that change a subscription's state, by the state they lead to, read from the table:
 * suspend → suspended, reactivate → active, cancel → deleted. A PATCH asks for a state; this says which move
 * that is. Two actions leading to one state would make a PATCH ambiguous, so that does not load.
 */
const STATUS_ACTIONS: ReadonlyMap<SubscriptionStatus, PartnerAction> = (() => {
  const byTarget = new Map<SubscriptionStatus, PartnerAction>();
  for (const from of SUBSCRIPTION_STATUSES) {
    for (const action of PARTNER_ACTIONS) {
      const to = moveTo(from, action);
      if (to === null || to === from) continue;
      const other = byTarget.get(to);
      if (other !== undefined && other !== action)
        throw new Error(`Two partner actions lead to ${to}: ${other} and ${action}`);
      byTarget.set(to, action);
    }
  }
  return byTarget;
})();

/**
 * The partner action a PATCH's `status` asks for (R-API-1), or undefined when it names the current state
 * (Partner Center's clients send the whole resource back). A state only the lifecycle reaches (pending,
 * expired, disabled) is refused (R-RET-3; R-CAN-1's 2011 for a deleted subscription); a word that is no state
 * is a 2000 naming the field.
 */
export function actionForStatus(
  value: string,
  current: SubscriptionStatus,
  subscriptionId: string,
): PartnerAction | undefined {
  const v = value.trim().toLowerCase();
  if (v === current) return undefined;
  const action = STATUS_ACTIONS.get(v as SubscriptionStatus);
  if (action) return action;
  if ((SUBSCRIPTION_STATUSES as readonly string[]).includes(v)) {
    // R-CAN-1: a deleted subscription is never updated again, whatever is asked (the table's deleted row).
    throw refusalError(current === 'deleted' ? DELETED : SYSTEM_ONLY, subscriptionId);
  }
  throw new DomainError('invalid_input', 2000, 'subscription.unknownStatus', { value }, [
    { field: 'status' },
  ]);
}
