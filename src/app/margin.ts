import { stringify } from 'csv-stringify/sync';
import { sql } from 'kysely';
import { requirePermission } from '../domain/access/permissions.ts';
import { amountOf, formatMinorUnits, minorDigitsOf, toSafeNumber } from '../domain/billing/money.ts';
import type { Month } from '../domain/billing/statement-month.ts';
import type { Db } from '../db/database.ts';
import { PartnerScope } from '../db/scope.ts';
import { loadOffers } from './catalog.ts';
import type { RequestContext } from './context.ts';

/**
 * Margin (R-PRC-3): per month, the revenue (the ledger's sale amounts), the cost (its cost amounts) and the
 * margin (revenue − cost), by customer, by offer and in total, one currency at a time (euros and dollars are
 * never added). Read from the same ledger lines a statement lists, so the totals equal the statement's net
 * to the cent. Lines written before costs were kept carry no cost: they count in revenue, their cost counts
 * as unknown (`uncostedLines`, `uncostedRevenue`) and the margin leaves them out.
 */

export interface MarginFigures {
  currency: string;
  /** Sum of the sale amounts, minor units (charges minus credits). */
  revenue: number;
  /** Sum of the cost amounts of the lines whose cost is known. */
  cost: number;
  /** Revenue of the lines whose cost is known, minus their cost. */
  margin: number;
  lineCount: number;
  uncostedLines: number;
  uncostedRevenue: number;
}

export interface MarginReport {
  month: string;
  periodStart: string;
  periodEnd: string;
  totals: MarginFigures[];
  byCustomer: (MarginFigures & { customerId: string; customerName: string })[];
  byOffer: (MarginFigures & { offerId: string; offerName: string })[];
  attributes: { objectType: 'MarginReport' };
}

interface Group {
  customer_id: string;
  offer_id: string;
  currency: string;
  revenue: unknown;
  cost: unknown;
  costed_revenue: unknown;
  line_count: unknown;
  uncosted_lines: unknown;
  uncosted_revenue: unknown;
}

const n = (v: unknown): number => toSafeNumber(amountOf(v));

function add(into: MarginFigures | undefined, g: Group): MarginFigures {
  const base = into ?? {
    currency: g.currency,
    revenue: 0,
    cost: 0,
    margin: 0,
    lineCount: 0,
    uncostedLines: 0,
    uncostedRevenue: 0,
  };
  return {
    currency: g.currency,
    revenue: base.revenue + n(g.revenue),
    cost: base.cost + n(g.cost),
    margin: base.margin + n(g.costed_revenue) - n(g.cost),
    lineCount: base.lineCount + n(g.line_count),
    uncostedLines: base.uncostedLines + n(g.uncosted_lines),
    uncostedRevenue: base.uncostedRevenue + n(g.uncosted_revenue),
  };
}

/** R-PRC-3: the partner's margin in `month` (UTC), from the ledger lines posted in it. */
export async function marginReport(db: Db, ctx: RequestContext, month: Month): Promise<MarginReport> {
  requirePermission(ctx.actor.role, 'billing.view');
  const scope = new PartnerScope(db, ctx.actor.partnerId);
  const groups = (await scope
    .selectFrom('ledger_entries')
    .select([
      'customer_id',
      'offer_id',
      'currency',
      sql<string>`sum(amount)`.as('revenue'),
      sql<string>`coalesce(sum(cost_amount), 0)`.as('cost'),
      sql<string>`coalesce(sum(amount) filter (where cost_amount is not null), 0)`.as('costed_revenue'),
      sql<string>`count(*)`.as('line_count'),
      sql<string>`count(*) filter (where cost_amount is null)`.as('uncosted_lines'),
      sql<string>`coalesce(sum(amount) filter (where cost_amount is null), 0)`.as('uncosted_revenue'),
    ])
    .where('posted_at', '>=', month.start)
    .where('posted_at', '<', month.end)
    .groupBy(['customer_id', 'offer_id', 'currency'])
    .execute()) as Group[];
  const customerIds = [...new Set(groups.map((g) => g.customer_id))];
  const names = new Map(
    customerIds.length === 0
      ? []
      : (
          await scope
            .selectFrom('customers')
            .select(['id', 'company_name'])
            .where('id', 'in', customerIds)
            .execute()
        ).map((c) => [c.id, c.company_name]),
  );
  const offers = await loadOffers(db, [...new Set(groups.map((g) => g.offer_id))]);
  const totals = new Map<string, MarginFigures>();
  const byCustomer = new Map<string, MarginFigures & { customerId: string; customerName: string }>();
  const byOffer = new Map<string, MarginFigures & { offerId: string; offerName: string }>();
  for (const g of groups) {
    totals.set(g.currency, add(totals.get(g.currency), g));
    const ck = `${g.customer_id}/${g.currency}`;
    byCustomer.set(ck, {
      customerId: g.customer_id,
      customerName: names.get(g.customer_id) ?? g.customer_id,
      ...add(byCustomer.get(ck), g),
    });
    const ok = `${g.offer_id}/${g.currency}`;
    byOffer.set(ok, {
      offerId: g.offer_id,
      offerName: offers.get(g.offer_id)?.name ?? g.offer_id,
      ...add(byOffer.get(ok), g),
    });
  }
  const byName =
    <T extends { currency: string }>(key: (t: T) => string) =>
    (a: T, b: T) =>
      a.currency.localeCompare(b.currency) || key(a).localeCompare(key(b));
  return {
    month: month.text,
    periodStart: month.start.toISOString(),
    periodEnd: month.end.toISOString(),
    totals: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
    byCustomer: [...byCustomer.values()].sort(byName((c) => c.customerName)),
    byOffer: [...byOffer.values()].sort(byName((o) => o.offerName)),
    attributes: { objectType: 'MarginReport' },
  };
}

/**
 * The report as CSV (the statement's conventions: UTF-8 with a byte order mark, CRLF, amounts in major units
 * with a point, text a spreadsheet would run as a formula escaped): one row per customer, per offer, and a
 * total per currency.
 */
export function marginCsv(report: MarginReport): string {
  const money = (currency: string, v: number) => formatMinorUnits(BigInt(v), minorDigitsOf(currency));
  const row = (group: string, id: string, name: string, f: MarginFigures) => ({
    month: report.month,
    group,
    id,
    name,
    currency: f.currency,
    revenue: money(f.currency, f.revenue),
    cost: money(f.currency, f.cost),
    margin: money(f.currency, f.margin),
    lines: f.lineCount,
    uncosted: f.uncostedLines,
  });
  const rows = [
    ...report.byCustomer.map((c) => row('customer', c.customerId, c.customerName, c)),
    ...report.byOffer.map((o) => row('offer', o.offerId, o.offerName, o)),
    ...report.totals.map((t) => row('total', '', '', t)),
  ];
  return stringify(rows, {
    bom: true,
    header: true,
    columns: [
      { key: 'month', header: 'Month' },
      { key: 'group', header: 'Group' },
      { key: 'id', header: 'Id' },
      { key: 'name', header: 'Name' },
      { key: 'currency', header: 'Currency' },
      { key: 'revenue', header: 'Revenue' },
      { key: 'cost', header: 'Cost' },
      { key: 'margin', header: 'Margin' },
      { key: 'lines', header: 'Lines' },
      { key: 'uncosted', header: 'Lines without cost' },
    ],
    record_delimiter: 'windows',
    // Names only: the amounts are written by us, and a credit's minus sign must stay a number.
    cast: {
      string: (v, ctx) => (ctx.column === 'name' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v),
    },
  });
}

export const marginFileName = (report: MarginReport): string => `margin-${report.month}.csv`;
