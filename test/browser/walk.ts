import { readFileSync } from 'node:fs';
import { IntlMessageFormat } from 'intl-messageformat';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { DEMO_CATALOG_PATH } from '../../src/app/catalog.ts';
import type { Offer } from '../../src/domain/catalog/offer.ts';
import { MESSAGES, type MessageKey } from '../../web/src/i18n/messages.ts';
import { TID } from '../../web/src/testids.ts';
import type { RunningServer } from '../support/process.ts';

/**
 * The seed's path (SPEC §5) as a partner clicks it, in one language and at one width, finding every control
 * by the words the console shows in that language (its own message catalog), and collecting on the way what
 * a partner's browser would log as failed: any answer of 400 or more, a request that does not reach the
 * server, an error on the console, an uncaught error in the page.
 */

export type Locale = keyof typeof MESSAGES;

/** A console message in `locale`, formatted as the console formats it. */
export const say = (locale: Locale, key: MessageKey, values: Record<string, string | number> = {}): string =>
  String(new IntlMessageFormat(MESSAGES[locale][key], locale).format(values));

/** Everything the page logs as failed, from now on. */
export function watchFailures(page: Page): string[] {
  const failures: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400)
      failures.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  // A request the browser itself drops as the page moves on (net::ERR_ABORTED) is no failure.
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') failures.push(`failed ${r.method()} ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') failures.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => failures.push(`page: ${e.message}`));
  return failures;
}

// Runs in the page (a string: these files are compiled without the DOM's types).
const OVERFLOW = '({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })';
// The text a partner reads: what is rendered, so a closed "Details for support" is left out.
const VISIBLE_TEXT = 'document.body.innerText';

/** A rule number (R-ORD-1), a spec section, an HTTP status or a header name in text a partner reads. */
const ENGINEERS_WORDS = /\bR-[A-Z]{2,}|SPEC §|\bcode \d{3,}|\bHTTP\b|MS-RequestId|Authorization:/;

export interface WalkOptions {
  page: Page;
  server: RunningServer;
  locale: Locale;
  /** The window's width in CSS pixels; the page must never scroll sideways at it. */
  width: number;
  password: string;
  /** A customer of its own for this walk (made through the API), by name. */
  customerName: string;
}

/** The demo catalog's description of an offer in `locale`. */
function description(offerId: string, locale: Locale): string {
  const offers = (JSON.parse(readFileSync(DEMO_CATALOG_PATH, 'utf8')) as { offers: Offer[] }).offers;
  const offer = offers.find((o) => o.id === offerId);
  return offer?.translations?.[locale]?.description ?? offer?.description ?? '';
}

/**
 * Sign in; Customers, searched; the customer; New subscription with the catalog in the page's language;
 * Business Basic bought; its order id copied; the subscription opened by its name, its id copied; an add-on
 * bought; the quantity changed; suspended with a reason; the catalog offering to reactivate it; reactivated;
 * cancelled; the activity log; the partner's billing from its first billed month. Returns the steps at which
 * the page was wider than the window.
 */
export async function walkTheSeedPath(o: WalkOptions): Promise<string[]> {
  const { page, server, locale } = o;
  const m = (key: MessageKey, values?: Record<string, string | number>) => say(locale, key, values);
  const wide: string[] = [];
  const step = async (what: string) => {
    await expect.poll(() => page.locator('.loading').count()).toBe(0);
    const { scroll, inner } = await page.evaluate<{ scroll: number; inner: number }>(OVERFLOW);
    if (scroll > inner) wide.push(`${what} at ${o.width} px: ${scroll} > ${inner}`);
    const text = await page.evaluate<string>(VISIBLE_TEXT);
    expect(ENGINEERS_WORDS.exec(text)?.[0], `${what}: words for engineers`).toBeUndefined();
  };
  const notice = () => page.getByTestId(TID.notice).textContent();
  await page.setViewportSize({ width: o.width, height: 900 });

  await page.goto(server.url);
  await expect.poll(() => page.getByRole('heading', { name: m('signIn.title') }).isVisible()).toBe(true);
  await page.getByLabel(m('signIn.userName')).fill('admin');
  await page.getByLabel(m('signIn.password')).fill(o.password);
  await page.getByRole('button', { name: m('signIn.submit') }).click();
  await expect.poll(() => page.getByTestId(TID.header).isVisible()).toBe(true);
  await step('dashboard');

  // 1. Dashboard → Customers → the customer, searched.
  await page
    .getByRole('navigation', { name: m('nav.dashboardMenu') })
    .getByRole('link', { name: m('nav.customers') })
    .click();
  await expect.poll(() => page.getByTestId(TID.customerRow).count()).toBeGreaterThan(1);
  await step('customers');
  await page.getByLabel(m('customers.search')).fill(o.customerName);
  await expect.poll(() => page.getByTestId(TID.customerRow).count()).toBe(1);
  await page.getByRole('link', { name: o.customerName }).click();
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(o.customerName);
  await step('customer');
  await page.getByRole('button', { name: m('copy.label', { what: m('customer.id') }) }).click();
  await expect.poll(() => page.locator('.copy-outcome').first().textContent()).toBe(m('copy.done'));
  const customerId = (await page.getByTestId(TID.customerId).textContent()) ?? '';
  expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(customerId);

  // 2–4. New subscription, monthly: the catalog in this language; Business Basic, 5 licences; Submit.
  await page.getByRole('link', { name: m('subscriptions.new') }).click();
  const row = (offer: string) => page.locator(`[data-testid="${TID.catalogRow}"][data-offer="${offer}"]`);
  await expect
    .poll(() => row('CN-365-BB').locator('.offer-description').textContent())
    .toBe(description('CN-365-BB', locale));
  await row('CN-365-BB').getByRole('checkbox').check();
  await page.getByLabel(m('order.licencesFor', { name: 'Contoso 365 Business Basic' })).fill('5');
  await expect.poll(() => page.getByTestId(TID.orderTotal).textContent()).not.toBe('');
  await step('new subscription');
  await page.getByRole('button', { name: m('order.submit') }).click();
  await expect.poll(notice).toBe(m('order.placedOne'));
  await step('order placed');
  // The order's id, copied for a support call.
  await page.getByRole('button', { name: m('copy.label', { what: m('edit.orderId') }) }).click();
  const orderId = (await page.getByTestId(TID.orderId).first().textContent()) ?? '';
  expect(orderId).toMatch(/^[0-9a-f-]{36}$/);
  expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(orderId);

  // 5–6. The subscription by its name; an add-on; the quantity; Suspended with a reason.
  await page.getByRole('link', { name: 'Contoso 365 Business Basic' }).click();
  await expect
    .poll(() => page.getByRole('heading', { level: 1 }).textContent())
    .toBe('Contoso 365 Business Basic');
  await expect.poll(() => page.getByTestId(TID.subscriptionId).textContent()).toMatch(/^[0-9a-f-]{36}$/);
  const subscriptionId = (await page.getByTestId(TID.subscriptionId).textContent()) ?? '';
  expect(await page.getByTestId(TID.orderId).textContent()).toBe(orderId);
  await page.getByRole('button', { name: m('copy.label', { what: m('edit.subscriptionId') }) }).click();
  expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(subscriptionId);
  await step('subscription');
  const addOn = page.locator(`[data-testid="${TID.addOnRow}"][data-offer="CN-ADD-ARCHIVE"]`);
  await addOn.getByLabel(m('order.licencesFor', { name: 'Contoso Mail Archiving' })).fill('2');
  await addOn
    .getByRole('button', { name: m('addOns.buyButton', { name: 'Contoso Mail Archiving' }) })
    .click();
  await expect.poll(notice).toBe(m('addOns.bought'));
  await page.getByLabel(m('edit.licences'), { exact: true }).fill('7');
  await page.getByRole('button', { name: m('common.submit'), exact: true }).click();
  await expect.poll(notice).toBe(m('edit.saved'));
  await page.getByRole('radio', { name: m('status.suspended') }).check();
  await page.getByLabel(m('edit.reason')).selectOption('nonPayment');
  await expect.poll(() => page.getByTestId(TID.suspendRetention).textContent()).not.toBe('');
  await step('suspending');
  await page.getByRole('button', { name: m('common.submit'), exact: true }).click();
  await expect.poll(notice).toBe(m('edit.suspended'));

  // 3. The catalog says a suspended subscription of Business Basic (an offer with no limit) exists, and
  // offers to reactivate it rather than buy another (R-CAT-2, R-SUS-4).
  await page.goto(`${server.url}/customers/${customerId}/subscriptions/new`);
  const hint = row('CN-365-BB').getByTestId(TID.catalogSuspendedHint);
  await expect.poll(() => hint.textContent()).toContain('Contoso 365 Business Basic');
  expect(await row('CN-365-BB').getByRole('checkbox').isDisabled()).toBe(false);
  await step('catalog with a suspended subscription');
  await hint
    .getByRole('link', { name: m('order.reactivate', { name: 'Contoso 365 Business Basic' }) })
    .click();
  await expect
    .poll(() => page.url())
    .toBe(`${server.url}/customers/${customerId}/subscriptions/${subscriptionId}`);
  await page.getByRole('radio', { name: m('status.active') }).check();
  await page.getByRole('button', { name: m('common.submit'), exact: true }).click();
  await expect.poll(notice).toBe(m('edit.reactivated'));

  // 6. Cancel, confirmed.
  await page.getByRole('button', { name: m('cancel.button') }).click();
  const dialog = page.getByTestId(TID.cancelDialog);
  await expect.poll(() => dialog.getByTestId(TID.cancelPurgeDate).textContent()).not.toBe('');
  await step('cancel confirmation');
  await dialog.getByRole('button', { name: m('cancel.confirmButton'), exact: true }).click();
  await expect.poll(notice).toBe(m('cancel.done'));
  await step('cancelled');

  // The activity log names what was done.
  await page.goto(`${server.url}/customers/${customerId}/activity`);
  await expect.poll(() => page.getByTestId(TID.activityRow).count()).toBeGreaterThan(4);
  await step('activity');

  // The partner's billing: the table starts at the first month with a line, not twelve months back.
  await page
    .getByRole('navigation', { name: m('nav.dashboardMenu') })
    .getByRole('link', { name: m('nav.billing') })
    .click();
  await expect.poll(() => page.getByTestId(TID.monthRow).count()).toBeGreaterThan(0);
  await step('billing');
  return wide;
}

/** The partner's monthly totals as the billing page reads them, for the months it should show. */
export interface MonthTotals {
  month: string;
  totals: { currency: string; lineCount: number }[];
}

/** The months the billing table should list for `currency`: from the first with a line to the last asked. */
export function billedMonths(items: readonly MonthTotals[], currency: string): string[] {
  const count = (i: MonthTotals) => i.totals.find((x) => x.currency === currency)?.lineCount ?? 0;
  const first = items.findIndex((i) => count(i) > 0);
  return first < 0 ? [] : items.slice(first).map((i) => i.month);
}
