import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { formatMinorUnits, minorDigitsOf } from '../domain/billing/money.ts';
import type { Seatwise } from '../composition.ts';
import { partnerOf, partnerOfCustomer, print, printTable, withSeatwise } from './support.ts';

async function scopeFor(s: Seatwise, customerId: string, partner: string | undefined) {
  const [{ systemContext }, { PartnerScope }] = await Promise.all([
    import('../app/audit.ts'),
    import('../db/scope.ts'),
  ]);
  const partnerId = partner ? (await partnerOf(s, partner)).id : await partnerOfCustomer(s, customerId);
  return { scope: new PartnerScope(s.db, partnerId), ctx: systemContext('operator') };
}

const money = (n: number, currency: string) => formatMinorUnits(n, minorDigitsOf(currency));

/** `seatwise invoice list|show|pdf`: a customer's invoices and credit notes (R-INV-1), read as issued. */
export function registerInvoiceCommands(program: Command): void {
  const invoice = program.command('invoice').description("a customer's invoices and credit notes (R-INV-1)");

  invoice
    .command('list <customerId>')
    .description("the customer's invoices and credit notes, newest first")
    .option('--partner <idOrName>', 'the partner (found from the customer when left out)')
    .option('--json', 'print JSON')
    .action((customerId: string, o: { partner?: string; json?: boolean }) =>
      withSeatwise('invoice list', async (s) => {
        const { listInvoices } = await import('../app/invoices.ts');
        const { scope, ctx } = await scopeFor(s, customerId, o.partner);
        const items = await listInvoices(scope, ctx, customerId);
        if (o.json) {
          print(JSON.stringify(items));
          return;
        }
        if (items.length === 0) {
          print('No invoices yet: the first is issued when a month with charges or credits ends.');
          return;
        }
        printTable(
          items.map((i) => ({
            number: i.number,
            type: i.documentType,
            date: i.invoiceDate.slice(0, 10),
            period: i.billingPeriodStartDate.slice(0, 7),
            net: money(i.net, i.currencyCode),
            tax: money(i.tax, i.currencyCode),
            total: money(i.total, i.currencyCode),
            currency: i.currencyCode,
            id: i.id,
          })),
        );
      }),
    );

  invoice
    .command('show <customerId> <invoiceId>')
    .description('one document and its lines')
    .option('--partner <idOrName>', 'the partner (found from the customer when left out)')
    .option('--csv', 'print the lines as CSV (what the API serves for Accept: text/csv)')
    .option('--json', 'print JSON')
    .action((customerId: string, invoiceId: string, o: { partner?: string; csv?: boolean; json?: boolean }) =>
      withSeatwise('invoice show', async (s) => {
        const { invoiceLines, invoiceCsv } = await import('../app/invoices.ts');
        const { scope, ctx } = await scopeFor(s, customerId, o.partner);
        const { invoice: doc, lines } = await invoiceLines(scope, ctx, customerId, invoiceId);
        if (o.csv) {
          process.stdout.write(invoiceCsv(doc, lines));
          return;
        }
        if (o.json) {
          print(JSON.stringify({ ...doc, lines }));
          return;
        }
        const kind = doc.documentType === 'invoice' ? 'Invoice' : 'Credit note';
        print(
          `${kind} ${doc.number} of ${doc.billingProfile.companyName}, issued ${doc.invoiceDate.slice(0, 10)}`,
        );
        if (doc.creditedInvoice) print(`Corrects invoice ${doc.creditedInvoice.number}`);
        printTable(
          lines.map((l) => ({
            product: l.product,
            reason: l.reason,
            period: `${l.periodStart.slice(0, 10)}..${l.periodEnd.slice(0, 10)}`,
            quantity: l.quantity,
            'unit price': money(l.unitPrice, doc.currencyCode),
            days: l.days ?? '',
            amount: money(l.amount, doc.currencyCode),
          })),
        );
        print(`net ${money(doc.net, doc.currencyCode)} ${doc.currencyCode}`);
        print(`tax ${doc.taxRate}% ${money(doc.tax, doc.currencyCode)} ${doc.currencyCode}`);
        print(`total ${money(doc.total, doc.currencyCode)} ${doc.currencyCode}`);
      }),
    );

  invoice
    .command('pdf <customerId> <invoiceId>')
    .description("write the document's PDF, in the customer's language")
    .option('--partner <idOrName>', 'the partner (found from the customer when left out)')
    .option('-o, --out <file>', 'where to write it (default: <number>.pdf in the current folder)')
    .action((customerId: string, invoiceId: string, o: { partner?: string; out?: string }) =>
      withSeatwise('invoice pdf', async (s) => {
        const [{ invoiceLines }, { renderInvoicePdf }] = await Promise.all([
          import('../app/invoices.ts'),
          import('../app/invoice-pdf.ts'),
        ]);
        const { scope, ctx } = await scopeFor(s, customerId, o.partner);
        const { invoice: doc, lines } = await invoiceLines(scope, ctx, customerId, invoiceId);
        const file = o.out ?? `${doc.number}.pdf`;
        writeFileSync(file, await renderInvoicePdf(doc, lines));
        print(`wrote ${file} (${doc.number}, ${doc.locale})`);
      }),
    );
}
