import { afterEach, describe, expect, it } from 'vitest';
import { createPartner, createPartnerUser, issueApiToken } from '../../src/app/partners.ts';
import { systemContext } from '../../src/app/audit.ts';
import { newCustomer, partnerIdOf } from '../support/factories.ts';
import { newSeatwise, REFERENCE_TIME, type TestSeatwise } from '../support/seatwise.ts';

let t: TestSeatwise;
afterEach(async () => {
  await t.close();
});

interface Sub {
  id: string;
  offerId: string;
  status: string;
  quantity: number;
  isTrial: boolean;
  billingCycle: string;
  commitmentEndDate: string;
  effectiveStartDate: string;
  parentSubscriptionId: string | null;
  orderId: string;
  friendlyName: string;
  attributes: { etag: string };
}
interface OrderBody {
  id: string;
  lineItems: {
    lineItemNumber: number;
    offerId: string;
    subscriptionId: string;
    quantity: number;
    parentSubscriptionId?: string;
  }[];
  billingCycle: string;
  status: string;
}
interface ErrorBody {
  code: number;
  description: string;
  data: {
    lineItemNumber?: number;
    code?: number;
    rule?: string;
    field?: string;
    description?: string;
    subscriptionId?: string;
  }[];
}

const order = (customerId: string, body: object, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url: `/v1/customers/${customerId}/orders`,
    headers: { ...t.auth, ...headers },
    payload: body,
  });
const line = (offerId: string, quantity: number, n = 0, extra: object = {}) => ({
  lineItemNumber: n,
  offerId,
  quantity,
  ...extra,
});
const subscriptions = async (customerId: string) =>
  (
    await t.app.inject({ method: 'GET', url: `/v1/customers/${customerId}/subscriptions`, headers: t.auth })
  ).json<{ items: Sub[] }>().items;
const countRows = async () => ({
  orders: (await t.seatwise.db.selectFrom('orders').select('id').execute()).length,
  subscriptions: (await t.seatwise.db.selectFrom('subscriptions').select('id').execute()).length,
});

describe('orders (R-ORD-1, R-ORD-2, R-ORD-3, R-ORD-4, R-ORD-5)', () => {
  it("R-API-1, R-ORD-5: Partner Center's sample order body works unchanged and creates the subscriptions", async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const res = await order(c, {
      ReferenceCustomerId: c,
      BillingCycle: 'Monthly',
      LineItems: [
        { LineItemNumber: 0, OfferId: 'CN-365-BB', FriendlyName: 'Basic for sales', Quantity: 5 },
        { LineItemNumber: 1, OfferId: 'CN-MAIL-P1', Quantity: 2 },
      ],
    });
    expect(res.statusCode).toBe(201);
    const body = res.json<OrderBody>();
    expect(body).toMatchObject({
      billingCycle: 'monthly',
      status: 'completed',
      currencyCode: 'USD',
      attributes: { objectType: 'Order' },
    });
    expect(body.lineItems).toHaveLength(2);
    const subs = await subscriptions(c);
    subs.sort((a, b) => a.offerId.localeCompare(b.offerId));
    expect(subs.map((s) => [s.offerId, s.quantity, s.status, s.friendlyName])).toEqual([
      ['CN-365-BB', 5, 'active', 'Basic for sales'],
      ['CN-MAIL-P1', 2, 'active', 'Contoso Mail Plan 1'],
    ]);
    expect(subs[0]?.effectiveStartDate).toBe(REFERENCE_TIME.toISOString());
    expect(subs[0]?.commitmentEndDate).toBe('2027-02-15T09:00:00.000Z');
    const byOrder = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${c}/subscriptions?order_id=${body.id}`,
      headers: t.auth,
    });
    expect(byOrder.json<{ totalCount: number }>().totalCount).toBe(2);
    const one = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${c}/subscriptions/${subs[0]?.id}`,
      headers: t.auth,
    });
    expect(one.headers.etag).toBe(`"${subs[0]?.attributes.etag}"`);
    const customer = await t.seatwise.db
      .selectFrom('customers')
      .select('first_billing_period_start')
      .executeTakeFirstOrThrow();
    expect(customer.first_billing_period_start?.toISOString()).toBe(REFERENCE_TIME.toISOString());
    const orders = await t.app.inject({ method: 'GET', url: `/v1/customers/${c}/orders`, headers: t.auth });
    expect(orders.json<{ items: OrderBody[] }>().items.map((o) => o.id)).toEqual([body.id]);
    const audit = await t.app.inject({
      method: 'GET',
      url: '/v1/auditrecords?startDate=2027-01-01T00:00:00Z&endDate=2027-02-01T00:00:00Z',
      headers: t.auth,
    });
    const ops = audit.json<{ items: { operationType: string }[] }>().items.map((i) => i.operationType);
    expect(ops.filter((o) => o === 'create_subscription')).toHaveLength(2);
    expect(ops).toContain('create_order');
  });

  it('R-ORD-5: an annual order ends twelve months later; EUR for a eurozone customer', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t, { country: 'FR' });
    const res = await order(c, { billingCycle: 'ANNUAL', lineItems: [line('CN-365-E3', 10)] });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ currencyCode: 'EUR', billingCycle: 'annual' });
    const [sub] = await subscriptions(c);
    expect(sub?.commitmentEndDate).toBe('2028-01-15T09:00:00.000Z');
  });

  it('R-ORD-1: one invalid line refuses the whole order, with each failing line, and writes nothing', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const res = await order(c, {
      billingCycle: 'monthly',
      lineItems: [
        line('CN-365-BB', 5, 0),
        line('CN-365-BB', 100000, 1),
        line('NO-SUCH-OFFER', 1, 2),
        line('CN-MAIL-P1', 1, 3),
      ],
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<ErrorBody>();
    expect(body.code).toBe(2002);
    expect(body.description).toContain('R-ORD-1');
    expect(body.data.map((d) => [d.lineItemNumber, d.code, d.field])).toEqual([
      [1, 2002, 'quantity'],
      [2, 2000, 'offerId'],
    ]);
    expect(body.data[0]?.description).toMatch(/between 1 and 300/);
    expect(await countRows()).toEqual({ orders: 0, subscriptions: 0 });
  });

  it('R-ORD-2: a quantity outside the offer bounds is 400/2002, in the caller language', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const res = await order(
      c,
      { billingCycle: 'monthly', lineItems: [line('CN-365-BB', 0)] },
      { 'X-Locale': 'fr-FR' },
    );
    expect(res.statusCode).toBe(400);
    const body = res.json<ErrorBody>();
    expect(body.code).toBe(2002);
    expect(body.data[0]?.description).toMatch(/doit être comprise entre 1 et 300/);
  });

  it('R-ORD-3: a Concurrent limit of one refuses a second subscription (403/800066), naming the first', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    expect((await order(c, { billingCycle: 'monthly', lineItems: [line('CN-365-BS', 3)] })).statusCode).toBe(
      201,
    );
    const [first] = await subscriptions(c);
    const again = await order(c, { billingCycle: 'monthly', lineItems: [line('CN-365-BS', 1)] });
    expect(again.statusCode).toBe(403);
    expect(again.json<ErrorBody>()).toMatchObject({
      code: 800066,
      data: [{ rule: 'R-ORD-3', subscriptionId: first?.id }],
    });
    // Two lines of the same limited offer in one order: the second is refused.
    const c2 = await newCustomer(t);
    const twice = await order(c2, {
      billingCycle: 'monthly',
      lineItems: [line('CN-365-BS', 1, 0), line('CN-365-BS', 1, 1)],
    });
    expect(twice.json<ErrorBody>().data.map((d) => d.lineItemNumber)).toEqual([1]);
    // A deleted subscription no longer counts against a Concurrent limit.
    await t.seatwise.db
      .updateTable('subscriptions')
      .set({ status: 'deleted' })
      .where('id', '=', first?.id ?? '')
      .execute();
    expect((await order(c, { billingCycle: 'monthly', lineItems: [line('CN-365-BS', 1)] })).statusCode).toBe(
      201,
    );
  });

  it('R-ORD-3: a LifeTime limit counts deleted subscriptions too', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t, { segment: 'nonprofit' });
    expect(
      (await order(c, { billingCycle: 'annual', lineItems: [line('CN-365-BP-NP-GRANT', 10)] })).statusCode,
    ).toBe(201);
    await t.seatwise.db.updateTable('subscriptions').set({ status: 'deleted' }).execute();
    const again = await order(c, { billingCycle: 'annual', lineItems: [line('CN-365-BP-NP-GRANT', 10)] });
    expect(again.statusCode).toBe(403);
    expect(again.json<ErrorBody>().code).toBe(800066);
  });

  it('R-API-1: a customer id written in capitals is the same customer: the order answers and records its own id', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const placed = await order(c.toUpperCase(), {
      billingCycle: 'monthly',
      lineItems: [line('CN-365-BB', 5)],
    });
    expect(placed.statusCode, placed.body).toBe(201);
    const body = placed.json<{ id: string; referenceCustomerId: string }>();
    expect(body.referenceCustomerId).toBe(c);
    const fetched = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${c}/orders/${body.id}`,
      headers: t.auth,
    });
    expect(fetched.json()).toMatchObject({ referenceCustomerId: c });
    const audit = await t.seatwise.db
      .selectFrom('audit_records')
      .select(['customer_id', 'new_value'])
      .where('resource_id', '=', body.id)
      .executeTakeFirstOrThrow();
    expect(audit.customer_id).toBe(c);
    expect(audit.new_value).toMatchObject({ referenceCustomerId: c });
  });

  it('R-ORD-4: an order retried with the same MS-RequestId creates nothing new', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const body = { billingCycle: 'monthly', lineItems: [line('CN-365-BB', 5)] };
    const first = await order(c, body, { 'MS-RequestId': 'order-1' });
    const retry = await order(c, body, { 'MS-RequestId': 'order-1' });
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(first.json());
    expect(await countRows()).toEqual({ orders: 1, subscriptions: 1 });
  });

  it('R-CAT-1, SPEC §6: an offer outside the customer country (800070), segment (2085) or instance is refused', async () => {
    t = await newSeatwise();
    const jp = await newCustomer(t, { country: 'JP' });
    const notInCountry = await order(jp, { billingCycle: 'monthly', lineItems: [line('CN-CALL-DOM', 1)] });
    expect(notInCountry.json<ErrorBody>()).toMatchObject({
      code: 800070,
      data: [{ rule: 'R-CAT-1', field: 'offerId' }],
    });
    const commercial = await newCustomer(t);
    const wrongSegment = await order(commercial, {
      billingCycle: 'monthly',
      lineItems: [line('CN-365-A3-FAC', 1)],
    });
    expect(wrongSegment.statusCode).toBe(403);
    expect(wrongSegment.json<ErrorBody>().code).toBe(2085);
    const otherInstance = await order(commercial, {
      billingCycle: 'monthly',
      lineItems: [line('CN-USG-G3', 1)],
    });
    expect(otherInstance.json<ErrorBody>().code).toBe(2085);
    const cycle = await order(commercial, { billingCycle: 'monthly', lineItems: [line('CN-365-E3', 1)] });
    expect(cycle.json<ErrorBody>()).toMatchObject({ code: 6001, data: [{ field: 'billingCycle' }] });
    const retired = await order(commercial, { billingCycle: 'monthly', lineItems: [line('CN-365-E4', 1)] });
    expect(retired.json<ErrorBody>().code).toBe(2091);
    expect(await countRows()).toEqual({ orders: 0, subscriptions: 0 });
  });

  it('SPEC §6: a usgov instance sells its own offers to government customers and nothing from the global catalog', async () => {
    t = await newSeatwise({ SEATWISE_CLOUD: 'usgov' });
    const c = await newCustomer(t, { segment: 'government' });
    expect((await order(c, { billingCycle: 'annual', lineItems: [line('CN-USG-G3', 5)] })).statusCode).toBe(
      201,
    );
    const global = await order(c, { billingCycle: 'annual', lineItems: [line('CN-365-G3', 5)] });
    expect(global.json<ErrorBody>().code).toBe(2085);
  });

  it("R-ROLE-ISO: another partner's customer answers 404 to its orders and subscriptions", async () => {
    t = await newSeatwise();
    const mine = await newCustomer(t);
    const other = await createPartner(t.seatwise.db, { name: 'Other' }, REFERENCE_TIME);
    const user = await createPartnerUser(
      t.seatwise.db,
      other.id,
      systemContext('t'),
      { userName: 'o', role: 'GlobalAdmin' },
      REFERENCE_TIME,
    );
    const token = await issueApiToken(
      t.seatwise.db,
      other.id,
      systemContext('t'),
      { userId: user.id, name: 't', cloud: 'global' },
      REFERENCE_TIME,
    );
    const auth = { authorization: `Bearer ${token.token}` };
    for (const [method, url] of [
      ['POST', `/v1/customers/${mine}/orders`],
      ['GET', `/v1/customers/${mine}/orders`],
      ['GET', `/v1/customers/${mine}/subscriptions`],
      ['GET', `/v1/customers/${mine}/catalog`],
    ] as const) {
      const res = await t.app.inject({
        method,
        url,
        headers: auth,
        ...(method === 'POST' ? { payload: { lineItems: [line('CN-365-BB', 1)] } } : {}),
      });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 404 });
    }
    expect(await countRows()).toEqual({ orders: 0, subscriptions: 0 });
    void partnerIdOf;
  });
});

describe('trials (R-TRI-1, R-TRI-2, R-TRI-3)', () => {
  it('R-TRI-1: a trial is ordered with cycle none, has 25 licences, is free and lasts 30 days', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const res = await order(c, { BillingCycle: 'None', LineItems: [line('CN-365-E3-TRIAL', 25)] });
    expect(res.statusCode).toBe(201);
    const [sub] = await subscriptions(c);
    expect(sub).toMatchObject({
      isTrial: true,
      quantity: 25,
      billingCycle: 'none',
      commitmentEndDate: '2027-02-14T09:00:00.000Z',
    });
    // A trial does not start the first billing period (R-ORD-5).
    const customer = await t.seatwise.db
      .selectFrom('customers')
      .select('first_billing_period_start')
      .executeTakeFirstOrThrow();
    expect(customer.first_billing_period_start).toBeNull();
  });

  it('R-TRI-1: refused for education customers, with another quantity, or another cycle', async () => {
    t = await newSeatwise();
    const edu = await newCustomer(t, { segment: 'education' });
    const forEdu = await order(edu, { billingCycle: 'trial', lineItems: [line('CN-365-E3-TRIAL', 25)] });
    expect(forEdu.statusCode).toBe(403);
    expect(forEdu.json<ErrorBody>()).toMatchObject({ code: 2085, data: [{ rule: 'R-TRI-1' }] });
    const c = await newCustomer(t);
    const ten = await order(c, { billingCycle: 'none', lineItems: [line('CN-365-E3-TRIAL', 10)] });
    expect(ten.json<ErrorBody>()).toMatchObject({
      code: 2002,
      data: [{ rule: 'R-TRI-1', field: 'quantity' }],
    });
    const monthly = await order(c, { billingCycle: 'monthly', lineItems: [line('CN-365-E3-TRIAL', 25)] });
    expect(monthly.json<ErrorBody>()).toMatchObject({ code: 6001, data: [{ rule: 'R-TRI-1' }] });
    expect(await countRows()).toEqual({ orders: 0, subscriptions: 0 });
  });

  it('R-TRI-2: one trial per offer per customer, ever; none for a product the customer owns', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    expect(
      (await order(c, { billingCycle: 'none', lineItems: [line('CN-365-E3-TRIAL', 25)] })).statusCode,
    ).toBe(201);
    await t.seatwise.db.updateTable('subscriptions').set({ status: 'deleted' }).execute();
    const again = await order(c, { billingCycle: 'none', lineItems: [line('CN-365-E3-TRIAL', 25)] });
    expect(again.json<ErrorBody>()).toMatchObject({ code: 27006, data: [{ rule: 'R-TRI-2' }] });
    const owner = await newCustomer(t);
    expect(
      (await order(owner, { billingCycle: 'monthly', lineItems: [line('CN-365-BP', 5)] })).statusCode,
    ).toBe(201);
    const owned = await order(owner, { billingCycle: 'none', lineItems: [line('CN-365-BP-TRIAL', 25)] });
    expect(owned.json<ErrorBody>()).toMatchObject({ code: 27006, data: [{ rule: 'R-TRI-2' }] });
  });

  it('R-TRI-3: a trial converts to a paid offer and keeps its subscription id', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    await order(c, { billingCycle: 'none', lineItems: [line('CN-365-E3-TRIAL', 25)] });
    const [trial] = await subscriptions(c);
    const url = `/v1/customers/${c}/subscriptions/${trial?.id}/conversions`;
    const options = await t.app.inject({ method: 'GET', url, headers: t.auth });
    const targets = options.json<{
      items: { targetOfferId: string; billingCycle: string; quantity: number }[];
    }>().items;
    expect(targets).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ targetOfferId: 'CN-365-E3', billingCycle: 'annual', quantity: 25 }),
        expect.objectContaining({ targetOfferId: 'CN-365-E5', billingCycle: 'annual' }),
      ]),
    );
    await t.app.inject({
      method: 'POST',
      url: '/v1/testclock',
      headers: t.auth,
      payload: { advanceBy: 'P10D' },
    });
    const wrong = await t.app.inject({
      method: 'POST',
      url,
      headers: t.auth,
      payload: { targetOfferId: 'CN-365-BB', billingCycle: 'monthly' },
    });
    expect(wrong.statusCode).toBe(400);
    const converted = await t.app.inject({
      method: 'POST',
      url,
      headers: t.auth,
      payload: { TargetOfferId: 'CN-365-E3', BillingCycle: 'Annual', Quantity: 40 },
    });
    expect(converted.statusCode).toBe(200);
    expect(converted.json()).toMatchObject({
      subscriptionId: trial?.id,
      offerId: 'CN-365-E3-TRIAL',
      targetOfferId: 'CN-365-E3',
      quantity: 40,
    });
    const [paid] = await subscriptions(c);
    expect(paid).toMatchObject({
      id: trial?.id,
      offerId: 'CN-365-E3',
      isTrial: false,
      quantity: 40,
      billingCycle: 'annual',
      effectiveStartDate: '2027-01-25T09:00:00.000Z',
      commitmentEndDate: '2028-01-25T09:00:00.000Z',
    });
    // No longer a trial: a second conversion is refused, and the trial cannot be bought again (R-TRI-2).
    expect((await t.app.inject({ method: 'GET', url, headers: t.auth })).statusCode).toBe(400);
    const again = await order(c, { billingCycle: 'none', lineItems: [line('CN-365-E3-TRIAL', 25)] });
    expect(again.json<ErrorBody>().code).toBe(27006);
  });
});

describe('add-ons (R-ADD-1, R-ADD-2)', () => {
  async function withBase(cycle = 'annual', offerId = 'CN-365-E3') {
    const c = await newCustomer(t);
    const placed = (
      await order(c, { billingCycle: cycle, lineItems: [line(offerId, 10)] })
    ).json<OrderBody>();
    return { c, placed, base: placed.lineItems[0]?.subscriptionId ?? '' };
  }
  const patch = (c: string, o: OrderBody, lines: object[]) =>
    t.app.inject({
      method: 'PATCH',
      url: `/v1/customers/${c}/orders/${o.id}`,
      headers: t.auth,
      payload: { ...o, lineItems: [...o.lineItems, ...lines] },
    });

  it('R-ADD-1, R-ADD-2: an add-on PATCHed onto the base order takes its cycle and its term end', async () => {
    t = await newSeatwise();
    const { c, placed, base } = await withBase();
    await t.app.inject({
      method: 'POST',
      url: '/v1/testclock',
      headers: t.auth,
      payload: { advanceBy: 'P40D' },
    });
    const res = await patch(c, placed, [
      {
        LineItemNumber: 1,
        OfferId: 'CN-ADD-AUDIO',
        ParentSubscriptionId: base,
        Quantity: 4,
        FriendlyName: 'Audio',
      },
    ]);
    expect(res.statusCode).toBe(200);
    expect(
      res
        .json<OrderBody>()
        .lineItems.map((l) => [l.lineItemNumber, l.offerId, l.parentSubscriptionId ?? null]),
    ).toEqual([
      [0, 'CN-365-E3', null],
      [1, 'CN-ADD-AUDIO', base],
    ]);
    const addons = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${c}/subscriptions/${base}/addons`,
      headers: t.auth,
    });
    const [addon] = addons.json<{ items: Sub[] }>().items;
    const [baseSub] = await subscriptions(c);
    expect(addon).toMatchObject({
      offerId: 'CN-ADD-AUDIO',
      parentSubscriptionId: base,
      billingCycle: 'annual',
      quantity: 4,
    });
    expect(addon?.commitmentEndDate).toBe(baseSub?.commitmentEndDate);
    expect(addon?.effectiveStartDate).toBe('2027-02-24T09:00:00.000Z');
  });

  it('R-ADD-1: refused on a base that is not active (409/27009) or not a prerequisite (800029), and never from POST', async () => {
    t = await newSeatwise();
    const { c, placed, base } = await withBase();
    const wrongBase = await patch(c, placed, [
      { lineItemNumber: 1, offerId: 'CN-ADD-ARCHIVE', parentSubscriptionId: base, quantity: 1 },
    ]);
    expect(wrongBase.json<ErrorBody>()).toMatchObject({ code: 800029, data: [{ rule: 'R-ADD-1' }] });
    await t.seatwise.db
      .updateTable('subscriptions')
      .set({ status: 'suspended' })
      .where('id', '=', base)
      .execute();
    const suspended = await patch(c, placed, [
      { lineItemNumber: 1, offerId: 'CN-ADD-AUDIO', parentSubscriptionId: base, quantity: 1 },
    ]);
    expect(suspended.statusCode).toBe(409);
    expect(suspended.json<ErrorBody>().code).toBe(27009);
    const viaPost = await order(c, {
      billingCycle: 'annual',
      lineItems: [line('CN-ADD-AUDIO', 1, 0, { parentSubscriptionId: base })],
    });
    expect(viaPost.json<ErrorBody>()).toMatchObject({ code: 2000, data: [{ rule: 'R-ADD-1' }] });
    const fromCatalog = await order(c, { billingCycle: 'annual', lineItems: [line('CN-ADD-AUDIO', 1)] });
    expect(fromCatalog.json<ErrorBody>().code).toBe(2085);
    const nothingNew = await patch(c, placed, []);
    expect(nothingNew.statusCode).toBe(400);
    expect((await subscriptions(c)).length).toBe(1);
  });
});

describe('catalog (R-CAT-1, R-CAT-2)', () => {
  const catalog = async (c: string, cycle: string, headers: Record<string, string> = {}) =>
    (
      await t.app.inject({
        method: 'GET',
        url: `/v1/customers/${c}/catalog?billingCycle=${cycle}`,
        headers: { ...t.auth, ...headers },
      })
    ).json<{
      currency: string;
      items: {
        offer: { id: string };
        unitPrice: number;
        purchasable: boolean;
        reason?: { code: string; description: string; subscriptionId?: string; links?: object };
      }[];
    }>();

  it('R-CAT-1: prices in the customer currency, annual = 12 × monthly, trials under their own tab', async () => {
    t = await newSeatwise();
    const us = await newCustomer(t);
    const fr = await newCustomer(t, { country: 'FR' });
    const monthly = await catalog(us, 'monthly');
    const bb = monthly.items.find((i) => i.offer.id === 'CN-365-BB');
    expect(monthly.currency).toBe('USD');
    expect(bb?.unitPrice).toBe(600);
    expect(monthly.items.some((i) => i.offer.id === 'CN-365-E3')).toBe(false); // annual only
    const annual = await catalog(fr, 'annual');
    expect(annual.currency).toBe('EUR');
    expect(annual.items.find((i) => i.offer.id === 'CN-365-BB')?.unitPrice).toBe(560 * 12);
    const trials = await catalog(us, 'trial');
    expect(trials.items.every((i) => i.offer.id.endsWith('-TRIAL'))).toBe(true);
    expect(trials.items.length).toBeGreaterThan(0);
    expect(monthly.items.some((i) => i.offer.id.endsWith('-TRIAL') || i.offer.id.startsWith('CN-ADD'))).toBe(
      false,
    );
    const edu = await newCustomer(t, { segment: 'education' });
    expect((await catalog(edu, 'trial')).items).toEqual([]);
    expect((await catalog(edu, 'monthly')).items.some((i) => i.offer.id === 'CN-365-A3-FAC')).toBe(true);
  });

  it('R-CAT-2: an unavailable offer says why, naming the subscription, with a link to reactivate a suspended one', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    await order(c, {
      billingCycle: 'monthly',
      lineItems: [line('CN-365-BS', 3, 0), line('CN-365-BP', 3, 1)],
    });
    const subs = await subscriptions(c);
    const bs = subs.find((s) => s.offerId === 'CN-365-BS');
    const bp = subs.find((s) => s.offerId === 'CN-365-BP');
    await t.seatwise.db
      .updateTable('subscriptions')
      .set({ status: 'suspended' })
      .where('id', '=', bp?.id ?? '')
      .execute();
    const items = (await catalog(c, 'monthly', { 'X-Locale': 'de-DE' })).items;
    const limited = items.find((i) => i.offer.id === 'CN-365-BS');
    expect(limited).toMatchObject({
      purchasable: false,
      reason: { code: 'limitReached', rule: 'R-ORD-3', subscriptionId: bs?.id },
    });
    expect(limited?.reason?.description).toContain('Abonnementlimit');
    const suspended = items.find((i) => i.offer.id === 'CN-365-BP');
    expect(suspended).toMatchObject({
      purchasable: false,
      reason: { code: 'suspendedExists', subscriptionId: bp?.id },
    });
    expect(suspended?.reason?.links).toEqual({
      subscription: expect.objectContaining({ uri: `/v1/customers/${c}/subscriptions/${bp?.id}` }) as object,
    });
    const annual = (await catalog(c, 'annual')).items;
    expect(annual.find((i) => i.offer.id === 'CN-365-E4')).toMatchObject({
      purchasable: false,
      reason: { code: 'notPurchasable' },
    });
    expect(items.find((i) => i.offer.id === 'CN-365-BB')).toMatchObject({ purchasable: true });
  });

  it('R-API-1: /v1/offers?country lists what this instance sells there; /v1/offers/{id} reads one', async () => {
    t = await newSeatwise();
    const us = await t.app.inject({ method: 'GET', url: '/v1/offers?country=us', headers: t.auth });
    const ids = us.json<{ items: { id: string; country: string }[] }>().items.map((o) => o.id);
    expect(ids).toContain('CN-CALL-DOM');
    expect(ids).not.toContain('CN-USG-G3');
    const jp = await t.app.inject({ method: 'GET', url: '/v1/offers?country=JP', headers: t.auth });
    expect(jp.json<{ items: { id: string }[] }>().items.map((o) => o.id)).not.toContain('CN-CALL-DOM');
    const one = await t.app.inject({ method: 'GET', url: '/v1/offers/CN-365-BB', headers: t.auth });
    expect(one.json()).toMatchObject({
      id: 'CN-365-BB',
      prices: { USD: 600, EUR: 560 },
      attributes: { objectType: 'Offer' },
    });
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/offers/CN-USG-G3', headers: t.auth })).statusCode,
    ).toBe(404);
  });
});
