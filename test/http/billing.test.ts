import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/app/audit.ts';
import { DEMO_CATALOG_PATH, importCatalog, readCatalogFile } from '../../src/app/catalog.ts';
import { createPartner, createPartnerUser, issueApiToken } from '../../src/app/partners.ts';
import type { PartnerRole } from '../../src/domain/access/permissions.ts';
import { sweep } from '../../src/jobs/lifecycle-sweeper.ts';
import { commerce } from '../support/commerce.ts';
import { newCustomer, partnerIdOf } from '../support/factories.ts';
import { newSeatwise, REFERENCE_TIME, type TestSeatwise } from '../support/seatwise.ts';

// Amounts are worked out by hand in the comments (REFERENCE_TIME is 2027-01-15T09:00Z; a monthly term from
// it ends on Feb 15, 31 days; an annual one on 2028-01-15, 365 days; US customers pay USD).

let t: TestSeatwise;
afterEach(async () => {
  await t.close();
});

interface Sub {
  id: string;
  status: string;
  quantity: number;
  dataRetentionEndDate: string | null;
  attributes: { etag: string };
}
interface Line {
  subscriptionId?: string;
  reason: string;
  rule: string;
  amount: number;
  quantity: number;
  days: number | null;
  periodStart: string;
  periodEnd: string;
}

const day = (n: number) => new Date(REFERENCE_TIME.getTime() + n * 86_400_000).toISOString();

async function order(
  customerId: string,
  cycle: string,
  lines: [string, number, (string | undefined)?][],
  headers = {},
) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/customers/${customerId}/orders`,
    headers: { ...t.auth, ...headers },
    payload: {
      billingCycle: cycle,
      lineItems: lines.map(([offerId, quantity, friendlyName], i) => ({
        lineItemNumber: i,
        offerId,
        quantity,
        ...(friendlyName ? { friendlyName } : {}),
      })),
    },
  });
}
async function buy(customerId: string, cycle: string, offerId: string, quantity: number, name?: string) {
  const res = await order(customerId, cycle, [[offerId, quantity, name]]);
  expect(res.statusCode).toBe(201);
  const o = res.json<{ id: string; lineItems: { subscriptionId: string }[] }>();
  return { orderId: o.id, ...(await get(customerId, o.lineItems[0]?.subscriptionId ?? '')) };
}
const get = (customerId: string, id: string) => commerce(t).get<Sub>(customerId, id);
const patch = (customerId: string, id: string, change: object, headers: Record<string, string> = {}) =>
  commerce(t).patch(customerId, id, change, headers);
async function preview(customerId: string, id: string, change: object) {
  const current = await get(customerId, id);
  return t.app.inject({
    method: 'POST',
    url: `/v1/customers/${customerId}/subscriptions/${id}/preview`,
    headers: t.auth,
    payload: { ...current, ...change },
  });
}
const advance = async (by: string) => {
  await commerce(t).advance(by);
};
/** The ledger as written, oldest first, straight from the table. */
async function ledger(subscriptionId?: string) {
  let q = t.seatwise.db
    .selectFrom('ledger_entries')
    .select(['subscription_id', 'reason', 'rule', 'amount', 'quantity', 'days', 'period_start', 'posted_at']);
  if (subscriptionId) q = q.where('subscription_id', '=', subscriptionId);
  const rows = await q.orderBy('seq').execute();
  return rows.map((r) => ({ ...r, amount: Number(r.amount) }));
}
const counts = async () => {
  const n = async (table: 'ledger_entries' | 'subscriptions' | 'audit_records' | 'events' | 'orders') =>
    Number(
      (
        await t.seatwise.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    ledger: await n('ledger_entries'),
    subscriptions: await n('subscriptions'),
    audit: await n('audit_records'),
    events: await n('events'),
    orders: await n('orders'),
  };
};

describe('previews computed by the code that writes the ledger (R-BIL-1, R-BIL-3, R-BIL-5)', () => {
  it('R-BIL-1: the order preview shows what the order then charges, refuses what the order refuses, and writes nothing', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const body = {
      billingCycle: 'monthly',
      lineItems: [
        { lineItemNumber: 0, offerId: 'CN-365-BB', quantity: 5 },
        { lineItemNumber: 1, offerId: 'CN-MAIL-P1', quantity: 8 },
      ],
    };
    const before = await counts();
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${c}/orders/preview`,
      headers: t.auth,
      payload: body,
    });
    expect(res.statusCode).toBe(200);
    const p = res.json<{
      currencyCode: string;
      lines: (Line & { lineItemNumber: number })[];
      total: number;
    }>();
    expect(p.currencyCode).toBe('USD');
    // 600 × 5 = 3000 and 400 × 8 = 3200, each for the month from Jan 15 to Feb 15
    expect(p.lines.map((l) => [l.lineItemNumber, l.reason, l.rule, l.amount, l.periodEnd])).toEqual([
      [0, 'purchase', 'R-BIL-1', 3000, day(31)],
      [1, 'purchase', 'R-BIL-1', 3200, day(31)],
    ]);
    expect(p.total).toBe(6200);
    expect(await counts()).toEqual(before);

    const bad = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${c}/orders/preview`,
      headers: t.auth,
      payload: { ...body, lineItems: [{ lineItemNumber: 0, offerId: 'CN-365-BB', quantity: 301 }] },
    });
    const refused = await order(c, 'monthly', [['CN-365-BB', 301]]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual(refused.json());

    const placed = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${c}/orders`,
      headers: t.auth,
      payload: body,
    });
    expect(placed.statusCode).toBe(201);
    expect((await ledger()).map((l) => [l.reason, l.rule, l.amount])).toEqual(
      p.lines.map((l) => [l.reason, l.rule, l.amount]),
    );
  });

  it('R-BIL-3, R-CAN-2: the cancel preview states the credit (annual, after 200 days) and the purge date; the PATCH writes that credit', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const sub = await buy(c, 'annual', 'CN-365-E3', 10);
    await advance('P200D');
    const res = await preview(c, sub.id, { status: 'deleted' });
    expect(res.statusCode).toBe(200);
    const p = res.json<{ lines: Line[]; total: number; subscriptions: Sub[] }>();
    // 165 days left: 3600 × 12 / 365 × 165 × 10 = 195287.67 → 195288
    expect(p.lines).toMatchObject([{ reason: 'cancellation', rule: 'R-CAN-2', days: 165, amount: -195288 }]);
    expect(p.total).toBe(-195288);
    expect(p.subscriptions[0]).toMatchObject({ status: 'deleted', dataRetentionEndDate: day(290) });
    expect((await get(c, sub.id)).status).toBe('active');
    expect(await ledger(sub.id)).toHaveLength(1);

    const done = await patch(c, sub.id, { status: 'deleted' });
    expect(done.statusCode).toBe(200);
    expect((await ledger(sub.id)).map((l) => [l.reason, l.amount])).toEqual([
      ['purchase', 432000], // 3600 × 12 × 10
      ['cancellation', -195288],
    ]);
  });

  it('R-BIL-3, R-SUS-3: the suspend preview shows the 100% credit and the retention date; a stale If-Match or body ETag is refused (R-API-3)', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const sub = await buy(c, 'monthly', 'CN-365-BB', 5);
    await advance('P29D');
    const res = await preview(c, sub.id, { status: 'suspended', suspensionReasons: ['nonPayment'] });
    const p = res.json<{ lines: Line[]; subscriptions: Sub[] }>();
    // day 30: within 30 days, 100% of the 3000 charged
    expect(p.lines).toMatchObject([{ reason: 'suspension', rule: 'R-BIL-3', amount: -3000 }]);
    // R-SUS-3: 90 days, the first billing period having started when the account opened
    expect(p.subscriptions[0]?.dataRetentionEndDate).toBe(day(29 + 90));
    const stale = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${c}/subscriptions/${sub.id}/preview`,
      headers: { ...t.auth, 'If-Match': '"999"' },
      payload: { ...sub, status: 'suspended' },
    });
    expect(stale.statusCode).toBe(412);
    // R-API-3: without If-Match, the body's attributes.etag is the version, as for the PATCH it previews.
    const staleBody = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${c}/subscriptions/${sub.id}/preview`,
      headers: t.auth,
      payload: { ...sub, status: 'suspended', attributes: { etag: '"999"', objectType: 'Subscription' } },
    });
    expect(staleBody.statusCode).toBe(400);
    expect(staleBody.json<{ code: number }>().code).toBe(2055);
  });
});

describe('the ledger written with each change', () => {
  it('R-API-2: a retried order or PATCH with the same MS-RequestId charges once', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const first = await order(c, 'annual', [['CN-365-E3', 10]], { 'MS-RequestId': 'order-1' });
    const retry = await order(c, 'annual', [['CN-365-E3', 10]], { 'MS-RequestId': 'order-1' });
    expect(retry.headers['ms-idempotent-replay']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    const id = first.json<{ lineItems: { subscriptionId: string }[] }>().lineItems[0]?.subscriptionId ?? '';
    await advance('P100D');
    const sub = await get(c, id);
    const send = () =>
      t.app.inject({
        method: 'PATCH',
        url: `/v1/customers/${c}/subscriptions/${id}`,
        headers: { ...t.auth, 'If-Match': `"${sub.attributes.etag}"`, 'MS-RequestId': 'patch-1' },
        payload: { ...sub, quantity: 12 },
      });
    expect((await send()).statusCode).toBe(200);
    expect((await send()).headers['ms-idempotent-replay']).toBe('true');
    // 265 days left: 3600 × 12 × 2 × 265 / 365 = 62728.77 → 62729
    expect((await ledger(id)).map((l) => [l.reason, l.rule, l.amount])).toEqual([
      ['purchase', 'R-BIL-1', 432000],
      ['quantityIncrease', 'R-QTY-3', 62729],
    ]);
  });

  it('R-REN-1, R-RET-3: renewals charge each term once at the then-current price, however many sweeps run', async () => {
    t = await newSeatwise();
    const subs: string[] = [];
    for (let i = 0; i < 4; i++) subs.push((await buy(await newCustomer(t), 'monthly', 'CN-365-BB', 5)).id);
    // The price list changes before the renewal: 600 → 650.
    const offers = readCatalogFile(DEMO_CATALOG_PATH).map((o) =>
      o.id === 'CN-365-BB' ? { ...o, prices: { ...o.prices, USD: 650 } } : o,
    );
    await importCatalog(t.seatwise.db, offers, REFERENCE_TIME);
    await t.seatwise.testClock?.moveTo(new Date(day(32)));
    const now = t.seatwise.clock.now();
    await Promise.all([
      sweep(t.seatwise.db, now, { batchSize: 2 }),
      sweep(t.seatwise.db, now, { batchSize: 2 }),
    ]);
    await sweep(t.seatwise.db, now);
    const renewals = (await ledger()).filter((l) => l.reason === 'renewal');
    expect(renewals.map((l) => l.subscription_id).sort()).toEqual([...subs].sort());
    // 650 × 5, dated on the renewal day (Feb 15)
    for (const r of renewals) {
      expect(r).toMatchObject({ amount: 3250, rule: 'R-REN-1' });
      expect(new Date(r.posted_at).toISOString()).toBe(day(31));
    }
    // A sweep that ran late catches up every missed term, each charged on its own day: Mar 15 and Apr 15.
    await t.seatwise.testClock?.moveTo(new Date(day(95)));
    await sweep(t.seatwise.db, t.seatwise.clock.now());
    const mine = (await ledger(subs[0])).filter((l) => l.reason === 'renewal');
    expect(mine.map((l) => new Date(l.posted_at).toISOString())).toEqual([
      day(31),
      '2027-03-15T09:00:00.000Z',
      '2027-04-15T09:00:00.000Z',
    ]);
    // The unique index on term openings refuses a second charge for the same term outright.
    const [one] = await t.seatwise.db
      .selectFrom('ledger_entries')
      .selectAll()
      .where('reason', '=', 'renewal')
      .execute();
    await expect(
      t.seatwise.db
        .insertInto('ledger_entries')
        .values({
          ...(one as NonNullable<typeof one>),
          id: '00000000-0000-4000-8000-000000000001',
          seq: undefined,
        } as never)
        .execute(),
    ).rejects.toThrow();
  });

  it('R-BIL-5: a trial never charges; its conversion charges the first paid term whole', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const trial = await buy(c, 'none', 'CN-365-E3-TRIAL', 25);
    await advance('P10D');
    expect(await ledger()).toEqual([]);
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${c}/subscriptions/${trial.id}/conversions`,
      headers: t.auth,
      payload: { targetOfferId: 'CN-365-E3', billingCycle: 'annual', quantity: 60 },
    });
    expect(res.statusCode).toBe(200);
    const lines = await ledger(trial.id);
    // 3600 × 12 × 60 = 2,592,000 from the conversion (day 10)
    expect(lines).toMatchObject([{ reason: 'conversion', rule: 'R-BIL-5', amount: 2592000, days: null }]);
    expect(new Date(lines[0]?.period_start as Date).toISOString()).toBe(day(10));
  });

  it('R-ADD-2, R-ADD-3, R-BIL-3, R-BIL-4: an add-on is charged to its base term end and follows its base in credits and charges', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const base = await buy(c, 'monthly', 'CN-365-BB', 5);
    await advance('P10D');
    const lineItems = [
      { lineItemNumber: 0, offerId: 'CN-365-BB', quantity: 5, subscriptionId: base.id },
      { lineItemNumber: 1, offerId: 'CN-ADD-ARCHIVE', quantity: 40, parentSubscriptionId: base.id },
    ];
    const p = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${c}/orders/${base.orderId}/preview`,
      headers: t.auth,
      payload: { lineItems },
    });
    // 21 of the base's 31 days left: 300 × 40 × 21 / 31 = 8129.03 → 8129
    expect(p.json<{ lines: Line[] }>().lines).toMatchObject([
      { reason: 'addOnPurchase', rule: 'R-ADD-2', days: 21, amount: 8129, periodEnd: day(31) },
    ]);
    const bought = await t.app.inject({
      method: 'PATCH',
      url: `/v1/customers/${c}/orders/${base.orderId}`,
      headers: t.auth,
      payload: { lineItems },
    });
    expect(bought.statusCode).toBe(200);
    const addOnId =
      bought.json<{ lineItems: { subscriptionId: string }[] }>().lineItems[1]?.subscriptionId ?? '';
    expect((await ledger(addOnId)).map((l) => l.amount)).toEqual([8129]);

    expect(
      (await patch(c, base.id, { status: 'suspended', suspensionReasons: ['customerRequest'] })).statusCode,
    ).toBe(200);
    await advance('P10D');
    expect((await patch(c, base.id, { status: 'active' })).statusCode).toBe(200);
    expect((await ledger(base.id)).map((l) => [l.reason, l.amount])).toEqual([
      ['purchase', 3000],
      ['suspension', -3000], // day 11: 100%
      ['reactivation', 1065], // 11 days left: 600 × 5 × 11 / 31 = 1064.52
    ]);
    expect((await ledger(addOnId)).map((l) => [l.reason, l.amount])).toEqual([
      ['addOnPurchase', 8129],
      ['suspension', -8129], // 100% of what its term charged
      ['reactivation', 4258], // 300 × 40 × 11 / 31 = 4258.06
    ]);
  });
});

describe('reactivation after the term ended while suspended (R-SUS-4, R-BIL-4, R-REN-1)', () => {
  it('R-SUS-4, R-BIL-4, R-REN-1: it resumes in the current term on its own renewal day, charged from the reactivation only', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const sub = await buy(c, 'monthly', 'CN-365-BB', 5); // 600 × 5 = 3000 a month, term Jan 15 → Feb 15
    await advance('P10D');
    expect(
      (await patch(c, sub.id, { status: 'suspended', suspensionReasons: ['nonPayment'] })).statusCode,
    ).toBe(200);
    // The price list changes while it is suspended: 600 → 650.
    const offers = readCatalogFile(DEMO_CATALOG_PATH).map((o) =>
      o.id === 'CN-365-BB' ? { ...o, prices: { ...o.prices, USD: 650 } } : o,
    );
    await importCatalog(t.seatwise.db, offers, t.seatwise.clock.now());
    // Day 70 (Mar 26): two renewal days (Feb 15, Mar 15) passed while suspended; retention runs to day 100.
    await advance('P60D');
    const res = await patch(c, sub.id, { status: 'active' });
    expect(res.statusCode, res.body).toBe(200);
    // Renewal day unchanged (the 15th), in the term that holds today: Mar 15 → Apr 15.
    expect(res.json<{ commitmentEndDate: string }>().commitmentEndDate).toBe('2027-04-15T09:00:00.000Z');
    const lines = await t.seatwise.db
      .selectFrom('ledger_entries')
      .select(['reason', 'amount', 'days', 'term_start', 'term_end'])
      .where('subscription_id', '=', sub.id)
      .orderBy('seq')
      .execute();
    expect(lines.map((l) => [l.reason, Number(l.amount), l.days])).toEqual([
      ['purchase', 3000, null],
      ['suspension', -3000, null], // day 10: 100% (R-BIL-3)
      ['reactivation', 2097, 20], // Mar 26 → Apr 15 of a 31-day term at the new price: 650 × 5 × 20 / 31 = 2096.77
    ]);
    expect(new Date(lines[2]?.term_start as Date).toISOString()).toBe('2027-03-15T09:00:00.000Z');
    // The next renewal is a whole term at the then-current price, and the suspended terms are never billed.
    await advance('P21D');
    const renewals = (await ledger(sub.id)).filter((l) => l.reason === 'renewal');
    expect(renewals.map((l) => [l.amount, new Date(l.posted_at).toISOString()])).toEqual([
      [3250, '2027-04-15T09:00:00.000Z'],
    ]);
  });
});

describe('statements (R-BIL-6)', () => {
  async function tokenFor(role: PartnerRole, partnerId: string) {
    const user = await createPartnerUser(
      t.seatwise.db,
      partnerId,
      systemContext('test'),
      { userName: `u-${role}-${partnerId.slice(0, 6)}`, role },
      REFERENCE_TIME,
    );
    const issued = await issueApiToken(
      t.seatwise.db,
      partnerId,
      systemContext('test'),
      { userId: user.id, name: 't', cloud: 'global' },
      REFERENCE_TIME,
    );
    return { authorization: `Bearer ${issued.token}` };
  }

  it('R-BIL-6, R-ROLE: statements are for GlobalAdmin, AdminAgent and BillingAdmin; another partner gets 404', async () => {
    t = await newSeatwise();
    const partnerId = await partnerIdOf(t);
    const c = await newCustomer(t);
    await buy(c, 'monthly', 'CN-365-BB', 5);
    const url = `/v1/customers/${c}/statements/2027-01`;
    for (const [role, status] of [
      ['BillingAdmin', 200],
      ['AdminAgent', 200],
      ['SalesAgent', 403],
      ['HelpdeskAgent', 403],
    ] as const) {
      const headers = await tokenFor(role, partnerId);
      const res = await t.app.inject({ method: 'GET', url, headers });
      expect(res.statusCode, role).toBe(status);
      const all = await t.app.inject({ method: 'GET', url: '/v1/statements/2027-01', headers });
      expect(all.statusCode, role).toBe(status);
    }
    const other = await createPartner(t.seatwise.db, { name: 'Other Reseller' }, REFERENCE_TIME);
    const otherAdmin = await tokenFor('GlobalAdmin', other.id);
    expect((await t.app.inject({ method: 'GET', url, headers: otherAdmin })).statusCode).toBe(404);
    const theirs = await t.app.inject({ method: 'GET', url: '/v1/statements/2027-01', headers: otherAdmin });
    expect(theirs.json<{ lines: unknown[] }>().lines).toEqual([]);
    const bad = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${c}/statements/2027-1`,
      headers: t.auth,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ code: number; data: { field: string }[] }>()).toMatchObject({
      code: 2000,
      data: [{ field: 'month' }],
    });
  });

  it('R-BIL-6: the CSV has a BOM, a header row, one row per line, ISO dates, decimal amounts, and parses back cleanly', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t, { companyName: 'Fabrikam "Bistro", Café' });
    const sub = await buy(c, 'annual', 'CN-365-E3', 10, '=HYPERLINK("http://x")');
    await advance('P10D');
    await patch(c, sub.id, { quantity: 4 });
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${c}/statements/2027-01?format=csv`,
      headers: t.auth,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="statement-2027-01-${c}.csv"`);
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(res.body).toContain('\r\n');
    const viaAccept = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${c}/statements/2027-01`,
      headers: { ...t.auth, accept: 'text/csv' },
    });
    expect(viaAccept.body).toBe(res.body);

    const rows = parse<Record<string, string>>(res.rawPayload, { bom: true, columns: true });
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'Date',
      'Customer ID',
      'Customer',
      'Subscription ID',
      'Subscription',
      'Offer ID',
      'Offer',
      'Description',
      'Rule',
      'Billing cycle',
      'Period start',
      'Period end',
      'Days',
      'Quantity',
      'Unit price per month',
      'Amount',
      'Currency',
    ]);
    // 355 days left when 6 licences go: 3600 × 12 × 6 × 355 / 365 = 252098.63 → a credit of 2520.99
    expect(
      rows.map((r) => [
        r.Date,
        r.Description,
        r.Rule,
        r.Quantity,
        r.Days,
        r['Unit price per month'],
        r.Amount,
      ]),
    ).toEqual([
      ['2027-01-15', 'Purchase', 'R-BIL-1', '10', '', '36.00', '4320.00'],
      ['2027-01-25', 'Licences removed', 'R-QTY-3', '6', '355', '36.00', '-2520.99'],
    ]);
    expect(rows[0]).toMatchObject({
      Customer: 'Fabrikam "Bistro", Café',
      // a name that a spreadsheet would run as a formula is kept as text
      Subscription: `'=HYPERLINK("http://x")`,
      'Period start': '2027-01-15',
      'Period end': '2028-01-15',
      Currency: 'USD',
    });
    const json = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${c}/statements/2027-01`,
      headers: t.auth,
    });
    expect(json.json<{ totals: unknown[] }>().totals).toEqual([
      { currency: 'USD', charges: 432000, credits: -252099, net: 179901, lineCount: 2 },
    ]);
    const empty = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${c}/statements/2026-12?format=csv`,
      headers: t.auth,
    });
    expect(empty.body.split('\r\n')).toHaveLength(2); // the header row, and the line end after it
    expect(parse(empty.rawPayload, { bom: true, columns: true })).toEqual([]);
    const xml = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${c}/statements/2027-01?format=xml`,
      headers: t.auth,
    });
    expect(xml.statusCode).toBe(400);
  });

  it('R-API-6: the billing routes are in /openapi.json, the statements with their CSV form', async () => {
    t = await newSeatwise();
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { responses: Record<string, { content?: object }> }>>;
    }>();
    for (const path of [
      '/v1/customers/{customerId}/orders/preview',
      '/v1/customers/{customerId}/orders/{orderId}/preview',
      '/v1/customers/{customerId}/subscriptions/{subscriptionId}/preview',
    ])
      expect(doc.paths[path]?.post, path).toBeDefined();
    expect(
      Object.keys(
        doc.paths['/v1/customers/{customerId}/statements/{month}']?.get?.responses['200']?.content ?? {},
      ),
    ).toEqual(['application/json', 'text/csv']);
    expect(doc.paths['/v1/statements/{month}']?.get).toBeDefined();
    expect(doc.paths['/v1/statements']?.get).toBeDefined();
  });
});
