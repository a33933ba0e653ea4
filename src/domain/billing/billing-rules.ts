import type { BillingCycle } from '../catalog/offer.ts';
import { DAY_MS, daysLeft, daysSince } from '../clock.ts';
import { divideRounded, toSafeNumber } from './money.ts';

/**
 * Which charge or credit a subscription change gives (R-BIL-1, R-BIL-2, R-BIL-3, R-BIL-4, R-BIL-5, R-QTY-3, R-CAN-2, R-ADD-2, R-REN-1). Pure:
 * the use cases hand in the subscription before and after the change and the term it is in, and write the
 * lines this returns in the change's own transaction. Previews call the same functions and write nothing.
 *
 * Decisions (README, "Billing"):
 * - Prices are per licence per month in minor units; a term costs one month (monthly) or twelve (annual).
 * - Days are counted in whole 24-hour days from the instant the term (or the subscription's billing in it)
 *   began. The day a change is made on counts as left: a change on the last day of a term bills 1 day.
 * - Proration (R-BIL-2, R-BIL-4, R-BIL-3 after day 30): annual `price × 12 / 365 × days × licences` (the
 *   rule's own formula, also in a 366-day term, never more than the whole term); monthly
 *   `price × days / days in the term × licences`.
 * - "Within 30 days of the term start" (R-BIL-3) means on days 1 to 30, that is fewer than 30 whole days
 *   after it; the credit is then 100% of what this term charged the subscription, net of earlier credits.
 *   Later, the prorated credit, never more than that net.
 * - Each line is rounded once, half away from zero, in integer arithmetic.
 */

/** Why a ledger line was written. */
export const LEDGER_REASONS = [
  'purchase',
  'addOnPurchase',
  'conversion',
  'renewal',
  'quantityIncrease',
  'quantityDecrease',
  'suspension',
  'reactivation',
  'cancellation',
] as const;
export type LedgerReason = (typeof LEDGER_REASONS)[number];

/** The reasons that open a term: at most one per subscription and term (a unique index holds it). */
export const OPENING_REASONS: readonly LedgerReason[] = [
  'purchase',
  'addOnPurchase',
  'conversion',
  'renewal',
];

/** The rule each reason applies, as the ledger records it. */
export const RULE_OF: Record<LedgerReason, string> = {
  purchase: 'R-BIL-1',
  addOnPurchase: 'R-ADD-2',
  conversion: 'R-BIL-5',
  renewal: 'R-REN-1',
  quantityIncrease: 'R-QTY-3',
  quantityDecrease: 'R-QTY-3',
  suspension: 'R-BIL-3',
  reactivation: 'R-BIL-4',
  cancellation: 'R-CAN-2',
};

/** What billing needs to know of a subscription at one moment. */
export interface Billable {
  status: string;
  isTrial: boolean;
  cycle: BillingCycle;
  quantity: number;
  /** Price per licence per month, minor units, as fixed at purchase or renewal. */
  unitPrice: number;
  /** What the partner pays per licence per month, fixed with the price (R-PRC-3); null when unknown. */
  unitCost?: number | null;
}

/** The term a change falls in, as the ledger knows it. */
export interface BillingTerm {
  start: Date;
  end: Date;
  /** When this subscription's billing began in this term: the start, or later for an add-on bought mid-term. */
  openedAt: Date;
  /** The net of this subscription's lines in this term so far (charges minus credits). */
  charged: number;
  /** The same net at cost (R-PRC-3); lines written before costs were kept count as 0. */
  costCharged?: number;
}

/** A charge (amount > 0) or credit (amount < 0), before it is given its ids and written. */
export interface LedgerLine {
  reason: LedgerReason;
  rule: string;
  quantity: number;
  unitPrice: number;
  /** The days prorated, or null for a whole term (or a 100% credit). */
  days: number | null;
  periodStart: Date;
  periodEnd: Date;
  termStart: Date;
  termEnd: Date;
  /** Signed, minor units. */
  amount: number;
  /** The partner's cost per licence per month, or null when the subscription's cost is unknown (R-PRC-3). */
  unitCost: number | null;
  /** The same line at cost, signed like `amount`, or null when unknown (R-PRC-3). */
  costAmount: number | null;
}

/** A licence for one whole term: one month, or twelve (R-BIL-1). */
export function termPrice(unitPrice: number, cycle: BillingCycle): number {
  switch (cycle) {
    case 'monthly':
      return unitPrice;
    case 'annual':
      return unitPrice * 12;
    case 'none':
      return 0; // R-BIL-5: trials never charge
  }
}

/** R-BIL-3: the window of a 100% credit. */
export const FULL_CREDIT_DAYS = 30;
/** R-BIL-3's year: annual proration divides by 365 days, whatever the year. */
export const DAYS_PER_YEAR = 365;

/**
 * `quantity` licences for `days` days of `term` (R-BIL-2), rounded half away from zero, never more than the
 * whole term: annual `price × 12 / 365 × days`, monthly `price × days / days in the term`.
 */
export function prorate(
  unitPrice: number,
  cycle: BillingCycle,
  quantity: number,
  days: number,
  term: { start: Date; end: Date },
): number {
  const whole = BigInt(termPrice(unitPrice, cycle)) * BigInt(quantity);
  let amount: bigint;
  switch (cycle) {
    case 'annual':
      amount = divideRounded(whole * BigInt(days), BigInt(DAYS_PER_YEAR));
      break;
    case 'monthly': {
      const termDays = Math.max(1, Math.round((term.end.getTime() - term.start.getTime()) / DAY_MS));
      amount = divideRounded(whole * BigInt(Math.min(days, termDays)), BigInt(termDays));
      break;
    }
    case 'none':
      amount = 0n;
      break;
  }
  return toSafeNumber(amount < whole ? amount : whole);
}

function line(
  reason: LedgerReason,
  sub: Billable,
  quantity: number,
  term: { start: Date; end: Date },
  period: { start: Date; end: Date; days: number | null },
  amount: number,
): LedgerLine {
  return {
    reason,
    rule: RULE_OF[reason],
    quantity,
    unitPrice: sub.unitPrice,
    days: period.days,
    periodStart: period.start,
    periodEnd: period.end,
    termStart: term.start,
    termEnd: term.end,
    amount,
    unitCost: null,
    costAmount: null,
  };
}

/**
 * R-PRC-3: the lines of a change, each with its cost beside its sale. The cost of a line is the same line
 * computed at the unit cost instead of the unit price (the same proration, the same 100% credit of what the
 * term cost so far), so a credit reverses exactly the cost its charge carried. A subscription whose cost is
 * unknown gives lines with a null cost.
 */
function withCost(
  subs: readonly Billable[],
  term: BillingTerm | { start: Date; end: Date },
  compute: (subs: readonly Billable[], term: BillingTerm | { start: Date; end: Date }) => LedgerLine[],
): LedgerLine[] {
  const sale = compute(subs, term);
  const known = subs.every((s) => s.unitCost !== undefined && s.unitCost !== null);
  if (!known) return sale;
  const atCost = compute(
    subs.map((s) => ({ ...s, unitPrice: s.unitCost as number })),
    'charged' in term ? { ...term, charged: term.costCharged ?? 0 } : term,
  );
  return sale.map((l, i) => {
    const c = atCost[i] as LedgerLine;
    return { ...l, unitCost: c.unitPrice, costAmount: c.amount };
  });
}

/**
 * The line that opens a term: a purchase (R-BIL-1: the whole term in advance, annual = monthly × 12), a trial
 * conversion (R-BIL-5: paid billing starts), or an add-on bought mid-term (R-ADD-2: prorated to the base's
 * term end). A trial opens nothing (R-BIL-5).
 */
function openingSale(
  sub: Billable,
  at: Date,
  term: { start: Date; end: Date },
  converted = false,
): LedgerLine[] {
  if (sub.isTrial || sub.status !== 'active') return [];
  if (at.getTime() <= term.start.getTime()) {
    const period = { start: term.start, end: term.end, days: null };
    return [
      line(
        converted ? 'conversion' : 'purchase',
        sub,
        sub.quantity,
        term,
        period,
        termPrice(sub.unitPrice, sub.cycle) * sub.quantity,
      ),
    ];
  }
  const days = daysLeft(at, term.end);
  return [
    line(
      converted ? 'conversion' : 'addOnPurchase',
      sub,
      sub.quantity,
      term,
      { start: at, end: term.end, days },
      prorate(sub.unitPrice, sub.cycle, sub.quantity, days, term),
    ),
  ];
}

/** R-REN-1: a renewed term, charged whole at the then-current price (`sub.unitPrice` is the new price). */
function renewalSale(sub: Billable, term: { start: Date; end: Date }): LedgerLine {
  return line(
    'renewal',
    sub,
    sub.quantity,
    term,
    { start: term.start, end: term.end, days: null },
    termPrice(sub.unitPrice, sub.cycle) * sub.quantity,
  );
}

/**
 * The lines of a partner's change to a paid subscription (a PATCH, or the cascade of one to an add-on), in
 * the order the change applies them: reactivation (R-BIL-4: the days to the term end), quantity (R-QTY-3,
 * R-BIL-2: the added or removed licences prorated to the term end), then suspension or cancellation (R-BIL-3,
 * R-CAN-2). Renaming or auto-renew bills nothing; a suspended subscription cancelled was credited already.
 */
function changeSale(before: Billable, after: Billable, at: Date, term: BillingTerm): LedgerLine[] {
  if (before.isTrial || after.isTrial) return []; // R-BIL-5
  const lines: LedgerLine[] = [];
  const left = daysLeft(at, term.end);
  const prorated = (quantity: number) => prorate(before.unitPrice, before.cycle, quantity, left, term);
  const toEnd = { start: at, end: term.end, days: left };
  let status = before.status;
  if (status === 'suspended' && after.status === 'active') {
    // At the price in force once active again: the term's own, or the then-current one when the reactivation
    // moved it to a later term (R-REN-1).
    const amount = prorate(after.unitPrice, after.cycle, before.quantity, left, term);
    if (left > 0) lines.push(line('reactivation', after, before.quantity, term, toEnd, amount));
    status = 'active';
  }
  if (status === 'active' && after.quantity !== before.quantity && left > 0) {
    const delta = after.quantity - before.quantity;
    const amount = prorated(Math.abs(delta));
    lines.push(
      delta > 0
        ? line('quantityIncrease', before, delta, term, toEnd, amount)
        : line('quantityDecrease', before, -delta, term, toEnd, credit(amount)),
    );
  }
  if (status === 'active' && (after.status === 'suspended' || after.status === 'deleted')) {
    const net = Math.max(0, term.charged + lines.reduce((sum, l) => sum + l.amount, 0));
    const reason: LedgerReason = after.status === 'suspended' ? 'suspension' : 'cancellation';
    if (daysSince(term.openedAt, at) < FULL_CREDIT_DAYS) {
      // Within 30 days of the term start: 100% of what the term charged (R-BIL-3).
      lines.push(
        line(
          reason,
          before,
          after.quantity,
          term,
          { start: term.openedAt, end: term.end, days: null },
          credit(net),
        ),
      );
    } else if (left > 0) {
      const amount = credit(Math.min(net, prorated(after.quantity)));
      lines.push(line(reason, before, after.quantity, term, toEnd, amount));
    }
  }
  return lines;
}

/**
 * The line that opens a term: a purchase (R-BIL-1: the whole term in advance, annual = monthly × 12), a trial
 * conversion (R-BIL-5: paid billing starts), or an add-on bought mid-term (R-ADD-2: prorated to the base's
 * term end), with its cost (R-PRC-3). A trial opens nothing (R-BIL-5).
 */
export function openingLine(
  sub: Billable,
  at: Date,
  term: { start: Date; end: Date },
  converted = false,
): LedgerLine[] {
  return withCost([sub], term, ([s], t) => openingSale(s as Billable, at, t, converted));
}

/** R-REN-1: a renewed term, charged whole at the then-current price and cost (R-PRC-3). */
export function renewalLine(sub: Billable, term: { start: Date; end: Date }): LedgerLine {
  return withCost([sub], term, ([s], t) => [renewalSale(s as Billable, t)])[0] as LedgerLine;
}

/** The lines of a partner's change to a paid subscription (see changeSale), each with its cost (R-PRC-3). */
export function changeLines(before: Billable, after: Billable, at: Date, term: BillingTerm): LedgerLine[] {
  return withCost([before, after], term, ([b, a], t) =>
    changeSale(b as Billable, a as Billable, at, t as BillingTerm),
  );
}

/** A credit of `amount` (no negative zero in the ledger). */
const credit = (amount: number): number => (amount === 0 ? 0 : -amount);
