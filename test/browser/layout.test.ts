import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { TID } from '../../web/src/testids.ts';
import {
  failureShot,
  openBrowser,
  startConsoleServer,
  stopConsoleServer,
  type Browser,
  apiCaller,
} from '../support/browser.ts';
import { onServer } from '../support/db.ts';
import type { RunningServer } from '../support/process.ts';
import { walkTheSeedPath, watchFailures } from './walk.ts';

// Every page of the console at 1024 px and at a phone's 390 px: the page itself never scrolls sideways;
// a table too wide for the screen scrolls inside its own box.
const TOKEN = 'layout-bootstrap-token';
const PASSWORD = 'layout-admin-password';
const dataDir = mkdtempSync(join(tmpdir(), 'seatwise-layout-'));
let server: RunningServer;
const browsers: Browser[] = [];

const call = apiCaller(() => server, TOKEN);

// Runs in the page (a string: this file is compiled without the DOM's types).
const OVERFLOW = '({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })';

beforeAll(async () => {
  if (onServer()) return;
  server = await startConsoleServer(dataDir, TOKEN, PASSWORD);
}, 300_000);

afterAll(async () => {
  await stopConsoleServer(server, browsers, dataDir);
});

async function pages(): Promise<string[]> {
  const customers = await call<{ items: { id: string; companyProfile: { companyName: string } }[] }>(
    'GET',
    '/v1/customers',
  );
  // The demo customer with the most subscriptions: the widest tables.
  let best = { id: customers.items[0]?.id ?? '', subs: [] as { id: string }[] };
  for (const c of customers.items) {
    const subs = (await call<{ items: { id: string }[] }>('GET', `/v1/customers/${c.id}/subscriptions`))
      .items;
    if (subs.length > best.subs.length) best = { id: c.id, subs };
  }
  const c = `/customers/${best.id}`;
  return [
    '/',
    '/customers',
    '/customers/new',
    `${c}/subscriptions`,
    `${c}/users`,
    `${c}/activity`,
    `${c}/billing`,
    `${c}/subscriptions/new`,
    `${c}/subscriptions/${best.subs[0]?.id ?? ''}`,
    '/billing',
  ];
}

async function measure(page: Page, width: number, paths: string[]): Promise<string[]> {
  await page.setViewportSize({ width, height: 900 });
  const wide: string[] = [];
  for (const path of paths) {
    await page.goto(`${server.url}${path}`);
    await expect.poll(() => page.getByTestId(TID.header).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.loading').count()).toBe(0);
    const { scroll, inner } = await page.evaluate<{ scroll: number; inner: number }>(OVERFLOW);
    if (scroll > inner) wide.push(`${path} at ${width} px: ${scroll} > ${inner}`);
  }
  return wide;
}

describe.skipIf(onServer())('the console layout', () => {
  it(
    'the seed’s path at 390 px, clicked through as on a phone: nothing scrolls sideways, nothing fails',
    { timeout: 300_000 },
    async () => {
      await call('POST', '/v1/customers', {
        companyProfile: { domain: 'phone-walk.onmicrosoft.com', companyName: 'Phone Walk Ltd' },
        billingProfile: {
          email: 'it@phone-walk.example',
          culture: 'en-US',
          language: 'en',
          companyName: 'Phone Walk Ltd',
          defaultAddress: {
            country: 'US',
            city: 'Redmond',
            state: 'WA',
            addressLine1: '1 Main Street',
            postalCode: '98052',
            firstName: 'Sam',
            lastName: 'Lee',
          },
        },
      });
      const b = await openBrowser('en-US', 'America/Los_Angeles');
      browsers.push(b);
      const { page } = b;
      await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      onTestFailed(() => failureShot(page, 'layout-walk-390'));
      const failures = watchFailures(page);
      const wide = await walkTheSeedPath({
        page,
        server,
        locale: 'en-US',
        width: 390,
        password: PASSWORD,
        customerName: 'Phone Walk Ltd',
      });
      expect(wide).toEqual([]);
      expect(failures).toEqual([]);
    },
  );

  it(
    'no page scrolls sideways at 1024 px or at 390 px: wide tables scroll in their own box',
    {
      timeout: 240_000,
    },
    async () => {
      const b = await openBrowser('en-US', 'UTC');
      browsers.push(b);
      const { page } = b;
      onTestFailed(() => failureShot(page, 'layout'));
      await page.goto(server.url);
      await page.getByLabel('User name').fill('admin');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByTestId(TID.header).isVisible()).toBe(true);
      const paths = await pages();
      expect(await measure(page, 1024, paths)).toEqual([]);
      expect(await measure(page, 390, paths)).toEqual([]);
    },
  );
});
