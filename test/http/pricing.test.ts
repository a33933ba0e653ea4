import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commerce } from '../support/commerce.ts';
import { headersForRole, newCustomer, newPartner } from '../support/factories.ts';
import { newSeatwise, type TestSeatwise } from '../support/seatwise.ts';

// Costs are set at 80 % of the demo catalog's ERP, rounded: CN-365-BB costs USD 480 for an ERP of 600.
// REFERENCE_TIME is 2027-01-15T09:00Z; a monthly term from it ends on Feb 15 (31 days). US customers pay USD.

let t: TestSeatwise;
beforeEach(async () => {
  t = await newSeatwise();
  await sql`UPDATE offers SET cost = (SELECT coalesce(jsonb_object_agg(k, round((v::text)::numeric * 0.8)::int), '{}'::jsonb)
    FROM jsonb_each(definition->'prices') AS e(k, v))`.execute(t.seatwise.db);
});
afterEach(async () => {
  await t.close();
});

interface Rule {
  id: string;
  scope: string;
  version: number;
  kind: string;
  percent: number | null;
  retired: boolean;
  versions: number;
}
interface PreviewItem {
  offerId: string;
  price: number;
  cost: number | null;
  margin: number | null;
  source: { ruleId: string | null; scope: string; version: number | null };
}

const post = (url: string, payload: object, headers: Record<string, string> = t.auth) =>
  t.app.inject({ method: 'POST', url, headers, payload });
const get = (url: string, headers: Record<string, string> = t.auth) =>
  t.app.inject({ method: 'GET', url, headers });

async function rule(payload: object): Promise<Rule> {
  const res = await post('/v1/pricing/rules', payload);
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json<Rule>();
}
async function preview(customerId: string, offerId = 'CN-365-BB'): Promise<PreviewItem> {
  const res = await get(`/v1/pricing/preview?customerId=${customerId}`);
  expect(res.statusCode, res.body).toBe(200);
  const item = res.json<{ items: PreviewItem[] }>().items.find((i) => i.offerId === offerId);
  if (!item) throw new Error(`no ${offerId} in the preview`);
  return item;
}
async function ledger(subscriptionId: string) {
  const rows = await t.seatwise.db
    .selectFrom('ledger_entries')
    .select(['reason', 'amount', 'unit_price', 'unit_cost', 'cost_amount', 'posted_at'])
    .where('subscription_id', '=', subscriptionId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    reason: r.reason,
    amount: Number(r.amount),
    unitPrice: r.unit_price,
    unitCost: r.unit_cost,
    costAmount: r.cost_amount === null ? null : Number(r.cost_amount),
  }));
}
async function buy(customerId: string, offerId: string, quantity: number): Promise<string> {
  const res = await post(`/v1/customers/${customerId}/orders`, {
    billingCycle: 'monthly',
    lineItems: [{ lineItemNumber: 0, offerId, quantity }],
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ lineItems: { subscriptionId: string }[] }>().lineItems[0]?.subscriptionId ?? '';
}

describe('price rules (R-PRC-2)', () => {
  it('R-PRC-2: the default markup applies to everyone, a customer discount wins for that customer, and the preview names the rule', async () => {
    const a = await newCustomer(t);
    const b = await newCustomer(t);
    expect((await preview(a)).source.scope).toBe('erp'); // R-PRC-1: no rule, the ERP
    expect((await preview(a)).price).toBe(600);
    const byDefault = await rule({ scope: 'partner', kind: 'markup', percent: 15 });
    expect(byDefault).toMatchObject({ scope: 'partner', version: 1, kind: 'markup', percent: 15 });
    expect(await preview(a)).toMatchObject({
      price: 552, // 480 × 1.15
      cost: 480,
      margin: 72,
      source: { ruleId: byDefault.id, scope: 'partner', version: 1 },
    });
    const discount = await rule({ scope: 'customer', customerId: a, kind: 'discount', percent: 5 });
    expect(await preview(a)).toMatchObject({
      price: 570,
      source: { ruleId: discount.id, scope: 'customer' },
    });
    expect((await preview(b)).price).toBe(552);
    // An offer rule is more specific than the default, less than the customer's.
    await rule({ scope: 'offer', offerId: 'CN-365-BB', kind: 'fixed', prices: { USD: 590 } });
    expect((await preview(b)).price).toBe(590);
    expect((await preview(a)).price).toBe(570);
    // The customer catalog prices by the same rules and names them.
    const cat = await get(`/v1/customers/${a}/catalog?billingCycle=annual`);
    const entry = cat
      .json<{
        items: {
          offer: { id: string };
          unitPrice: number;
          priceSource: { scope: string };
          unitCost: number;
          margin: number;
        }[];
      }>()
      .items.find((i) => i.offer.id === 'CN-365-BB');
    expect(entry).toMatchObject({
      unitPrice: 570 * 12,
      priceSource: { scope: 'customer' },
      unitCost: 480 * 12,
      margin: 90 * 12,
    });
  });

  it('R-PRC-2: a rule that would sell below cost is refused naming the field, and writes nothing, unless it allows it', async () => {
    const a = await newCustomer(t);
    const res = await post('/v1/pricing/rules', {
      scope: 'customer',
      customerId: a,
      kind: 'discount',
      percent: 25,
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<{
      code: number;
      description: string;
      data: { field: string; offerId: string }[];
    }>();
    expect(body.code).toBe(2000);
    expect(body.data[0]).toMatchObject({ field: 'percent' });
    expect(body.description).toMatch(/below cost/);
    expect((await get('/v1/pricing/rules')).json<{ totalCount: number }>().totalCount).toBe(0);
    const fixed = await post('/v1/pricing/rules', {
      scope: 'offer',
      offerId: 'CN-365-BB',
      kind: 'fixed',
      prices: { USD: 479 },
    });
    expect(fixed.statusCode).toBe(400);
    expect(fixed.json<{ data: { field: string }[] }>().data[0]?.field).toBe('prices.USD');
    // Exactly at cost is not below it; a promotion says so.
    const promo = await post('/v1/pricing/rules', {
      scope: 'customer',
      customerId: a,
      kind: 'discount',
      percent: 25,
      allowBelowCost: true,
    });
    expect(promo.statusCode).toBe(201);
    expect((await preview(a)).price).toBe(450);
  });

  it('R-PRC-2: bad input names the field and changes nothing', async () => {
    const cases: [object, string][] = [
      [{ scope: 'offer', kind: 'markup', percent: 10 }, 'offerId'],
      [{ scope: 'partner', kind: 'markup', percent: 10.123 }, 'percent'],
      [{ scope: 'partner', kind: 'discount', percent: 101 }, 'percent'],
      [{ scope: 'offer', offerId: 'NOPE', kind: 'markup', percent: 10 }, 'offerId'],
      [{ scope: 'category', category: 'Nothing', kind: 'markup', percent: 10 }, 'category'],
      [
        { scope: 'partner', kind: 'markup', percent: 10, effectiveFrom: '2020-01-01T00:00:00Z' },
        'effectiveFrom',
      ],
      [{ scope: 'partner', kind: 'markup', percent: 10, effectiveFrom: 'soon' }, 'effectiveFrom'],
      [{ scope: 'offer', offerId: 'CN-365-BB', kind: 'fixed', prices: { GBP: 700 } }, 'prices.GBP'],
      [{ scope: 'offer', offerId: 'CN-365-BB', kind: 'fixed', prices: { USD: -1 } }, 'prices'],
    ];
    for (const [payload, field] of cases) {
      const res = await post('/v1/pricing/rules', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(JSON.stringify(res.json<{ data: unknown[] }>().data), JSON.stringify(payload)).toContain(field);
    }
    expect((await get('/v1/pricing/rules')).json<{ totalCount: number }>().totalCount).toBe(0);
  });

  it('R-PRC-2: rules are versioned; a retired rule stops applying and keeps its history', async () => {
    const a = await newCustomer(t);
    const first = await rule({ scope: 'partner', kind: 'markup', percent: 10 });
    // The same target again is a new version of the same rule, not a second rule.
    const second = await rule({ scope: 'partner', kind: 'markup', percent: 20 });
    expect(second).toMatchObject({ id: first.id, version: 2, percent: 20, versions: 2 });
    expect((await preview(a)).price).toBe(576);
    // A version dated later waits for its day.
    const later = await post(`/v1/pricing/rules/${first.id}/versions`, {
      kind: 'markup',
      percent: 30,
      effectiveFrom: '2027-02-01T00:00:00Z',
    });
    expect(later.statusCode).toBe(201);
    expect(later.json()).toMatchObject({ version: 2, pending: { version: 3 } });
    expect((await preview(a)).price).toBe(576);
    await commerce(t).advance('P17D');
    expect((await preview(a)).price).toBe(624);
    const retired = await post(`/v1/pricing/rules/${first.id}/retire`, {});
    expect(retired.statusCode).toBe(201);
    expect(retired.json()).toMatchObject({ retired: true, version: 4 });
    expect((await preview(a)).source.scope).toBe('erp');
    expect((await get('/v1/pricing/rules')).json<{ totalCount: number }>().totalCount).toBe(0);
    expect(
      (await get('/v1/pricing/rules?includeRetired=true')).json<{ totalCount: number }>().totalCount,
    ).toBe(1);
    const versions = await get(`/v1/pricing/rules/${first.id}/versions`);
    expect(
      versions.json<{ items: { version: number; percent: number | null }[] }>().items.map((v) => v.percent),
    ).toEqual([10, 20, 30, 30]);
  });

  it('R-PRC-2: managing rules needs billing.view and pricing.manage; reading needs billing.view; another partner sees none', async () => {
    const a = await newCustomer(t);
    const payload = { scope: 'partner', kind: 'markup', percent: 10 };
    const billing = await headersForRole(t, 'BillingAdmin');
    const sales = await headersForRole(t, 'SalesAgent');
    const agent = await headersForRole(t, 'AdminAgent');
    expect((await post('/v1/pricing/rules', payload, billing)).statusCode).toBe(403);
    expect((await post('/v1/pricing/rules', payload, sales)).statusCode).toBe(403);
    expect((await get('/v1/pricing/rules', sales)).statusCode).toBe(403);
    expect((await get(`/v1/pricing/preview?customerId=${a}`, sales)).statusCode).toBe(403);
    expect((await get('/v1/billing/margin?month=2027-01', sales)).statusCode).toBe(403);
    const made = await post('/v1/pricing/rules', payload, agent);
    expect(made.statusCode).toBe(201);
    expect((await get('/v1/pricing/rules', billing)).json<{ totalCount: number }>().totalCount).toBe(1);
    const other = await newPartner(t);
    expect((await get('/v1/pricing/rules', other.auth)).json<{ totalCount: number }>().totalCount).toBe(0);
    expect((await get(`/v1/pricing/rules/${made.json<Rule>().id}`, other.auth)).statusCode).toBe(404);
    expect((await get(`/v1/pricing/preview?customerId=${a}`, other.auth)).statusCode).toBe(404);
    expect(
      (await post('/v1/pricing/rules', { scope: 'customer', customerId: a, kind: 'erp' }, other.auth))
        .statusCode,
    ).toBe(404);
  });

  it('R-AUD: creating, versioning and retiring a rule each write one audit record and one event; a refused rule writes neither', async () => {
    const a = await newCustomer(t, { companyName: 'Audited Ltd' });
    const agent = await headersForRole(t, 'AdminAgent');
    const byDefault = await rule({ scope: 'partner', kind: 'markup', percent: 15 });
    // The same target again is a new version: recorded as a change, with what it was before.
    await rule({ scope: 'partner', kind: 'markup', percent: 20 });
    const custom = await post(
      '/v1/pricing/rules',
      {
        scope: 'customerOffer',
        customerId: a,
        offerId: 'CN-365-BB',
        kind: 'fixed',
        prices: { USD: 590 },
      },
      agent,
    );
    expect(custom.statusCode).toBe(201);
    const later = await post(`/v1/pricing/rules/${byDefault.id}/versions`, {
      kind: 'discount',
      percent: 5,
      effectiveFrom: '2027-02-01T00:00:00Z',
    });
    expect(later.statusCode).toBe(201);
    expect((await post(`/v1/pricing/rules/${custom.json<Rule>().id}/retire`, {})).statusCode).toBe(201);
    const refused = await post('/v1/pricing/rules', {
      scope: 'customer',
      customerId: a,
      kind: 'discount',
      percent: 40,
    });
    expect(refused.statusCode).toBe(400);

    const audits = await t.seatwise.db
      .selectFrom('audit_records')
      .select([
        'operation_type',
        'resource_type',
        'resource_id',
        'customer_id',
        'customer_name',
        'user_principal_name',
        'old_value',
        'new_value',
      ])
      .where('resource_type', '=', 'price_rule')
      .orderBy('operation_date')
      .orderBy('new_value')
      .execute();
    const ops = audits.map((r) => [r.operation_type, r.resource_id]);
    expect(ops).toHaveLength(5);
    expect(ops).toEqual(
      expect.arrayContaining([
        ['create_price_rule', byDefault.id],
        ['update_price_rule', byDefault.id],
        ['update_price_rule', byDefault.id],
        ['create_price_rule', custom.json<Rule>().id],
        ['retire_price_rule', custom.json<Rule>().id],
      ]),
    );
    // The columns are JSON: objects as the driver returns them.
    const parse = (v: unknown) => v as Record<string, unknown> | null;
    const second = audits.find(
      (r) => r.operation_type === 'update_price_rule' && parse(r.new_value)?.percent === 20,
    );
    expect(parse(second?.old_value ?? null)).toMatchObject({ version: 1, kind: 'markup', percent: 15 });
    expect(parse(second?.new_value ?? null)).toMatchObject({ version: 2, scope: 'partner', percent: 20 });
    const pending = audits.find((r) => parse(r.new_value)?.kind === 'discount');
    expect(parse(pending?.new_value ?? null)).toMatchObject({
      version: 3,
      percent: 5,
      effectiveFrom: '2027-02-01T00:00:00.000Z',
    });
    const created = audits.find((r) => r.operation_type === 'create_price_rule' && r.customer_id !== null);
    expect(created).toMatchObject({ customer_id: a, customer_name: 'Audited Ltd' });
    expect(created?.user_principal_name).not.toBe(audits[0]?.user_principal_name);
    expect(parse(created?.new_value ?? null)).toMatchObject({ offerId: 'CN-365-BB', prices: { USD: 590 } });
    const retired = audits.find((r) => r.operation_type === 'retire_price_rule');
    expect(parse(retired?.new_value ?? null)).toMatchObject({ retired: true, version: 2 });

    const events = await t.seatwise.db
      .selectFrom('events')
      .select(['type', 'resource_id'])
      .where('resource_type', '=', 'price_rule')
      .execute();
    expect(events.map((e) => e.type).sort()).toEqual([
      'priceRule.created',
      'priceRule.created',
      'priceRule.retired',
      'priceRule.updated',
      'priceRule.updated',
    ]);
    // The customer's activity shows its own rule's records through the audit API.
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/auditrecords',
      query: {
        startDate: '2027-01-14T00:00:00Z',
        endDate: '2027-01-16T00:00:00Z',
        filter: JSON.stringify({ Field: 'CustomerId', Value: a, Operator: 'substring' }),
      },
      headers: t.auth,
    });
    expect(res.statusCode, res.body).toBe(200);
    // Both at the same instant of the test clock: compared as a set.
    expect(
      res
        .json<{ items: { operationType: string }[] }>()
        .items.map((i) => i.operationType)
        .sort(),
    ).toEqual(['create_price_rule', 'retire_price_rule']);
  });

  it('R-PRC-3: the catalog and the order review show cost and margin only to roles with billing.view', async () => {
    const a = await newCustomer(t);
    await rule({ scope: 'partner', kind: 'markup', percent: 15 });
    const order = {
      billingCycle: 'monthly',
      lineItems: [{ lineItemNumber: 0, offerId: 'CN-365-BB', quantity: 2 }],
    };
    for (const role of ['SalesAgent', 'HelpdeskAgent', 'BillingAdmin', 'AdminAgent'] as const) {
      const headers = await headersForRole(t, role);
      const sees = role === 'BillingAdmin' || role === 'AdminAgent';
      const cat = await get(`/v1/customers/${a}/catalog?billingCycle=monthly`, headers);
      const entry = cat
        .json<{ items: Record<string, unknown>[] }>()
        .items.find((i) => (i.offer as { id: string }).id === 'CN-365-BB');
      expect(entry?.unitPrice, role).toBe(552);
      expect(entry && 'unitCost' in entry, role).toBe(sees);
      expect(entry && 'margin' in entry, role).toBe(sees);
      const review = await post(`/v1/customers/${a}/orders/preview`, order, headers);
      expect(review.statusCode, role).toBe(200);
      const body = review.json<{ total: number; costTotal?: number; lines: Record<string, unknown>[] }>();
      expect(body.total).toBe(1104);
      expect('costTotal' in body, role).toBe(sees);
      expect('costAmount' in (body.lines[0] ?? {}), role).toBe(sees);
      if (sees) expect(body).toMatchObject({ costTotal: 960, marginTotal: 144 });
    }
  });
});

describe('price lock and the ledger (R-PRC-2, R-PRC-3, R-REN-1)', () => {
  it('R-PRC-2: a subscription keeps its price for its term; the renewal charges the new price and cost; every line carries cost and sale', async () => {
    const a = await newCustomer(t);
    await rule({ scope: 'partner', kind: 'markup', percent: 15 });
    const discount = await rule({ scope: 'customer', customerId: a, kind: 'discount', percent: 5 });
    const sub = await buy(a, 'CN-365-BB', 3);
    expect(await ledger(sub)).toEqual([
      { reason: 'purchase', amount: 1710, unitPrice: 570, unitCost: 480, costAmount: 1440 },
    ]);
    // The customer's rule changes: the subscription keeps 570 until its renewal.
    await commerce(t).advance('P10D');
    const v2 = await post(`/v1/pricing/rules/${discount.id}/versions`, { kind: 'discount', percent: 2 });
    expect(v2.statusCode).toBe(201);
    expect((await preview(a)).price).toBe(588);
    const current = await commerce(t).get(a, sub);
    const patched = await commerce(t).patch(a, sub, { ...current, quantity: 4 });
    expect(patched.statusCode, patched.body).toBe(200);
    // One more licence for 21 of 31 days at the locked price: 570 × 21 / 31 = 386.13; at cost 480 × 21 / 31 = 325.16.
    expect((await ledger(sub))[1]).toEqual({
      reason: 'quantityIncrease',
      amount: 386,
      unitPrice: 570,
      unitCost: 480,
      costAmount: 325,
    });
    await commerce(t).advance('P21D'); // Feb 15, 09:00: the term ends, the subscription renews
    expect((await ledger(sub))[2]).toEqual({
      reason: 'renewal',
      amount: 4 * 588,
      unitPrice: 588,
      unitCost: 480,
      costAmount: 4 * 480,
    });
    expect(
      (await commerce(t).get<{ unitPrice: number; attributes: { etag: string } }>(a, sub)).unitPrice,
    ).toBe(588);
    // A suspension in the renewed term credits the sale and the cost alike (R-BIL-3: within 30 days, 100 %).
    const renewed = await commerce(t).get(a, sub);
    const suspended = await commerce(t).patch(a, sub, {
      ...renewed,
      status: 'suspended',
      suspensionReasons: ['customerRequest'],
    });
    expect(suspended.statusCode, suspended.body).toBe(200);
    expect((await ledger(sub))[3]).toEqual({
      reason: 'suspension',
      amount: -2352,
      unitPrice: 588,
      unitCost: 480,
      costAmount: -1920,
    });
  });

  it('R-PRC-2: a reactivation after the term ended charges the price the rules gave when the new term began, with its cost, not the ERP', async () => {
    const a = await newCustomer(t);
    const byDefault = await rule({ scope: 'partner', kind: 'markup', percent: 15 });
    const sub = await buy(a, 'CN-365-BB', 3);
    const bought = await commerce(t).get(a, sub);
    const suspended = await commerce(t).patch(a, sub, {
      ...bought,
      status: 'suspended',
      suspensionReasons: ['customerRequest'],
    });
    expect(suspended.statusCode, suspended.body).toBe(200);
    // Jan 25: cost + 20 % from now on, cost + 30 % from Feb 18 (after the term the reactivation lands in began).
    await commerce(t).advance('P10D');
    expect(
      (await post(`/v1/pricing/rules/${byDefault.id}/versions`, { kind: 'markup', percent: 20 })).statusCode,
    ).toBe(201);
    const later = await post(`/v1/pricing/rules/${byDefault.id}/versions`, {
      kind: 'markup',
      percent: 30,
      effectiveFrom: '2027-02-18T00:00:00Z',
    });
    expect(later.statusCode).toBe(201);
    // Feb 20, 09:00: the term ended on Feb 15 while suspended; reactivating renews it to Mar 15.
    await commerce(t).advance('P26D');
    const current = await commerce(t).get(a, sub);
    const back = await commerce(t).patch(a, sub, { ...current, status: 'active' });
    expect(back.statusCode, back.body).toBe(200);
    const after = await commerce(t).get<{
      unitPrice: number;
      commitmentEndDate: string;
      attributes: { etag: string };
    }>(a, sub);
    expect(after.unitPrice).toBe(576); // 480 × 1.20: the Feb 15 price, neither the ERP (600) nor Feb 18's 624
    expect(after.commitmentEndDate.slice(0, 10)).toBe('2027-03-15');
    const lines = await ledger(sub);
    const reactivation = lines.at(-1);
    // 23 of the 28 days from Feb 20 to Mar 15 for three licences, sale and cost alike, rounded half up.
    expect(reactivation).toEqual({
      reason: 'reactivation',
      amount: Math.round((3 * 576 * 23) / 28),
      unitPrice: 576,
      unitCost: 480,
      costAmount: Math.round((3 * 480 * 23) / 28),
    });
    const row = await t.seatwise.db
      .selectFrom('subscriptions')
      .select(['unit_price', 'unit_cost'])
      .where('id', '=', sub)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ unit_price: 576, unit_cost: 480 });
  });

  it('R-PRC-3: the margin report equals the ledger to the cent, by customer, by offer and in total, as JSON and CSV', async () => {
    const a = await newCustomer(t, { companyName: 'Alpha' });
    const b = await newCustomer(t, { companyName: '=Beta' });
    await rule({ scope: 'partner', kind: 'markup', percent: 12.5 });
    await rule({
      scope: 'customerOffer',
      customerId: b,
      offerId: 'CN-365-BP',
      kind: 'fixed',
      prices: { USD: 2000 },
    });
    const s1 = await buy(a, 'CN-365-BB', 7);
    await buy(b, 'CN-365-BP', 3);
    await buy(b, 'CN-365-BB', 1);
    await commerce(t).advance('P3D');
    const current = await commerce(t).get(a, s1);
    expect((await commerce(t).patch(a, s1, { ...current, quantity: 2 })).statusCode).toBe(200);
    const sums = await t.seatwise.db
      .selectFrom('ledger_entries')
      .select([
        'customer_id',
        sql<string>`sum(amount)`.as('revenue'),
        sql<string>`sum(cost_amount)`.as('cost'),
      ])
      .groupBy('customer_id')
      .execute();
    const res = await get('/v1/billing/margin?month=2027-01');
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json<{
      totals: { currency: string; revenue: number; cost: number; margin: number; uncostedLines: number }[];
      byCustomer: { customerId: string; revenue: number; cost: number; margin: number }[];
      byOffer: { offerId: string; revenue: number; cost: number }[];
    }>();
    const revenue = sums.reduce((s, r) => s + Number(r.revenue), 0);
    const cost = sums.reduce((s, r) => s + Number(r.cost), 0);
    // BB at 540 (480 × 1.125), BP fixed at 2000 for b (its cost is 1760): 7 × 540 + 3 × 2000 + 540, then five
    // BB credited for the 28 of 31 days left (Jan 18 to Feb 15).
    expect(revenue).toBe(7 * 540 + 3 * 2000 + 540 - Math.round((5 * 540 * 28) / 31));
    expect(report.totals).toEqual([
      {
        currency: 'USD',
        revenue,
        cost,
        margin: revenue - cost,
        lineCount: 4,
        uncostedLines: 0,
        uncostedRevenue: 0,
      },
    ]);
    for (const s of sums) {
      const row = report.byCustomer.find((c) => c.customerId === s.customer_id);
      expect(row).toMatchObject({
        revenue: Number(s.revenue),
        cost: Number(s.cost),
        margin: Number(s.revenue) - Number(s.cost),
      });
    }
    expect(report.byOffer.reduce((s, o) => s + o.revenue, 0)).toBe(revenue);
    expect(report.byOffer.reduce((s, o) => s + o.cost, 0)).toBe(cost);
    // The statement of the month shows the same sale.
    const statement = await get('/v1/statements/2027-01');
    expect(statement.json<{ totals: { net: number }[] }>().totals[0]?.net).toBe(revenue);

    const csv = await get('/v1/billing/margin?month=2027-01&format=csv');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toContain('margin-2027-01.csv');
    const rows = parse<Record<string, string>>(csv.body, { bom: true, columns: true });
    const total = rows.find((r) => r.Group === 'total');
    expect(total).toMatchObject({
      Currency: 'USD',
      Revenue: (revenue / 100).toFixed(2),
      Cost: (cost / 100).toFixed(2),
    });
    expect(rows.find((r) => r.Id === b)?.Name).toBe("'=Beta");
    expect((await get('/v1/billing/margin?month=2027-13')).statusCode).toBe(400);
  });

  it('R-PRC-3: lines written before costs were kept stay without cost and are counted apart', async () => {
    const a = await newCustomer(t);
    const sub = await buy(a, 'CN-365-BB', 1);
    await t.seatwise.db
      .updateTable('ledger_entries')
      .set({ unit_cost: null, cost_amount: null })
      .where('subscription_id', '=', sub)
      .execute();
    const report = (await get('/v1/billing/margin?month=2027-01')).json<{
      totals: Record<string, number>[];
    }>();
    expect(report.totals[0]).toMatchObject({
      revenue: 600,
      cost: 0,
      margin: 0,
      uncostedLines: 1,
      uncostedRevenue: 600,
    });
  });
});
