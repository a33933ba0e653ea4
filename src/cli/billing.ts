import type { Command } from 'commander';
import { formatMinorUnits, minorDigitsOf } from '../domain/billing/money.ts';
import { parseMonth } from '../domain/billing/statement-month.ts';
import { partnerOf, partnerOfCustomer, print, printTable, withSeatwise } from './support.ts';

/** `seatwise statement <customer> <YYYY-MM>`: a customer's statement for a month (R-BIL-6), as a table, JSON or CSV. */
export function registerBillingCommands(program: Command): void {
  program
    .command('statement <customerId> <month>')
    .description("a customer's charges and credits posted in a month (YYYY-MM, UTC), R-BIL-6")
    .option('--partner <idOrName>', 'the partner (found from the customer when left out)')
    .option('--csv', 'print the statement as CSV (what the API serves for Accept: text/csv)')
    .option('--json', 'print JSON')
    .action((customerId: string, monthText: string, o: { partner?: string; csv?: boolean; json?: boolean }) =>
      withSeatwise('statement', async (s) => {
        const [{ systemContext }, { customerStatement, statementCsv }, { PartnerScope }] = await Promise.all([
          import('../app/audit.ts'),
          import('../app/statements.ts'),
          import('../db/scope.ts'),
        ]);
        const month = parseMonth(monthText);
        const partnerId = o.partner
          ? (await partnerOf(s, o.partner)).id
          : await partnerOfCustomer(s, customerId);
        const statement = await customerStatement(
          s.db,
          new PartnerScope(s.db, partnerId),
          systemContext('operator'),
          customerId,
          month,
        );
        if (o.csv) {
          process.stdout.write(statementCsv(statement));
          return;
        }
        if (o.json) {
          print(JSON.stringify(statement));
          return;
        }
        print(`Statement of ${statement.customerName} (${customerId}) for ${statement.month}`);
        if (statement.lines.length === 0) print('No charges or credits this month.');
        else
          printTable(
            statement.lines.map((l) => ({
              date: l.postedAt.slice(0, 10),
              subscription: l.subscriptionName,
              description: l.description,
              rule: l.rule,
              quantity: l.quantity,
              days: l.days ?? '',
              amount: formatMinorUnits(l.amount, minorDigitsOf(l.currency)),
              currency: l.currency,
            })),
          );
        for (const t of statement.totals) {
          const f = (n: number) => formatMinorUnits(n, minorDigitsOf(t.currency));
          print(`${t.currency}: charges ${f(t.charges)}, credits ${f(t.credits)}, net ${f(t.net)}`);
        }
      }),
    );
}
