import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { describe, expect, it, onTestFailed } from 'vitest';
import { formatMoney } from '../../src/domain/invoicing/invoice-rules.ts';
import { INVOICE_TID } from '../../web/src/pages/invoices-testids.ts';
import { consoleFixture, expectAccessible, failureShot, money, screenshot } from '../support/browser.ts';
import { onServer } from '../support/db.ts';
import { pdfTextOf } from '../support/pdf.ts';

// The customer's Invoices tab (R-INV-1) in a real browser against a server process with the demo data and the
// test clock: a French customer buys, the clock passes the month end, the partner user opens the invoice,
// downloads its PDF and CSV, and the PDF's text (read back with pdfjs) is French and says what the API says.
const app = consoleFixture('invoices');
const { call, signIn } = app;

interface Invoice {
  id: string;
  number: string;
  net: number;
  tax: number;
  total: number;
  currencyCode: string;
  lineCount: number;
}

/** The PDF's text as one line, as the page's download gives it. */
const pdfText = async (bytes: Uint8Array): Promise<string> => (await pdfTextOf(bytes)).replace(/\s+/g, ' ');

describe.skipIf(onServer())("the customer's Invoices tab", () => {
  it(
    'R-INV-1: after the month end the Invoices tab lists the invoice, opens its lines, and downloads a French PDF whose text matches the API, and a CSV with the same total (axe on the tab)',
    { timeout: 400_000 },
    async () => {
      const { page } = await app.open('en-US', 'UTC');
      onTestFailed(() => failureShot(page, 'invoices'));
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));

      await call('PUT', '/v1/invoicesettings', {
        invoicePrefix: 'FAC',
        legalName: 'Revendeur Nuage SARL',
        address: { addressLine1: '5 avenue Foch', city: 'Lyon', postalCode: '69006', country: 'FR' },
        taxRates: [{ country: 'FR', percent: '20' }],
      });
      const customer = await call<{ id: string }>('POST', '/v1/customers', {
        companyProfile: { domain: 'boulangerie-facture.onmicrosoft.com', companyName: 'Boulangerie Facture' },
        billingProfile: {
          email: 'compta@boulangerie.example',
          culture: 'fr-FR',
          language: 'fr',
          companyName: 'Boulangerie Facture',
          defaultAddress: {
            country: 'FR',
            city: 'Paris',
            addressLine1: '3 rue du Pain',
            postalCode: '75011',
            firstName: 'Camille',
            lastName: 'Martin',
          },
        },
      });
      await call('POST', `/v1/customers/${customer.id}/orders`, {
        billingCycle: 'monthly',
        lineItems: [{ lineItemNumber: 0, offerId: 'CN-365-BB', quantity: 6 }],
      });
      // The first instant of the next month, and a day: the month the purchase was posted in closes.
      const now = new Date((await call<{ now: string }>('GET', '/v1/testclock')).now);
      const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 2));
      await call('POST', '/v1/testclock', { now: nextMonth.toISOString() });
      const { items } = await call<{ items: Invoice[] }>('GET', `/v1/customers/${customer.id}/invoices`);
      expect(items).toHaveLength(1);
      const invoice = items[0] as Invoice;
      expect(invoice.currencyCode).toBe('EUR');

      await signIn(page);
      await page.goto(`${app.url()}/customers/${customer.id}/subscriptions`);
      await page
        .getByRole('navigation', { name: 'Customer sections' })
        .getByRole('link', { name: 'Invoices' })
        .click();
      await expect.poll(() => page.getByTestId(INVOICE_TID.row).count()).toBe(1);
      const row = page.getByTestId(INVOICE_TID.row).first();
      expect(await row.getAttribute('data-number')).toBe(invoice.number);
      expect(await row.getByTestId(INVOICE_TID.total).textContent()).toBe(
        money('en-US', invoice.total, 'EUR'),
      );

      // Open it: its lines and totals.
      await row.getByRole('button', { name: invoice.number }).click();
      await expect.poll(() => page.getByTestId(INVOICE_TID.line).count()).toBe(invoice.lineCount);
      expect(await row.getByRole('button', { name: invoice.number }).getAttribute('aria-expanded')).toBe(
        'true',
      );
      expect(await page.getByTestId(INVOICE_TID.detail).textContent()).toContain(
        money('en-US', invoice.total, 'EUR'),
      );
      await expectAccessible(page, 'the Invoices tab with an invoice open');
      await screenshot(page, 'invoices-tab');

      // The PDF, downloaded as a user would: French, in euros, with the partner's name and address.
      const [pdfDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: `PDF of ${invoice.number}` }).click(),
      ]);
      expect(pdfDownload.suggestedFilename()).toBe(`${invoice.number}.pdf`);
      const pdfPath = await pdfDownload.path();
      const text = await pdfText(new Uint8Array(readFileSync(pdfPath)));
      const euros = (n: number) => formatMoney(n, 'EUR', 'fr-FR').replace(/\s/g, ' ');
      for (const expected of [
        'Facture',
        `Numéro: ${invoice.number}`,
        'Revendeur Nuage SARL',
        '5 avenue Foch',
        'Boulangerie Facture',
        'Camille Martin',
        'Total HT',
        'TVA (20 %)',
        'Total TTC',
        euros(invoice.net),
        euros(invoice.tax),
        euros(invoice.total),
      ]) {
        expect(text, expected).toContain(expected);
      }

      // The CSV: its lines add up to the net, and its Total row is the invoice's total.
      const [csvDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: `CSV of ${invoice.number}` }).click(),
      ]);
      const rows = parse<Record<string, string>>(readFileSync(await csvDownload.path(), 'utf8'), {
        bom: true,
        columns: true,
      });
      const cents = (s: string | undefined) => Math.round(Number(s) * 100);
      expect(rows.filter((r) => r['Line'] !== '').reduce((s, r) => s + cents(r['Amount']), 0)).toBe(
        invoice.net,
      );
      expect(cents(rows.find((r) => r['Product'] === 'Total')?.['Amount'])).toBe(invoice.total);
      expect(errors).toEqual([]);
    },
  );
});
