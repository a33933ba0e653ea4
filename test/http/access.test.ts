import { afterEach, describe, expect, it } from 'vitest';
import { commerce, type ErrorBody } from '../support/commerce.ts';
import { newCustomer, newPartner } from '../support/factories.ts';
import { newSeatwise, REFERENCE_TIME, type TestSeatwise } from '../support/seatwise.ts';

let t: TestSeatwise;
afterEach(async () => {
  await t.close();
});

interface Answer {
  allowed: boolean;
  subscriptionId: string | null;
  offerId: string | null;
  reason: string;
  rule: string;
  until: string | null;
  suspensionReasons: string[];
}
interface Decision {
  tenantId: string;
  userId: string | null;
  userPrincipalName: string | null;
  role: string | null;
  decidedAt: string;
  signIn: Answer;
  service: Answer;
  data: Answer;
  attributes: { objectType: string };
}

const day = (n: number) => new Date(REFERENCE_TIME.getTime() + n * 86_400_000).toISOString();
const allowed = (d: Decision) => [d.signIn.allowed, d.service.allowed, d.data.allowed];
const NOTHING = [false, false, false];
const ALL = [true, true, true];
const ADMIN_ONLY = [true, false, true];

async function decide(tenantId: string, userId: string, servicePlan?: string): Promise<Decision> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/accessdecisions',
    headers: t.auth,
    payload: { TenantId: tenantId, UserId: userId, ...(servicePlan ? { ServicePlan: servicePlan } : {}) },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Decision>();
}

/** How many decisions this process answered from memory, read from /metrics. */
async function fromMemory(): Promise<number> {
  const res = await t.app.inject({ method: 'GET', url: '/metrics' });
  const m = /seatwise_access_decisions_total\{source="memory"\} (\d+)/.exec(res.body);
  return Number(m?.[1] ?? 0);
}

/** A tenant with one E3 subscription (annual), a user holding a licence of it, and an admin without one. */
async function tenant(options: { autoRenew?: boolean } = {}) {
  const c = commerce(t);
  const customer = await newCustomer(t);
  const e3 = await c.buy(customer, 'annual', 'CN-365-E3', 10);
  if (options.autoRenew === false) {
    expect((await c.patch(customer, e3.id, { autoRenewEnabled: false })).statusCode).toBe(200);
  }
  const user = await c.addUser(customer, 'ada');
  const admin = await c.addUser(customer, 'root', 'admin');
  await c.assign(customer, user, 'CN-365-E3');
  return { ...c, customer, e3, user, admin };
}

describe('R-ACC access decisions through HTTP, every row of the table', () => {
  it('R-ACC active: the user with a licence and the admin may sign in, use the service and reach the data', async () => {
    t = await newSeatwise();
    const { customer, e3, user, admin } = await tenant();
    const u = await decide(customer, user, 'mail');
    expect(allowed(u)).toEqual(ALL);
    expect(u).toMatchObject({
      tenantId: customer,
      userId: user,
      role: 'user',
      signIn: { subscriptionId: e3.id, offerId: 'CN-365-E3', rule: 'R-ACC', reason: 'active', until: null },
      attributes: { objectType: 'AccessDecision' },
    });
    expect(allowed(await decide(customer, admin, 'mail'))).toEqual(ALL);
    // A plan the user's licence does not grant: signed in, but not that service.
    const phone = await decide(customer, user, 'phone-system');
    expect(allowed(phone)).toEqual([true, false, false]);
    expect(phone.service).toMatchObject({ reason: 'noLicence', rule: 'R-ACC', subscriptionId: null });
  });

  it('R-SUS-2: suspended, users lose everything and admins keep sign-in and data until the retention date; R-SUS-4: reactivation restores at once', async () => {
    t = await newSeatwise();
    const { customer, e3, user, admin, patch } = await tenant();
    expect(allowed(await decide(customer, user))).toEqual(ALL); // loaded into memory
    const suspended = await patch(customer, e3.id, {
      status: 'suspended',
      suspensionReasons: ['nonPayment'],
    });
    expect(suspended.statusCode).toBe(200);
    const before = await fromMemory();
    const u = await decide(customer, user);
    expect(allowed(u)).toEqual(NOTHING);
    expect(u.signIn).toMatchObject({ subscriptionId: e3.id, rule: 'R-SUS-2', reason: 'suspended' });
    const a = await decide(customer, admin);
    expect(allowed(a)).toEqual(ADMIN_ONLY);
    expect(a.data).toMatchObject({
      rule: 'R-SUS-2',
      until: suspended.json<{ dataRetentionEndDate: string }>().dataRetentionEndDate,
    });
    expect(await fromMemory()).toBeGreaterThan(before); // the fresh answer came from the (reloaded) cache
    expect((await patch(customer, e3.id, { status: 'active' })).statusCode).toBe(200);
    expect(allowed(await decide(customer, user))).toEqual(ALL);
  });

  it('R-ACC, R-SUS-2: a suspended subscription’s answers carry its suspensionReasons (nonPayment), in memory, in the batch and from the database; gone after reactivation (R-SUS-4)', async () => {
    t = await newSeatwise();
    const { customer, e3, user, admin, patch } = await tenant();
    const reasons = (d: Decision) => [d.signIn, d.service, d.data].map((a) => a.suspensionReasons);
    expect(reasons(await decide(customer, user))).toEqual([[], [], []]); // active; now held in memory
    const suspended = await patch(customer, e3.id, {
      status: 'suspended',
      suspensionReasons: ['NonPayment'], // read in any case (R-SUS-1), answered as recorded
    });
    expect(suspended.statusCode, suspended.body).toBe(200);
    const retention = suspended.json<{ dataRetentionEndDate: string }>().dataRetentionEndDate;
    const NON_PAYMENT = [['nonPayment'], ['nonPayment'], ['nonPayment']];
    const u = await decide(customer, user);
    expect(u.signIn).toMatchObject({ allowed: false, reason: 'suspended', rule: 'R-SUS-2', until: null });
    expect(reasons(u)).toEqual(NON_PAYMENT);
    // The admin's data answer: allowed, until the retention date (R-SUS-3), and why.
    const a = await decide(customer, admin);
    expect(a.data).toMatchObject({
      allowed: true,
      reason: 'suspended',
      rule: 'R-SUS-2',
      until: retention,
      suspensionReasons: ['nonPayment'],
    });
    expect(reasons(a)).toEqual(NON_PAYMENT);
    const batch = await t.app.inject({
      method: 'POST',
      url: '/v1/accessdecisions/batch',
      headers: t.auth,
      payload: {
        requests: [
          { tenantId: customer, userId: user },
          { tenantId: customer, userId: admin },
        ],
      },
    });
    expect(batch.statusCode, batch.body).toBe(200);
    expect(batch.json<{ items: Decision[] }>().items.map(reasons)).toEqual([NON_PAYMENT, NON_PAYMENT]);

    expect((await patch(customer, e3.id, { status: 'active' })).statusCode).toBe(200);
    const back = await decide(customer, user);
    expect(allowed(back)).toEqual(ALL);
    expect(reasons(back)).toEqual([[], [], []]);
    expect(reasons(await decide(customer, admin))).toEqual([[], [], []]);
  });

  it('R-CAN-1: cancelled, users lose everything at once, admins keep sign-in and data for 90 days; R-RET-2: purged, nothing', async () => {
    t = await newSeatwise();
    const { customer, e3, user, admin, patch, advance } = await tenant();
    await decide(customer, user);
    expect((await patch(customer, e3.id, { status: 'deleted' })).statusCode).toBe(200);
    const u = await decide(customer, user);
    expect(allowed(u)).toEqual(NOTHING);
    expect(u.signIn).toMatchObject({ rule: 'R-CAN-1', reason: 'cancelled' });
    const a = await decide(customer, admin);
    expect(allowed(a)).toEqual(ADMIN_ONLY);
    expect(a.signIn).toMatchObject({ rule: 'R-CAN-1', until: day(90) });
    await advance('P91D');
    const purged = await decide(customer, admin);
    expect(allowed(purged)).toEqual(NOTHING);
    expect(purged.signIn).toMatchObject({ subscriptionId: e3.id, rule: 'R-RET-2', reason: 'purged' });
    // The purge removed the user's licence (R-RET-2): nothing is left to name.
    expect((await decide(customer, user)).signIn).toMatchObject({ allowed: false, reason: 'noLicence' });
  });

  it('R-REN-2: expired, users and admins keep everything for 30 days; disabled, admins only; deleted and purged, nothing', async () => {
    t = await newSeatwise();
    const { customer, user, admin, advance } = await tenant({ autoRenew: false });
    await advance('P366D'); // past the annual term's end: expired
    const expired = await decide(customer, user);
    expect(allowed(expired)).toEqual(ALL);
    expect(expired.signIn).toMatchObject({ rule: 'R-REN-2', reason: 'expired' });
    // Each answer says when it was decided: the clock's time, as it moves.
    expect(expired.decidedAt).toBe(day(366));
    expect(allowed(await decide(customer, admin))).toEqual(ALL);
    await advance('P30D'); // disabled
    const disabled = await decide(customer, user);
    expect(disabled.decidedAt).toBe(day(396));
    expect(allowed(disabled)).toEqual(NOTHING);
    expect(disabled.signIn).toMatchObject({ rule: 'R-REN-2', reason: 'disabled' });
    expect(allowed(await decide(customer, admin))).toEqual(ADMIN_ONLY);
    await advance('P90D'); // deleted and purged
    const gone = await decide(customer, admin);
    expect(allowed(gone)).toEqual(NOTHING);
    expect(gone.signIn).toMatchObject({ rule: 'R-RET-2', reason: 'purged' });
  });

  it('R-TRI-4: a trial left alone expires at day 30: users nothing, admins data for 90 days; then purged', async () => {
    t = await newSeatwise();
    const c = commerce(t);
    const customer = await newCustomer(t);
    const trial = await c.buy(customer, 'none', 'CN-365-E5-TRIAL', 25);
    const user = await c.addUser(customer, 'ada');
    const admin = await c.addUser(customer, 'root', 'admin');
    await c.assign(customer, user, 'CN-365-E5-TRIAL');
    const during = await decide(customer, user, 'phone-system');
    expect(allowed(during)).toEqual(ALL);
    expect(during.signIn.until).toBe(trial.commitmentEndDate); // day 30, when the trial ends
    await c.advance('P30D');
    const u = await decide(customer, user);
    expect(allowed(u)).toEqual(NOTHING);
    expect(u.signIn).toMatchObject({ subscriptionId: trial.id, rule: 'R-TRI-4', reason: 'trialExpired' });
    expect(allowed(await decide(customer, admin))).toEqual(ADMIN_ONLY);
    await c.advance('P90D');
    expect(allowed(await decide(customer, admin))).toEqual(NOTHING);
  });

  it('R-SUS-5: a subscription still suspended on its retention date is deleted and purged: nothing for anyone', async () => {
    t = await newSeatwise();
    const { customer, e3, user, admin, patch, advance } = await tenant();
    expect(
      (await patch(customer, e3.id, { status: 'suspended', suspensionReasons: ['fraud'] })).statusCode,
    ).toBe(200);
    await advance('P89D');
    expect(allowed(await decide(customer, admin))).toEqual(ADMIN_ONLY);
    await advance('P1D');
    expect(allowed(await decide(customer, admin))).toEqual(NOTHING);
    expect(allowed(await decide(customer, user))).toEqual(NOTHING);
  });

  it('R-ACC: an admin signs in while any subscription is not purged, and none before the first order', async () => {
    t = await newSeatwise();
    const c = commerce(t);
    const customer = await newCustomer(t);
    const admin = await c.addUser(customer, 'root', 'admin');
    const none = await decide(customer, admin);
    expect(none.signIn).toMatchObject({ allowed: false, reason: 'noSubscription', rule: 'R-ACC' });
    await c.buy(customer, 'monthly', 'CN-MAIL-P1', 1);
    expect((await decide(customer, admin)).signIn.allowed).toBe(true);
  });
});

describe('R-ACC decisions change as soon as the change has answered (one process)', () => {
  it('a licence removal, a role change and a user deletion show in the next decision, answered from memory', async () => {
    t = await newSeatwise();
    const { customer, user, licenseUpdate } = await tenant();
    expect(allowed(await decide(customer, user))).toEqual(ALL);
    expect((await licenseUpdate(customer, user, { licensesToRemove: ['CN-365-E3'] })).statusCode).toBe(201);
    expect((await decide(customer, user)).signIn).toMatchObject({ allowed: false, reason: 'noLicence' });
    const promoted = await t.app.inject({
      method: 'PATCH',
      url: `/v1/customers/${customer}/users/${user}`,
      headers: t.auth,
      payload: { role: 'admin' },
    });
    expect(promoted.statusCode).toBe(200);
    expect(await decide(customer, user)).toMatchObject({ role: 'admin', signIn: { allowed: true } });
    await t.app.inject({ method: 'DELETE', url: `/v1/customers/${customer}/users/${user}`, headers: t.auth });
    // The first decision after a change reloads the tenant; the next one is answered from memory, still fresh.
    const before = await fromMemory();
    expect((await decide(customer, user)).signIn).toMatchObject({ allowed: false, reason: 'unknownUser' });
    expect(await fromMemory()).toBe(before);
    expect((await decide(customer, user)).signIn).toMatchObject({ allowed: false, reason: 'unknownUser' });
    expect(await fromMemory()).toBe(before + 1);
  });
});

describe('access decisions: the call, the batch, isolation and instances', () => {
  it('the batch answers each question in order, by user id or principal name; unknown users and tenants say so', async () => {
    t = await newSeatwise();
    const { customer, user, admin, domainOf } = await tenant();
    const domain = await domainOf(customer);
    const other = await newPartner(t);
    const theirs = await newCustomer(t, { partnerId: other.partnerId });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/accessdecisions/batch',
      headers: t.auth,
      payload: {
        Requests: [
          { TenantId: customer, UserId: user },
          { TenantId: customer, UserPrincipalName: `ROOT@${domain}`, ServicePlan: 'mail' },
          { TenantId: customer, UserId: '00000000-0000-4000-8000-000000000000' },
          { TenantId: theirs, UserId: user },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json<{ totalCount: number; items: Decision[] }>().items;
    expect(items.map((d) => [d.userId, d.signIn.allowed, d.signIn.reason])).toEqual([
      [user, true, 'active'],
      [admin, true, 'active'],
      ['00000000-0000-4000-8000-000000000000', false, 'unknownUser'],
      [user, false, 'unknownTenant'],
    ]);
    expect(items[1]).toMatchObject({ role: 'admin', userPrincipalName: `root@${domain}` });
  });

  it('R-API-4: a question names exactly one of userId and userPrincipalName; a batch holds 1 to 1,000', async () => {
    t = await newSeatwise();
    const customer = await newCustomer(t);
    const both = await t.app.inject({
      method: 'POST',
      url: '/v1/accessdecisions',
      headers: t.auth,
      payload: { tenantId: customer },
    });
    expect(both.statusCode).toBe(400);
    expect(both.json<ErrorBody>()).toMatchObject({ code: 2000, data: [{ field: 'userId' }] });
    const tooMany = await t.app.inject({
      method: 'POST',
      url: '/v1/accessdecisions/batch',
      headers: t.auth,
      payload: { requests: Array.from({ length: 1001 }, () => ({ tenantId: customer, userId: customer })) },
    });
    expect(tooMany.statusCode).toBe(400);
    expect(JSON.stringify(tooMany.json<ErrorBody>().data)).toContain('requests');
  });

  it("R-ROLE-ISO: another partner's tenant is a 404 for one decision", async () => {
    t = await newSeatwise();
    const { customer, user } = await tenant();
    const other = await newPartner(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/accessdecisions',
      headers: other.auth,
      payload: { tenantId: customer, userId: user },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json<ErrorBody>()).toMatchObject({ data: [{ field: 'tenantId', rule: 'R-ROLE-ISO' }] });
  });

  it('SPEC §6: the usgov instance manages no customer users, so it decides nothing for them (900137)', async () => {
    t = await newSeatwise({ SEATWISE_CLOUD: 'usgov' });
    const customer = await newCustomer(t, { segment: 'government' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/accessdecisions',
      headers: t.auth,
      payload: { tenantId: customer, userPrincipalName: 'a@b.example' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json<ErrorBody>().code).toBe(900137);
  });
});
