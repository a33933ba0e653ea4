import { parse } from 'csv-parse/sync';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { formatMoney } from '../../src/domain/invoicing/invoice-rules.ts';
import { TID } from '../../web/src/testids.ts';
import { INVOICE_TID } from '../../web/src/pages/invoices-testids.ts';
import {
  apiCaller,
  expectAccessible,
  failureShot,
  money,
  openBrowser,
  screenshot,
  stopConsoleServer,
  type Browser,
} from '../support/browser.ts';
import { onServer } from '../support/db.ts';
import { startServerProcess, type RunningServer } from '../support/process.ts';
import { ensureConsoleBuilt } from '../../scripts/build-web.mjs';

// The customer's Invoices tab (R-INV-1) in a real browser against a server process with the demo data and the
// test clock: a French customer buys, the clock passes the month end, the partner user opens the invoice,
// downloads its PDF and CSV, and the PDF's text (read back with pdfjs) is French and says what the API says.
const TOKEN = 'browser-invoices-token';
const PASSWORD = 'browser-invoices-password';
const dataDir = mkdtempSync(join(tmpdir(), 'seatwise-browser-invoices-'));
let server: RunningServer;
const browsers: Browser[] = [];
const call = apiCaller(() => server, TOKEN);

interface Invoice {
  id: string;
  number: string;
  net: number;
  tax: number;
  total: number;
  currencyCode: string;
  lineCount: number;
}

async function signIn(page: Page) {
  await page.goto(server.url);
  await page.getByLabel('User name').fill('admin');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.getByTestId(TID.header).isVisible()).toBe(true);
}

async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocument({
    data: bytes,
    standardFontDataUrl: join(import.meta.dirname, '../../node_modules/pdfjs-dist/standard_fonts/'),
  }).promise;
  const parts: string[] = [];
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent();
    parts.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  await pdf.destroy();
  return parts.join(' ').replace(/\s+/g, ' ');
}

beforeAll(async () => {
  if (onServer()) return;
  // As startConsoleServer starts it, with longer to wait: a first start with the demo is slow on a loaded machine.
  await ensureConsoleBuilt({ quiet: true });
  server = await startServerProcess(
    {
      SEATWISE_DATA_DIR: dataDir,
      SEATWISE_DEMO: '1',
      SEATWISE_TEST_CLOCK: '1',
      SEATWISE_BOOTSTRAP_TOKEN: TOKEN,
      SEATWISE_BOOTSTRAP_PASSWORD: PASSWORD,
      SEATWISE_SWEEP_INTERVAL: '0',
    },
    240_000,
  );
}, 300_000);

afterAll(async () => {
  await stopConsoleServer(server, browsers, dataDir);
});

describe.skipIf(onServer())("the customer's Invoices tab", () => {
  it(
    'R-INV-1: after the month end the Invoices tab lists the invoice, opens its lines, and downloads a French PDF whose text matches the API, and a CSV with the same total (axe on the tab)',
    { timeout: 400_000 },
    async () => {
      const b = await openBrowser('en-US', 'UTC');
      browsers.push(b);
      const { page } = b;
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
      await page.goto(`${server.url}/customers/${customer.id}/subscriptions`);
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
