import { describe, expect, it, onTestFailed } from 'vitest';
import { TID } from '../../web/src/testids.ts';
import {
  consoleFixture,
  expectAccessible,
  failureShot,
  longDate,
  money,
  screenshot,
} from '../support/browser.ts';
import { onServer } from '../support/db.ts';
import { watchFailures } from './walk.ts';

// The console's billing pieces (R-BIL-6) and customer users (R-ACC) in a real browser against a real server process with the demo data
// and the test clock: a customer's statement tab, the cancel confirmation's credit, the order review's
// charge from the server's preview, the partner's billing page with its chart and table; users, licences and
// each user's access as the access decisions API answers it.
const app = consoleFixture('billing');
const { call, signIn } = app;

interface Totals {
  currency: string;
  charges: number;
  credits: number;
  net: number;
  lineCount: number;
}
interface StatementBody {
  lines: { amount: number; reason: string; subscriptionId: string; currency: string }[];
  totals: Totals[];
}

async function newCustomer(domain: string, name: string): Promise<string> {
  const c = await call<{ id: string }>('POST', '/v1/customers', {
    companyProfile: { domain, companyName: name },
    billingProfile: {
      email: `it@${domain}`,
      culture: 'en-US',
      language: 'en',
      companyName: name,
      defaultAddress: {
        country: 'US',
        city: 'Redmond',
        state: 'WA',
        addressLine1: '1 Main Street',
        postalCode: '98052',
        firstName: 'Dana',
        lastName: 'Smith',
      },
    },
  });
  return c.id;
}

describe.skipIf(onServer())('billing, customer users and licences in the partner console', () => {
  it(
    'R-BIL-6: buy, see the charge on the customer Billing tab with its totals and CSV link; R-CAN-2: the cancel confirmation states the credit, then the statement shows it; the partner Billing page draws the chart and tabulates the same totals (axe on each)',
    { timeout: 300_000 },
    async () => {
      const b = await app.open('en-US', 'UTC');
      const { page } = b;
      onTestFailed(() => failureShot(page, 'billing'));
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));

      const customer = await call<{ id: string }>('POST', '/v1/customers', {
        companyProfile: { domain: 'tailspin-billing.onmicrosoft.com', companyName: 'Tailspin Billing' },
        billingProfile: {
          email: 'it@tailspin.example',
          culture: 'en-US',
          language: 'en',
          companyName: 'Tailspin Billing',
          defaultAddress: {
            country: 'US',
            city: 'Redmond',
            state: 'WA',
            addressLine1: '1 Main Street',
            postalCode: '98052',
            firstName: 'Dana',
            lastName: 'Smith',
          },
        },
      });
      const now = (await call<{ now: string }>('GET', '/v1/testclock')).now;
      const month = now.slice(0, 7);
      await signIn(page);

      // Buy in the console: the review shows the server's preview of the charge (R-BIL-1).
      await page.goto(`${app.url()}/customers/${customer.id}/subscriptions/new`);
      const row = page.locator(`[data-testid="${TID.catalogRow}"][data-offer="CN-365-BS"]`);
      await row.getByRole('checkbox').check();
      await page.getByLabel('Licences for Contoso 365 Business Standard').fill('4');
      await expect
        .poll(() => page.getByTestId(TID.orderCharge).textContent())
        .toContain(money('en-US', 1250 * 4, 'USD'));
      await page.getByRole('button', { name: 'Submit order' }).click();
      await expect.poll(() => page.getByTestId(TID.notice).textContent()).toMatch(/order was placed/);

      // The customer's Billing tab: the purchase line, its amount, the totals and the CSV link.
      await page
        .getByRole('navigation', { name: 'Customer sections' })
        .getByRole('link', { name: 'Billing' })
        .click();
      expect(await page.getByLabel('Month').inputValue()).toBe(month);
      await expect.poll(() => page.getByTestId(TID.statementLine).count()).toBe(1);
      const line = page.getByTestId(TID.statementLine).first();
      expect(await line.getAttribute('data-reason')).toBe('purchase');
      // Why the line is there, in the partner's words: the rule that wrote it stays in the CSV for support.
      expect(await line.textContent()).toContain('Purchase');
      expect(await line.textContent()).not.toMatch(/R-BIL/);
      expect(await line.getByTestId(TID.statementAmount).textContent()).toBe(money('en-US', 5000, 'USD'));
      expect(await page.getByTestId(TID.statementNet).textContent()).toBe(money('en-US', 5000, 'USD'));
      const csvHref = (await page.getByTestId(TID.statementCsv).getAttribute('href')) as string;
      const csv = await page.evaluate(async (href) => (await fetch(href)).text(), csvHref);
      expect(csv).toContain('50.00');
      await expectAccessible(page, 'customer billing');
      await screenshot(page, 'customer-billing');

      // Cancel on day 1 (R-CAN-2: 100% credit): the confirmation states the credit from the server's preview.
      const subs = await call<{ items: { id: string; offerId: string }[] }>(
        'GET',
        `/v1/customers/${customer.id}/subscriptions`,
      );
      const bs = subs.items.find((s) => s.offerId === 'CN-365-BS') as { id: string };
      await page.goto(`${app.url()}/customers/${customer.id}/subscriptions/${bs.id}`);
      await page.getByRole('button', { name: 'Cancel subscription…' }).click();
      const dialog = page.getByTestId(TID.cancelDialog);
      await expect
        .poll(() => dialog.getByTestId(TID.cancelCredit).textContent())
        .toBe(`The customer will be credited ${money('en-US', 5000, 'USD')}.`);
      await expectAccessible(page, 'cancel confirmation with credit');
      await dialog.getByRole('button', { name: 'Cancel subscription' }).click();
      await expect
        .poll(() => page.getByTestId(TID.notice).textContent())
        .toBe('The subscription was cancelled.');

      const statement = await call<StatementBody>('GET', `/v1/customers/${customer.id}/statements/${month}`);
      expect(statement.lines.map((l) => [l.reason, l.amount])).toEqual([
        ['purchase', 5000],
        ['cancellation', -5000],
      ]);
      await page.goto(`${app.url()}/customers/${customer.id}/billing`);
      await expect.poll(() => page.getByTestId(TID.statementLine).count()).toBe(2);
      expect(
        await page
          .locator(`[data-testid="${TID.statementLine}"][data-reason="cancellation"]`)
          .getByTestId(TID.statementAmount)
          .textContent(),
      ).toBe(money('en-US', -5000, 'USD'));
      expect(await page.getByTestId(TID.statementNet).textContent()).toBe(money('en-US', 0, 'USD'));

      // The partner's Billing page: a chart drawn by Chart.js (a canvas) and the same numbers in a table.
      await page
        .getByRole('navigation', { name: 'Dashboard menu' })
        .getByRole('link', { name: 'Billing' })
        .click();
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Billing');
      const range = await call<{ items: { month: string; totals: Totals[] }[] }>(
        'GET',
        `/v1/statements?from=${await page.getByLabel('From').inputValue()}&to=${month}`,
      );
      const usd = range.items
        .find((i) => i.month === month)
        ?.totals.find((x) => x.currency === 'USD') as Totals;
      expect(usd.charges).toBeGreaterThanOrEqual(5000);
      await expect
        .poll(() => page.locator(`[data-testid="${TID.billingChart}"] canvas`).count())
        .toBeGreaterThan(0);
      const monthRow = page.locator(
        `[data-testid="${TID.monthRow}"][data-month="${month}"][data-currency="USD"]`,
      );
      await expect.poll(() => monthRow.textContent()).toContain(money('en-US', usd.charges, 'USD'));
      expect(await monthRow.textContent()).toContain(money('en-US', usd.credits, 'USD'));
      expect(await monthRow.textContent()).toContain(money('en-US', usd.net, 'USD'));
      // The month's statement across customers names them.
      await expect
        .poll(() => page.getByTestId(TID.statementLine).count())
        .toBe(
          (range.items.find((i) => i.month === month)?.totals ?? []).reduce((n, x) => n + x.lineCount, 0),
        );
      expect(await page.getByText('Tailspin Billing').count()).toBeGreaterThan(0);
      await expectAccessible(page, 'partner billing');
      await screenshot(page, 'billing');
      expect(errors).toEqual([]);
    },
  );

  it(
    'R-ACC, R-SUS-2: add a user and an admin, assign a licence, suspend the subscription for non-payment, see each one’s access change with the suspension reason and the retention date (axe on the tab)',
    { timeout: 300_000 },
    async () => {
      const b = await app.open('en-US', 'UTC');
      const { page } = b;
      onTestFailed(() => failureShot(page, 'users'));
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const domain = 'woodgrove-users.onmicrosoft.com';
      const customerId = await newCustomer(domain, 'Woodgrove Users');
      await call('POST', `/v1/customers/${customerId}/orders`, {
        billingCycle: 'monthly',
        lineItems: [{ lineItemNumber: 0, offerId: 'CN-365-BS', quantity: 2 }],
      });
      const sub = (
        await call<{ items: { id: string; offerId: string }[] }>(
          'GET',
          `/v1/customers/${customerId}/subscriptions`,
        )
      ).items.find((s) => s.offerId === 'CN-365-BS') as { id: string };
      await signIn(page);
      await page.goto(`${app.url()}/customers/${customerId}/users`);
      await expect.poll(() => page.getByText('This customer has no users yet.').isVisible()).toBe(true);

      // Add a user, then an admin, through the form.
      await page.getByLabel('User name', { exact: true }).fill('lee.gu');
      await page.getByLabel('Display name').fill('Lee Gu');
      await page.getByRole('button', { name: 'Add user' }).click();
      await expect.poll(() => page.getByTestId(TID.notice).textContent()).toBe('The user was added.');
      await page.getByLabel('User name', { exact: true }).fill('megan.bowen');
      await page.getByLabel('Display name').fill('Megan Bowen');
      await page.getByLabel('Role', { exact: true }).selectOption('admin');
      await page.getByRole('button', { name: 'Add user' }).click();
      await expect.poll(() => page.getByTestId(TID.userRow).count()).toBe(2);
      const lee = page.locator(`[data-testid="${TID.userRow}"][data-upn="lee.gu@${domain}"]`);
      const megan = page.locator(`[data-testid="${TID.userRow}"][data-upn="megan.bowen@${domain}"]`);
      await expect.poll(() => megan.textContent()).toContain('Admin');
      // Without a licence a user has no access (R-ACC); an admin signs in on the tenant's subscription.
      const ACTIVE = 'Active: users and admins can sign in, use the services and reach the data.';
      await expect
        .poll(() => lee.getByTestId(TID.userAccess).textContent())
        .toBe('No licence: this user cannot sign in, use the services or reach the data.');
      expect(await megan.getByTestId(TID.userAccess).textContent()).toBe(ACTIVE);

      // Assign Lee a licence from the subscription.
      await lee.getByLabel('Licence for Lee Gu from').selectOption(sub.id);
      await lee.getByRole('button', { name: 'Assign to Lee Gu' }).click();
      await expect.poll(() => page.getByTestId(TID.notice).textContent()).toBe('The licence was assigned.');
      await expect
        .poll(() => lee.getByTestId(TID.userLicense).textContent())
        .toContain('Contoso 365 Business Standard');
      await expect.poll(() => lee.getByTestId(TID.userAccess).textContent()).toBe(ACTIVE);
      await expectAccessible(page, 'customer users');
      await screenshot(page, 'customer-users');

      // Suspend it for non-payment (R-SUS-1, R-SUS-2): the user loses everything; the admin keeps sign-in and
      // data until the purge date (R-SUS-3). Both rows say why, from the decision's suspensionReasons, and
      // until when: the admin's from its own answer, the user's from the subscription's retention date.
      const current = await call<{ attributes: { etag: string } }>(
        'GET',
        `/v1/customers/${customerId}/subscriptions/${sub.id}`,
      );
      const res = await fetch(`${app.url()}/v1/customers/${customerId}/subscriptions/${sub.id}`, {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${app.token}`,
          'content-type': 'application/json',
          'if-match': `"${current.attributes.etag}"`,
        },
        body: JSON.stringify({ ...current, status: 'suspended', suspensionReasons: ['nonPayment'] }),
      });
      expect(res.status).toBe(200);
      const suspended = (await res.json()) as { dataRetentionEndDate: string };
      await page.reload();
      const until = longDate('en-US', 'UTC', suspended.dataRetentionEndDate);
      const NON_PAYMENT = `Suspended for non-payment: users cannot sign in; admins keep sign-in and data access until ${until}.`;
      await expect.poll(() => lee.getByTestId(TID.userAccess).textContent()).toBe(NON_PAYMENT);
      expect(await megan.getByTestId(TID.userAccess).textContent()).toBe(NON_PAYMENT);
      expect(await lee.getByTestId(TID.userAccess).getAttribute('data-suspension-reasons')).toBe(
        'nonPayment',
      );
      // Make Lee an admin: now Lee keeps sign-in and data like Megan (the admin column of R-SUS-2).
      await lee.getByRole('button', { name: 'Make Lee Gu an admin' }).click();
      await expect.poll(() => page.getByTestId(TID.notice).textContent()).toBe('The user is now an admin.');
      await expect.poll(() => lee.getByRole('button', { name: 'Make Lee Gu a user' }).isVisible()).toBe(true);
      expect(await lee.getByTestId(TID.userAccess).textContent()).toBe(NON_PAYMENT);

      // Reactivate (R-SUS-4): access is back at once and the reason is gone.
      const again = await call<{ attributes: { etag: string } }>(
        'GET',
        `/v1/customers/${customerId}/subscriptions/${sub.id}`,
      );
      const back = await fetch(`${app.url()}/v1/customers/${customerId}/subscriptions/${sub.id}`, {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${app.token}`,
          'content-type': 'application/json',
          'if-match': `"${again.attributes.etag}"`,
        },
        body: JSON.stringify({ ...again, status: 'active' }),
      });
      expect(back.status).toBe(200);
      await page.reload();
      await expect.poll(() => megan.getByTestId(TID.userAccess).textContent()).toBe(ACTIVE);
      expect(await lee.getByTestId(TID.userAccess).getAttribute('data-suspension-reasons')).toBe('');
      expect(errors).toEqual([]);
    },
  );
  it(
    'R-API-3: Submit right after an edit waits for the change preview on its way, which then reaches the server before the change and is not refused as stale',
    { timeout: 300_000 },
    async () => {
      const { page } = await app.open('en-US', 'UTC');
      const failures = watchFailures(page);
      const customerId = await newCustomer('fabrikam-race.onmicrosoft.com', 'Fabrikam Race');
      await call('POST', `/v1/customers/${customerId}/orders`, {
        billingCycle: 'monthly',
        lineItems: [{ lineItemNumber: 0, offerId: 'CN-365-BS', quantity: 2 }],
      });
      const sub = (
        await call<{ items: { id: string; offerId: string }[] }>(
          'GET',
          `/v1/customers/${customerId}/subscriptions`,
        )
      ).items.find((s) => s.offerId === 'CN-365-BS') as { id: string };
      await signIn(page);
      await page.goto(`${app.url()}/customers/${customerId}/subscriptions/${sub.id}`);
      // The change preview is held in the browser until the partner has pressed Submit: the slow network
      // under which a preview and the change it previews cross.
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route('**/preview', async (route) => {
        await held;
        await route.continue();
      });
      const patches: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'PATCH') patches.push(r.url());
      });
      const previewSent = page.waitForRequest((r) => r.url().endsWith('/preview'));
      await page.getByLabel('Licences', { exact: true }).fill('5');
      await previewSent;
      await page.getByRole('button', { name: 'Submit', exact: true }).click();
      // The button says so while the change is under way.
      await expect.poll(() => page.getByRole('button', { name: 'Saving…' }).isDisabled()).toBe(true);
      expect(patches).toEqual([]);
      release();
      await expect.poll(() => page.getByTestId(TID.notice).textContent()).toBe('The changes were saved.');
      expect(patches).toHaveLength(1);
      expect(failures).toEqual([]);
    },
  );
});
