import { describe, expect, it, onTestFailed } from 'vitest';
import { TID } from '../../web/src/testids.ts';
import { PRICING_TID } from '../../web/src/pages/billing/pricing-ids.ts';
import { consoleFixture, expectAccessible, failureShot, money, screenshot } from '../support/browser.ts';
import { onServer } from '../support/db.ts';

// Pricing and margin (R-PRC-2, R-PRC-3) in a real browser against a server process with the demo data, whose
// catalog carries costs: CN-365-BB costs USD 500 for an ERP of 600.
const app = consoleFixture('pricing');
const { call, signIn } = app;

describe.skipIf(onServer())('pricing and margin in the partner console', () => {
  it(
    'R-PRC-2: a default markup and a customer discount change the preview, naming the rule; R-PRC-3: the order review shows cost and margin, and the margin report adds up the purchase (axe on each)',
    { timeout: 300_000 },
    async () => {
      const { page } = await app.open('en-US', 'UTC');
      onTestFailed(() => failureShot(page, 'pricing'));
      const customer = await call<{ id: string }>('POST', '/v1/customers', {
        companyProfile: { domain: 'margin-test.onmicrosoft.com', companyName: 'Margin Test Ltd' },
        billingProfile: {
          email: 'it@margin-test.example',
          culture: 'en-US',
          language: 'en',
          companyName: 'Margin Test Ltd',
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
      const month = (await call<{ now: string }>('GET', '/v1/testclock')).now.slice(0, 7);
      await signIn(page);

      await page
        .getByRole('navigation', { name: 'Dashboard menu' })
        .getByRole('link', { name: 'Pricing' })
        .click();
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Pricing');
      // By role, not by label: the label wraps the select, so the label's own text takes in every option's
      // name, and an exact match on it finds the select only while its customers are still loading.
      await page
        .getByRole('combobox', { name: 'Customer', exact: true })
        .selectOption({ label: 'Margin Test Ltd' });
      const bb = page.locator(`[data-testid="${PRICING_TID.previewRow}"][data-offer="CN-365-BB"]`);
      await expect
        .poll(() => bb.getByTestId(PRICING_TID.previewPrice).textContent())
        .toBe(money('en-US', 600, 'USD'));
      expect(await bb.getByTestId(PRICING_TID.previewSource).getAttribute('data-scope')).toBe('erp');

      // The default: cost plus 15 % (500 → 575).
      const form = page.getByTestId(PRICING_TID.ruleForm);
      await form.getByLabel('Applies to').selectOption('partner');
      await form.locator('#rule-kind').selectOption('markup');
      await form.getByLabel('Percent').fill('15');
      await form.getByRole('button', { name: 'Save the rule' }).click();
      await expect.poll(() => form.getByRole('status').textContent()).toBe('The rule is saved.');
      await expect
        .poll(() => bb.getByTestId(PRICING_TID.previewPrice).textContent())
        .toBe(money('en-US', 575, 'USD'));
      expect(await bb.getByTestId(PRICING_TID.previewSource).getAttribute('data-scope')).toBe('partner');

      // A discount for this customer: ERP minus 5 % (600 → 570), the more specific rule.
      await form.getByLabel('Applies to').selectOption('customer');
      await form.locator('#rule-customer').selectOption({ label: 'Margin Test Ltd' });
      await form.locator('#rule-kind').selectOption('discount');
      await form.getByLabel('Percent').fill('5');
      await form.getByRole('button', { name: 'Save the rule' }).click();
      await expect
        .poll(() => bb.getByTestId(PRICING_TID.previewPrice).textContent())
        .toBe(money('en-US', 570, 'USD'));
      expect(await bb.getByTestId(PRICING_TID.previewSource).getAttribute('data-scope')).toBe('customer');
      await expect.poll(() => page.getByTestId(PRICING_TID.ruleRow).count()).toBe(2);
      // A discount deep enough to sell below cost is refused, saying why.
      await form.getByLabel('Percent').fill('30');
      await form.getByRole('button', { name: 'Save the rule' }).click();
      await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/below cost/);
      await expectAccessible(page, 'pricing');
      await screenshot(page, 'pricing');

      // Buy two licences: the review shows the charge at the customer's price, and the partner's cost and margin.
      await page.goto(`${app.url()}/customers/${customer.id}/subscriptions/new`);
      const row = page.locator(`[data-testid="${TID.catalogRow}"][data-offer="CN-365-BB"]`);
      // The catalog row says the partner's cost and margin per licence beside the customer's price.
      await expect
        .poll(() => row.getByTestId(PRICING_TID.offerMargin).textContent())
        .toBe(`cost ${money('en-US', 500, 'USD')}, margin ${money('en-US', 70, 'USD')}`);
      await row.getByRole('checkbox').check();
      await page.getByLabel('Licences for Contoso 365 Business Basic').fill('2');
      await expect
        .poll(() => page.getByTestId(TID.orderCharge).textContent())
        .toContain(money('en-US', 1140, 'USD'));
      await expect
        .poll(() => page.getByTestId(PRICING_TID.orderMargin).textContent())
        .toContain(`cost ${money('en-US', 1000, 'USD')}, margin ${money('en-US', 140, 'USD')}`);
      await page.getByRole('button', { name: 'Submit order' }).click();
      await expect.poll(() => page.getByTestId(TID.notice).textContent()).toMatch(/order was placed/);

      // The margin report on the Billing page: the customer's row, and totals equal to the API's.
      await page
        .getByRole('navigation', { name: 'Dashboard menu' })
        .getByRole('link', { name: 'Billing' })
        .click();
      const mine = page.locator(`[data-testid="${PRICING_TID.marginCustomerRow}"][data-id="${customer.id}"]`);
      await expect.poll(() => mine.textContent()).toContain(money('en-US', 1140, 'USD'));
      const cells = await mine.locator('td').allTextContents();
      expect(cells).toEqual([
        money('en-US', 1140, 'USD'),
        money('en-US', 1000, 'USD'),
        money('en-US', 140, 'USD'),
      ]);
      const report = await call<{
        totals: { currency: string; revenue: number; cost: number; margin: number }[];
      }>('GET', `/v1/billing/margin?month=${month}`);
      const usd = report.totals.find((x) => x.currency === 'USD');
      expect(usd).toBeDefined();
      expect(
        await page.locator(`[data-testid="${PRICING_TID.marginTotal}"][data-currency="USD"]`).textContent(),
      ).toContain(`margin ${money('en-US', usd?.margin ?? 0, 'USD')}`);
      await expect
        .poll(() => page.locator(`[data-testid="${PRICING_TID.marginChart}"] canvas`).count())
        .toBeGreaterThan(0);
      const csvHref = (await page.getByTestId(PRICING_TID.marginCsv).getAttribute('href')) as string;
      const csv = await page.evaluate(async (href) => (await fetch(href)).text(), csvHref);
      expect(csv).toContain('Margin Test Ltd');
      expect(csv).toContain('11.40');
      await expectAccessible(page, 'billing with margin');
      await screenshot(page, 'billing-margin');
    },
  );
});
