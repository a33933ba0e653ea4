import { utc } from '@date-fns/utc';
import { subMonths } from 'date-fns';
import { sql } from 'kysely';
import {
  OPENING_REASONS,
  renewalLine,
  type Billable,
  type BillingTerm,
  type LedgerLine,
} from '../domain/billing/billing-rules.ts';
import { amountOf, toSafeNumber } from '../domain/billing/money.ts';
import type { BillingCycle } from '../domain/catalog/offer.ts';
import { newId } from '../domain/ids.ts';
import type { Row, Tables } from '../db/schema.ts';
import type { Insertable } from 'kysely';
import type { PartnerRows, PartnerScope } from '../db/scope.ts';

/**
 * The ledger's side of every change (R-BIL): what billing needs of a subscription row, the term each
 * subscription is in (read from the ledger itself), and the rows a change writes with the rest of its rows
 * in its own transaction.
 */

type SubRow = Pick<
  Row<'subscriptions'>,
  | 'id'
  | 'customer_id'
  | 'offer_id'
  | 'status'
  | 'is_trial'
  | 'billing_cycle'
  | 'quantity'
  | 'unit_price'
  | 'unit_cost'
  | 'currency'
  | 'effective_start_date'
  | 'commitment_end_date'
>;

export const billableOf = (s: SubRow): Billable => ({
  status: s.status,
  isTrial: s.is_trial,
  cycle: s.billing_cycle as BillingCycle,
  quantity: s.quantity,
  unitPrice: s.unit_price,
  unitCost: s.unit_cost,
});

/** A line as the API shows it (previews and statements); amounts in minor units. */
export interface LedgerLineView {
  subscriptionId?: string;
  offerId: string;
  reason: string;
  rule: string;
  billingCycle: string;
  quantity: number;
  unitPrice: number;
  days: number | null;
  periodStart: string;
  periodEnd: string;
  termStart: string;
  termEnd: string;
  amount: number;
  currency: string;
}

export function lineView(
  sub: Pick<SubRow, 'offer_id' | 'billing_cycle' | 'currency'> & { id?: string },
  l: LedgerLine,
): LedgerLineView {
  return {
    ...(sub.id ? { subscriptionId: sub.id } : {}),
    offerId: sub.offer_id,
    reason: l.reason,
    rule: l.rule,
    billingCycle: sub.billing_cycle,
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    days: l.days,
    periodStart: l.periodStart.toISOString(),
    periodEnd: l.periodEnd.toISOString(),
    termStart: l.termStart.toISOString(),
    termEnd: l.termEnd.toISOString(),
    amount: l.amount,
    currency: sub.currency,
  };
}

/** The rows of ledger lines, written with the rest of a change by `PartnerScope.insertRows`. `postedAt` dates them. */
export function ledgerRows(
  partnerId: string,
  entries: readonly {
    sub: Pick<SubRow, 'id' | 'customer_id' | 'offer_id' | 'billing_cycle' | 'currency'>;
    lines: readonly LedgerLine[];
    postedAt: Date;
  }[],
): PartnerRows[] {
  const rows = entries.flatMap(({ sub, lines, postedAt }) =>
    lines.map((l) => ({
      partner_id: partnerId,
      id: newId(),
      customer_id: sub.customer_id,
      subscription_id: sub.id,
      offer_id: sub.offer_id,
      reason: l.reason,
      rule: l.rule,
      billing_cycle: sub.billing_cycle,
      term_start: l.termStart,
      term_end: l.termEnd,
      period_start: l.periodStart,
      period_end: l.periodEnd,
      days: l.days,
      quantity: l.quantity,
      unit_price: l.unitPrice,
      amount: l.amount,
      currency: sub.currency,
      posted_at: postedAt,
      unit_cost: l.unitCost,
      cost_amount: l.costAmount,
    })),
  );
  return rows.length > 0 ? [{ table: 'ledger_entries', rows }] : [];
}

/**
 * Writes one partner's ledger rows with one array per column (`INSERT … SELECT FROM unnest`), each stamped
 * with the scope's partner as `PartnerScope.insertRows` stamps its rows: for the sweeper's batches of
 * renewals, where a multi-row VALUES of some 12,000 parameters cost PostgreSQL more to parse and plan than to
 * write, and the server more to bind. Use cases that write a few lines keep them in their `insertRows`.
 */
export async function insertLedgerRows(scope: PartnerScope, parts: readonly PartnerRows[]): Promise<void> {
  const rows = await withRenewalCosts(
    scope,
    parts.flatMap((p) => (p.table === 'ledger_entries' ? p.rows : [])),
  );
  if (rows.length === 0) return;
  const partners = rows.map(() => scope.partnerId);
  const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
  const at = (k: 'term_start' | 'term_end' | 'period_start' | 'period_end' | 'posted_at') =>
    rows.map((r) => new Date(r[k]).toISOString());
  await sql`
    INSERT INTO ledger_entries (partner_id, id, customer_id, subscription_id, offer_id, reason, rule, billing_cycle,
      term_start, term_end, period_start, period_end, days, quantity, unit_price, amount, currency, posted_at,
      unit_cost, cost_amount)
    SELECT * FROM unnest(
      ${partners}::uuid[], ${col('id')}::uuid[], ${col('customer_id')}::uuid[],
      ${col('subscription_id')}::uuid[], ${col('offer_id')}::text[], ${col('reason')}::text[], ${col('rule')}::text[],
      ${col('billing_cycle')}::text[], ${at('term_start')}::timestamptz[], ${at('term_end')}::timestamptz[],
      ${at('period_start')}::timestamptz[], ${at('period_end')}::timestamptz[], ${col('days')}::int[],
      ${col('quantity')}::int[], ${col('unit_price')}::int[], ${col('amount')}::bigint[], ${col('currency')}::text[],
      ${at('posted_at')}::timestamptz[], ${col('unit_cost')}::int[], ${col('cost_amount')}::bigint[])`.execute(
    scope.db,
  );
}

type LedgerRow = Insertable<Tables['ledger_entries']>;

/**
 * R-PRC-3 for the sweeper's renewals: a renewal line that came without its cost takes the cost the
 * subscription holds for the new term (set by `priceRenewals` in the same transaction), charged like its
 * price (`renewalLine`: the whole term). A subscription whose cost is unknown keeps a null cost.
 */
async function withRenewalCosts(scope: PartnerScope, rows: readonly LedgerRow[]): Promise<LedgerRow[]> {
  const missing = rows.filter((r) => r.reason === 'renewal' && (r.unit_cost ?? null) === null);
  if (missing.length === 0) return [...rows];
  const costs = await scope
    .selectFrom('subscriptions')
    .select(['id', 'unit_cost'])
    .where('id', '=', sql<string>`ANY(${missing.map((r) => r.subscription_id)}::uuid[])`)
    .execute();
  const byId = new Map(costs.map((c) => [c.id, c.unit_cost]));
  return rows.map((r) => {
    if (r.reason !== 'renewal' || (r.unit_cost ?? null) !== null) return r;
    const unitCost = byId.get(r.subscription_id) ?? null;
    if (unitCost === null) return r;
    const billable = {
      status: 'active',
      isTrial: false,
      cycle: r.billing_cycle as BillingCycle,
      quantity: r.quantity,
      unitPrice: r.unit_price,
      unitCost,
    };
    const term = { start: new Date(r.term_start), end: new Date(r.term_end) };
    const line = renewalLine(billable, term);
    return { ...r, unit_cost: line.unitCost, cost_amount: line.costAmount };
  });
}

/** A term's start when the ledger has no record of it (data from before the ledger existed). */
function assumedStart(s: SubRow): Date {
  const months = s.billing_cycle === 'annual' ? 12 : 1;
  const back = new Date(subMonths(s.commitment_end_date, months, { in: utc }).getTime());
  return back.getTime() > s.effective_start_date.getTime() ? back : s.effective_start_date;
}

/**
 * The term each subscription is in, with what the ledger charged it in that term so far: the latest term the
 * ledger opened for it, when that term ends at the subscription's commitment end date. Read inside the
 * change's transaction, after the subscription rows were locked.
 */
export async function currentTerms(
  scope: PartnerScope,
  subs: readonly SubRow[],
): Promise<Map<string, BillingTerm>> {
  const terms = new Map<string, BillingTerm>();
  if (subs.length === 0) return terms;
  const rows = await scope
    .selectFrom('ledger_entries')
    .select([
      'subscription_id',
      'term_start',
      sql<Date>`max(term_end)`.as('term_end'),
      sql<Date | null>`min(period_start) filter (where reason in (${sql.join(OPENING_REASONS)}))`.as(
        'opened_at',
      ),
      sql<string>`sum(amount)`.as('charged'),
      sql<string | null>`sum(cost_amount)`.as('cost_charged'),
    ])
    .where(
      'subscription_id',
      'in',
      subs.map((s) => s.id),
    )
    .groupBy(['subscription_id', 'term_start'])
    .orderBy('term_start')
    .execute();
  for (const s of subs) {
    const latest = rows.filter((r) => r.subscription_id === s.id).at(-1);
    const end = s.commitment_end_date;
    if (latest && new Date(latest.term_end).getTime() === end.getTime()) {
      const start = new Date(latest.term_start);
      terms.set(s.id, {
        start,
        end,
        openedAt: latest.opened_at ? new Date(latest.opened_at) : start,
        charged: toSafeNumber(amountOf(latest.charged)),
        costCharged: toSafeNumber(amountOf(latest.cost_charged)),
      });
    } else {
      const start = assumedStart(s);
      terms.set(s.id, { start, end, openedAt: start, charged: 0, costCharged: 0 });
    }
  }
  return terms;
}

export const totalOf = (lines: readonly { amount: number }[]): number =>
  lines.reduce((sum, l) => sum + l.amount, 0);
