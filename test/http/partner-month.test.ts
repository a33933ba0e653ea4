import { parse } from 'csv-parse/sync';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { importCatalog, readCatalog } from '../../src/app/catalog.ts';
import { PartnerScope } from '../../src/db/scope.ts';
import { formatMoney } from '../../src/domain/invoicing/invoice-rules.ts';
import { commerce } from '../support/commerce.ts';
import { newCustomer, partnerIdOf } from '../support/factories.ts';
import { pdfTextOf } from '../support/pdf.ts';
import { newSeatwise, REFERENCE_TIME, type TestSeatwise } from '../support/seatwise.ts';

/**
 * A partner's month as a new user lives it (issue "the reseller's money", how it will be checked): import
 * Partner Center's catalog with a price list, set a default markup and a customer discount, buy, change
 * quantities, suspend, cancel, let the month end, then read the invoices (JSON, CSV, PDF in French for the
 * French customer), the margin report and the statements, and add them up against each other and against
 * the ledger rows in the database, to the cent. REFERENCE_TIME is 2027-01-15T09:00Z.
 */
const RECORDING = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'shared',
  'reference',
  'partner-center-recordings',
  'GetPartnerOffer.json',
);
const E3 = '796B6B5F-613C-4E24-A17C-EBA730D49C02';
const ESSENTIALS = 'BD938F12-058F-4927-BBA3-AE36B1D2501C';

const dir = mkdtempSync(join(tmpdir(), 'seatwise-partner-month-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let t: TestSeatwise;
afterEach(async () => {
  await t.close();
});

interface Invoice {
  id: string;
  number: string;
  documentType: string;
  currencyCode: string;
  locale: string;
  net: number;
  tax: number;
  total: number;
  lineCount: number;
}
interface LineItem {
  ledgerEntryId: string;
  product: string;
  reason: string;
  quantity: number;
  unitPrice: number;
  amount: number;
}
interface Figures {
  currency: string;
  revenue: number;
  cost: number;
  margin: number;
  lineCount: number;
  uncostedLines: number;
}

describe("a partner's month, added up by hand (R-PRC-1, R-PRC-2, R-PRC-3, R-INV-1, R-BIL-6)", () => {
  it('R-INV-1: price list, markup and discount, purchases, changes, suspension and cancellation give invoices, margin and statements that equal each other and the ledger to the cent', async () => {
    t = await newSeatwise();
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: t.auth });
    const send = (method: 'POST' | 'PUT', url: string, payload: object) =>
      t.app.inject({ method, url, headers: t.auth, payload });

    // 1. The catalog as Partner Center sends it, with the partner's price list: List Price is the cost.
    const offersPath = join(dir, 'offers.json');
    writeFileSync(
      offersPath,
      (JSON.parse(readFileSync(RECORDING, 'utf8')) as { ResponseBody: string }[])[0]?.ResponseBody ?? '',
    );
    const pricesPath = join(dir, 'prices.csv');
    writeFileSync(
      pricesPath,
      [
        'Offer ID,Offer Display Name,Currency,List Price,ERP Price,Market',
        `${E3},Office 365 Enterprise E3,USD,16.00,20.00,US`,
        `${E3},Office 365 Enterprise E3,EUR,15.00,19.50,FR`,
        `${ESSENTIALS},Office 365 Business Essentials,USD,4.00,5.00,US`,
        '',
      ].join('\n'),
    );
    await importCatalog(t.seatwise.db, readCatalog(offersPath, pricesPath).offers, REFERENCE_TIME);

    // 2. What the invoices say of the partner, French VAT; a default markup and a discount for one customer.
    const settings = await send('PUT', '/v1/invoicesettings', {
      invoicePrefix: 'SW',
      legalName: 'Contoso Cloud Reseller SAS',
      address: { addressLine1: '12 rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' },
      taxRates: [{ country: 'FR', percent: '20' }],
    });
    expect(settings.statusCode, settings.body).toBe(200);
    const french = await newCustomer(t, { companyName: 'Bistro Fabrikam', country: 'FR' });
    await new PartnerScope(t.seatwise.db, await partnerIdOf(t))
      .updateTable('customers')
      .set({ culture: 'fr-FR', language: 'fr' })
      .where('id', '=', french)
      .execute();
    const american = await newCustomer(t, { companyName: 'Alpine Ski House', country: 'US' });
    for (const rule of [
      { scope: 'partner', kind: 'markup', percent: 10 },
      { scope: 'customer', customerId: french, kind: 'discount', percent: 5 },
    ]) {
      const res = await send('POST', '/v1/pricing/rules', rule);
      expect(res.statusCode, res.body).toBe(201);
    }

    // 3. Jan 15: purchases. By hand: the French customer pays the EUR ERP less 5 % (19.50 → 18.525, rounded
    // half up to 18.53); the American one the USD cost plus 10 % (E3 16.00 → 17.60, Essentials 4.00 → 4.40).
    const c = commerce(t);
    const a = await c.buy(french, 'monthly', E3, 10);
    const b = await c.buy(french, 'monthly', E3, 4);
    const cc = await c.buy(american, 'monthly', E3, 3);
    const d = await c.buy(american, 'monthly', ESSENTIALS, 5);
    const unitPrices = await Promise.all(
      [
        [french, a.id],
        [french, b.id],
        [american, cc.id],
        [american, d.id],
      ].map(
        async ([customer, id]) =>
          (await c.get<{ unitPrice: number; attributes: { etag: string } }>(customer ?? '', id ?? ''))
            .unitPrice,
      ),
    );
    expect(unitPrices).toEqual([1853, 1853, 1760, 440]);

    // 4. Jan 20: more licences, fewer licences, a suspension, a cancellation (each prorated, R-BIL-2, R-BIL-3).
    await c.advance('P5D');
    for (const [customer, id, change] of [
      [french, a.id, { quantity: 12 }],
      [french, b.id, { status: 'suspended', suspensionReasons: ['customerRequest'] }],
      [american, cc.id, { quantity: 2 }],
      [american, d.id, { status: 'deleted' }],
    ] as const) {
      const res = await c.patch(customer, id, change);
      expect(res.statusCode, res.body).toBe(200);
    }

    // 5. The month ends: Feb 4 closes January and issues its invoices (R-INV-1).
    await c.advance('P15D');

    // The ledger as stored: January's rows per customer.
    const rows = await t.seatwise.db
      .selectFrom('ledger_entries')
      .select(['customer_id', 'amount', 'cost_amount', 'reason', 'quantity', 'unit_price', 'currency'])
      .where('posted_at', '>=', new Date('2027-01-01T00:00:00Z'))
      .where('posted_at', '<', new Date('2027-02-01T00:00:00Z'))
      .execute();
    const ledgerOf = (customer: string) => rows.filter((r) => r.customer_id === customer);
    const sum = (xs: readonly { amount: unknown }[]) => xs.reduce((s, r) => s + Number(r.amount), 0);
    const costOf = (xs: readonly { cost_amount: unknown }[]) =>
      xs.reduce((s, r) => s + Number(r.cost_amount), 0);
    // By hand, the purchases: 10 × 18.53, 4 × 18.53, 3 × 17.60, 5 × 4.40 for the whole first term.
    expect(
      rows
        .filter((r) => r.reason === 'purchase')
        .map((r) => Number(r.amount))
        .sort((x, y) => x - y),
    ).toEqual([2200, 5280, 7412, 18530]);
    expect(rows.every((r) => r.cost_amount !== null)).toBe(true);
    // By hand, the two licences added on Jan 20 for the 26 of 31 days left in the term (to Feb 15).
    expect(Number(rows.find((r) => r.reason === 'quantityIncrease')?.amount)).toBe(
      Math.round((2 * 1853 * 26) / 31),
    );
    // Every move of Jan 20 wrote its prorated line: one more E3 charge, three credits.
    expect(rows.map((r) => r.reason).sort()).toEqual([
      'cancellation',
      'purchase',
      'purchase',
      'purchase',
      'purchase',
      'quantityDecrease',
      'quantityIncrease',
      'suspension',
    ]);
    expect(
      rows
        .filter((r) => r.reason !== 'purchase')
        .every((r) => Number(r.amount) > 0 === (r.reason === 'quantityIncrease')),
    ).toBe(true);

    const margin = (await get('/v1/billing/margin?month=2027-01')).json<{
      totals: Figures[];
      byCustomer: (Figures & { customerId: string })[];
      byOffer: (Figures & { offerId: string })[];
    }>();
    const marginCsv = parse<Record<string, string>>(
      (await get('/v1/billing/margin?month=2027-01&format=csv')).body,
      {
        bom: true,
        columns: true,
      },
    );
    const cents = (s: string | undefined) => Math.round(Number(s) * 100);

    for (const [customer, currency, locale] of [
      [french, 'EUR', 'fr-FR'],
      [american, 'USD', 'en-US'],
    ] as const) {
      const ledger = ledgerOf(customer);
      const net = sum(ledger);
      expect(ledger.every((r) => r.currency === currency)).toBe(true);

      // The invoice: one, for January, its net the ledger's, tax by the customer's country.
      const invoices = (await get(`/v1/customers/${customer}/invoices`)).json<{ items: Invoice[] }>().items;
      expect(invoices).toHaveLength(1);
      const invoice = invoices[0] as Invoice;
      expect(invoice).toMatchObject({ documentType: 'invoice', currencyCode: currency, locale, net });
      expect(invoice.tax).toBe(currency === 'EUR' ? Math.round(net * 0.2) : 0);
      expect(invoice.total).toBe(invoice.net + invoice.tax);
      expect(invoice.lineCount).toBe(ledger.length);
      const lines = (await get(`/v1/customers/${customer}/invoices/${invoice.id}/lineitems`)).json<{
        items: LineItem[];
      }>().items;
      expect(lines.reduce((s, l) => s + l.amount, 0)).toBe(net);
      expect(lines.map((l) => l.amount).sort((x, y) => x - y)).toEqual(
        ledger.map((r) => Number(r.amount)).sort((x, y) => x - y),
      );

      // The CSV: the same lines, the same total.
      const csv = await get(`/v1/customers/${customer}/invoices/${invoice.id}/lineitems?format=csv`);
      const csvRows = parse<Record<string, string>>(csv.body, { bom: true, columns: true });
      const csvLines = csvRows.filter((r) => r['Line'] !== '');
      expect(csvLines).toHaveLength(lines.length);
      expect(csvLines.reduce((s, r) => s + cents(r['Amount']), 0)).toBe(net);
      expect(cents(csvRows.find((r) => r['Product'] === 'Total')?.['Amount'])).toBe(invoice.total);

      // The PDF, extracted: the customer's language and money format, the same amounts.
      const pdf = await get(`/v1/customers/${customer}/invoices/${invoice.id}/documents/statement`);
      expect(pdf.statusCode).toBe(200);
      const flat = (await pdfTextOf(pdf.rawPayload)).replace(/\s+/g, ' ');
      const money = (n: number) => formatMoney(n, currency, locale).replace(/\s/g, ' ');
      expect(flat).toContain(invoice.number);
      for (const n of [invoice.net, invoice.tax, invoice.total]) expect(flat).toContain(money(n));
      for (const l of lines) expect(flat).toContain(money(l.amount));
      if (locale === 'fr-FR') {
        expect(flat).toContain('Facture');
        expect(flat).toContain('Bistro Fabrikam');
        expect(flat).toContain('TVA (20 %)');
        expect(flat).toContain('Total TTC');
        expect(flat).not.toContain('Invoice');
      } else {
        expect(flat).toContain('Invoice');
        expect(flat).toContain('Alpine Ski House');
      }

      // The margin report: the same revenue, the ledger's cost.
      expect(margin.byCustomer.find((r) => r.customerId === customer)).toMatchObject({
        currency,
        revenue: net,
        cost: costOf(ledger),
        margin: net - costOf(ledger),
        lineCount: ledger.length,
        uncostedLines: 0,
      });
      expect(
        cents(marginCsv.find((r) => r['Group'] === 'customer' && r['Id'] === customer)?.['Revenue']),
      ).toBe(net);

      // The customer's statement for January: the same net.
      const statement = (await get(`/v1/customers/${customer}/statements/2027-01`)).json<{
        totals: { currency: string; net: number; lineCount: number }[];
      }>();
      expect(statement.totals).toEqual([
        expect.objectContaining({ currency, net, lineCount: ledger.length }),
      ]);
    }

    // Totals per currency: the margin report's, its CSV's and the partner's statement, equal to the ledger.
    for (const currency of ['EUR', 'USD']) {
      const inCurrency = rows.filter((r) => r.currency === currency);
      const total = margin.totals.find((x) => x.currency === currency);
      expect(total).toMatchObject({
        revenue: sum(inCurrency),
        cost: costOf(inCurrency),
        margin: sum(inCurrency) - costOf(inCurrency),
      });
      expect(margin.byOffer.filter((o) => o.currency === currency).reduce((s, o) => s + o.revenue, 0)).toBe(
        sum(inCurrency),
      );
      const csvTotal = marginCsv.find((r) => r['Group'] === 'total' && r['Currency'] === currency);
      expect(cents(csvTotal?.['Revenue'])).toBe(sum(inCurrency));
      expect(cents(csvTotal?.['Margin'])).toBe(sum(inCurrency) - costOf(inCurrency));
    }
    const partnerStatement = (await get('/v1/statements/2027-01')).json<{
      totals: { currency: string; net: number }[];
    }>();
    for (const x of partnerStatement.totals) {
      expect(x.net).toBe(sum(rows.filter((r) => r.currency === x.currency)));
    }
    expect(partnerStatement.totals.map((x) => x.currency).sort()).toEqual(['EUR', 'USD']);
  });
});
