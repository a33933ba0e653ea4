import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { TID } from '../../web/src/testids.ts';
import {
  expectAccessible,
  failureShot,
  hasFocus,
  longDate,
  money,
  openBrowser,
  screenshot,
  startConsoleServer,
  stopConsoleServer,
  tabTo,
  type Browser,
  apiCaller,
} from '../support/browser.ts';
import { onServer } from '../support/db.ts';
import type { RunningServer } from '../support/process.ts';

// The seed's flows in a real browser against a real server process on the embedded database, with the
// demo data and the test clock: SPEC §5 steps 1–6, in English and in French, one suspension by keyboard only.
const TOKEN = 'browser-bootstrap-token';
const PASSWORD = 'browser-admin-password';
const DAY_MS = 86_400_000;
const dataDir = mkdtempSync(join(tmpdir(), 'seatwise-browser-'));
let server: RunningServer;
const browsers: Browser[] = [];

const call = apiCaller(() => server, TOKEN);

const serverNow = async () => new Date((await call<{ now: string }>('GET', '/v1/testclock')).now);

interface Sub {
  id: string;
  offerId: string;
  status: string;
  quantity: number;
  isTrial: boolean;
  billingCycle: string;
  dataRetentionEndDate: string | null;
  parentSubscriptionId: string | null;
  autoRenewEnabled: boolean;
}
const subscriptionsOf = async (customerId: string) =>
  (await call<{ items: Sub[] }>('GET', `/v1/customers/${customerId}/subscriptions`)).items;

const customerIdIn = (page: Page) => /\/customers\/([0-9a-f-]{36})/.exec(page.url())?.[1] ?? '';

async function signIn(page: Page, userName: string, password: string, labels: RegExp[], go = true) {
  if (go) await page.goto(server.url);
  await page.getByLabel(labels[0] as RegExp).fill(userName);
  await page.getByLabel(labels[1] as RegExp).fill(password);
  await page.getByRole('button', { name: labels[2] as RegExp }).click();
  await expect.poll(() => page.getByTestId(TID.header).isVisible()).toBe(true);
}

beforeAll(async () => {
  if (onServer()) return;
  server = await startConsoleServer(dataDir, TOKEN, PASSWORD);
}, 300_000);

afterAll(async () => {
  await stopConsoleServer(server, browsers, dataDir);
});

describe.skipIf(onServer())('the partner console in a browser (SPEC §5, the seed)', () => {
  it(
    'English: sign in, customers, create a customer, buy, add-on, quantity, suspend with the R-SUS-3 date, R-CAT-2 reactivate link, refused line, reactivate, cancel (axe on each page)',
    { timeout: 300_000 },
    async () => {
      const zone = 'America/New_York';
      const b = await openBrowser('en-US', zone);
      browsers.push(b);
      const { page } = b;
      onTestFailed(() => failureShot(page, 'english'));
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));

      // 1. Sign in; the header names the partner, the user, the role and the instance.
      await page.goto(server.url);
      await expect.poll(() => page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
      await expectAccessible(page, 'sign-in');
      await screenshot(page, 'sign-in');
      await signIn(page, 'admin', PASSWORD, [/User name/, /Password/, /Sign in/]);
      await expect.poll(() => page.getByTestId(TID.headerPartner).textContent()).toBe('Seatwise Partner');
      expect(await page.getByTestId(TID.headerRole).textContent()).toBe('Global admin');
      expect(await page.getByTestId(TID.headerInstance).textContent()).toBe('Global instance');
      await expect.poll(() => page.getByTestId(TID.customerCount).textContent()).toBe('12');
      await expectAccessible(page, 'dashboard');
      await screenshot(page, 'dashboard');

      // 2. Dashboard → Customers, searched.
      await page
        .getByRole('navigation', { name: 'Dashboard menu' })
        .getByRole('link', { name: 'Customers' })
        .click();
      await expect.poll(() => page.getByTestId(TID.customerRow).count()).toBe(12);
      await expectAccessible(page, 'customers');
      await screenshot(page, 'customers');
      await page.getByLabel('Search').fill('north');
      await expect
        .poll(() => page.getByTestId(TID.customerRow).allTextContents())
        .toEqual([expect.stringContaining('Northwind Traders')]);

      // Create a customer (R-CUS-1): a bad domain is named before sending.
      await page.getByRole('link', { name: 'New customer' }).click();
      await page.locator('#customer-companyName').fill('Fabrikam Inc');
      await page.locator('#customer-domain').fill('not a domain');
      await page.locator('#customer-email').fill('it@fabrikam.example');
      await page.locator('#customer-firstName').fill('Dana');
      await page.locator('#customer-lastName').fill('Smith');
      await page.locator('#customer-country').selectOption('US');
      await page.locator('#customer-addressLine1').fill('1 Main Street');
      await page.locator('#customer-city').fill('Redmond');
      await page.locator('#customer-state').fill('WA');
      await page.locator('#customer-postalCode').fill('98052');
      await page.getByRole('button', { name: 'Create customer' }).click();
      await expect
        .poll(() => page.getByText('Enter a domain such as contoso.onmicrosoft.com.').isVisible())
        .toBe(true);
      expect(await hasFocus(page, '#customer-domain')).toBe(true);
      await page.locator('#customer-domain').fill('fabrikam-us.onmicrosoft.com');
      await page.getByRole('radio', { name: 'State-owned entity' }).check(); // R-CUS-2: stays commercial
      await expectAccessible(page, 'new customer');
      await screenshot(page, 'new-customer');
      await page.getByRole('button', { name: 'Create customer' }).click();
      await expect.poll(() => page.getByTestId(TID.notice).textContent()).toBe('The customer was created.');
      const customerId = customerIdIn(page);
      expect(customerId).not.toBe('');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Fabrikam Inc');
      expect(
        (await call<{ qualification: string }[]>('GET', `/v1/customers/${customerId}/qualifications`)).map(
          (q) => q.qualification,
        ),
      ).toEqual(['StateOwnedEntity']);

      // Ten days between the account's opening and its first billing period: R-SUS-3 keeps data 100 days.
      // The console session is twelve hours long on the server's (test) clock: sign in again after it.
      await call('POST', '/v1/testclock', { advanceBy: 'P10D' });
      await page.reload();
      await signIn(page, 'admin', PASSWORD, [/User name/, /Password/, /Sign in/], false);

      // 3–4. New subscription: monthly, two offers, licences, the total, Submit.
      await page.getByRole('link', { name: 'New subscription' }).click();
      expect(await page.getByRole('radio', { name: /Monthly/ }).isChecked()).toBe(true);
      const row = (offer: string) => page.locator(`[data-testid="${TID.catalogRow}"][data-offer="${offer}"]`);
      await row('CN-365-BS').getByRole('checkbox').check();
      await page.getByLabel('Licences for Contoso 365 Business Standard').fill('10');
      await row('CN-365-BB').getByRole('checkbox').check();
      await page.getByLabel('Licences for Contoso 365 Business Basic').fill('5');
      // Retired offers are there, greyed, and say why (R-CAT-2).
      await page.getByRole('radio', { name: /Annual/ }).check();
      await expect
        .poll(() => row('CN-365-E4').getByTestId(TID.catalogReason).textContent())
        .toMatch(/no longer/i);
      expect(await row('CN-365-E4').getByRole('checkbox').isDisabled()).toBe(true);
      await page.getByRole('radio', { name: /Monthly/ }).check();
      await row('CN-365-BS').getByRole('checkbox').check();
      await page.getByLabel('Licences for Contoso 365 Business Standard').fill('10');
      await row('CN-365-BB').getByRole('checkbox').check();
      await page.getByLabel('Licences for Contoso 365 Business Basic').fill('5');
      await expect
        .poll(() => page.getByTestId(TID.orderTotal).textContent())
        .toBe(money('en-US', 1250 * 10 + 600 * 5, 'USD'));
      await expectAccessible(page, 'new subscription');
      await screenshot(page, 'new-subscription');
      await page.getByRole('button', { name: 'Submit order' }).click();
      await expect.poll(() => page.getByTestId(TID.notice).textContent()).toMatch(/order was placed/);
      await expect.poll(() => page.getByTestId(TID.subscriptionRow).count()).toBe(2);
      const bs = (await subscriptionsOf(customerId)).find((s) => s.offerId === 'CN-365-BS') as Sub;
      expect(bs).toMatchObject({ quantity: 10, billingCycle: 'monthly', status: 'active' });
      await expectAccessible(page, 'customer subscriptions');
      await screenshot(page, 'customer');

      // 5–6. Open it by its name; buy add-on licences (R-ADD-1).
      await page.getByRole('link', { name: 'Contoso 365 Business Standard' }).click();
      await expect
        .poll(() => page.getByRole('heading', { level: 1 }).textContent())
        .toBe('Contoso 365 Business Standard');
      const addOn = page.locator(`[data-testid="${TID.addOnRow}"][data-offer="CN-ADD-STORAGE"]`);
      await addOn.getByLabel('Licences for Contoso Extra File Storage').fill('3');
      await addOn.getByRole('button', { name: 'Buy Contoso Extra File Storage' }).click();
      await expect.poll(() => page.getByTestId(TID.notice).textContent()).toBe('The add-on was bought.');
      await expect.poll(() => page.locator('.addon-list').textContent()).toContain('3 licences');
      const storage = (await subscriptionsOf(customerId)).find((s) => s.offerId === 'CN-ADD-STORAGE') as Sub;
      expect(storage).toMatchObject({ parentSubscriptionId: bs.id, quantity: 3, billingCycle: 'monthly' });

      // Quantity (R-QTY-1).
      await page.getByLabel('Licences', { exact: true }).fill('12');
      await page.getByRole('button', { name: 'Submit', exact: true }).click();
      await expect.poll(() => page.getByTestId(TID.notice).textContent()).toBe('The changes were saved.');
      expect((await subscriptionsOf(customerId)).find((s) => s.id === bs.id)?.quantity).toBe(12);

      // R-API-3: another client changes it meanwhile; this page's change is refused as stale, and it reloads.
      const path = `/v1/customers/${customerId}/subscriptions/${bs.id}`;
      const current = await call<Sub & { attributes: { etag: string } }>('GET', path);
      await call(
        'PATCH',
        path,
        { ...current, autoRenewEnabled: false },
        { 'if-match': `"${current.attributes.etag}"` },
      );
      await page.getByLabel('Licences', { exact: true }).fill('13');
      await page.getByRole('button', { name: 'Submit', exact: true }).click();
      await expect
        .poll(() => page.getByTestId(TID.errorAlert).textContent())
        .toContain('Someone changed this');
      expect(await page.getByTestId(TID.errorAlert).textContent()).toContain('2055');
      await expect.poll(() => page.getByLabel(/Renew automatically/).isChecked()).toBe(false);
      expect(await page.getByLabel('Licences', { exact: true }).inputValue()).toBe('12');

      // Suspend: the date under Suspended before submitting is the server's R-SUS-3 date (90 + 10 days).
      const now = await serverNow();
      const expected = new Date(now.getTime() + 100 * DAY_MS);
      await page.getByRole('radio', { name: 'Suspended' }).check();
      await expect
        .poll(() => page.getByTestId(TID.suspendRetention).textContent())
        .toContain(`deleted on ${longDate('en-US', zone, expected)} unless`);
      await expect.poll(() => page.getByTestId(TID.suspendRetention).textContent()).toContain('(100 days)');
      await page.getByRole('button', { name: 'Submit', exact: true }).click();
      await expect
        .poll(() => page.getByText('Choose why the subscription is suspended.').isVisible())
        .toBe(true);
      await page.getByLabel('Reason').selectOption('nonPayment');
      await expectAccessible(page, 'subscription edit, suspending');
      await screenshot(page, 'subscription-edit');
      await page.getByRole('button', { name: 'Submit', exact: true }).click();
      await expect
        .poll(() => page.getByTestId(TID.notice).textContent())
        .toBe('The subscription is suspended.');
      const suspended = (await subscriptionsOf(customerId)).find((s) => s.id === bs.id) as Sub;
      expect(suspended.status).toBe('suspended');
      expect(suspended.dataRetentionEndDate).toBe(expected.toISOString());
      // …and after submitting, the same date, now the subscription's own.
      await expect
        .poll(() => page.getByTestId(TID.suspendRetention).textContent())
        .toBe(
          `All data will be deleted on ${longDate('en-US', zone, expected)} unless the subscription is reactivated by then.`,
        );
      expect(await page.getByTestId(TID.retentionDate).textContent()).toBe(longDate('en-US', zone, expected));
      // The add-on followed its base (R-ADD-3).
      expect((await subscriptionsOf(customerId)).find((s) => s.id === storage.id)?.status).toBe('suspended');

      // R-CAT-2: the catalog says a suspended one exists, with a link to reactivate it.
      await page.goto(`${server.url}/customers/${customerId}/subscriptions/new`);
      await expect
        .poll(() => row('CN-365-BS').getByTestId(TID.catalogReason).textContent())
        .toContain('Contoso 365 Business Standard');
      await row('CN-365-BS').getByRole('link', { name: 'Reactivate Contoso 365 Business Standard' }).click();
      await expect
        .poll(() => page.url())
        .toBe(`${server.url}/customers/${customerId}/subscriptions/${bs.id}`);

      // Reactivate (R-SUS-4): choose Active, Submit; the add-on comes back with it.
      await page.getByRole('radio', { name: 'Active' }).check();
      await page.getByRole('button', { name: 'Submit', exact: true }).click();
      await expect
        .poll(() => page.getByTestId(TID.notice).textContent())
        .toBe('The subscription is active again.');
      const after = await subscriptionsOf(customerId);
      expect(after.find((s) => s.id === bs.id)?.status).toBe('active');
      expect(after.find((s) => s.id === storage.id)?.status).toBe('active');

      // R-ORD-1: an order the server refuses shows the error on its line. Business Premium is limited to
      // one per customer; another client buys it while this page is open.
      await page.goto(`${server.url}/customers/${customerId}/subscriptions/new`);
      await row('CN-365-BP').getByRole('checkbox').check();
      await row('CN-365-F3').getByRole('checkbox').check();
      await call('POST', `/v1/customers/${customerId}/orders`, {
        billingCycle: 'monthly',
        lineItems: [{ lineItemNumber: 0, offerId: 'CN-365-BP', quantity: 2 }],
      });
      await page.getByRole('button', { name: 'Submit order' }).click();
      await expect
        .poll(() => row('CN-365-BP').getByTestId(TID.lineError).textContent())
        .toMatch(/limit|already/i);
      expect(await row('CN-365-F3').getByTestId(TID.lineError).count()).toBe(0);
      expect(await page.getByTestId(TID.errorAlert).textContent()).toContain('800066');
      await expectAccessible(page, 'new subscription, refused');
      expect((await subscriptionsOf(customerId)).filter((s) => s.offerId === 'CN-365-F3')).toEqual([]);

      // Cancel (R-CAN-1): the confirmation states the purge date, 90 days from now.
      await page.goto(`${server.url}/customers/${customerId}/subscriptions`);
      await page.getByRole('link', { name: 'Contoso 365 Business Basic' }).click();
      // A reloaded page is still signed in and can still change data (its CSRF token comes from /v1/me).
      await page.reload();
      await page.getByLabel('Name', { exact: true }).fill('Basic seats');
      await page.getByLabel(/Renew automatically/).uncheck();
      await page.getByRole('button', { name: 'Submit', exact: true }).click();
      await expect.poll(() => page.getByTestId(TID.notice).textContent()).toBe('The changes were saved.');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Basic seats');
      expect((await subscriptionsOf(customerId)).find((s) => s.offerId === 'CN-365-BB')).toMatchObject({
        autoRenewEnabled: false,
      });
      await page.getByRole('button', { name: 'Cancel subscription…' }).click();
      const dialog = page.getByTestId(TID.cancelDialog);
      const purge = new Date((await serverNow()).getTime() + 90 * DAY_MS);
      await expect
        .poll(() => dialog.getByTestId(TID.cancelPurgeDate).textContent())
        .toBe(`The data will be purged on ${longDate('en-US', zone, purge)}.`);
      await expectAccessible(page, 'cancel confirmation');
      await screenshot(page, 'cancel-confirmation');
      await dialog.getByRole('button', { name: 'Cancel subscription' }).click();
      await expect
        .poll(() => page.getByTestId(TID.notice).textContent())
        .toBe('The subscription was cancelled.');
      const bb = (await subscriptionsOf(customerId)).find((s) => s.offerId === 'CN-365-BB') as Sub;
      expect(bb.status).toBe('deleted');
      expect(bb.dataRetentionEndDate).toBe(purge.toISOString());

      // The activity tab shows who did what (R-AUD).
      await page.goto(`${server.url}/customers/${customerId}/activity`);
      await expect.poll(() => page.getByTestId(TID.activityRow).count()).toBeGreaterThan(5);
      expect(await page.getByText('Status: Active → Suspended').count()).toBeGreaterThan(0);
      const rows = await page.getByTestId(TID.activityRow).count();
      await page.getByLabel('Period').selectOption('90');
      await expect.poll(() => page.getByTestId(TID.activityRow).count()).toBe(rows);
      expect(await page.getByTestId(TID.errorAlert).count()).toBe(0);
      await expectAccessible(page, 'customer activity');
      await screenshot(page, 'activity');
      expect(errors).toEqual([]);
    },
  );

  it(
    'French, keyboard only: find the customer, buy, buy an add-on, suspend with the date shown; a refusal in French; a trial bought and converted (R-TRI-3)',
    { timeout: 300_000 },
    async () => {
      const zone = 'Europe/Paris';
      const created = await call<{ id: string }>('POST', '/v1/customers', {
        companyProfile: { domain: 'fabrikam-fr.onmicrosoft.com', companyName: 'Fabrikam France' },
        billingProfile: {
          email: 'it@fabrikam.fr',
          culture: 'fr-FR',
          language: 'fr',
          companyName: 'Fabrikam France',
          defaultAddress: {
            country: 'FR',
            city: 'Paris',
            addressLine1: '1 rue de la Paix',
            postalCode: '75002',
            firstName: 'Camille',
            lastName: 'Durand',
          },
        },
      });
      const b = await openBrowser('fr-FR', zone);
      browsers.push(b);
      const { page } = b;
      onTestFailed(() => failureShot(page, 'french'));
      const kb = page.keyboard;
      await page.goto(server.url);

      // Sign in with the keyboard, as the demo's sales agent.
      await expect.poll(() => page.getByRole('heading', { name: 'Connexion' }).isVisible()).toBe(true);
      await tabTo(page, (e) => /utilisateur/.test(e.label));
      await kb.type('sales');
      await kb.press('Tab');
      await kb.type('seatwise-demo');
      await kb.press('Enter');
      await expect.poll(() => page.getByTestId(TID.headerRole).textContent()).toBe('Agent commercial');
      expect(await page.getByTestId(TID.headerInstance).textContent()).toBe('Instance mondiale');

      await tabTo(page, (e) => e.tag === 'a' && e.text === 'Clients');
      await kb.press('Enter');
      await tabTo(page, (e) => e.label === 'Rechercher');
      await kb.type('Fabrikam Fr');
      await expect.poll(() => page.getByTestId(TID.customerRow).count()).toBe(1);
      await tabTo(page, (e) => e.tag === 'a' && e.text === 'Fabrikam France');
      await kb.press('Enter');
      await tabTo(page, (e) => e.text === 'Nouvel abonnement');
      await kb.press('Enter');

      // Annual, Enterprise E3, 20 licences: the total in euros, formatted in French; Enter submits.
      await tabTo(page, (e) => e.name === 'billingType');
      await kb.press('ArrowRight');
      await expect.poll(() => page.getByRole('radio', { name: /Annuelle/ }).isChecked()).toBe(true);
      await expect.poll(() => page.locator('[data-offer="CN-365-E3"]').count()).toBe(1);
      await tabTo(page, (e) => e.type === 'checkbox' && e.label.startsWith('Contoso 365 Enterprise E3'));
      await kb.press('Space');
      await tabTo(page, (e) => e.label === 'Licences pour Contoso 365 Enterprise E3');
      await kb.press('Control+A');
      await kb.type('20');
      await expect
        .poll(() => page.getByTestId(TID.orderTotal).textContent())
        .toBe(money('fr-FR', 3370 * 12 * 20, 'EUR'));
      await expectAccessible(page, 'nouvel abonnement');
      await screenshot(page, 'new-subscription.fr');
      await kb.press('Enter');
      await expect.poll(() => page.getByTestId(TID.notice).textContent()).toMatch(/commande est passée/);

      // Open it, buy an add-on, then suspend, all by keyboard.
      await tabTo(page, (e) => e.tag === 'a' && e.text === 'Contoso 365 Enterprise E3');
      await kb.press('Enter');
      await expect
        .poll(() => page.getByRole('heading', { level: 1 }).textContent())
        .toBe('Contoso 365 Enterprise E3');
      await tabTo(page, (e) => e.label === 'Licences pour Contoso Audio Conferencing');
      await kb.press('Control+A');
      await kb.type('5');
      await kb.press('Tab');
      await kb.press('Enter');
      await expect
        .poll(() => page.getByTestId(TID.notice).textContent())
        .toBe('Le composant additionnel est acheté.');

      const now = await serverNow();
      const expected = new Date(now.getTime() + 90 * DAY_MS); // opened and first billed the same day
      await tabTo(page, (e) => e.name === 'status');
      await kb.press('ArrowDown');
      await expect.poll(() => page.getByRole('radio', { name: 'Suspendu' }).isChecked()).toBe(true);
      await expect
        .poll(() => page.getByTestId(TID.suspendRetention).textContent())
        .toContain(`supprimées le ${longDate('fr-FR', zone, expected)}, sauf`);
      await tabTo(page, (e) => e.label === 'Motif');
      await kb.press('ArrowDown');
      await kb.press('ArrowDown');
      expect(await page.getByLabel('Motif').inputValue()).toBe('nonPayment');
      await expectAccessible(page, 'modifier l’abonnement');
      await screenshot(page, 'subscription-edit.fr');
      await tabTo(page, (e) => e.tag === 'button' && e.text === 'Envoyer');
      await kb.press('Enter');
      await expect.poll(() => page.getByTestId(TID.notice).textContent()).toBe('L’abonnement est suspendu.');
      await expect
        .poll(() => page.getByTestId(TID.suspendRetention).textContent())
        .toBe(
          `Toutes les données seront supprimées le ${longDate('fr-FR', zone, expected)}, sauf si l’abonnement est réactivé d’ici là.`,
        );
      const subs = await subscriptionsOf(created.id);
      const e3 = subs.find((s) => s.offerId === 'CN-365-E3') as Sub;
      expect(e3).toMatchObject({
        status: 'suspended',
        dataRetentionEndDate: expected.toISOString(),
        quantity: 20,
      });

      // A refused action says why, in French: an add-on cannot come back while its base is suspended (R-ADD-4).
      await tabTo(page, (e) => e.tag === 'a' && e.text === 'Contoso Audio Conferencing');
      await kb.press('Enter');
      await expect
        .poll(() => page.getByRole('heading', { level: 1 }).textContent())
        .toBe('Contoso Audio Conferencing');
      await tabTo(page, (e) => e.name === 'status');
      await kb.press('ArrowUp');
      await tabTo(page, (e) => e.tag === 'button' && e.text === 'Envoyer');
      await kb.press('Enter');
      await expect
        .poll(() => page.getByTestId(TID.errorAlert).textContent())
        .toContain('tant que son abonnement de base n’est pas actif');
      expect(await hasFocus(page, `[data-testid="${TID.errorAlert}"]`)).toBe(true);

      // A trial (R-TRI-1), then converted to paid (R-TRI-3): same subscription, now Business Premium.
      await page.goto(`${server.url}/customers/${created.id}/subscriptions/new`);
      await page.getByRole('radio', { name: /Essai/ }).check();
      await page.locator('[data-offer="CN-365-BP-TRIAL"]').getByRole('checkbox').check();
      expect(await page.getByLabel('Licences pour Contoso 365 Business Premium Trial').inputValue()).toBe(
        '25',
      );
      await page.getByRole('button', { name: 'Envoyer la commande' }).click();
      await expect.poll(() => page.getByTestId(TID.notice).textContent()).toMatch(/commande est passée/);
      await page.getByRole('link', { name: 'Contoso 365 Business Premium Trial' }).click();
      const trialUrl = page.url();
      await page
        .getByLabel('Convertir en')
        .selectOption({ label: 'Contoso 365 Business Premium (Mensuelle)' });
      await expectAccessible(page, 'essai');
      await page.getByRole('button', { name: 'Convertir en payant' }).click();
      await expect
        .poll(() => page.getByTestId(TID.notice).textContent())
        .toBe('L’essai est converti en abonnement payant.');
      expect(page.url()).toBe(trialUrl);
      const trialId = trialUrl.split('/').at(-1) as string;
      const converted = (await subscriptionsOf(created.id)).find((s) => s.id === trialId) as Sub;
      expect(converted).toMatchObject({
        offerId: 'CN-365-BP',
        isTrial: false,
        billingCycle: 'monthly',
        quantity: 25,
      });

      // The language menu switches to German, dates and all.
      await page.getByLabel('Langue').selectOption('de-DE');
      await expect.poll(() => page.getByRole('button', { name: 'Abmelden' }).isVisible()).toBe(true);
      expect(await page.locator('html').getAttribute('lang')).toBe('de-DE');
      await expectAccessible(page, 'Abonnement (Deutsch)');
    },
  );
});
