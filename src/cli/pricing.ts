import type { Command } from 'commander';
import { formatMinorUnits, minorDigitsOf } from '../domain/billing/money.ts';
import { parseMonth } from '../domain/billing/statement-month.ts';
import { DomainError } from '../domain/errors.ts';
import type { Seatwise } from '../composition.ts';
import type { RequestContext } from '../app/context.ts';
import { partnerOf, partnerOfCustomer, print, printTable, withSeatwise } from './support.ts';

/**
 * The operator reads a partner's price rules, what a customer would pay under them, and the month's margin
 * (R-PRC-2, R-PRC-3). These only read: writing rules is the partner's, through the API or the console, where
 * each change is audited against the user who made it.
 */
const operatorContext = (partnerId: string): RequestContext => ({
  // Reads check the role only; the operator sees what a GlobalAdmin of the partner sees.
  actor: { partnerId, userId: '', userName: 'operator', role: 'GlobalAdmin', via: 'cli' },
  correlationId: undefined,
  applicationId: 'seatwise',
});

const money = (n: number | null, currency: string) =>
  n === null ? '' : formatMinorUnits(n, minorDigitsOf(currency));

/** The partner named, else the customer's. */
const partnerIdOf = async (s: Seatwise, partner: string | undefined, customerId: string): Promise<string> =>
  partner ? (await partnerOf(s, partner)).id : partnerOfCustomer(s, customerId);

function dateOption(value: string | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime()))
    throw new DomainError('invalid_input', 2000, 'pricing.badDate', { field, value }, [{ field }]);
  return d;
}

/** A rule's terms in a few words: `cost + 15%`, `ERP - 5%`, `fixed 5.90 USD`, `ERP`. */
function termsOf(r: { kind: string; percent: number | null; prices: Record<string, number | undefined> }) {
  switch (r.kind) {
    case 'markup':
      return `cost + ${r.percent ?? 0}%`;
    case 'discount':
      return `ERP - ${r.percent ?? 0}%`;
    case 'fixed':
      return `fixed ${Object.entries(r.prices)
        .map(([c, v]) => `${money(v ?? 0, c)} ${c}`)
        .join(', ')}`;
    default:
      return 'ERP';
  }
}

/** `seatwise pricing list|preview` and `seatwise margin`. */
export function registerPricingCommands(program: Command): void {
  const pricing = program
    .command('pricing')
    .description("a partner's price rules and what customers pay under them (R-PRC-2)");

  pricing
    .command('list')
    .description("the partner's price rules as they stand now, the default first")
    .requiredOption('--partner <idOrName>', 'the partner')
    .option('--all', 'also the retired rules')
    .option('--json', 'print JSON')
    .action((o: { partner: string; all?: boolean; json?: boolean }) =>
      withSeatwise('pricing list', async (s) => {
        const [{ listRules }, { PartnerScope }] = await Promise.all([
          import('../app/pricing.ts'),
          import('../db/scope.ts'),
        ]);
        const partnerId = (await partnerOf(s, o.partner)).id;
        const rules = await listRules(
          new PartnerScope(s.db, partnerId),
          operatorContext(partnerId),
          s.clock.now(),
          { includeRetired: o.all ?? false },
        );
        if (o.json) {
          print(JSON.stringify(rules));
          return;
        }
        if (rules.length === 0) {
          print('No price rules: every customer pays the suggested retail price (ERP), R-PRC-1.');
          return;
        }
        printTable(
          rules.map((r) => ({
            scope: r.scope,
            target: [r.category, r.offerId, r.customerId].filter((x) => x !== null).join(' '),
            terms: termsOf(r) + (r.allowBelowCost ? ' (may sell below cost)' : ''),
            version: r.version,
            since: r.effectiveFrom.slice(0, 10),
            next: r.pending
              ? `v${r.pending.version} ${r.pending.retired ? 'retires' : 'from'} ${r.pending.effectiveFrom.slice(0, 10)}`
              : '',
            retired: r.retired ? 'yes' : '',
            id: r.id,
          })),
        );
      }),
    );

  pricing
    .command('preview <customerId>')
    .description('what the customer would pay per licence per month for each offer, and which rule says so')
    .option('--partner <idOrName>', 'the partner (found from the customer when left out)')
    .option('--at <dateTime>', 'at this date and time (now by default)')
    .option('--json', 'print JSON')
    .action((customerId: string, o: { partner?: string; at?: string; json?: boolean }) =>
      withSeatwise('pricing preview', async (s) => {
        const { previewPrices } = await import('../app/pricing.ts');
        const at = dateOption(o.at, '--at');
        const partnerId = await partnerIdOf(s, o.partner, customerId);
        const preview = await previewPrices(
          { db: s.db, cloud: s.instance.cloud, now: s.clock.now() },
          operatorContext(partnerId),
          customerId,
          at,
        );
        if (o.json) {
          print(JSON.stringify(preview));
          return;
        }
        const c = preview.currency;
        print(`Prices per licence per month in ${c}, as of ${preview.asOf}`);
        printTable(
          preview.items.map((i) => ({
            offer: i.offerId,
            name: i.offerName,
            erp: money(i.erp, c),
            cost: money(i.cost, c),
            price: money(i.price, c),
            margin: money(i.margin, c),
            rule:
              i.source.scope === 'erp'
                ? 'none (ERP)'
                : `${i.source.scope} v${i.source.version ?? ''}${i.source.heldAtCost ? ', held at cost' : ''}`,
          })),
        );
      }),
    );

  program
    .command('margin')
    .description("a month's revenue, cost and margin by customer, by offer and in total (R-PRC-3)")
    .requiredOption('--partner <idOrName>', 'the partner')
    .option('--month <YYYY-MM>', 'the month, UTC (the current one by default)')
    .option('--csv', 'print CSV (what the API serves with format=csv)')
    .option('--json', 'print JSON')
    .action((o: { partner: string; month?: string; csv?: boolean; json?: boolean }) =>
      withSeatwise('margin', async (s) => {
        const { marginReport, marginCsv } = await import('../app/margin.ts');
        const month = parseMonth(o.month ?? s.clock.now().toISOString().slice(0, 7));
        const partnerId = (await partnerOf(s, o.partner)).id;
        const report = await marginReport(s.db, operatorContext(partnerId), month);
        if (o.csv) {
          process.stdout.write(marginCsv(report));
          return;
        }
        if (o.json) {
          print(JSON.stringify(report));
          return;
        }
        print(`Margin for ${report.month}`);
        if (report.totals.length === 0) {
          print('No charges or credits this month.');
          return;
        }
        const figures = (f: {
          currency: string;
          revenue: number;
          cost: number;
          margin: number;
          uncostedLines: number;
        }) => ({
          revenue: money(f.revenue, f.currency),
          cost: money(f.cost, f.currency),
          margin: money(f.margin, f.currency),
          currency: f.currency,
          'without cost': f.uncostedLines || '',
        });
        printTable(
          report.byCustomer.map((r) => ({ customer: r.customerName, ...figures(r), id: r.customerId })),
        );
        printTable(report.byOffer.map((r) => ({ offer: r.offerId, name: r.offerName, ...figures(r) })));
        for (const t of report.totals) {
          const f = (n: number) => money(n, t.currency);
          print(
            `${t.currency}: revenue ${f(t.revenue)}, cost ${f(t.cost)}, margin ${f(t.margin)}` +
              (t.uncostedLines > 0
                ? ` (${t.uncostedLines} line(s) without cost, revenue ${f(t.uncostedRevenue)})`
                : ''),
          );
        }
      }),
    );
}
