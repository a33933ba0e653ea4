import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { TID } from '../../web/src/testids.ts';
import {
  apiCaller,
  failureShot,
  openBrowser,
  startConsoleServer,
  stopConsoleServer,
  type Browser,
} from '../support/browser.ts';
import { onServer } from '../support/db.ts';
import type { RunningServer } from '../support/process.ts';
import { billedMonths, walkTheSeedPath, watchFailures, type Locale, type MonthTotals } from './walk.ts';

// The seed's path clicked through in French and in German, as a partner in Paris or Berlin would, against a
// real server with the demo data: not one failed request, not one console error, no rule number or code in
// what the partner reads, the catalog in the partner's language, the ids copied, and the billing table from
// the first billed month. German runs at a phone's width.
const TOKEN = 'languages-bootstrap-token';
const PASSWORD = 'languages-admin-password';
const dataDir = mkdtempSync(join(tmpdir(), 'seatwise-languages-'));
let server: RunningServer;
const browsers: Browser[] = [];
const call = apiCaller(() => server, TOKEN);

beforeAll(async () => {
  if (onServer()) return;
  server = await startConsoleServer(dataDir, TOKEN, PASSWORD);
}, 300_000);

afterAll(async () => {
  await stopConsoleServer(server, browsers, dataDir);
});

async function customerIn(country: 'FR' | 'DE', name: string, domain: string, culture: string) {
  await call('POST', '/v1/customers', {
    companyProfile: { domain, companyName: name },
    billingProfile: {
      email: `it@${domain}`,
      culture,
      language: culture.slice(0, 2),
      companyName: name,
      defaultAddress: {
        country,
        city: country === 'FR' ? 'Lyon' : 'Köln',
        addressLine1: country === 'FR' ? '2 place Bellecour' : 'Domkloster 4',
        postalCode: country === 'FR' ? '69002' : '50667',
        firstName: 'Alex',
        lastName: 'Martin',
      },
    },
  });
}

const WALKS: { locale: Locale; zone: string; width: number; country: 'FR' | 'DE'; name: string }[] = [
  { locale: 'fr-FR', zone: 'Europe/Paris', width: 1024, country: 'FR', name: 'Boulangerie Lumière' },
  { locale: 'de-DE', zone: 'Europe/Berlin', width: 390, country: 'DE', name: 'Bäckerei Sonnenschein' },
];

describe.skipIf(onServer())('the seed’s path in French and German', () => {
  for (const w of WALKS) {
    it(
      `${w.locale} at ${w.width} px: the whole path with 0 failed requests and 0 console errors, the catalog in ${w.locale}, ids copied, billing from the first billed month`,
      { timeout: 300_000 },
      async () => {
        const domain = `${w.country.toLowerCase()}-walk.onmicrosoft.com`;
        await customerIn(w.country, w.name, domain, w.locale);
        const b = await openBrowser(w.locale, w.zone);
        browsers.push(b);
        const { page } = b;
        await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
        onTestFailed(() => failureShot(page, `walk-${w.locale}`));
        const failures = watchFailures(page);

        const wide = await walkTheSeedPath({
          page,
          server,
          locale: w.locale,
          width: w.width,
          password: PASSWORD,
          customerName: w.name,
        });
        expect(wide).toEqual([]);

        // The billing table lists the months from the first one with a line, as the API counts them.
        const from = await page.locator('#billing-from').inputValue();
        const to = await page.locator('#billing-to').inputValue();
        const totals = await call<{ items: MonthTotals[] }>('GET', `/v1/statements?from=${from}&to=${to}`);
        const currencies = [...new Set(totals.items.flatMap((i) => i.totals.map((x) => x.currency)))];
        expect(currencies.length).toBeGreaterThan(0);
        for (const currency of currencies) {
          const rows = await page
            .locator(`[data-testid="${TID.monthRow}"][data-currency="${currency}"]`)
            .all();
          const shown = await Promise.all(rows.map((r) => r.getAttribute('data-month')));
          expect(shown, currency).toEqual(billedMonths(totals.items, currency));
        }

        expect(failures).toEqual([]);
      },
    );
  }
});
