import { daysSince, plusDays } from '../clock.ts';
import {
  isRefusal,
  TRANSITIONS,
  type LifecycleAction,
  type SubscriptionStatus,
} from './subscription-rules.ts';

/**
 * The dated half of the lifecycle (R-RET-3): the moves nobody asks for, each made by the sweeper when its date
 * comes. Each entry says which subscriptions it applies to, from which of their dates it falls due, and which
 * action of `TRANSITIONS` it makes; what the move writes (`made`) and every later date follow from it. The
 * sweeper's due queries, its writes, the access phase and the console's dates are all read from here.
 *
 * Adding a dated move: an entry here, the action in `TRANSITIONS` (its target state comes from the table), its
 * effect on the dates in `EFFECTS`, and their tests. A move must take the subscription out of its own due
 * condition (a new state, or a later date), or every sweep would make it again: `made` refuses one that does
 * not. A move that keeps the state and dates (a reminder, say) needs a column that records it was made.
 */

/** R-TRI-4, R-CAN-1: an expired trial's and a cancelled subscription's data are kept this many days. */
export const RETENTION_DAYS = 90;
/** R-REN-2: an expired subscription keeps full access this many days, then is disabled... */
export const EXPIRED_DAYS = 30;
/** ...for this many days, then deleted and purged. */
export const DISABLED_DAYS = 90;
/** R-SUS-3: a suspension keeps the data 90 days plus the customer's days before first billing, at most this. */
export const MAX_SUSPENSION_RETENTION_DAYS = 120;

/**
 * R-SUS-3: the data of a subscription suspended at `suspendedAt` is kept 90 days, plus the days between the
 * customer's account opening and its first billing period, at most 120 days in all.
 */
export function suspensionRetentionEnd(
  suspendedAt: Date,
  customer: { accountOpenedAt: Date; firstBillingPeriodStart: Date | null },
): Date {
  const extra = customer.firstBillingPeriodStart
    ? daysSince(customer.accountOpenedAt, customer.firstBillingPeriodStart)
    : 0;
  return plusDays(suspendedAt, Math.min(MAX_SUSPENSION_RETENTION_DAYS, RETENTION_DAYS + extra));
}

/** R-CAN-1: a cancelled subscription's data is kept 90 days. */
export const cancellationRetentionEnd = (cancelledAt: Date): Date => plusDays(cancelledAt, RETENTION_DAYS);

/** What the schedule reads of a subscription, and what its moves change. */
export interface DatedFacts {
  status: SubscriptionStatus;
  isTrial: boolean;
  autoRenewEnabled: boolean;
  /** An add-on renews only with its base (R-REN-1): the base's flag, or null for a base. */
  parentAutoRenewEnabled: boolean | null;
  commitmentEndDate: Date;
  statusChangedAt: Date;
  dataRetentionEndDate: Date | null;
  dataPurgedAt: Date | null;
}

/** The date columns a move can fall due from. */
export type DueColumn = 'commitmentEndDate' | 'statusChangedAt' | 'dataRetentionEndDate';

export interface DatedMove {
  /** The sweeper's name for the move (its progress, its report, `seatwise sweep`). */
  step: 'expireTrials' | 'endTerms' | 'disable' | 'delete' | 'purgeCancelled';
  /** The table's action; `endTerms` makes `renew` or `expire` (see `actionOf`). */
  action: LifecycleAction;
  rule: string;
  /** The states it applies to... */
  from: readonly SubscriptionStatus[];
  /** ...trials only (true), paid only (false), or both (null)... */
  trial: boolean | null;
  /** ...and only while the data is not purged. */
  unpurged: boolean;
  /** It falls due `days` after this date. */
  dueColumn: DueColumn;
  days: number;
}

/** The dated moves, in the order a sweep makes them. */
export const SCHEDULE = [
  // R-TRI-4: a trial not converted by its 30th day (its term end, R-TRI-1) expires.
  {
    step: 'expireTrials',
    action: 'expireTrial',
    rule: 'R-TRI-4',
    from: ['active'],
    trial: true,
    unpurged: false,
    dueColumn: 'commitmentEndDate',
    days: 0,
  },
  // R-REN-1, R-REN-2: at term end a paid subscription renews, or expires without auto-renew.
  {
    step: 'endTerms',
    action: 'expire',
    rule: 'R-REN-2',
    from: ['active'],
    trial: false,
    unpurged: false,
    dueColumn: 'commitmentEndDate',
    days: 0,
  },
  // R-REN-2: 30 days after expiry, admins only.
  {
    step: 'disable',
    action: 'disable',
    rule: 'R-REN-2',
    from: ['expired'],
    trial: false,
    unpurged: false,
    dueColumn: 'statusChangedAt',
    days: EXPIRED_DAYS,
  },
  // R-SUS-5, R-REN-2, R-TRI-4: deleted and purged (R-RET-2) on the retention date.
  {
    step: 'delete',
    action: 'delete',
    rule: 'R-SUS-5',
    from: ['suspended', 'expired', 'disabled'],
    trial: null,
    unpurged: true,
    dueColumn: 'dataRetentionEndDate',
    days: 0,
  },
  // R-CAN-1: a cancelled subscription's data is purged (R-RET-2) on the retention date.
  {
    step: 'purgeCancelled',
    action: 'purge',
    rule: 'R-CAN-1',
    from: ['deleted'],
    trial: null,
    unpurged: true,
    dueColumn: 'dataRetentionEndDate',
    days: 0,
  },
] as const satisfies readonly DatedMove[];

export type SweepStep = (typeof SCHEDULE)[number]['step'];
/** The actions the schedule makes: its moves', and `renew` at a term end that renews (`actionOf`). */
export type DatedAction = (typeof SCHEDULE)[number]['action'] | 'renew';

/** R-REN-1: auto-renew on, and for an add-on, on for its base too. */
export const renews = (f: DatedFacts): boolean => f.autoRenewEnabled && f.parentAutoRenewEnabled !== false;

/** The action a move makes on these facts: at term end, `renew` (R-REN-1) or `expire` (R-REN-2). */
export const actionOf = (move: DatedMove, f: DatedFacts): DatedAction =>
  move.step === 'endTerms' && renews(f) ? 'renew' : (move.action as DatedAction);

/** Whether the move applies to a subscription in this state (whatever its date). */
export const applies = (move: DatedMove, f: DatedFacts): boolean =>
  move.from.includes(f.status) &&
  (move.trial === null || move.trial === f.isTrial) &&
  (!move.unpurged || f.dataPurgedAt === null);

/** The date the move falls due for these facts, or null when it does not apply (or has no date to go by). */
export function dueDate(move: DatedMove, f: DatedFacts): Date | null {
  if (!applies(move, f)) return null;
  const from = f[move.dueColumn];
  return from ? plusDays(from, move.days) : null;
}

/**
 * The latest value of the move's due column that is due at `now` (`column <= dueBefore(move, now)`): the
 * sweeper's SQL condition and `dueDate` are the same inequality, turned round.
 */
export const dueBefore = (move: DatedMove, now: Date): Date => plusDays(now, -move.days);

/**
 * What each action writes besides the state, the move being made on its due date `at`: a new dated move
 * does not compile until it has its effect here.
 */
const EFFECTS: Record<DatedAction, (at: Date) => Partial<DatedFacts>> = {
  // R-TRI-4: admins keep the data 90 days.
  expireTrial: (at) => ({ statusChangedAt: at, dataRetentionEndDate: plusDays(at, RETENTION_DAYS) }),
  // R-REN-2: 30 days of full access, then 90 disabled, then deleted.
  expire: (at) => ({ statusChangedAt: at, dataRetentionEndDate: plusDays(at, EXPIRED_DAYS + DISABLED_DAYS) }),
  disable: (at) => ({ statusChangedAt: at }),
  // R-RET-2: deleted and purged at once.
  delete: (at) => ({ statusChangedAt: at, dataPurgedAt: at }),
  purge: (at) => ({ dataPurgedAt: at }),
  // The term moves on: the sweeper opens the next terms and charges them (R-REN-1).
  renew: () => ({}),
};

/**
 * The facts after the move is made on its due date (a late sweep dates it when it fell due, R-RET-3). The new
 * state is the table's; a move the table refuses is a defect of the schedule and throws.
 */
export function made(move: DatedMove, f: DatedFacts): DatedFacts {
  const at = dueDate(move, f);
  if (!at) throw new Error(`${move.step} does not apply to a ${f.status} subscription`);
  const action = actionOf(move, f);
  const to = TRANSITIONS[f.status][action];
  if (isRefusal(to))
    throw new Error(`${action} is refused from ${f.status}: the schedule and the table differ`);
  // Undefined only for a move built outside SCHEDULE's types.
  const effect = EFFECTS[action] as ((at: Date) => Partial<DatedFacts>) | undefined;
  if (!effect) throw new Error(`${action} has no dated effect`);
  const after = { ...f, status: to, ...effect(at) };
  // A renewal's next term end is the sweeper's (terms.ts): the only move that leaves its date to others.
  const again = action === 'renew' ? null : dueDate(move, after);
  if (again && again.getTime() <= at.getTime())
    throw new Error(`${move.step} would fall due again at once: it must change the state or its date`);
  return after;
}

/** The next dated move of a subscription: the applicable one that falls due first (the schedule's order on a tie). */
export function nextMove(f: DatedFacts): { move: DatedMove; at: Date } | null {
  let next: { move: DatedMove; at: Date } | null = null;
  for (const move of SCHEDULE) {
    const at = dueDate(move, f);
    if (at && (!next || at.getTime() < next.at.getTime())) next = { move, at };
  }
  return next;
}

export interface ScheduledStep {
  move: DatedMove;
  action: LifecycleAction;
  at: Date;
  /** The facts once it is made. */
  after: DatedFacts;
}

/**
 * Every dated move left to the subscription, in order, as the sweeper will make them if nobody acts: for a
 * subscription that renews, nothing (its term end renews it, and nothing ends by itself).
 */
export function timeline(f: DatedFacts): ScheduledStep[] {
  const steps: ScheduledStep[] = [];
  let cur = f;
  for (let next = nextMove(cur); next; next = nextMove(cur)) {
    const action = actionOf(next.move, cur);
    if (action === 'renew') break;
    cur = made(next.move, cur);
    steps.push({ move: next.move, action, at: next.at, after: cur });
  }
  return steps;
}

/** The facts as a sweep at `now` would leave them: every dated move due by then made. */
export function settled(f: DatedFacts, now: Date): DatedFacts {
  let cur = f;
  for (const step of timeline(f)) {
    if (step.at.getTime() > now.getTime()) break;
    cur = step.after;
  }
  return cur;
}
