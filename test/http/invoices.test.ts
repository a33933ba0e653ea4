import { parse } from 'csv-parse/sync';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeMonths } from '../../src/jobs/invoicing.ts';
import { PartnerScope } from '../../src/db/scope.ts';
import { formatMoney } from '../../src/domain/invoicing/invoice-rules.ts';
import { commerce } from '../support/commerce.ts';
import { headersForRole, newCustomer, newPartner, partnerIdOf } from '../support/factories.ts';
import { newSeatwise, type TestSeatwise } from '../support/seatwise.ts';

// REFERENCE_TIME is 2027-01-15T09:00Z: what is bought in these tests is posted in January 2027, and moving the
// test clock past February 1st closes January.

let t: TestSeatwise;
vi.setConfig({ testTimeout: 180_000 });
afterEach(async () => {
  await t.close();
});

interface Invoice {
  id: string;
  number: string;
  documentType: 'invoice' | 'creditNote';
  creditedInvoice: { id: string; number: string } | null;
  invoiceDate: string;
  billingPeriodStartDate: string;
  currencyCode: string;
  locale: string;
  taxRate: string;
  net: number;
  tax: number;
  total: number;
  lineCount: number;
  billingProfile: { companyName: string };
  seller: { legalName: string };
}
interface LineItem {
  ledgerEntryId: string;
  product: string;
  amount: number;
  quantity: number;
  unitPrice: number;
}

const SETTINGS = {
  invoicePrefix: 'SW',
  legalName: 'Contoso Cloud Reseller SAS',
  address: { addressLine1: '12 rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' },
  taxRates: [
    { country: 'FR', percent: '20' },
    { country: 'DE', percent: 19 },
  ],
};

async function setSettings(body: object = SETTINGS, headers: object = t.auth) {
  return t.app.inject({ method: 'PUT', url: '/v1/invoicesettings', headers: { ...headers }, payload: body });
}

async function frenchCustomer(name: string): Promise<string> {
  const id = await newCustomer(t, { companyName: name, country: 'FR' });
  await new PartnerScope(t.seatwise.db, await partnerIdOf(t))
    .updateTable('customers')
    .set({ culture: 'fr-FR', language: 'fr' })
    .where('id', '=', id)
    .execute();
  return id;
}

async function invoicesOf(customerId: string, headers: object = t.auth): Promise<Invoice[]> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/customers/${customerId}/invoices`,
    headers: { ...headers },
  });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<{ totalCount: number; items: Invoice[]; attributes: { objectType: string } }>();
  expect(body.attributes.objectType).toBe('Collection');
  expect(body.totalCount).toBe(body.items.length);
  return body.items;
}

async function linesOf(customerId: string, invoiceId: string): Promise<LineItem[]> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/customers/${customerId}/invoices/${invoiceId}/lineitems`,
    headers: t.auth,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: LineItem[] }>().items;
}

/** The ledger's sale amounts posted in a month for one customer, summed in SQL: what the invoice must equal. */
async function ledgerSum(customerId: string, from: string, to: string): Promise<number> {
  const row = await t.seatwise.db
    .selectFrom('ledger_entries')
    .select((eb) => eb.fn.sum<string>('amount').as('s'))
    .where('customer_id', '=', customerId)
    .where('posted_at', '>=', new Date(from))
    .where('posted_at', '<', new Date(to))
    .executeTakeFirstOrThrow();
  return Number(row.s ?? 0);
}

async function pdfText(customerId: string, invoiceId: string): Promise<string> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/customers/${customerId}/invoices/${invoiceId}/documents/statement`,
    headers: t.auth,
  });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  const pdf = await getDocument({
    data: new Uint8Array(res.rawPayload),
    standardFontDataUrl: join(import.meta.dirname, '../../node_modules/pdfjs-dist/standard_fonts/'),
  }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join('\n'));
  }
  await pdf.destroy();
  return pages.join('\n');
}

describe('month-end invoices (R-INV-1)', () => {
  it('R-INV-1: the month close through the test clock issues one invoice per customer and currency, gapless numbers, totals equal to the ledger to the cent, tax per country', async () => {
    t = await newSeatwise();
    const c = commerce(t);
    expect((await setSettings()).statusCode).toBe(200);
    const us = await newCustomer(t, { companyName: 'Alpine Ski House' });
    const fr = await frenchCustomer('Bistro Fabrikam');
    const quiet = await newCustomer(t, { companyName: 'Quiet Customer' });
    const a = await c.buy(us, 'monthly', 'CN-365-BB', 5);
    await c.buy(us, 'annual', 'CN-365-E3', 3);
    const b = await c.buy(fr, 'monthly', 'CN-365-BB', 7);
    await c.advance('P3D');
    expect((await c.patch(us, a.id, { quantity: 8 })).statusCode).toBe(200);
    expect((await c.patch(fr, b.id, { quantity: 4 })).statusCode).toBe(200);
    expect(await invoicesOf(us)).toEqual([]);

    // Feb 1st passes: January closes.
    const moved = await c.advance('P15D');
    expect(moved.transitions.invoicesIssued).toBe(2);
    const [usInvoice, ...usMore] = await invoicesOf(us);
    const [frInvoice, ...frMore] = await invoicesOf(fr);
    expect(usMore).toEqual([]);
    expect(frMore).toEqual([]);
    expect(await invoicesOf(quiet)).toEqual([]);
    if (!usInvoice || !frInvoice) throw new Error('no invoice');
    // Customers in name order: Alpine, then Bistro.
    expect([usInvoice.number, frInvoice.number]).toEqual(['SW-2027-000001', 'SW-2027-000002']);
    expect(usInvoice).toMatchObject({
      documentType: 'invoice',
      creditedInvoice: null,
      invoiceDate: '2027-02-01T00:00:00.000Z',
      billingPeriodStartDate: '2027-01-01T00:00:00.000Z',
      currencyCode: 'USD',
      locale: 'en-US',
      taxRate: '0',
      tax: 0,
      seller: { legalName: 'Contoso Cloud Reseller SAS' },
      billingProfile: { companyName: 'Alpine Ski House' },
    });
    expect(frInvoice).toMatchObject({ currencyCode: 'EUR', locale: 'fr-FR', taxRate: '20' });

    for (const [customer, invoice] of [
      [us, usInvoice],
      [fr, frInvoice],
    ] as const) {
      const january = await ledgerSum(customer, '2027-01-01T00:00:00Z', '2027-02-01T00:00:00Z');
      expect(january).toBeGreaterThan(0);
      expect(invoice.net).toBe(january);
      const lines = await linesOf(customer, invoice.id);
      expect(lines).toHaveLength(invoice.lineCount);
      expect(lines.reduce((s, l) => s + l.amount, 0)).toBe(january);
      expect(invoice.total).toBe(invoice.net + invoice.tax);
    }
    // 20 % rounded half away from zero, once on the net.
    expect(frInvoice.tax).toBe(Math.round((frInvoice.net * 20) / 100));

    // Closing again (later the same month, or straight from the job) issues nothing new.
    expect((await c.advance('P1D')).transitions.invoicesIssued).toBe(0);
    expect(await closeMonths(t.seatwise.db, t.seatwise.clock.now())).toEqual([]);
    expect(await invoicesOf(us)).toHaveLength(1);

    // invoice.issued reached the event store (and so the webhooks), one per document.
    const events = await t.seatwise.db
      .selectFrom('events')
      .select(['type', 'resource_id', 'customer_id'])
      .where('type', '=', 'invoice.issued')
      .execute();
    expect(events.map((e) => e.resource_id).sort()).toEqual([usInvoice.id, frInvoice.id].sort());

    // February: the renewals of the monthly subscriptions (Feb 15) are February's lines, on the next numbers.
    await c.advance('P30D');
    const usAll = await invoicesOf(us);
    expect(usAll.map((i) => i.number)).toEqual(['SW-2027-000003', 'SW-2027-000001']);
    expect(usAll[0]?.net).toBe(await ledgerSum(us, '2027-02-01T00:00:00Z', '2027-03-01T00:00:00Z'));
    const numbers = await t.seatwise.db.selectFrom('invoices').select('seq').orderBy('seq').execute();
    expect(numbers.map((n) => Number(n.seq))).toEqual([1, 2, 3, 4]);
  });

  it('R-INV-1: a credit for a period an issued invoice charged goes on a credit note that references it, at the tax of that invoice; a credit within the month stays on the invoice', async () => {
    t = await newSeatwise();
    const c = commerce(t);
    expect((await setSettings()).statusCode).toBe(200);
    const fr = await frenchCustomer('Bistro Fabrikam');
    const annual = await c.buy(fr, 'annual', 'CN-365-E3', 10);
    const sameMonth = await c.buy(fr, 'monthly', 'CN-365-BB', 2);
    expect((await c.patch(fr, sameMonth.id, { status: 'deleted' })).statusCode).toBe(200);
    await c.advance('P20D'); // Feb 4: January closed
    const [invoice] = await invoicesOf(fr);
    if (!invoice) throw new Error('no invoice');
    const lines = await linesOf(fr, invoice.id);
    // The monthly subscription bought and cancelled in January: its charge and credit both on the invoice.
    expect(lines.filter((l) => l.amount < 0)).toHaveLength(1);
    expect(invoice.net).toBe(await ledgerSum(fr, '2027-01-01T00:00:00Z', '2027-02-01T00:00:00Z'));

    // The tax rate changes before the correction: the credit note keeps the invoice's 20 %.
    expect(
      (await setSettings({ ...SETTINGS, taxRates: [{ country: 'FR', percent: '5.5' }] })).statusCode,
    ).toBe(200);
    // Cancelled 21 days into the annual term: a full credit (R-BIL-3), posted in February.
    expect((await c.patch(fr, annual.id, { status: 'deleted' })).statusCode).toBe(200);
    await c.advance('P30D'); // March 6: February closed
    const all = await invoicesOf(fr);
    expect(all).toHaveLength(2);
    const note = all.find((i) => i.documentType === 'creditNote');
    expect(note).toMatchObject({
      number: 'SW-2027-000002',
      creditedInvoice: { id: invoice.id, number: invoice.number },
      taxRate: '20',
      billingPeriodStartDate: '2027-02-01T00:00:00.000Z',
    });
    const february = await ledgerSum(fr, '2027-02-01T00:00:00Z', '2027-03-01T00:00:00Z');
    expect(february).toBeLessThan(0);
    expect(note?.net).toBe(february);
    expect(note?.tax).toBe(-Math.round((-february * 20) / 100));
    // The invoice it corrects is as it was.
    expect((await invoicesOf(fr)).find((i) => i.id === invoice.id)).toEqual(invoice);
  });

  it('R-INV-1: issued invoices never change: the database refuses UPDATE and DELETE, and the API has no route that writes one', async () => {
    t = await newSeatwise();
    const c = commerce(t);
    const us = await newCustomer(t);
    await c.buy(us, 'monthly', 'CN-365-BB', 5);
    await c.advance('P20D');
    const [invoice] = await invoicesOf(us);
    if (!invoice) throw new Error('no invoice');
    // The default settings: prefix INV, the partner's name, no tax.
    expect(invoice.number).toBe('INV-2027-000001');
    expect(invoice.tax).toBe(0);
    const db = t.seatwise.db;
    await expect(
      db.updateTable('invoices').set({ total: 0 }).where('id', '=', invoice.id).execute(),
    ).rejects.toThrow(/never change/);
    await expect(db.updateTable('invoice_lines').set({ amount: 0 }).execute()).rejects.toThrow(
      /never change/,
    );
    await expect(db.deleteFrom('invoice_lines').execute()).rejects.toThrow(/never change/);
    await expect(db.deleteFrom('invoices').where('id', '=', invoice.id).execute()).rejects.toThrow(
      /never change/,
    );
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST'] as const) {
      const res = await t.app.inject({
        method,
        url: `/v1/customers/${us}/invoices/${invoice.id}`,
        headers: t.auth,
        payload: { total: 0 },
      });
      expect(res.statusCode, method).toBe(404);
    }
    expect((await invoicesOf(us))[0]).toEqual(invoice);
  });
});

describe('invoice documents (R-INV-1)', () => {
  it('R-INV-1: the PDF of a French customer, extracted, says in French and in euros what the JSON says; the CSV adds up to the same total', async () => {
    t = await newSeatwise();
    const c = commerce(t);
    expect((await setSettings()).statusCode).toBe(200);
    const fr = await frenchCustomer('Bistro Fabrikam');
    await c.buy(fr, 'annual', 'CN-365-E3', 12);
    await c.buy(fr, 'monthly', 'CN-365-BB', 3);
    await c.advance('P20D');
    const [invoice] = await invoicesOf(fr);
    if (!invoice) throw new Error('no invoice');
    const lines = await linesOf(fr, invoice.id);
    const text = await pdfText(fr, invoice.id);
    const flat = text.replace(/\s+/g, ' ');
    const euros = (n: number) => formatMoney(n, 'EUR', 'fr-FR').replace(/\s/g, ' ');
    expect(flat).toContain('Facture');
    expect(flat).toContain(`Numéro: ${invoice.number}`);
    expect(flat).toContain('Contoso Cloud Reseller SAS');
    expect(flat).toContain('12 rue de la Paix');
    expect(flat).toContain('Bistro Fabrikam');
    expect(flat).toContain('Date d’émission: 01/02/2027');
    expect(flat).toContain('Total HT');
    expect(flat).toContain('TVA (20 %)');
    expect(flat).toContain('Total TTC');
    expect(flat).toContain(euros(invoice.net));
    expect(flat).toContain(euros(invoice.tax));
    expect(flat).toContain(euros(invoice.total));
    expect(euros(invoice.total)).toMatch(/^\d{1,3}( \d{3})*,\d{2} €$/);
    for (const l of lines) {
      expect(flat).toContain(l.product);
      expect(flat).toContain(euros(l.amount));
    }
    expect(flat).not.toContain('Invoice');

    const csv = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${fr}/invoices/${invoice.id}/lineitems?format=csv`,
      headers: t.auth,
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="${invoice.number}.csv"`);
    const rows = parse<Record<string, string>>(csv.body, { bom: true, columns: true });
    const cents = (s: string | undefined) => Math.round(Number(s) * 100);
    const lineRows = rows.filter((r) => r['Line'] !== '');
    expect(lineRows).toHaveLength(lines.length);
    expect(lineRows.reduce((s, r) => s + cents(r['Amount']), 0)).toBe(invoice.net);
    expect(cents(rows.find((r) => r['Product'] === 'Total')?.['Amount'])).toBe(invoice.total);
  });

  it('R-INV-1: an English customer gets an English PDF in dollars', async () => {
    t = await newSeatwise();
    const c = commerce(t);
    const us = await newCustomer(t, { companyName: 'Alpine Ski House' });
    await c.buy(us, 'monthly', 'CN-365-BB', 250);
    await c.advance('P20D');
    const [invoice] = await invoicesOf(us);
    if (!invoice) throw new Error('no invoice');
    const flat = (await pdfText(us, invoice.id)).replace(/\s+/g, ' ');
    expect(flat).toContain('Invoice');
    expect(flat).toContain('Issue date: 02/01/2027');
    expect(flat).toContain(formatMoney(invoice.total, 'USD', 'en-US'));
    expect(formatMoney(invoice.total, 'USD', 'en-US')).toMatch(/^\$\d{1,3}(,\d{3})*\.\d{2}$/);
  });
});

describe('who may read and set invoices (R-INV-1, R-ROLE)', () => {
  it('R-INV-1, R-ROLE: billing.view reads invoices, pricing.manage sets the settings, another partner gets 404, bad input is a 400 naming the field and changes nothing', async () => {
    t = await newSeatwise();
    const c = commerce(t);
    const us = await newCustomer(t);
    await c.buy(us, 'monthly', 'CN-365-BB', 5);
    await c.advance('P20D');
    const [invoice] = await invoicesOf(us);
    if (!invoice) throw new Error('no invoice');
    const base = `/v1/customers/${us}/invoices`;
    const urls = [
      base,
      `${base}/${invoice.id}`,
      `${base}/${invoice.id}/lineitems`,
      `${base}/${invoice.id}/documents/statement`,
      '/v1/invoicesettings',
    ];
    for (const [role, read, manage] of [
      ['GlobalAdmin', 200, 200],
      ['AdminAgent', 200, 200],
      ['BillingAdmin', 200, 403],
      ['SalesAgent', 403, 403],
      ['HelpdeskAgent', 403, 403],
    ] as const) {
      const headers = await headersForRole(t, role);
      for (const url of urls) {
        expect((await t.app.inject({ method: 'GET', url, headers })).statusCode, `${role} ${url}`).toBe(read);
      }
      expect((await setSettings(SETTINGS, headers)).statusCode, role).toBe(manage);
    }
    const other = await newPartner(t);
    for (const url of urls.slice(0, 4)) {
      expect((await t.app.inject({ method: 'GET', url, headers: other.auth })).statusCode, url).toBe(404);
    }
    // The other partner's own settings are its own: the defaults, with its name.
    const theirs = await t.app.inject({ method: 'GET', url: '/v1/invoicesettings', headers: other.auth });
    expect(theirs.json<{ invoicePrefix: string; taxRates: unknown[] }>()).toMatchObject({
      invoicePrefix: 'INV',
      taxRates: [],
    });

    const before = await t.app.inject({ method: 'GET', url: '/v1/invoicesettings', headers: t.auth });
    for (const [body, field] of [
      [{ ...SETTINGS, taxRates: [{ country: 'FR', percent: '101' }] }, 'taxRates[0].percent'],
      [{ ...SETTINGS, taxRates: [{ country: 'FR', percent: '-1' }] }, 'taxRates[0].percent'],
      [{ ...SETTINGS, taxRates: [{ country: 'FR', percent: '1.234' }] }, 'taxRates[0].percent'],
      [{ ...SETTINGS, taxRates: [{ country: 'F1', percent: '5' }] }, 'taxRates[0].country'],
      [{ ...SETTINGS, invoicePrefix: 'in v' }, 'invoicePrefix'],
      [{ ...SETTINGS, legalName: '   ' }, 'legalName'],
    ] as const) {
      const res = await setSettings(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      const err = res.json<{ code: number; data: { field: string }[] }>();
      expect(err.code).toBe(2000);
      expect(err.data.map((d) => d.field)).toContain(field);
    }
    for (const body of [
      { ...SETTINGS, legalName: 'A\u0000B' },
      { ...SETTINGS, extra: 1 },
      { invoicePrefix: 'X' },
    ]) {
      expect((await setSettings(body)).statusCode, JSON.stringify(body)).toBe(400);
    }
    const after = await t.app.inject({ method: 'GET', url: '/v1/invoicesettings', headers: t.auth });
    expect(after.json()).toEqual(before.json());

    for (const [url, status] of [
      [`${base}/not-a-guid`, 404],
      [`${base}/${invoice.id}/lineitems?format=xml`, 400],
      [`${base}/${'x'.repeat(200)}`, 404],
      [`/v1/customers/${us}/invoices/${invoice.id}%00`, 400],
    ] as const) {
      expect((await t.app.inject({ method: 'GET', url, headers: t.auth })).statusCode, url).toBe(status);
    }
  });

  it('R-API-6: the invoice routes and their schemas are in /openapi.json', async () => {
    t = await newSeatwise();
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    const doc = res.json<{ paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }>();
    for (const path of [
      '/v1/customers/{customerId}/invoices',
      '/v1/customers/{customerId}/invoices/{invoiceId}',
      '/v1/customers/{customerId}/invoices/{invoiceId}/lineitems',
      '/v1/customers/{customerId}/invoices/{invoiceId}/documents/statement',
      '/v1/invoicesettings',
    ]) {
      expect(doc.paths[path]?.['get']?.responses['200'], path).toBeDefined();
    }
    expect(
      JSON.stringify(doc.paths['/v1/customers/{customerId}/invoices/{invoiceId}/documents/statement']),
    ).toContain('application/pdf');
  });
});
