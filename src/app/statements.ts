import { stringify } from 'csv-stringify/sync';
import { sql } from 'kysely';
import { requirePermission } from '../domain/access/permissions.ts';
import type { LedgerReason } from '../domain/billing/billing-rules.ts';
import { amountOf, formatMinorUnits, minorDigitsOf, toSafeNumber } from '../domain/billing/money.ts';
import { monthsBetween, type Month } from '../domain/billing/statement-month.ts';
import type { Db } from '../db/database.ts';
import type { PartnerScope } from '../db/scope.ts';
import type { SystemContext } from './audit.ts';
import { loadOffers } from './catalog.ts';
import type { LedgerLineView } from './ledger.ts';
import type { RequestContext } from './context.ts';
import { getCustomerRow } from './customers.ts';
import { offerNameOf } from './subscriptions.ts';

/**
 * Statements (R-BIL-6): the ledger's lines posted in one calendar month (UTC), for one customer or for the
 * whole partner, with totals per currency; the same as CSV; and monthly totals over a range for a chart.
 * Amounts are signed integers in minor units in JSON (credits negative), decimal strings in major units in CSV.
 */

type Ctx = RequestContext | SystemContext;

/** A ledger line on a statement: the line as previews show it, with whom and what it was for. */
export interface StatementLine extends Omit<LedgerLineView, 'subscriptionId' | 'reason'> {
  id: string;
  postedAt: string;
  customerId: string;
  customerName: string;
  subscriptionId: string;
  subscriptionName: string;
  offerName: string;
  reason: LedgerReason;
  description: string;
}

/** Totals of one currency: charges (≥ 0), credits (≤ 0) and their sum, in minor units. */
export interface CurrencyTotals {
  currency: string;
  charges: number;
  credits: number;
  net: number;
  lineCount: number;
}

export interface Statement {
  month: string;
  periodStart: string;
  periodEnd: string;
  customerId: string | null;
  customerName: string | null;
  totals: CurrencyTotals[];
  lines: StatementLine[];
  attributes: { objectType: 'Statement' };
}

export interface MonthlyTotals {
  month: string;
  totals: CurrencyTotals[];
}

/** What each reason reads as on a statement. */
export const DESCRIPTIONS: Record<LedgerReason, string> = {
  purchase: 'Purchase',
  addOnPurchase: 'Add-on purchase (to the base term end)',
  conversion: 'Trial converted to paid',
  renewal: 'Renewal',
  quantityIncrease: 'Licences added',
  quantityDecrease: 'Licences removed',
  suspension: 'Suspension credit',
  reactivation: 'Reactivation',
  cancellation: 'Cancellation credit',
};

const allow = (ctx: Ctx) => {
  if ('actor' in ctx) requirePermission(ctx.actor.role, 'billing.view');
};

async function statementLines(
  db: Db,
  scope: PartnerScope,
  month: Month,
  customerId: string | undefined,
): Promise<StatementLine[]> {
  let query = scope
    .selectFrom('ledger_entries')
    .innerJoin('subscriptions', (j) =>
      j
        .onRef('subscriptions.partner_id', '=', 'ledger_entries.partner_id')
        .onRef('subscriptions.id', '=', 'ledger_entries.subscription_id'),
    )
    .innerJoin('customers', (j) =>
      j
        .onRef('customers.partner_id', '=', 'ledger_entries.partner_id')
        .onRef('customers.id', '=', 'ledger_entries.customer_id'),
    )
    .selectAll('ledger_entries')
    .select(['subscriptions.friendly_name', 'customers.company_name'])
    .where('ledger_entries.posted_at', '>=', month.start)
    .where('ledger_entries.posted_at', '<', month.end);
  if (customerId !== undefined) query = query.where('ledger_entries.customer_id', '=', customerId);
  const rows = await query
    .orderBy('ledger_entries.posted_at')
    .orderBy('customers.company_name')
    .orderBy('ledger_entries.seq')
    .execute();
  const offers = await loadOffers(db, [...new Set(rows.map((r) => r.offer_id))]);
  const iso = (d: Date | string) => new Date(d).toISOString();
  return rows.map((r) => ({
    id: r.id,
    postedAt: iso(r.posted_at),
    customerId: r.customer_id,
    customerName: r.company_name,
    subscriptionId: r.subscription_id,
    subscriptionName: r.friendly_name,
    offerId: r.offer_id,
    offerName: offerNameOf(offers, r.offer_id),
    reason: r.reason as LedgerReason,
    description: DESCRIPTIONS[r.reason as LedgerReason] ?? r.reason,
    rule: r.rule,
    billingCycle: r.billing_cycle,
    quantity: r.quantity,
    unitPrice: r.unit_price,
    days: r.days,
    periodStart: iso(r.period_start),
    periodEnd: iso(r.period_end),
    termStart: iso(r.term_start),
    termEnd: iso(r.term_end),
    amount: toSafeNumber(amountOf(r.amount)),
    currency: r.currency,
  }));
}

/** Totals per currency, summed in BigInt. */
export function totalsOf(lines: readonly { amount: number; currency: string }[]): CurrencyTotals[] {
  const by = new Map<string, { charges: bigint; credits: bigint; count: number }>();
  for (const l of lines) {
    const t = by.get(l.currency) ?? { charges: 0n, credits: 0n, count: 0 };
    const a = BigInt(l.amount);
    if (a >= 0n) t.charges += a;
    else t.credits += a;
    t.count++;
    by.set(l.currency, t);
  }
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, t]) => ({
      currency,
      charges: toSafeNumber(t.charges),
      credits: toSafeNumber(t.credits),
      net: toSafeNumber(t.charges + t.credits),
      lineCount: t.count,
    }));
}

/** R-BIL-6: one customer's charges and credits posted in a month. */
export async function customerStatement(
  db: Db,
  scope: PartnerScope,
  ctx: Ctx,
  customerId: string,
  month: Month,
): Promise<Statement> {
  allow(ctx);
  const customer = await getCustomerRow(scope, customerId);
  const lines = await statementLines(db, scope, month, customer.id);
  return {
    month: month.text,
    periodStart: month.start.toISOString(),
    periodEnd: month.end.toISOString(),
    customerId: customer.id,
    customerName: customer.company_name,
    totals: totalsOf(lines),
    lines,
    attributes: { objectType: 'Statement' },
  };
}

/** R-BIL-6: the partner's charges and credits posted in a month, across its customers. */
export async function partnerStatement(
  db: Db,
  scope: PartnerScope,
  ctx: Ctx,
  month: Month,
): Promise<Statement> {
  allow(ctx);
  const lines = await statementLines(db, scope, month, undefined);
  return {
    month: month.text,
    periodStart: month.start.toISOString(),
    periodEnd: month.end.toISOString(),
    customerId: null,
    customerName: null,
    totals: totalsOf(lines),
    lines,
    attributes: { objectType: 'Statement' },
  };
}

/**
 * The partner's (or one customer's) totals per month from `from` to `to`, every month present (an empty
 * month has no totals), for a chart of charges and credits over time.
 */
export async function monthlyTotals(
  scope: PartnerScope,
  ctx: Ctx,
  from: Month,
  to: Month,
  customerId?: string,
): Promise<MonthlyTotals[]> {
  allow(ctx);
  const months = monthsBetween(from, to);
  if (customerId !== undefined) await getCustomerRow(scope, customerId);
  let query = scope
    .selectFrom('ledger_entries')
    .select([
      sql<string>`to_char(posted_at at time zone 'UTC', 'YYYY-MM')`.as('month'),
      'currency',
      sql<string>`coalesce(sum(amount) filter (where amount > 0), 0)`.as('charges'),
      sql<string>`coalesce(sum(amount) filter (where amount < 0), 0)`.as('credits'),
      sql<string>`count(*)`.as('line_count'),
    ])
    .where('posted_at', '>=', from.start)
    .where('posted_at', '<', to.end);
  if (customerId !== undefined) query = query.where('customer_id', '=', customerId);
  const rows = await query
    .groupBy([sql`1`, 'currency'])
    .orderBy('currency')
    .execute();
  return months.map((m) => ({
    month: m.text,
    totals: rows
      .filter((r) => r.month === m.text)
      .map((r) => {
        const charges = amountOf(r.charges);
        const credits = amountOf(r.credits);
        return {
          currency: r.currency,
          charges: toSafeNumber(charges),
          credits: toSafeNumber(credits),
          net: toSafeNumber(charges + credits),
          lineCount: Number(r.line_count),
        };
      }),
  }));
}

/** The CSV columns, in order, with their header. */
const COLUMNS = [
  ['date', 'Date'],
  ['customerId', 'Customer ID'],
  ['customerName', 'Customer'],
  ['subscriptionId', 'Subscription ID'],
  ['subscriptionName', 'Subscription'],
  ['offerId', 'Offer ID'],
  ['offerName', 'Offer'],
  ['description', 'Description'],
  ['rule', 'Rule'],
  ['billingCycle', 'Billing cycle'],
  ['periodStart', 'Period start'],
  ['periodEnd', 'Period end'],
  ['days', 'Days'],
  ['quantity', 'Quantity'],
  ['unitPrice', 'Unit price per month'],
  ['amount', 'Amount'],
  ['currency', 'Currency'],
] as const;

const isoDate = (iso: string) => iso.slice(0, 10);

/**
 * A statement as CSV (R-BIL-6), for a spreadsheet: a UTF-8 byte order mark, a header row, one row per line,
 * CRLF line ends, ISO dates, amounts and unit prices as decimal numbers in major units with a point
 * (credits negative). Text that a spreadsheet would run as a formula (=, +, -, @) is prefixed with a quote;
 * numbers are left as they are.
 */
export function statementCsv(statement: Statement): string {
  const digits = new Set(statement.lines.map((l) => minorDigitsOf(l.currency)));
  const scale = digits.size === 1 ? ([...digits][0] as number) : 2;
  if (digits.size > 1) throw new Error('a statement mixes currencies with different minor units');
  return stringify(
    statement.lines.map((l) => ({
      ...l,
      date: isoDate(l.postedAt),
      periodStart: isoDate(l.periodStart),
      periodEnd: isoDate(l.periodEnd),
      days: l.days ?? '',
      amount: BigInt(l.amount),
      unitPrice: BigInt(l.unitPrice),
    })),
    {
      bom: true,
      header: true,
      columns: COLUMNS.map(([key, header]) => ({ key, header })),
      record_delimiter: 'windows',
      escape_formulas: true,
      // Money travels as BigInt minor units so that escape_formulas leaves a credit's minus sign alone.
      cast: { bigint: (v) => formatMinorUnits(v, scale) },
    },
  );
}

/** The file name a statement downloads as. */
export const statementFileName = (statement: Statement): string =>
  `statement-${statement.month}${statement.customerId ? `-${statement.customerId}` : ''}.csv`;
