import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOG_PATH, importCatalog, readCatalogFile } from '../../src/app/catalog.ts';
import { newCustomer } from '../support/factories.ts';
import { newSeatwise, type TestSeatwise } from '../support/seatwise.ts';

// A year of one partner's billing through the API, with the test clock (R-API-7) moving from 2027-01-15 to
// 2028-02-02 and the sweeper running at every move. Every expected amount is worked out by hand below, from
// the rules as SPEC states them, and each month's statement is compared line by line.
//
// Customer "Year Corp" (US, USD):
//   A  CN-365-E3 annual ×10 at 36.00, bought Jan 15; +2 licences Feb 10; cancelled Aug 3 (after 200 days).
//   M  CN-365-BB monthly ×5 at 6.00, auto-renews on the 15th; the price list moves to 6.50 on Jul 1;
//      suspended Apr 14 09:00 (day 31 of the Mar 15 → Apr 15 term) and reactivated at 21:00 the same day.
//   N  CN-MAIL-P1 monthly ×8 at 4.00; suspended Mar 1, reactivated Mar 10; auto-renew off Sep 1, so it
//      expires Sep 15 unbilled (R-REN-2).
//   T  CN-365-E5-TRIAL, Jan 15 (free, R-BIL-5), converted Feb 1 to CN-365-E5 annual ×25 at 57.00, renewed
//      Feb 1 2028.
// Customer "Euro GmbH" (DE, EUR): CN-365-BS annual ×3 at 11.70, bought Jan 20, renewed Jan 20 2028.

type Row = [date: string, subscription: string, reason: string, rule: string, amount: number];

const A = 'A annual E3';
const M = 'M monthly BB';
const N = 'N monthly mail';
const T = 'T trial E5';
const E = 'E annual BS';

const monthlyM = (date: string, amount: number): Row => [date, M, 'renewal', 'R-REN-1', amount];
const monthlyN = (date: string): Row => [date, N, 'renewal', 'R-REN-1', 3200];

/** Year Corp's statement lines, month by month, as the rules give them. */
const EXPECTED: Record<string, Row[]> = {
  '2027-01': [
    ['2027-01-15', A, 'purchase', 'R-BIL-1', 432000], // 3600 × 12 × 10
    ['2027-01-15', M, 'purchase', 'R-BIL-1', 3000], // 600 × 5
    ['2027-01-15', N, 'purchase', 'R-BIL-1', 3200], // 400 × 8
  ],
  '2027-02': [
    ['2027-02-01', T, 'conversion', 'R-BIL-5', 1710000], // 5700 × 12 × 25
    ['2027-02-10', A, 'quantityIncrease', 'R-QTY-3', 80245], // 3600 × 12 × 2 × 339 / 365 = 80245.48
    monthlyM('2027-02-15', 3000),
    monthlyN('2027-02-15'),
  ],
  '2027-03': [
    ['2027-03-01', N, 'suspension', 'R-BIL-3', -3200], // day 15 of its term: 100%
    ['2027-03-10', N, 'reactivation', 'R-BIL-4', 571], // 5 of 28 days left: 400 × 8 × 5 / 28 = 571.43
    monthlyM('2027-03-15', 3000),
    monthlyN('2027-03-15'),
  ],
  '2027-04': [
    ['2027-04-14', M, 'suspension', 'R-BIL-3', -97], // day 31 of 31: 1 day, 600 × 5 / 31 = 96.77
    ['2027-04-14', M, 'reactivation', 'R-BIL-4', 97], // the same last day
    monthlyM('2027-04-15', 3000),
    monthlyN('2027-04-15'),
  ],
  '2027-05': [monthlyM('2027-05-15', 3000), monthlyN('2027-05-15')],
  '2027-06': [monthlyM('2027-06-15', 3000), monthlyN('2027-06-15')],
  '2027-07': [monthlyM('2027-07-15', 3250), monthlyN('2027-07-15')], // R-REN-1: the then-current 650 × 5
  '2027-08': [
    ['2027-08-03', A, 'cancellation', 'R-CAN-2', -234345], // 165 days left: 3600 × 12 × 12 × 165 / 365 = 234345.21
    monthlyM('2027-08-15', 3250),
    monthlyN('2027-08-15'),
  ],
  '2027-09': [monthlyM('2027-09-15', 3250)], // N expired on Sep 15: unbilled (R-REN-2)
  '2027-10': [monthlyM('2027-10-15', 3250)],
  '2027-11': [monthlyM('2027-11-15', 3250)],
  '2027-12': [monthlyM('2027-12-15', 3250)],
  '2028-01': [monthlyM('2028-01-15', 3250)],
  '2028-02': [['2028-02-01', T, 'renewal', 'R-REN-1', 1710000]],
};
const EURO: Record<string, Row[]> = {
  '2027-01': [['2027-01-20', E, 'purchase', 'R-BIL-1', 42120]], // 1170 × 12 × 3
  '2028-01': [['2028-01-20', E, 'renewal', 'R-REN-1', 42120]],
};

let t: TestSeatwise;
afterAll(async () => {
  await t.close();
});

interface Statement {
  lines: {
    postedAt: string;
    subscriptionName: string;
    reason: string;
    rule: string;
    amount: number;
    currency: string;
  }[];
  totals: { currency: string; charges: number; credits: number; net: number; lineCount: number }[];
}

const sorted = (rows: Row[]) => [...rows].sort((a, b) => (a.join('|') < b.join('|') ? -1 : 1));
const sum = (rows: Row[], keep: (n: number) => boolean) =>
  rows
    .map((r) => r[4])
    .filter(keep)
    .reduce((a, b) => a + b, 0);

describe('a year of billing through the API (R-BIL-1, R-BIL-2, R-BIL-3, R-BIL-4, R-BIL-5, R-BIL-6, R-QTY-3, R-CAN-2, R-REN-1, R-API-7)', () => {
  it(
    'R-BIL-6: every monthly statement matches, line by line, the amounts worked out by hand from the rules',
    { timeout: 240_000 },
    async () => {
      t = await newSeatwise();
      const headers = t.auth;
      const to = async (now: string) => {
        const res = await t.app.inject({ method: 'POST', url: '/v1/testclock', headers, payload: { now } });
        expect(res.statusCode, now).toBe(200);
      };
      const buy = async (
        customerId: string,
        cycle: string,
        offerId: string,
        quantity: number,
        name: string,
      ) => {
        const res = await t.app.inject({
          method: 'POST',
          url: `/v1/customers/${customerId}/orders`,
          headers,
          payload: {
            billingCycle: cycle,
            lineItems: [{ lineItemNumber: 0, offerId, quantity, friendlyName: name }],
          },
        });
        expect(res.statusCode, name).toBe(201);
        return res.json<{ lineItems: { subscriptionId: string }[] }>().lineItems[0]?.subscriptionId ?? '';
      };
      const patch = async (customerId: string, id: string, change: object) => {
        const url = `/v1/customers/${customerId}/subscriptions/${id}`;
        const current = await t.app.inject({ method: 'GET', url, headers });
        const res = await t.app.inject({
          method: 'PATCH',
          url,
          headers: { ...headers, 'If-Match': current.headers.etag as string },
          payload: { ...current.json<object>(), ...change },
        });
        expect(res.statusCode, JSON.stringify(change)).toBe(200);
      };

      const year = await newCustomer(t, { companyName: 'Year Corp', country: 'US' });
      const euro = await newCustomer(t, { companyName: 'Euro GmbH', country: 'DE' });
      const a = await buy(year, 'annual', 'CN-365-E3', 10, A);
      const m = await buy(year, 'monthly', 'CN-365-BB', 5, M);
      const n = await buy(year, 'monthly', 'CN-MAIL-P1', 8, N);
      const trial = await buy(year, 'none', 'CN-365-E5-TRIAL', 25, T);
      await to('2027-01-20T09:00:00Z');
      await buy(euro, 'annual', 'CN-365-BS', 3, E);
      await to('2027-02-01T09:00:00Z');
      const converted = await t.app.inject({
        method: 'POST',
        url: `/v1/customers/${year}/subscriptions/${trial}/conversions`,
        headers,
        payload: { targetOfferId: 'CN-365-E5', billingCycle: 'annual', quantity: 25 },
      });
      expect(converted.statusCode).toBe(200);
      await to('2027-02-10T09:00:00Z');
      await patch(year, a, { quantity: 12 });
      await to('2027-03-01T09:00:00Z');
      await patch(year, n, { status: 'suspended', suspensionReasons: ['nonPayment'] });
      await to('2027-03-10T09:00:00Z');
      await patch(year, n, { status: 'active' });
      await to('2027-04-14T09:00:00Z');
      await patch(year, m, { status: 'suspended', suspensionReasons: ['customerRequest'] });
      await to('2027-04-14T21:00:00Z');
      await patch(year, m, { status: 'active' });
      await to('2027-07-01T09:00:00Z');
      const repriced = readCatalogFile(DEMO_CATALOG_PATH).map((o) =>
        o.id === 'CN-365-BB' ? { ...o, prices: { ...o.prices, USD: 650 } } : o,
      );
      await importCatalog(t.seatwise.db, repriced, t.seatwise.clock.now());
      await to('2027-08-03T09:00:00Z');
      await patch(year, a, { status: 'deleted' });
      await to('2027-09-01T09:00:00Z');
      await patch(year, n, { autoRenewEnabled: false });
      // The rest of the year in 30-day steps, as a partner's test harness would run it.
      for (let i = 0; i < 5; i++) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/v1/testclock',
          headers,
          payload: { advanceBy: 'P30D' },
        });
        expect(res.statusCode).toBe(200);
      }
      await to('2028-02-02T09:00:00Z');

      for (const [month, expected] of Object.entries(EXPECTED)) {
        const res = await t.app.inject({
          method: 'GET',
          url: `/v1/customers/${year}/statements/${month}`,
          headers,
        });
        expect(res.statusCode).toBe(200);
        const s = res.json<Statement>();
        const got: Row[] = s.lines.map((l) => [
          l.postedAt.slice(0, 10),
          l.subscriptionName,
          l.reason,
          l.rule,
          l.amount,
        ]);
        expect(sorted(got), month).toEqual(sorted(expected));
        expect(s.totals, month).toEqual([
          {
            currency: 'USD',
            charges: sum(expected, (x) => x >= 0),
            credits: sum(expected, (x) => x < 0),
            net: sum(expected, () => true),
            lineCount: expected.length,
          },
        ]);
      }

      // The partner's January: both customers, each currency totalled on its own.
      const jan = (
        await t.app.inject({ method: 'GET', url: '/v1/statements/2027-01', headers })
      ).json<Statement>();
      expect(jan.lines).toHaveLength(4);
      expect(jan.totals).toEqual([
        { currency: 'EUR', charges: 42120, credits: 0, net: 42120, lineCount: 1 },
        { currency: 'USD', charges: 438200, credits: 0, net: 438200, lineCount: 3 },
      ]);

      // The chart's series: every month, each currency's charges, credits and net, as above.
      const series = await t.app.inject({
        method: 'GET',
        url: '/v1/statements?from=2026-12&to=2028-02',
        headers,
      });
      const items = series.json<{ items: { month: string; totals: Statement['totals'] }[] }>().items;
      expect(items.map((i) => i.month)).toHaveLength(15);
      expect(items[0]).toEqual({ month: '2026-12', totals: [] });
      for (const item of items.slice(1)) {
        const usd = EXPECTED[item.month] ?? [];
        const eur = EURO[item.month] ?? [];
        const totals = (currency: string, rows: Row[]) => ({
          currency,
          charges: sum(rows, (x) => x >= 0),
          credits: sum(rows, (x) => x < 0),
          net: sum(rows, () => true),
          lineCount: rows.length,
        });
        expect(item.totals, item.month).toEqual([
          ...(eur.length ? [totals('EUR', eur)] : []),
          ...(usd.length ? [totals('USD', usd)] : []),
        ]);
      }
      const euroOnly = await t.app.inject({
        method: 'GET',
        url: `/v1/statements?from=2027-01&to=2027-01&customerId=${euro}`,
        headers,
      });
      expect(euroOnly.json<{ items: unknown[] }>().items).toEqual([
        {
          month: '2027-01',
          totals: [{ currency: 'EUR', charges: 42120, credits: 0, net: 42120, lineCount: 1 }],
        },
      ]);

      // August as a spreadsheet opens it: decimal amounts in major units.
      const csv = await t.app.inject({
        method: 'GET',
        url: `/v1/customers/${year}/statements/2027-08`,
        headers: { ...headers, accept: 'text/csv' },
      });
      const rows = parse<Record<string, string>>(csv.rawPayload, { bom: true, columns: true });
      expect(rows.map((r) => [r.Date, r.Subscription, r.Amount]).sort()).toEqual(
        [
          ['2027-08-03', A, '-2343.45'],
          ['2027-08-15', M, '32.50'],
          ['2027-08-15', N, '32.00'],
        ].sort(),
      );
    },
  );
});
