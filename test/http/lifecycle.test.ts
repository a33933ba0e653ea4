import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { sweep } from '../../src/jobs/lifecycle-sweeper.ts';
import { commerce } from '../support/commerce.ts';
import { newCustomer } from '../support/factories.ts';
import { newSeatwise, REFERENCE_TIME, type TestSeatwise } from '../support/seatwise.ts';
import { citusWorkers, serverUrl } from '../support/template.ts';

// On a Citus coordinator (docs/scale-out.md) a trigger on a distributed table runs on each shard.
const onCitus = serverUrl() ? (await citusWorkers()).length > 0 : false;

let t: TestSeatwise;
afterEach(async () => {
  await t.close();
});

interface Sub {
  id: string;
  offerId: string;
  status: string;
  quantity: number;
  friendlyName: string;
  autoRenewEnabled: boolean;
  commitmentEndDate: string;
  suspendedAt: string | null;
  suspensionReasons: string[];
  dataRetentionEndDate: string | null;
  dataPurgedAt: string | null;
  parentSubscriptionId: string | null;
  attributes: { etag: string };
}
interface ErrorBody {
  code: number;
  description: string;
  data: { rule?: string; field?: string }[];
}

const day = (n: number) => new Date(REFERENCE_TIME.getTime() + n * 86_400_000).toISOString();

async function buy(customerId: string, cycle: string, offerId: string, quantity: number): Promise<Sub> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/v1/customers/${customerId}/orders`,
    headers: t.auth,
    payload: { billingCycle: cycle, lineItems: [{ lineItemNumber: 0, offerId, quantity }] },
  });
  expect(res.statusCode).toBe(201);
  return get(
    customerId,
    res.json<{ lineItems: { subscriptionId: string }[] }>().lineItems[0]?.subscriptionId ?? '',
  );
}
const get = (customerId: string, id: string) => commerce(t).get<Sub>(customerId, id);
/** A Partner Center client: GET the resource, change fields, PATCH it back with If-Match. */
const patch = (customerId: string, id: string, change: object, headers: Record<string, string> = {}) =>
  commerce(t).patch(customerId, id, change, headers);
const advance = (by: string) => commerce(t).advance(by);
const moveTo = (now: string) =>
  t.app.inject({ method: 'POST', url: '/v1/testclock', headers: t.auth, payload: { now } });

describe('subscription PATCH (R-API-3, R-QTY, R-SUS, R-CAN)', () => {
  it('R-AUD: an order and a suspension record the subscription as GET shows it, add-ons on sale included', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const sub = await buy(c, 'annual', 'CN-365-E3', 5);
    const recorded = async (operation: string) =>
      (
        await t.seatwise.db
          .selectFrom('audit_records')
          .select('new_value')
          .where('resource_id', '=', sub.id)
          .where('operation_type', '=', operation)
          .executeTakeFirstOrThrow()
      ).new_value;
    const fresh = await get(c, sub.id);
    expect(fresh).toMatchObject({ hasPurchasableAddons: true });
    expect(await recorded('create_subscription')).toEqual(fresh);
    const suspended = await patch(c, sub.id, { status: 'suspended', suspensionReasons: ['nonPayment'] });
    expect(suspended.statusCode).toBe(200);
    const after = await get(c, sub.id);
    expect(suspended.json()).toEqual(after);
    expect(await recorded('update_subscription')).toEqual(after);
  });

  it('R-API-3: the version comes from If-Match, else attributes.etag; stale is 412 or 400 (2055) and changes nothing; neither applies', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const sub = await buy(c, 'monthly', 'CN-365-BB', 5);
    const url = `/v1/customers/${c}/subscriptions/${sub.id}`;
    const ok = await t.app.inject({
      method: 'PATCH',
      url,
      headers: { ...t.auth, 'If-Match': `"${sub.attributes.etag}"` },
      payload: { ...sub, Quantity: 6 },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json<Sub>().quantity).toBe(6);
    expect(ok.headers.etag).toBe(`"${ok.json<Sub>().attributes.etag}"`);
    expect(ok.json<Sub>().attributes.etag).not.toBe(sub.attributes.etag);
    const staleHeader = await t.app.inject({
      method: 'PATCH',
      url,
      headers: { ...t.auth, 'If-Match': `"${sub.attributes.etag}"` },
      payload: { ...ok.json<Sub>(), quantity: 9 },
    });
    expect(staleHeader.statusCode).toBe(412);
    expect(staleHeader.json<ErrorBody>()).toMatchObject({
      code: 2055,
      data: [{ field: 'If-Match', rule: 'R-API-3' }],
    });
    const staleBody = await t.app.inject({
      method: 'PATCH',
      url,
      headers: t.auth,
      payload: { ...sub, quantity: 9 },
    });
    expect(staleBody.statusCode).toBe(400);
    expect(staleBody.json<ErrorBody>()).toMatchObject({
      code: 2055,
      data: [{ field: 'attributes.etag', rule: 'R-API-3' }],
    });
    expect((await get(c, sub.id)).quantity).toBe(6);
    const lastWriter = await t.app.inject({
      method: 'PATCH',
      url,
      headers: t.auth,
      payload: { ...sub, attributes: { objectType: 'Subscription' }, quantity: 7 },
    });
    expect(lastWriter.statusCode).toBe(200);
    expect((await get(c, sub.id)).quantity).toBe(7);
  });

  it('R-API-2: the same PATCH sent twice with one MS-RequestId changes once and answers the same', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const sub = await buy(c, 'monthly', 'CN-365-BB', 5);
    const send = () =>
      t.app.inject({
        method: 'PATCH',
        url: `/v1/customers/${c}/subscriptions/${sub.id}`,
        headers: { ...t.auth, 'If-Match': `"${sub.attributes.etag}"`, 'MS-RequestId': 'patch-1' },
        payload: { ...sub, status: 'suspended', suspensionReasons: ['nonPayment'] },
      });
    const first = await send();
    const retry = await send();
    expect(first.statusCode).toBe(200);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    const audits = await t.seatwise.db
      .selectFrom('audit_records')
      .select('id')
      .where('operation_type', '=', 'update_subscription')
      .execute();
    expect(audits).toHaveLength(1);
  });

  it('R-QTY-1, R-QTY-2: quantity within bounds; refused while suspended (2001), on a trial (800027), out of bounds (2002)', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const sub = await buy(c, 'monthly', 'CN-365-BB', 5);
    expect((await patch(c, sub.id, { quantity: 300 })).statusCode).toBe(200);
    const tooMany = await patch(c, sub.id, { quantity: 301 });
    expect(tooMany.json<ErrorBody>()).toMatchObject({
      code: 2002,
      data: [{ rule: 'R-QTY-1', field: 'quantity' }],
    });
    await patch(c, sub.id, { status: 'suspended', suspensionReasons: ['customerRequest'] });
    const whileSuspended = await patch(c, sub.id, { quantity: 10 });
    expect(whileSuspended.json<ErrorBody>()).toMatchObject({ code: 2001, data: [{ rule: 'R-QTY-2' }] });
    const trial = await buy(c, 'none', 'CN-365-E3-TRIAL', 25);
    const trialQty = await patch(c, trial.id, { quantity: 30 });
    expect(trialQty.statusCode).toBe(403);
    expect(trialQty.json<ErrorBody>().code).toBe(800027);
  });

  it('R-SUS-1: a suspension keeps its reasons; other needs a comment; none recorded as unspecified', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const a = await buy(c, 'monthly', 'CN-365-BB', 5);
    const other = await patch(c, a.id, { status: 'Suspended', suspensionReasons: ['Other'] });
    expect(other.json<ErrorBody>()).toMatchObject({
      code: 2000,
      data: [{ field: 'suspensionComment', rule: 'R-SUS-1' }],
    });
    const res = await patch(c, a.id, { status: 'Suspended', suspensionReasons: ['NonPayment', 'fraud'] });
    expect(res.json<Sub>()).toMatchObject({
      status: 'suspended',
      suspensionReasons: ['nonPayment', 'fraud'],
      suspendedAt: REFERENCE_TIME.toISOString(),
    });
    const b = await buy(c, 'monthly', 'CN-MAIL-P1', 5);
    const { suspensionReasons: _ignored, ...withoutReasons } = b;
    void _ignored;
    const bare = await t.app.inject({
      method: 'PATCH',
      url: `/v1/customers/${c}/subscriptions/${b.id}`,
      headers: { ...t.auth, 'If-Match': b.attributes.etag },
      payload: { ...withoutReasons, status: 'suspended' },
    });
    expect(bare.json<Sub>().suspensionReasons).toEqual(['unspecified']);
    const audit = await t.app.inject({
      method: 'GET',
      url: '/v1/auditrecords?startDate=2027-01-01T00:00:00Z&endDate=2027-02-01T00:00:00Z',
      headers: t.auth,
    });
    const reasons = audit
      .json<{ items: { customizedData: { key: string; value: string }[] }[] }>()
      .items.flatMap((i) => i.customizedData.filter((d) => d.key === 'Reason').map((d) => d.value));
    expect(reasons).toContain('nonPayment, fraud');
  });

  it('R-SUS-3, R-SUS-4, R-SUS-5: suspend for non-payment, reactivate on day 89, suspend again, deleted after day 121', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    // The account opened 40 days before its first paid subscription: retention 90 + 40, capped at 120.
    await t.seatwise.db
      .updateTable('customers')
      .set({ account_opened_at: day(-40) })
      .where('id', '=', c)
      .execute();
    const sub = await buy(c, 'annual', 'CN-365-E3', 10);
    const suspended = (
      await patch(c, sub.id, { status: 'suspended', suspensionReasons: ['nonPayment'] })
    ).json<Sub>();
    expect(suspended.dataRetentionEndDate).toBe(day(120));
    await advance('P89D');
    const back = await patch(c, sub.id, { status: 'active' });
    expect(back.json<Sub>()).toMatchObject({
      status: 'active',
      dataRetentionEndDate: null,
      suspendedAt: null,
      commitmentEndDate: sub.commitmentEndDate,
    });
    const again = (
      await patch(c, sub.id, { status: 'suspended', suspensionReasons: ['nonPayment'] })
    ).json<Sub>();
    expect(again.dataRetentionEndDate).toBe(day(89 + 120));
    await advance('P121D');
    const gone = await get(c, sub.id);
    expect(gone).toMatchObject({ status: 'deleted', dataPurgedAt: day(89 + 120) });
    const revive = await patch(c, sub.id, { status: 'active' });
    expect(revive.json<ErrorBody>()).toMatchObject({ code: 2011, data: [{ rule: 'R-CAN-1' }] });
  });

  it('R-SUS-3: with no first billing period the retention is 90 days', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const trial = await buy(c, 'none', 'CN-365-E3-TRIAL', 25);
    const res = (
      await patch(c, trial.id, { status: 'suspended', suspensionReasons: ['customerRequest'] })
    ).json<Sub>();
    expect(res.dataRetentionEndDate).toBe(day(90));
  });

  it('R-CAN-1: cancel ends at once, keeps data 90 days, then purges; a cancelled subscription cannot be updated (2011)', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const sub = await buy(c, 'monthly', 'CN-365-BB', 5);
    await advance('P10D');
    const cancelled = (await patch(c, sub.id, { status: 'deleted' })).json<Sub>();
    expect(cancelled).toMatchObject({
      status: 'deleted',
      dataRetentionEndDate: day(100),
      dataPurgedAt: null,
    });
    const rename = await patch(c, sub.id, { friendlyName: 'again' });
    expect(rename.statusCode).toBe(400);
    expect(rename.json<ErrorBody>().code).toBe(2011);
    await advance('P89D');
    expect((await get(c, sub.id)).dataPurgedAt).toBeNull();
    await advance('P1D');
    expect((await get(c, sub.id)).dataPurgedAt).toBe(day(100));
  });
});

describe('the lifecycle over time (R-TRI-4, R-REN-1, R-REN-2, R-RET-3, R-API-7)', () => {
  it('R-TRI-4: a trial left alone expires at day 30, keeps data 90 days, then is deleted and purged', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const trial = await buy(c, 'none', 'CN-365-E3-TRIAL', 25);
    const moved = await advance('P31D');
    expect(moved.transitions.expireTrials).toBe(1);
    expect(await get(c, trial.id)).toMatchObject({ status: 'expired', dataRetentionEndDate: day(120) });
    await moveTo(day(121));
    expect(await get(c, trial.id)).toMatchObject({ status: 'deleted', dataPurgedAt: day(120) });
  });

  it('R-REN-2: an annual subscription with auto-renew off expires at term end, is disabled 30 days later, deleted 90 after that', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const sub = await buy(c, 'annual', 'CN-365-E3', 10);
    expect((await patch(c, sub.id, { autoRenewEnabled: false })).json<Sub>().autoRenewEnabled).toBe(false);
    const end = sub.commitmentEndDate;
    await moveTo(end);
    expect(await get(c, sub.id)).toMatchObject({
      status: 'expired',
      dataRetentionEndDate: new Date(Date.parse(end) + 120 * 86_400_000).toISOString(),
    });
    expect((await patch(c, sub.id, { status: 'active' })).json<ErrorBody>().code).toBe(800096);
    // The sweeper's move, not the partner's: refused (R-RET-3), and nothing changes.
    const early = await patch(c, sub.id, { status: 'disabled' });
    expect(early.statusCode).toBe(400);
    expect(early.json<ErrorBody>()).toMatchObject({ code: 800096, data: [{ rule: 'R-RET-3' }] });
    expect((await get(c, sub.id)).status).toBe('expired');
    await moveTo(new Date(Date.parse(end) + 30 * 86_400_000).toISOString());
    expect((await get(c, sub.id)).status).toBe('disabled');
    await moveTo(new Date(Date.parse(end) + 120 * 86_400_000).toISOString());
    expect(await get(c, sub.id)).toMatchObject({
      status: 'deleted',
      dataPurgedAt: new Date(Date.parse(end) + 120 * 86_400_000).toISOString(),
    });
  });

  it('R-REN-1: auto-renew renews for the same term, catching up every term missed while nothing ran', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const sub = await buy(c, 'monthly', 'CN-365-BB', 5);
    const moved = await advance('P95D');
    expect(moved.transitions.renewed).toBe(1);
    const renewed = await get(c, sub.id);
    expect(renewed).toMatchObject({ status: 'active', commitmentEndDate: '2027-05-15T09:00:00.000Z' });
  });

  it('R-RET-3: the sweep is idempotent, and two sweeps at once make each transition exactly once', async () => {
    t = await newSeatwise();
    const subs: string[] = [];
    for (let i = 0; i < 6; i++) {
      const c = await newCustomer(t);
      subs.push((await buy(c, 'none', 'CN-365-E3-TRIAL', 25)).id);
    }
    await t.seatwise.testClock?.moveTo(new Date(day(31)));
    const now = t.seatwise.clock.now();
    const [a, b] = await Promise.all([
      sweep(t.seatwise.db, now, { batchSize: 2 }),
      sweep(t.seatwise.db, now, { batchSize: 2 }),
    ]);
    expect(a.expireTrials + b.expireTrials).toBe(6);
    const again = await sweep(t.seatwise.db, now);
    expect(Object.values(again).every((n) => n === 0)).toBe(true);
    const audits = await t.seatwise.db
      .selectFrom('audit_records')
      .select('resource_id')
      .where('operation_type', '=', 'expire_trial_subscription')
      .execute();
    expect(audits.map((x) => x.resource_id).sort()).toEqual([...subs].sort());
  });
});

describe('a sweep that dies half-way (R-RET-3)', () => {
  it.skipIf(onCitus)(
    'R-RET-3: a batch that fails leaves nothing half-written, and the next sweep finishes each transition exactly once (skipped on Citus: the failure is a trigger counting statements in a sequence, which Citus would run on each shard)',
    async () => {
      t = await newSeatwise();
      const subs: string[] = [];
      for (let i = 0; i < 7; i++)
        subs.push((await buy(await newCustomer(t), 'none', 'CN-365-E3-TRIAL', 25)).id);
      await t.seatwise.testClock?.moveTo(new Date(day(31)));
      const { db } = t.seatwise;
      // The database itself fails the third batch, the way a killed process leaves its open transaction.
      await sql.raw('create sequence crash_seq').execute(db);
      await sql
        .raw(
          "create function crash() returns trigger language plpgsql as $$ begin if nextval('crash_seq') > 2 then raise exception 'simulated crash'; end if; return null; end $$",
        )
        .execute(db);
      await sql
        .raw('create trigger crash after insert on events for each statement execute function crash()')
        .execute(db);
      await expect(sweep(db, t.seatwise.clock.now(), { batchSize: 2 })).rejects.toThrow(/simulated crash/);
      const half = await db
        .selectFrom('subscriptions')
        .select('status')
        .where('status', '=', 'expired')
        .execute();
      expect(half).toHaveLength(4);
      await sql.raw('drop trigger crash on events').execute(db);
      const rest = await sweep(db, t.seatwise.clock.now(), { batchSize: 2 });
      expect(rest.expireTrials).toBe(3);
      const audits = await db
        .selectFrom('audit_records')
        .select('resource_id')
        .where('operation_type', '=', 'expire_trial_subscription')
        .execute();
      expect(audits.map((a) => a.resource_id).sort()).toEqual([...subs].sort());
    },
  );
});

describe('add-ons follow their base (R-ADD-3, R-ADD-4)', () => {
  async function baseWithAddOns(c: string) {
    const base = await buy(c, 'annual', 'CN-365-E3', 10);
    const order = (
      await t.app.inject({ method: 'GET', url: `/v1/customers/${c}/orders`, headers: t.auth })
    ).json<{ items: { id: string; lineItems: object[] }[] }>().items[0];
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/v1/customers/${c}/orders/${order?.id}`,
      headers: t.auth,
      payload: {
        ...order,
        lineItems: [
          ...(order?.lineItems ?? []),
          { lineItemNumber: 1, offerId: 'CN-ADD-AUDIO', parentSubscriptionId: base.id, quantity: 5 },
          { lineItemNumber: 2, offerId: 'CN-ADD-PHONE', parentSubscriptionId: base.id, quantity: 5 },
        ],
      },
    });
    const lines = res.json<{ lineItems: { offerId: string; subscriptionId: string }[] }>().lineItems;
    return {
      base,
      audio: lines.find((l) => l.offerId === 'CN-ADD-AUDIO')?.subscriptionId ?? '',
      phone: lines.find((l) => l.offerId === 'CN-ADD-PHONE')?.subscriptionId ?? '',
    };
  }

  it('R-ADD-3: suspending the base suspends its add-ons; reactivating brings back only those it took down', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const { base, audio, phone } = await baseWithAddOns(c);
    await patch(c, phone, { status: 'suspended', suspensionReasons: ['customerRequest'] });
    await patch(c, base.id, { status: 'suspended', suspensionReasons: ['nonPayment'] });
    expect(await get(c, audio)).toMatchObject({ status: 'suspended', suspensionReasons: ['nonPayment'] });
    const onItsOwn = await patch(c, audio, { status: 'active' });
    expect(onItsOwn.statusCode).toBe(409);
    expect(onItsOwn.json<ErrorBody>()).toMatchObject({ code: 27009, data: [{ rule: 'R-ADD-4' }] });
    await patch(c, base.id, { status: 'active' });
    expect((await get(c, audio)).status).toBe('active');
    expect(await get(c, phone)).toMatchObject({
      status: 'suspended',
      suspensionReasons: ['customerRequest'],
    });
  });

  it('R-ADD-3: cancelling the base cancels its add-ons; deleting it by the sweeper deletes them', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const { base, audio } = await baseWithAddOns(c);
    await patch(c, base.id, { status: 'deleted' });
    expect(await get(c, audio)).toMatchObject({ status: 'deleted', dataRetentionEndDate: day(90) });
    const c2 = await newCustomer(t);
    const second = await baseWithAddOns(c2);
    await patch(c2, second.base.id, { status: 'suspended', suspensionReasons: ['fraud'] });
    await advance('P121D');
    expect((await get(c2, second.audio)).status).toBe('deleted');
    expect((await get(c2, second.audio)).dataPurgedAt).not.toBeNull();
  });
});

describe('allowedActions (the PATCH moves a subscription lists, R-SUS-1, R-SUS-4, R-CAN-1, R-QTY-2, R-REN-2)', () => {
  type Action = 'suspend' | 'reactivate' | 'cancel' | 'changeQuantity' | 'rename' | 'setAutoRenew';
  const ACTIONS: Action[] = ['suspend', 'reactivate', 'cancel', 'changeQuantity', 'rename', 'setAutoRenew'];
  type Listed = Sub & { allowedActions: Action[]; isTrial: boolean };

  /** The change a partner sends for each action, from the subscription as it is. */
  const changeFor = (a: Action, s: Listed): { status?: string; [field: string]: unknown } => {
    switch (a) {
      case 'suspend':
        return { status: 'suspended', suspensionReasons: ['customerRequest'] };
      case 'reactivate':
        return { status: 'active' };
      case 'cancel':
        return { status: 'deleted' };
      case 'changeQuantity':
        return { quantity: s.quantity + 1 };
      case 'rename':
        return { friendlyName: `${s.friendlyName} renamed` };
      case 'setAutoRenew':
        return { autoRenewEnabled: !s.autoRenewEnabled };
    }
  };

  it('R-SUS-1, R-CAN-1, R-QTY-2, R-REN-2: in every state, each listed action succeeds on a fresh subscription and each other one is refused', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const api = commerce(t);
    const fresh = async (count: number, make: () => Promise<string>) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push(await make());
      return ids;
    };
    const paid = async () => (await buy(c, 'monthly', 'CN-365-BB', 5)).id;
    const lapsing = async () => {
      const id = await paid();
      expect((await patch(c, id, { autoRenewEnabled: false })).statusCode).toBe(200);
      return id;
    };
    // Dated states first, each group moved on by the clock before the next is bought (R-REN-2).
    const disabled = await fresh(ACTIONS.length, lapsing);
    await advance('P61D'); // expired at its term end, disabled 30 days later
    const expired = await fresh(ACTIONS.length, lapsing);
    await advance('P32D');
    const groups: Record<string, { status: string; ids: string[]; customer: string }> = {
      disabled: { status: 'disabled', ids: disabled, customer: c },
      expired: { status: 'expired', ids: expired, customer: c },
      active: { status: 'active', ids: await fresh(ACTIONS.length, paid), customer: c },
      suspended: {
        status: 'suspended',
        ids: await fresh(ACTIONS.length, async () => {
          const id = await paid();
          expect((await patch(c, id, changeFor('suspend', (await get(c, id)) as Listed))).statusCode).toBe(
            200,
          );
          return id;
        }),
        customer: c,
      },
      deleted: {
        status: 'deleted',
        ids: await fresh(ACTIONS.length, async () => {
          const id = await paid();
          expect((await patch(c, id, { status: 'deleted' })).statusCode).toBe(200);
          return id;
        }),
        customer: c,
      },
    };
    // A trial per customer (R-TRI-2): one customer for the trial of each action.
    const trialCustomer = await newCustomer(t);
    groups.trial = {
      status: 'active',
      ids: [(await buy(trialCustomer, 'none', 'CN-365-E3-TRIAL', 25)).id],
      customer: trialCustomer,
    };

    const seen: Record<string, Action[]> = {};
    for (const [name, group] of Object.entries(groups)) {
      for (const [i, action] of ACTIONS.entries()) {
        // The trial group has one subscription: a refused action changes nothing, so it stays fresh; the
        // listed ones are tried on trials of their own below.
        const id = name === 'trial' ? (group.ids[0] as string) : (group.ids[i] as string);
        const before = await api.get<Listed>(group.customer, id);
        expect(before.status, `${name}: the group is in its state`).toBe(group.status);
        seen[name] = before.allowedActions;
        const listed = before.allowedActions.includes(action);
        if (name === 'trial' && listed) continue;
        const change = changeFor(action, before);
        const res = await api.patch(group.customer, id, change);
        // A client sends the full resource (R-API-1): asking for the state it already has is no move at all.
        const sameState = 'status' in change && change.status === before.status;
        if (listed) expect(res.statusCode, `${name} ${action}: ${res.body}`).toBe(200);
        else if (sameState) expect(res.statusCode, `${name} ${action}: ${res.body}`).toBe(200);
        else {
          expect(res.statusCode, `${name} ${action}: ${res.body}`).toBeGreaterThanOrEqual(400);
          expect(res.statusCode, `${name} ${action}`).toBeLessThan(500);
        }
        const after = await api.get<Listed>(group.customer, id);
        if (listed)
          expect(after.attributes.etag, `${name} ${action} changed it`).not.toBe(before.attributes.etag);
        else expect(after, `${name} ${action} changed nothing`).toEqual(before);
      }
    }
    for (const action of seen.trial ?? []) {
      const customer = await newCustomer(t);
      const trial = await buy(customer, 'none', 'CN-365-E3-TRIAL', 25);
      const res = await api.patch(
        customer,
        trial.id,
        changeFor(action, await api.get<Listed>(customer, trial.id)),
      );
      expect(res.statusCode, `trial ${action}: ${res.body}`).toBe(200);
    }
    // What each state lists, written out so that a change to the table shows here too.
    expect(seen).toEqual({
      disabled: ['rename'],
      expired: ['rename'],
      active: ['suspend', 'cancel', 'changeQuantity', 'rename', 'setAutoRenew'],
      suspended: ['reactivate', 'cancel', 'rename', 'setAutoRenew'],
      deleted: [],
      trial: ['suspend', 'cancel', 'rename'],
    });
  }, 300_000);
});
