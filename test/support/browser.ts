import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { ensureConsoleBuilt } from '../../scripts/build-web.mjs';
import { TID } from '../../web/src/testids.ts';
import { onServer } from './db.ts';
import { exited, startServerProcess, type RunningServer } from './process.ts';

/** Debian's Chromium; Playwright's own browsers cannot be downloaded here. */
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS_DIR = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');

export interface Browser {
  page: Page;
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * A fresh Chromium (its own throwaway profile) speaking `locale` in `timeZone`, headless, with nothing that
 * reaches outside this machine.
 */
export async function openBrowser(locale: string, timeZone: string): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'seatwise-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    locale,
    timezoneId: timeZone,
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // Generous: an action waits for the page, and the page for a server that shares a busy machine with the suite.
  page.setDefaultTimeout(30_000);
  return {
    page,
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** axe-core on the page as it is now: no serious or critical violation (WCAG 2.1 A and AA rules). */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) => `${v.id} (${v.impact ?? ''}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  expect(serious, `axe on ${what}`).toEqual([]);
}

/** Saves a screenshot for the README when the run asks for them (npm run screenshots). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SEATWISE_SCREENSHOTS !== '1') return;
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
}

interface FocusInfo {
  tag: string;
  text: string;
  label: string;
  type: string;
  name: string;
}

// Runs in the page (a string, as this file is compiled without the DOM's types): what has the focus.
const FOCUS_INFO = `(() => {
  const a = document.activeElement;
  if (!a) return { tag: '', text: '', label: '', type: '', name: '' };
  const labelled = a.id ? document.querySelector('label[for="' + a.id + '"]')?.textContent : undefined;
  return {
    tag: a.tagName.toLowerCase(),
    text: (a.textContent ?? '').trim(),
    label: (labelled ?? a.closest('label')?.textContent ?? a.getAttribute('aria-label') ?? '').trim(),
    type: a.getAttribute('type') ?? '',
    name: a.getAttribute('name') ?? '',
  };
})()`;

/**
 * Presses Tab (or Shift+Tab) until the focused element matches, as a keyboard user would move; fails after
 * `max` presses. Returns how many presses it took.
 */
export async function tabTo(
  page: Page,
  matches: (el: FocusInfo) => boolean,
  options: { max?: number; back?: boolean } = {},
): Promise<number> {
  const max = options.max ?? 80;
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
    const el = await page.evaluate<FocusInfo>(FOCUS_INFO);
    if (matches(el)) return i;
  }
  throw new Error(`focus never reached the element after ${max} presses of Tab`);
}

/** A date as the console shows it (Intl, long style) in a language and time zone. */
export const longDate = (locale: string, timeZone: string, d: Date | string): string =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone }).format(new Date(d));

/** Money in minor units as the console shows it. */
export const money = (locale: string, minor: number, currency: string): string =>
  new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 100);

/** Whether the element `selector` finds has the keyboard focus. */
export const hasFocus = async (page: Page, selector: string): Promise<boolean> =>
  (await page.locator(`${selector}:focus`).count()) === 1;

/** What the page showed when a test failed, for whoever reads the failure (test-results/, gitignored). */
export async function failureShot(page: Page, name: string): Promise<void> {
  const path = join(import.meta.dirname, '..', '..', 'test-results', `browser-${name}.png`);
  await page.screenshot({ path, fullPage: true }).catch(() => undefined);
  console.error(`the page at the failure (${page.url()}): ${path}`);
}

/**
 * A Seatwise process serving the built console on a fresh embedded database in `dataDir`, with the demo data,
 * the test clock and no sweeper timer, signed in with `token` (API) or `password` (console).
 */
export async function startConsoleServer(
  dataDir: string,
  token: string,
  password: string,
): Promise<RunningServer> {
  await ensureConsoleBuilt({ quiet: true });
  return startServerProcess(
    {
      SEATWISE_DATA_DIR: dataDir,
      SEATWISE_DEMO: '1',
      SEATWISE_TEST_CLOCK: '1',
      SEATWISE_BOOTSTRAP_TOKEN: token,
      SEATWISE_BOOTSTRAP_PASSWORD: password,
      SEATWISE_SWEEP_INTERVAL: '0',
    },
    // A first start on a machine shared by many test runs can take minutes, not the usual seconds.
    240_000,
  );
}

/**
 * The REST API of a console server, as the browser tests set up and check their data: `call(method, path,
 * body?, headers?)` with the bearer `token`, the parsed answer, and an error naming the call when it fails.
 * `server` is read at each call, since the tests start it in `beforeAll`.
 */
export function apiCaller(server: () => RunningServer, token: string) {
  return async function call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const res = await fetch(`${server().url}${path}`, {
      method,
      headers: {
        ...headers,
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

/** Closes the browsers, stops the server and removes its data. */
export async function stopConsoleServer(
  server: RunningServer | undefined,
  browsers: readonly Browser[],
  dataDir: string,
): Promise<void> {
  for (const b of browsers) await b.close();
  if (server) {
    server.child.kill('SIGTERM');
    await exited(server.child);
  }
  rmSync(dataDir, { recursive: true, force: true });
}

/** What a browser file works with: its console server, the API, its browsers, signing in. */
export interface ConsoleFixture {
  token: string;
  password: string;
  /** The server's address; only once `beforeAll` has started it. */
  url: () => string;
  call: ReturnType<typeof apiCaller>;
  /** A browser speaking `locale` in `timeZone`, closed with the server after the file. */
  open: (locale?: string, timeZone?: string) => Promise<Browser>;
  /** Signs in on the console's page (going to it first unless `go` is false) and waits for the header. */
  signIn: (page: Page, options?: { userName?: string; password?: string; go?: boolean }) => Promise<void>;
}

/**
 * The set-up every browser file shares: a console server with the demo data on a fresh embedded database
 * (`startConsoleServer`), started before the file's tests and stopped after them with the browsers they
 * opened, its data removed. On a PostgreSQL server run the browser files are skipped, and nothing starts.
 */
export function consoleFixture(name: string): ConsoleFixture {
  const token = `browser-${name}-token`;
  const password = `browser-${name}-password`;
  const dataDir = mkdtempSync(join(tmpdir(), `seatwise-browser-${name}-`));
  const browsers: Browser[] = [];
  let server: RunningServer | undefined;
  beforeAll(async () => {
    if (onServer()) return;
    server = await startConsoleServer(dataDir, token, password);
  }, 300_000);
  afterAll(async () => {
    await stopConsoleServer(server, browsers, dataDir);
  });
  const running = (): RunningServer => {
    if (!server) throw new Error(`the console server of ${name} has not started`);
    return server;
  };
  return {
    token,
    password,
    url: () => running().url,
    call: apiCaller(running, token),
    open: async (locale = 'en-US', timeZone = 'UTC') => {
      const b = await openBrowser(locale, timeZone);
      browsers.push(b);
      return b;
    },
    signIn: async (page, options = {}) => {
      if (options.go ?? true) await page.goto(running().url);
      await page.getByLabel('User name').fill(options.userName ?? 'admin');
      await page.getByLabel('Password').fill(options.password ?? password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByTestId(TID.header).isVisible()).toBe(true);
    },
  };
}
