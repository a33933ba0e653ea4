import { timeline, type DatedFacts, type ScheduledStep } from '../subscription/schedule.ts';

/**
 * Access decisions (R-ACC): may a customer user sign in, use a service, reach the tenant's data. Pure: the
 * caller loads the user, the tenant's subscriptions and the time; every answer names the subscription and the
 * rule that decided it, and the date on which it changes by itself.
 *
 * | subscription state                                          | user with a licence    | admin                  |
 * | active; expired within its 30 days (R-REN-2)                | sign in, service, data | sign in, service, data |
 * | suspended; disabled; trial expired; cancelled before purge  | nothing                | sign in, data          |
 * | deleted and purged                                          | nothing                | nothing from it        |
 *
 * A user's rights come from the licences they hold; an admin's from the tenant's subscriptions, licence or
 * not (the table's admin column has no licence condition): an admin may sign in while the tenant has any
 * subscription not purged.
 */

export const CUSTOMER_USER_ROLES = ['admin', 'user'] as const;
export type CustomerUserRole = (typeof CUSTOMER_USER_ROLES)[number];

/** What a subscription's access depends on: the facts its schedule reads, and what it grants. */
export interface SubscriptionAccessFacts extends DatedFacts {
  id: string;
  offerId: string;
  servicePlans: readonly string[];
  /** Why it was suspended (R-SUS-1: customerRequest, nonPayment, fraud, other, unspecified); kept after. */
  suspensionReasons: readonly string[];
  /**
   * Its access phases from these facts (`accessPhases`), when whoever loaded the facts worked them out once;
   * a decision then only finds where `now` stands among them.
   */
  phases?: readonly PhaseSpan[];
}

export interface LicenseFacts {
  subscriptionId: string;
  /** Service plans of the offer this licence does not grant. */
  excludedPlans: readonly string[];
}

export interface UserAccessFacts {
  id: string;
  userPrincipalName: string;
  role: CustomerUserRole;
  licenses: readonly LicenseFacts[];
}

/** Where a subscription stands for access, at a given time. */
export type AccessState =
  'active' | 'expired' | 'suspended' | 'disabled' | 'trialExpired' | 'cancelled' | 'purged' | 'pending';

export interface AccessPhase {
  state: AccessState;
  /** Users with a licence and admins: sign in, service and data. */
  full: boolean;
  /** Admins: sign in and data (anything not purged). */
  adminData: boolean;
  rule: string;
  /** When `full` ends by itself; null when it does not. */
  fullUntil: Date | null;
  /** When the data is purged; null when that is not scheduled. */
  dataUntil: Date | null;
}

const PURGED: AccessPhase = {
  state: 'purged',
  full: false,
  adminData: false,
  rule: 'R-RET-2',
  fullUntil: null,
  dataUntil: null,
};

/** What a subscription in this state grants (the table above), leaving aside when it changes. */
function standing(f: DatedFacts): Omit<AccessPhase, 'fullUntil' | 'dataUntil'> {
  const full = (state: AccessState, rule: string) => ({ state, full: true, adminData: true, rule });
  const adminOnly = (state: AccessState, rule: string) => ({ state, full: false, adminData: true, rule });
  if (f.dataPurgedAt) return PURGED;
  switch (f.status) {
    case 'pending':
      return { state: 'pending', full: false, adminData: false, rule: 'R-ACC' };
    case 'active':
      return full('active', 'R-ACC');
    case 'expired': // R-REN-2: full access in the 30 days after expiry; an expired trial has none (R-TRI-4)
      return f.isTrial ? adminOnly('trialExpired', 'R-TRI-4') : full('expired', 'R-REN-2');
    case 'suspended':
      return adminOnly('suspended', 'R-SUS-2');
    case 'disabled':
      return adminOnly('disabled', 'R-REN-2');
    case 'deleted':
      return adminOnly('cancelled', 'R-CAN-1');
  }
}

/** An access phase and the time (ms) from which it holds; the first holds from the beginning of time. */
export interface PhaseSpan {
  from: number;
  phase: AccessPhase;
}

/** The phase of facts `cur`, with `ahead` the dated moves still to come: when full access and the data end. */
function phaseBefore(cur: DatedFacts, ahead: readonly ScheduledStep[]): AccessPhase {
  const phase = standing(cur);
  if (phase === PURGED) return PURGED;
  const fullEnds = phase.full ? ahead.find((step) => !standing(step.after).full) : undefined;
  const purge = ahead.find((step) => step.after.dataPurgedAt !== null);
  return { ...phase, fullUntil: fullEnds?.at ?? null, dataUntil: purge?.at ?? null };
}

/**
 * The subscription's access phases, read from the lifecycle schedule: one from now on, then one from each
 * dated move the sweeper will make if nobody acts (R-RET-3). A move the sweeper has not made yet is taken as
 * made on its date, so that a decision never lags behind the calendar (an active trial past its 30 days is
 * expired, R-TRI-4; a term that ended without renewal is expired, R-REN-2; and so on to the purge).
 * `fullUntil` is the date of the next move that ends full access, `dataUntil` the date of the purge.
 */
export function accessPhases(f: DatedFacts): PhaseSpan[] {
  const steps = timeline(f);
  const spans: PhaseSpan[] = [{ from: Number.NEGATIVE_INFINITY, phase: phaseBefore(f, steps) }];
  steps.forEach((step, i) => {
    spans.push({ from: step.at.getTime(), phase: phaseBefore(step.after, steps.slice(i + 1)) });
  });
  return spans;
}

/**
 * The subscription's access phase at `now`: the last of its phases that has begun (moves due at the same
 * instant are all made). Allocates nothing when the phases were worked out at load.
 */
export function accessPhase(s: SubscriptionAccessFacts, now: Date): AccessPhase {
  const spans = s.phases ?? accessPhases(s);
  const at = now.getTime();
  let phase = (spans[0] as PhaseSpan).phase;
  for (let i = 1; i < spans.length && (spans[i] as PhaseSpan).from <= at; i++)
    phase = (spans[i] as PhaseSpan).phase;
  return phase;
}

/** Why an answer is what it is: the deciding subscription's state, or what was missing. */
export type AccessReason = AccessState | 'noLicence' | 'noSubscription' | 'unknownUser';

export interface AccessAnswer {
  allowed: boolean;
  /** The subscription that decided, when one did. */
  subscriptionId: string | null;
  offerId: string | null;
  reason: AccessReason;
  /** The SPEC rule that decided (R-ACC, R-SUS-2, R-CAN-1, R-REN-2, R-TRI-4, R-RET-2). */
  rule: string;
  /** When an allowed answer ends by itself (null: it does not); null when refused. */
  until: Date | null;
  /**
   * Why the deciding subscription is suspended (R-SUS-1, R-SUS-2), as the partner gave it; empty when the
   * reason is not `suspended`. The subscription's own array, not a copy: nothing is allocated per answer.
   */
  suspensionReasons: readonly string[];
}

export interface AccessDecision {
  signIn: AccessAnswer;
  service: AccessAnswer;
  data: AccessAnswer;
}

interface Candidate {
  sub: SubscriptionAccessFacts;
  phase: AccessPhase;
}

// When nothing allows, the answer names the subscription whose state explains it best.
const REFUSAL_ORDER: readonly AccessState[] = [
  'suspended',
  'cancelled',
  'trialExpired',
  'disabled',
  'pending',
  'purged',
];

const NONE: readonly string[] = Object.freeze([]);

/** The reasons an answer carries: the deciding subscription's, only while it is suspended (R-SUS-2). */
const reasonsOf = (c: Candidate): readonly string[] =>
  c.phase.state === 'suspended' ? c.sub.suspensionReasons : NONE;

const later = (a: Date | null, b: Date | null) => a === null || (b !== null && a.getTime() > b.getTime());

/**
 * Among the candidates, the one that allows for longest (an active one before one in its 30 days after
 * expiry), or, when none allows, the one that explains the refusal.
 */
function decideAmong(
  candidates: readonly Candidate[],
  allows: (p: AccessPhase) => boolean,
  untilOf: (p: AccessPhase) => Date | null,
  none: { reason: AccessReason; rule: string },
): AccessAnswer {
  let best: Candidate | undefined;
  for (const c of candidates) {
    if (!allows(c.phase)) continue;
    if (
      !best ||
      later(untilOf(c.phase), untilOf(best.phase)) ||
      (untilOf(c.phase)?.getTime() === untilOf(best.phase)?.getTime() &&
        c.phase.state === 'active' &&
        best.phase.state !== 'active')
    ) {
      best = c;
    }
  }
  if (best) {
    return {
      allowed: true,
      subscriptionId: best.sub.id,
      offerId: best.sub.offerId,
      reason: best.phase.state,
      rule: best.phase.rule,
      until: untilOf(best.phase),
      suspensionReasons: reasonsOf(best),
    };
  }
  let explain: Candidate | undefined;
  for (const c of candidates) {
    if (!explain || REFUSAL_ORDER.indexOf(c.phase.state) < REFUSAL_ORDER.indexOf(explain.phase.state)) {
      explain = c;
    }
  }
  if (!explain) {
    return {
      allowed: false,
      subscriptionId: null,
      offerId: null,
      ...none,
      until: null,
      suspensionReasons: NONE,
    };
  }
  return {
    allowed: false,
    subscriptionId: explain.sub.id,
    offerId: explain.sub.offerId,
    reason: explain.phase.state,
    rule: explain.phase.rule,
    until: null,
    suspensionReasons: reasonsOf(explain),
  };
}

const isFull = (p: AccessPhase) => p.full;
const isNotPurged = (p: AccessPhase) => p.full || p.adminData;
const fullUntil = (p: AccessPhase) => p.fullUntil;
const dataUntil = (p: AccessPhase) => p.dataUntil;

const NO_SUBSCRIPTION = { reason: 'noSubscription' as const, rule: 'R-ACC' };
const NO_LICENSE = { reason: 'noLicence' as const, rule: 'R-ACC' };

const grantsPlan = (sub: SubscriptionAccessFacts, plan: string | undefined, excluded: readonly string[]) =>
  plan === undefined || (sub.servicePlans.includes(plan) && !excluded.includes(plan));

/**
 * Decides sign-in, service use and data access for one user (R-ACC, R-SUS-2, R-CAN-1, R-REN-2, R-TRI-4,
 * R-RET-2), optionally for one service plan; without a plan, service and data are about any of the user's
 * services. `subscriptions` are the tenant's, in a stable order (creation). On the hot path of every decision:
 * no closures, one pass.
 */
export function decideAccess(
  user: UserAccessFacts,
  subscriptions: ReadonlyMap<string, SubscriptionAccessFacts>,
  servicePlan: string | undefined,
  now: Date,
): AccessDecision {
  const all: Candidate[] = [];
  const forPlan: Candidate[] = [];
  if (user.role === 'admin') {
    for (const sub of subscriptions.values()) {
      const c = { sub, phase: accessPhase(sub, now) };
      all.push(c);
      if (grantsPlan(sub, servicePlan, NONE)) forPlan.push(c);
    }
    return {
      signIn: decideAmong(all, isNotPurged, dataUntil, NO_SUBSCRIPTION),
      service: decideAmong(forPlan, isFull, fullUntil, NO_SUBSCRIPTION),
      data: decideAmong(forPlan, isNotPurged, dataUntil, NO_SUBSCRIPTION),
    };
  }
  for (const license of user.licenses) {
    const sub = subscriptions.get(license.subscriptionId);
    if (!sub) continue;
    const c = { sub, phase: accessPhase(sub, now) };
    all.push(c);
    if (grantsPlan(sub, servicePlan, license.excludedPlans)) forPlan.push(c);
  }
  const service = decideAmong(forPlan, isFull, fullUntil, NO_LICENSE);
  return {
    signIn: decideAmong(all, isFull, fullUntil, NO_LICENSE),
    service,
    data: service, // for a user, data goes with the service (R-ACC: the same rows allow both)
  };
}

/** The answer for a user the tenant does not have: nothing, and why. */
export function unknownUserDecision(): AccessDecision {
  const no: AccessAnswer = {
    allowed: false,
    subscriptionId: null,
    offerId: null,
    reason: 'unknownUser',
    rule: 'R-ACC',
    until: null,
    suspensionReasons: NONE,
  };
  return { signIn: no, service: no, data: no };
}
