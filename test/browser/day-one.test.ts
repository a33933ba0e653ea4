import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFailed } from 'vitest';
import { TID } from '../../web/src/testids.ts';
import { consoleFixture, failureShot, hasFocus } from '../support/browser.ts';
import { onServer } from '../support/db.ts';

// What a partner meets on the first day, in a real browser against a real server with the demo data: the
// session's end, the new-customer form's refusals, and the requests and errors the page logs on the way.
const app = consoleFixture('day-one');
const { call } = app;

const customerCount = async () => (await call<{ totalCount: number }>('GET', '/v1/customers')).totalCount;

/** Failed requests (4xx, 5xx, network) and console errors, as a partner's browser would log them. */
function watch(page: Page) {
  const failures: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) {
      const what = `${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`;
      failures.push(what);
      void r.text().then(
        (body) => console.error(what, body.slice(0, 300)),
        () => undefined,
      );
    }
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

async function open(locale = 'en-US') {
  return (await app.open(locale, 'Europe/Paris')).page;
}

const signIn = (page: Page, go = true) => app.signIn(page, { go });

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

interface Sub {
  id: string;
  offerId: string;
  status: string;
  billingCycle: string;
  quantity: number;
}
const subscriptionsOf = async (customerId: string) =>
  (await call<{ items: Sub[] }>('GET', `/v1/customers/${customerId}/subscriptions`)).items;

/** A customer with one subscription of `offerId` bought through the API; its id and the subscription's. */
async function customerWith(domain: string, name: string, offerId: string, billingCycle = 'monthly') {
  const customerId = await newCustomer(domain, name);
  await call('POST', `/v1/customers/${customerId}/orders`, {
    billingCycle,
    lineItems: [{ lineItemNumber: 0, offerId, quantity: 2 }],
  });
  const sub = (await subscriptionsOf(customerId)).find((x) => x.offerId === offerId) as Sub;
  return { customerId, sub };
}

describe.skipIf(onServer())('the console on day one', () => {
  it(
    'signing out and a session that expires both bring back sign-in with a note and no partner data; no 401 before sign-in',
    {
      timeout: 180_000,
    },
    async () => {
      const page = await open();
      onTestFailed(() => failureShot(page, 'day-one-session'));
      const failures = watch(page);
      await page.goto(app.url());
      await expect.poll(() => page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
      expect(await page.getByTestId(TID.sessionEnded).count()).toBe(0);
      expect(failures).toEqual([]);

      await signIn(page, false);
      await page
        .getByRole('navigation', { name: 'Dashboard menu' })
        .getByRole('link', { name: 'Customers' })
        .click();
      await expect.poll(() => page.getByText('Northwind Traders').count()).toBeGreaterThan(0);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await expect.poll(() => page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
      expect(await page.getByTestId(TID.sessionEnded).textContent()).toMatch(/session ended/);
      expect(await page.getByTestId(TID.header).count()).toBe(0);
      expect(await page.locator('body').textContent()).not.toContain('Northwind');

      // Signed in again, the session expires on the server (twelve hours on its clock): the next click ends it.
      await signIn(page, false);
      await expect.poll(() => page.getByTestId(TID.sessionEnded).count()).toBe(0);
      await page
        .getByRole('navigation', { name: 'Dashboard menu' })
        .getByRole('link', { name: 'Customers' })
        .click();
      await expect.poll(() => page.getByText('Northwind Traders').count()).toBeGreaterThan(0);
      await call('POST', '/v1/testclock', { advanceBy: 'P1D' });
      await page.getByRole('link', { name: 'Northwind Traders' }).first().click();
      await expect.poll(() => page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
      expect(await page.getByTestId(TID.sessionEnded).textContent()).toMatch(/session ended/);
      expect(await page.locator('body').textContent()).not.toContain('Northwind');
      // The one failed request is the expired session's: nothing else, no console error.
      expect(failures.filter((f) => !f.startsWith('401 GET') && !f.includes('status of 401'))).toEqual([]);
    },
  );

  it(
    'new customer: a refusal keeps the form, renews the request id, and a refused qualification creates nothing',
    {
      timeout: 180_000,
    },
    async () => {
      const page = await open();
      onTestFailed(() => failureShot(page, 'day-one-new-customer'));
      await signIn(page);
      const before = await customerCount();
      await page.goto(`${app.url()}/customers/new`);
      await page.locator('#customer-companyName').fill('Maple Schools');
      await page.locator('#customer-domain').fill('northwindtraders.onmicrosoft.com'); // a demo customer's
      await page.locator('#customer-email').fill('it@maple.example');
      await page.locator('#customer-firstName').fill('Jo');
      await page.locator('#customer-lastName').fill('Tremblay');
      await page.locator('#customer-country').selectOption('CA');
      await page.locator('#customer-addressLine1').fill('1 Rue Principale');
      await page.locator('#customer-city').fill('Ottawa');
      await page.getByRole('radio', { name: 'Government Community Cloud' }).check();
      await page.getByRole('button', { name: 'Create customer' }).click();
      // The domain is taken: said next to the domain, everything typed still there.
      await expect.poll(() => page.locator('#customer-domain-problem').textContent()).toMatch(/domain/i);
      expect(await hasFocus(page, '#customer-domain')).toBe(true);
      expect(await page.locator('#customer-companyName').inputValue()).toBe('Maple Schools');
      expect(await page.locator('#customer-city').inputValue()).toBe('Ottawa');

      // Fixed domain, same qualification: refused (GCC is for US customers), and no customer was made.
      await page.locator('#customer-domain').fill('mapleschools.onmicrosoft.com');
      await page.getByRole('button', { name: 'Create customer' }).click();
      await expect.poll(() => page.locator('#customer-qualification-problem').isVisible()).toBe(true);
      expect(await page.locator('#customer-qualification-problem').textContent()).not.toMatch(/request/i);
      expect(await customerCount()).toBe(before);
      expect(await page.locator('#customer-domain').inputValue()).toBe('mapleschools.onmicrosoft.com');

      // Education instead: created at once, with its qualification.
      await page.getByRole('radio', { name: 'Education' }).check();
      await page.getByRole('button', { name: 'Create customer' }).click();
      await expect.poll(() => page.getByTestId(TID.notice).textContent()).toBe('The customer was created.');
      expect(await customerCount()).toBe(before + 1);
      const id = /\/customers\/([0-9a-f-]{36})/.exec(page.url())?.[1] ?? '';
      expect(
        (await call<{ qualification: string }[]>('GET', `/v1/customers/${id}/qualifications`)).map(
          (q) => q.qualification,
        ),
      ).toEqual(['Education']);
    },
  );
  it(
    'a refused user keeps the form and says why by the field; a refused add-on line says its own reason; the Buy field resets; no add-ons to buy once cancelled',
    {
      timeout: 180_000,
    },
    async () => {
      const page = await open();
      onTestFailed(() => failureShot(page, 'day-one-refusals'));
      const domain = 'refusals.onmicrosoft.com';
      const { customerId, sub } = await customerWith(domain, 'Refusals Inc', 'CN-365-BS');
      await signIn(page);
      await page.goto(`${app.url()}/customers/${customerId}/users`);
      await page.getByLabel('User name', { exact: true }).fill('lee.gu');
      await page.getByLabel('Display name').fill('Lee Gu');
      await page.getByRole('button', { name: 'Add user' }).click();
      await expect.poll(() => page.getByTestId(TID.notice).textContent()).toBe('The user was added.');
      await page.getByLabel('User name', { exact: true }).fill('lee.gu');
      await page.getByLabel('Display name').fill('Lee Gu Again');
      await page.getByRole('button', { name: 'Add user' }).click();
      await expect.poll(() => page.locator('#user-name-problem').isVisible()).toBe(true);
      expect(await page.getByLabel('User name', { exact: true }).inputValue()).toBe('lee.gu');
      expect(await page.getByLabel('Display name').inputValue()).toBe('Lee Gu Again');

      // An add-on of 0 licences: the line's own reason next to the add-on, no rule number.
      await page.goto(`${app.url()}/customers/${customerId}/subscriptions/${sub.id}`);
      const addOn = page.locator(`[data-testid="${TID.addOnRow}"][data-offer="CN-ADD-STORAGE"]`);
      await addOn.getByLabel('Licences for Contoso Extra File Storage').fill('0');
      await addOn.getByRole('button', { name: 'Buy Contoso Extra File Storage' }).click();
      await expect.poll(() => addOn.getByTestId(TID.lineError).count()).toBe(1);
      const said = await addOn.getByTestId(TID.errorAlert).innerText();
      expect(said).not.toMatch(/R-[A-Z]+|CN-ADD|code/);
      expect(said).toContain('Contoso Extra File Storage');
      expect(await addOn.getByTestId(TID.lineError).textContent()).not.toBe('');

      // Bought: the field is back to its starting quantity.
      await addOn.getByLabel('Licences for Contoso Extra File Storage').fill('3');
      await addOn.getByRole('button', { name: 'Buy Contoso Extra File Storage' }).click();
      await expect.poll(() => page.getByTestId(TID.notice).textContent()).toBe('The add-on was bought.');
      await expect
        .poll(() => addOn.getByLabel('Licences for Contoso Extra File Storage').inputValue())
        .toBe('1');

      // Cancelled: its add-ons are listed, none offered to buy.
      const current = await call<{ attributes: { etag: string } }>(
        'GET',
        `/v1/customers/${customerId}/subscriptions/${sub.id}`,
      );
      await fetch(`${app.url()}/v1/customers/${customerId}/subscriptions/${sub.id}`, {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${app.token}`,
          'content-type': 'application/json',
          'if-match': `"${current.attributes.etag}"`,
        },
        body: JSON.stringify({ ...current, status: 'deleted' }),
      });
      expect((await subscriptionsOf(customerId)).find((x) => x.id === sub.id)?.status).toBe('deleted');
      await page.reload();
      await expect.poll(() => page.locator('.addon-list').isVisible()).toBe(true);
      expect(await page.getByTestId(TID.addOnRow).count()).toBe(0);
    },
  );
  it(
    'the money before every change: quantity up and down, add-on, suspension, reactivation, conversion, cancellation; annual prices per year; no failed request on the way',
    {
      timeout: 240_000,
    },
    async () => {
      const page = await open();
      onTestFailed(() => failureShot(page, 'day-one-money'));
      const failures = watch(page);
      const { customerId, sub } = await customerWith('money.onmicrosoft.com', 'Money Inc', 'CN-365-BS');
      const annual = await customerWith('annual.onmicrosoft.com', 'Annual Inc', 'CN-365-BS', 'annual');
      await signIn(page);
      const money = page.locator('section[aria-labelledby="edit-title"]').getByTestId(TID.changeMoney);
      const convertMoney = page
        .locator('section[aria-labelledby="convert-title"]')
        .getByTestId(TID.changeMoney);

      // An annual subscription's price is twelve months' price, per year.
      await page.goto(`${app.url()}/customers/${annual.customerId}/subscriptions/${annual.sub.id}`);
      await expect.poll(() => page.getByText('$150.00 per licence per year').count()).toBe(1);

      await page.goto(`${app.url()}/customers/${customerId}/subscriptions/${sub.id}`);
      // The ids support asks for are on the page.
      await expect.poll(() => page.getByTestId(TID.subscriptionId).textContent()).toBe(sub.id);
      const addOn = page.locator(`[data-testid="${TID.addOnRow}"][data-offer="CN-ADD-STORAGE"]`);
      await addOn.getByLabel('Licences for Contoso Extra File Storage').fill('2');
      await expect
        .poll(() => addOn.getByTestId(TID.changeMoney).textContent())
        .toMatch(/^Submitting charges \$/);
      await addOn.getByRole('button', { name: 'Buy Contoso Extra File Storage' }).click();
      await expect.poll(() => page.getByTestId(TID.notice).textContent()).toBe('The add-on was bought.');

      await page.getByLabel('Licences', { exact: true }).fill('5');
      await expect.poll(() => money.textContent()).toMatch(/^Submitting charges \$/);
      await page.getByLabel('Licences', { exact: true }).fill('1');
      await expect
        .poll(() => money.textContent())
        .toMatch(/^Submitting (credits \$|charges and credits nothing)/);
      await page.getByLabel('Licences', { exact: true }).fill('2');

      await page.getByRole('radio', { name: 'Suspended' }).check();
      await page.getByLabel('Reason').selectOption('nonPayment');
      await expect.poll(() => money.textContent()).toMatch(/^Submitting credits \$.*includes the add-on/);
      await page.getByRole('button', { name: 'Submit', exact: true }).click();
      await expect.poll(() => page.getByTestId(TID.notice).textContent()).toMatch(/suspended/i);
      await page.getByRole('radio', { name: 'Active' }).check();
      await expect.poll(() => money.textContent()).toMatch(/^Submitting charges \$/);
      await page.getByRole('button', { name: 'Submit', exact: true }).click();
      await expect
        .poll(() => page.getByTestId(TID.notice).textContent())
        .toBe('The subscription is active again.');

      await page.getByRole('button', { name: 'Cancel subscription…' }).click();
      await expect
        .poll(() => page.getByTestId(TID.cancelAddOns).textContent())
        .toBe('Its add-on is cancelled too.');
      await page
        .getByTestId(TID.cancelDialog)
        .getByRole('button', { name: 'Cancel subscription', exact: true })
        .click();
      await expect.poll(() => page.getByTestId(TID.notice).textContent()).toMatch(/cancelled/i);

      // A trial converted: the price, the licences checked in the console's words before sending.
      await page.goto(`${app.url()}/customers/${customerId}/subscriptions/new`);
      await page.getByRole('radio', { name: /Trial/ }).check();
      await page.locator('[data-offer="CN-365-BP-TRIAL"]').getByRole('checkbox').check();
      await page.getByRole('button', { name: 'Submit order' }).click();
      await expect.poll(() => page.getByTestId(TID.notice).textContent()).toMatch(/order was placed/);
      await page.getByRole('link', { name: 'Contoso 365 Business Premium Trial' }).click();
      await page.getByLabel('Convert to').selectOption({ label: 'Contoso 365 Business Premium (Monthly)' });
      await expect
        .poll(() => page.getByTestId(TID.convertPrice).textContent())
        .toMatch(/per licence per month/);
      await page.locator('#convert-quantity').fill('9999999');
      await page.getByRole('button', { name: 'Convert to paid' }).click();
      await expect
        .poll(() => page.locator('#convert-quantity-problem').textContent())
        .toMatch(/^Enter a whole number from 1 to/);
      await page.locator('#convert-quantity').fill('3');
      await expect.poll(() => convertMoney.textContent()).toMatch(/^Submitting charges \$/);
      await page.getByRole('button', { name: 'Convert to paid' }).click();
      await expect
        .poll(() => page.getByTestId(TID.notice).textContent())
        .toBe('The trial was converted to a paid subscription.');

      expect(failures).toEqual([]);
    },
  );
  it(
    'the activity log names every operation and says who, which user and which licence, in three languages',
    {
      timeout: 180_000,
    },
    async () => {
      const page = await open();
      onTestFailed(() => failureShot(page, 'day-one-activity'));
      const domain = 'activity.onmicrosoft.com';
      const { customerId, sub } = await customerWith(domain, 'Activity Inc', 'CN-365-BS');
      const user = await call<{ id: string }>('POST', `/v1/customers/${customerId}/users`, {
        userPrincipalName: `lee.gu@${domain}`,
        displayName: 'Lee Gu',
        role: 'user',
      });
      await call('POST', `/v1/customers/${customerId}/users/${user.id}/licenseupdates`, {
        licensesToAssign: [{ skuId: sub.id }],
      });
      await signIn(page);
      await page.goto(`${app.url()}/customers/${customerId}/activity`);
      const rows = page.getByTestId(TID.activityRow);
      await expect.poll(() => rows.allTextContents()).toContainEqual(expect.stringContaining('User added'));
      const texts = (await rows.allTextContents()).join('\n');
      expect(texts).not.toMatch(/create_customer_user|update_user_licenses/);
      expect(texts).toContain(`lee.gu@${domain}`);
      expect(texts).toContain('Licence assigned from Contoso 365 Business Standard');
      for (const [language, words] of [
        ['fr-FR', ['Utilisateur ajouté', 'Licence attribuée depuis Contoso 365 Business Standard']],
        ['de-DE', ['Benutzer hinzugefügt', 'Lizenz aus Contoso 365 Business Standard zugewiesen']],
      ] as const) {
        await page
          .getByTestId(TID.header)
          .getByLabel(/Language|Langue|Sprache/)
          .selectOption(language);
        for (const w of words)
          await expect.poll(() => rows.allTextContents()).toContainEqual(expect.stringContaining(w));
      }
    },
  );
});
