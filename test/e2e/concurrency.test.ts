import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Tables } from '../../src/db/schema.ts';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { onServer, sessionsWaitingOnALock } from '../support/db.ts';
import { newCustomer, partnerIdOf } from '../support/factories.ts';
import { exited, startServerProcess, type RunningServer } from '../support/process.ts';
import { newSeatwise, REFERENCE_TIME, type TestSeatwise } from '../support/seatwise.ts';
import { sweep } from '../../src/jobs/lifecycle-sweeper.ts';
import { createTestDatabase, dropTestDatabase, urlFor } from '../support/template.ts';

/**
 * Rules that hold under any concurrency (R-SEC-3): many requests at once against one customer, each with its
 * own MS-RequestId, then the rows in the database counted. In one process on both engines, and on PostgreSQL
 * through two server processes, where the requests really overlap across connections and processes.
 */

const PARALLEL = 50;

interface Answer {
  status: number;
  body: { code?: number; data?: { rule?: string }[] } & Record<string, unknown>;
}

/** Where the requests go (request `i` picks its server) and how the database's rows are counted. */
interface Target {
  send(
    i: number,
    method: string,
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer>;
  count(query: string, params: unknown[]): Promise<number>;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Every answer, grouped by status and Partner Center code: `{ '201': 1, '403/800066': 49 }`. */
function tally(answers: readonly Answer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) {
    const key = a.status < 300 ? String(a.status) : `${a.status}/${a.body.code ?? '?'}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

const orderOf = (offerId: string, billingCycle: string, quantity: number) => ({
  billingCycle,
  lineItems: [{ lineItemNumber: 0, offerId, quantity }],
});

async function parallelOrders(target: Target, customer: string, body: object) {
  return Promise.all(
    range(PARALLEL).map((i) =>
      target.send(i, 'POST', `/v1/customers/${customer}/orders`, body, { 'MS-RequestId': randomUUID() }),
    ),
  );
}

async function limitOfOne(target: Target, customer: string) {
  const answers = await parallelOrders(target, customer, orderOf('CN-365-BS', 'monthly', 1));
  expect(tally(answers)).toEqual({ '201': 1, '403/800066': PARALLEL - 1 });
  for (const a of answers.filter((x) => x.status === 403)) {
    expect(a.body.data?.[0]?.rule).toBe('R-ORD-3');
  }
  const subscriptions = await target.count(
    `select count(*) as n from subscriptions where customer_id = $1 and offer_id = 'CN-365-BS'`,
    [customer],
  );
  const orders = await target.count(`select count(*) as n from orders where customer_id = $1`, [customer]);
  expect({ subscriptions, orders }).toEqual({ subscriptions: 1, orders: 1 });
}

async function oneTrial(target: Target, customer: string) {
  const answers = await parallelOrders(target, customer, orderOf('CN-365-E3-TRIAL', 'none', 25));
  expect(tally(answers)).toEqual({ '201': 1, '400/27006': PARALLEL - 1 });
  for (const a of answers.filter((x) => x.status === 400)) {
    expect(a.body.data?.[0]?.rule).toBe('R-TRI-2');
  }
  const trials = await target.count(
    `select count(*) as n from customer_trials where customer_id = $1 and offer_id = 'CN-365-E3-TRIAL'`,
    [customer],
  );
  const subscriptions = await target.count(
    `select count(*) as n from subscriptions where customer_id = $1 and offer_id = 'CN-365-E3-TRIAL'`,
    [customer],
  );
  expect({ trials, subscriptions }).toEqual({ trials: 1, subscriptions: 1 });
}

/** A subscription of `seats` licences and `users` users who all ask for one at once: `seats` get one. */
async function seatsForUsers(target: Target, customer: string, seats: number, users: number) {
  const bought = await target.send(
    0,
    'POST',
    `/v1/customers/${customer}/orders`,
    orderOf('CN-365-E3', 'annual', seats),
  );
  expect(bought.status, JSON.stringify(bought.body)).toBe(201);
  const domain = (
    (await target.send(0, 'GET', `/v1/customers/${customer}`, undefined)).body.companyProfile as {
      domain: string;
    }
  ).domain;
  const ids: string[] = [];
  for (const i of range(users)) {
    const created = await target.send(i, 'POST', `/v1/customers/${customer}/users`, {
      userPrincipalName: `user${i}@${domain}`,
      displayName: `User ${i}`,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    ids.push(created.body.id as string);
  }
  const answers = await Promise.all(
    ids.map((id, i) =>
      target.send(i, 'POST', `/v1/customers/${customer}/users/${id}/licenseupdates`, {
        licensesToAssign: [{ skuId: 'CN-365-E3' }],
      }),
    ),
  );
  expect(tally(answers)).toEqual({ '201': seats, '409/900130': users - seats });
  const assigned = await target.count(
    `select count(*) as n from license_assignments where customer_id = $1`,
    [customer],
  );
  expect(assigned).toBe(seats);
}

/** Assignments racing quantity decreases of the same subscription: never more assigned than it has. */
async function seatsWhileShrinking(target: Target, customer: string) {
  const bought = await target.send(
    0,
    'POST',
    `/v1/customers/${customer}/orders`,
    orderOf('CN-365-E3', 'annual', 20),
  );
  expect(bought.status, JSON.stringify(bought.body)).toBe(201);
  const subscription = (bought.body.lineItems as { subscriptionId: string }[])[0]?.subscriptionId as string;
  const path = `/v1/customers/${customer}/subscriptions/${subscription}`;
  const domain = (
    (await target.send(0, 'GET', `/v1/customers/${customer}`, undefined)).body.companyProfile as {
      domain: string;
    }
  ).domain;
  const ids: string[] = [];
  for (const i of range(20)) {
    const created = await target.send(i, 'POST', `/v1/customers/${customer}/users`, {
      userPrincipalName: `shrink${i}@${domain}`,
      displayName: `Shrink ${i}`,
    });
    ids.push(created.body.id as string);
  }
  // Each decrease names the version it read: some lose to another write (412), the others apply in turn.
  const shrink = async (i: number, quantity: number) => {
    const current = await target.send(i, 'GET', path, undefined);
    return target.send(
      i,
      'PATCH',
      path,
      { ...current.body, quantity },
      { 'If-Match': `"${(current.body.attributes as { etag: string }).etag}"` },
    );
  };
  const answers = await Promise.all([
    ...ids.map((id, i) =>
      target.send(i, 'POST', `/v1/customers/${customer}/users/${id}/licenseupdates`, {
        licensesToAssign: [{ skuId: 'CN-365-E3' }],
      }),
    ),
    ...range(10).map((i) => shrink(i, 19 - i)),
  ]);
  expect(answers.filter((a) => a.status >= 500)).toEqual([]);
  const quantity = await target.count(`select quantity as n from subscriptions where id = $1`, [
    subscription,
  ]);
  const assigned = await target.count(
    `select count(*) as n from license_assignments where subscription_id = $1`,
    [subscription],
  );
  expect(assigned).toBeLessThanOrEqual(quantity);
}

/** R-API-3: many PATCHes naming one ETag at once, each renaming the subscription: exactly one applies. */
async function oneETagOneWinner(target: Target, customer: string) {
  const bought = await target.send(
    0,
    'POST',
    `/v1/customers/${customer}/orders`,
    orderOf('CN-365-E3', 'annual', 3),
  );
  expect(bought.status, JSON.stringify(bought.body)).toBe(201);
  const subscription = (bought.body.lineItems as { subscriptionId: string }[])[0]?.subscriptionId as string;
  const path = `/v1/customers/${customer}/subscriptions/${subscription}`;
  const current = await target.send(0, 'GET', path, undefined);
  const etag = (current.body.attributes as { etag: string }).etag;
  const answers = await Promise.all(
    range(100).map((i) =>
      target.send(
        i,
        'PATCH',
        path,
        { ...current.body, friendlyName: `Name ${i}` },
        { 'If-Match': `"${etag}"` },
      ),
    ),
  );
  expect(tally(answers)).toEqual({ '200': 1, '412/2055': 99 });
  const winner = answers.find((a) => a.status === 200)?.body.friendlyName;
  const renamed = await target.count(
    `select count(*) as n from subscriptions where id = $1 and friendly_name = $2 and version = $3`,
    [subscription, winner, Number(etag) + 1],
  );
  expect(renamed).toBe(1);
}

describe('R-SEC-3: rules under concurrency, in one process', () => {
  let t: TestSeatwise;
  afterEach(async () => {
    await t.close();
  });
  const inProcess = async (): Promise<Target> => {
    t = await newSeatwise({ SEATWISE_RATE_LIMIT: '1000000' });
    return {
      send: async (_i, method, url, body, headers = {}) => {
        const res = await t.app.inject({
          method: method as 'GET',
          url,
          headers: { ...t.auth, ...headers },
          ...(body === undefined ? {} : { payload: body as object }),
        });
        return { status: res.statusCode, body: res.body ? res.json<Answer['body']>() : {} };
      },
      count: async (query, params) => {
        // Numbered parameters for the same text the two-process variant sends through pg.
        const parts = query.split(/\$\d+/);
        const text = sql.join(
          parts.flatMap((p, i) => (i < params.length ? [sql.raw(p), sql`${params[i]}`] : [sql.raw(p)])),
          sql``,
        );
        const row = await sql<{ n: string | number }>`${text}`.execute(t.seatwise.db);
        return Number(row.rows[0]?.n ?? 0);
      },
    };
  };

  it(`R-ORD-3: ${PARALLEL} parallel orders of an offer limited to one per customer create one subscription; the rest 403/800066`, async () => {
    const target = await inProcess();
    await limitOfOne(target, await newCustomer(t));
  });

  it(`R-TRI-2: ${PARALLEL} parallel orders of one trial start one trial; the rest 400/27006, none 5xx`, async () => {
    const target = await inProcess();
    await oneTrial(target, await newCustomer(t));
  });

  it('R-ACC: 12 users asking at once for the 5 licences of a subscription get 5; never more assigned than bought', async () => {
    const target = await inProcess();
    await seatsForUsers(target, await newCustomer(t), 5, 12);
  });

  it('R-QTY-1: licence assignments racing quantity decreases never leave more assigned than the quantity', async () => {
    const target = await inProcess();
    await seatsWhileShrinking(target, await newCustomer(t));
  });

  it('R-API-3: 100 PATCHes naming one ETag at once: one applies, 99 answer 412/2055', async () => {
    const target = await inProcess();
    await oneETagOneWinner(target, await newCustomer(t));
  });

  it('R-RET-3: the sweeper renewing 20 subscriptions while each is suspended by a PATCH: each is either renewed (the PATCH 412) or suspended, never both, no 5xx', async () => {
    const target = await inProcess();
    const customer = await newCustomer(t);
    const bought = await target.send(0, 'POST', `/v1/customers/${customer}/orders`, {
      billingCycle: 'monthly',
      lineItems: range(20).map((i) => ({ lineItemNumber: i, offerId: 'CN-365-BB', quantity: 1 })),
    });
    expect(bought.status, JSON.stringify(bought.body)).toBe(201);
    const ids = (bought.body.lineItems as { subscriptionId: string }[]).map((l) => l.subscriptionId);
    const views = await Promise.all(
      ids.map((id) => target.send(0, 'GET', `/v1/customers/${customer}/subscriptions/${id}`, undefined)),
    );
    // Past the first term's end: the sweep renews every active one (R-REN-1).
    const after = new Date(REFERENCE_TIME.getTime() + 32 * 24 * 3600 * 1000);
    await t.seatwise.testClock?.moveTo(after);
    const [answers] = await Promise.all([
      Promise.all(
        views.map((v, i) =>
          target.send(
            i,
            'PATCH',
            `/v1/customers/${customer}/subscriptions/${ids[i] as string}`,
            { ...v.body, status: 'suspended', suspensionReasons: ['nonPayment'] },
            { 'If-Match': `"${(v.body.attributes as { etag: string }).etag}"` },
          ),
        ),
      ),
      sweep(t.seatwise.db, after),
    ]);
    expect(answers.filter((a) => a.status !== 200 && a.status !== 412)).toEqual([]);
    for (const [i, id] of ids.entries()) {
      const renewed = await target.count(
        `select count(*) as n from subscriptions where id = $1 and commitment_end_date > $2`,
        [id, after.toISOString()],
      );
      const suspended = await target.count(
        `select count(*) as n from subscriptions where id = $1 and status = 'suspended'`,
        [id],
      );
      expect({ renewed, suspended }).toEqual(
        answers[i]?.status === 200 ? { renewed: 0, suspended: 1 } : { renewed: 1, suspended: 0 },
      );
    }
  });

  /**
   * Runs `request` while another transaction holds `write` uncommitted (a writer that does not take the
   * customer's lock, as the lifecycle sweeper does not), commits it once the request waits on one of its locks
   * (or has answered), and returns the answer. Needs a second connection: a database server.
   */
  async function underOpenWrite(
    write: (trx: Transaction<Tables>) => Promise<unknown>,
    request: () => Promise<Answer>,
  ): Promise<Answer> {
    let answer: Promise<Answer> | undefined;
    let answered = false;
    await t.seatwise.db.transaction().execute(async (trx) => {
      await write(trx);
      answer = request().finally(() => {
        answered = true;
      });
      for (;;) {
        if ((await sessionsWaitingOnALock(t.seatwise.db)) > 0 || answered) break;
      }
    });
    return answer as Promise<Answer>;
  }

  const onServerOnly = 'PostgreSQL only: the embedded database has one connection';

  it.skipIf(!onServer())(
    `R-RET-3: a row a sweep batch waited on that moved meanwhile is replaced by the next due one: when the sweep returns, nothing due is left (${onServerOnly})`,
    async () => {
      const target = await inProcess();
      const customer = await newCustomer(t);
      const bought = await target.send(0, 'POST', `/v1/customers/${customer}/orders`, {
        billingCycle: 'monthly',
        lineItems: range(11).map((i) => ({ lineItemNumber: i, offerId: 'CN-365-BB', quantity: 1 })),
      });
      expect(bought.status, JSON.stringify(bought.body)).toBe(201);
      const ids = (bought.body.lineItems as { subscriptionId: string }[]).map((l) => l.subscriptionId);
      const first = ids[0] as string;
      // The first in due order, so that the sweep's first batch of 10 holds it.
      await sql`UPDATE subscriptions SET commitment_end_date = commitment_end_date - interval '1 day' WHERE id = ${first}`.execute(
        t.seatwise.db,
      );
      const after = new Date(REFERENCE_TIME.getTime() + 32 * 24 * 3600 * 1000);
      // A PATCH-like writer suspends it while the sweep waits for it; the batch must still take 10 due rows,
      // or the sweep, which stops after a short batch, would leave one behind.
      await underOpenWrite(
        (trx) =>
          trx.updateTable('subscriptions').set({ status: 'suspended' }).where('id', '=', first).execute(),
        () =>
          sweep(t.seatwise.db, after, { batchSize: 10 }).then((report) => ({ status: 200, body: report })),
      );
      const stillDue = await target.count(
        `select count(*) as n from subscriptions where customer_id = $1 and status = 'active' and commitment_end_date <= $2`,
        [customer, after.toISOString()],
      );
      expect(stillDue).toBe(0);
    },
  );

  it.skipIf(!onServer())(
    `R-TRI-2: a trial another writer commits while the order waits on the trial's key is refused 400/27006, not a 500 (${onServerOnly})`,
    async () => {
      const target = await inProcess();
      const customer = await newCustomer(t);
      const partnerId = await partnerIdOf(t);
      // A paid subscription for the trial's row to name (not of a product the trial converts to: R-TRI-2).
      const paid = await target.send(
        0,
        'POST',
        `/v1/customers/${customer}/orders`,
        orderOf('CN-365-BS', 'monthly', 1),
      );
      const subscription = (paid.body.lineItems as { subscriptionId: string }[])[0]?.subscriptionId as string;
      const refused = await underOpenWrite(
        (trx) =>
          trx
            .insertInto('customer_trials')
            .values({
              partner_id: partnerId,
              customer_id: customer,
              offer_id: 'CN-365-E3-TRIAL',
              subscription_id: subscription,
              started_at: new Date(),
            })
            .execute(),
        () =>
          target.send(0, 'POST', `/v1/customers/${customer}/orders`, orderOf('CN-365-E3-TRIAL', 'none', 25)),
      );
      expect(refused.status, JSON.stringify(refused.body)).toBe(400);
      expect(refused.body).toMatchObject({ code: 27006, data: [{ rule: 'R-TRI-2' }] });
      const subscriptions = await target.count(
        `select count(*) as n from subscriptions where customer_id = $1 and offer_id = 'CN-365-E3-TRIAL'`,
        [customer],
      );
      expect(subscriptions).toBe(0);
    },
  );

  it.skipIf(!onServer())(
    `R-SEC-3: renaming a user to a principal name another request is taking at that moment is refused 409/900135, not a 500 (${onServerOnly})`,
    async () => {
      const target = await inProcess();
      const customer = await newCustomer(t);
      const partnerId = await partnerIdOf(t);
      const domain = (
        (await target.send(0, 'GET', `/v1/customers/${customer}`, undefined)).body.companyProfile as {
          domain: string;
        }
      ).domain;
      const ada = await target.send(0, 'POST', `/v1/customers/${customer}/users`, {
        userPrincipalName: `ada@${domain}`,
        displayName: 'Ada',
      });
      expect(ada.status, JSON.stringify(ada.body)).toBe(201);
      const wanted = `grace@${domain}`;
      const refused = await underOpenWrite(
        (trx) =>
          trx
            .insertInto('customer_users')
            .values({
              partner_id: partnerId,
              customer_id: customer,
              id: randomUUID(),
              user_principal_name: wanted,
              first_name: null,
              last_name: null,
              display_name: 'Grace',
              usage_location: null,
              role: 'user',
              created_at: new Date(),
              last_modified_at: new Date(),
              version: 1,
            })
            .execute(),
        () =>
          target.send(0, 'PATCH', `/v1/customers/${customer}/users/${ada.body.id as string}`, {
            userPrincipalName: wanted,
          }),
      );
      expect(refused.status, JSON.stringify(refused.body)).toBe(409);
      expect(refused.body.code).toBe(900135);
      const named = await target.count(
        `select count(*) as n from customer_users where customer_id = $1 and user_principal_name = $2`,
        [customer, wanted],
      );
      expect(named).toBe(1);
    },
  );

  /** A customer with an E3 base bought on one order, and that order as Partner Center returns it. */
  async function withBase(target: Target) {
    const customer = await newCustomer(t);
    const placed = await target.send(
      0,
      'POST',
      `/v1/customers/${customer}/orders`,
      orderOf('CN-365-E3', 'annual', 5),
    );
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const lines = placed.body.lineItems as { subscriptionId: string }[];
    return { customer, placed: placed.body, base: lines[0]?.subscriptionId as string };
  }
  const expireBase = (base: string) => (trx: Transaction<Tables>) =>
    trx.updateTable('subscriptions').set({ status: 'expired' }).where('id', '=', base).execute();

  it.skipIf(!onServer())(
    `R-ADD-1: an add-on bought while the sweeper expires its base waits for it and is refused 409/27009 (${onServerOnly})`,
    async () => {
      const target = await inProcess();
      const { customer, placed, base } = await withBase(target);
      const lines = placed.lineItems as object[];
      const refused = await underOpenWrite(expireBase(base), () =>
        target.send(0, 'PATCH', `/v1/customers/${customer}/orders/${placed.id as string}`, {
          ...placed,
          lineItems: [
            ...lines,
            { lineItemNumber: 1, offerId: 'CN-ADD-AUDIO', parentSubscriptionId: base, quantity: 1 },
          ],
        }),
      );
      expect(refused.status, JSON.stringify(refused.body)).toBe(409);
      expect(refused.body.code).toBe(27009);
      const addOns = await target.count(
        `select count(*) as n from subscriptions where parent_subscription_id = $1`,
        [base],
      );
      expect(addOns).toBe(0);
    },
  );

  it.skipIf(!onServer())(
    `R-ADD-3: an add-on reactivated while the sweeper expires its base waits for it and is refused 409/27009 (${onServerOnly})`,
    async () => {
      const target = await inProcess();
      const { customer, placed, base } = await withBase(target);
      const bought = await target.send(
        0,
        'PATCH',
        `/v1/customers/${customer}/orders/${placed.id as string}`,
        {
          ...placed,
          lineItems: [
            ...(placed.lineItems as object[]),
            { lineItemNumber: 1, offerId: 'CN-ADD-AUDIO', parentSubscriptionId: base, quantity: 1 },
          ],
        },
      );
      expect(bought.status, JSON.stringify(bought.body)).toBe(200);
      const addOn = (bought.body.lineItems as { subscriptionId: string }[])[1]?.subscriptionId as string;
      const path = `/v1/customers/${customer}/subscriptions/${addOn}`;
      const put = async (status: string, extra: object = {}) => {
        const current = await target.send(0, 'GET', path, undefined);
        const etag = (current.body.attributes as { etag: string }).etag;
        return target.send(
          0,
          'PATCH',
          path,
          { ...current.body, status, ...extra },
          { 'If-Match': `"${etag}"` },
        );
      };
      const suspended = await put('suspended', { suspensionReasons: ['nonPayment'] });
      expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
      const current = await target.send(0, 'GET', path, undefined);
      const etag = (current.body.attributes as { etag: string }).etag;
      const refused = await underOpenWrite(expireBase(base), () =>
        target.send(0, 'PATCH', path, { ...current.body, status: 'active' }, { 'If-Match': `"${etag}"` }),
      );
      expect(refused.status, JSON.stringify(refused.body)).toBe(409);
      expect(refused.body.code).toBe(27009);
      const status = await target.count(
        `select count(*) as n from subscriptions where id = $1 and status = 'suspended'`,
        [addOn],
      );
      expect(status).toBe(1);
    },
  );
});

const TOKEN = 'e2e-concurrency-token';

/** A US customer as Partner Center's customer resource names it. */
const customerBody = (name: string) => ({
  companyProfile: { domain: `${name}.onmicrosoft.com` },
  billingProfile: {
    firstName: 'Pat',
    lastName: 'Admin',
    email: `it@${name}.example`,
    culture: 'en-US',
    language: 'en',
    companyName: `${name} Inc`,
    defaultAddress: {
      addressLine1: '1 Main St',
      city: 'Redmond',
      state: 'WA',
      postalCode: '98052',
      country: 'US',
    },
  },
});

// Two processes need a database server: the embedded database has one process only (its data-directory lock).
describe.skipIf(!onServer())(
  'R-SEC-3: rules under concurrency, two server processes on one PostgreSQL (skipped on the embedded database: one process only)',
  () => {
    const servers: RunningServer[] = [];
    let database: string | undefined;
    let client: pg.Client;
    let target: Target;

    beforeAll(async () => {
      database = `seatwise_conc_${randomBytes(5).toString('hex')}`;
      await createTestDatabase(database);
      const env = {
        DATABASE_URL: urlFor(database),
        SEATWISE_DEMO: '1', // for the demo catalog; these tests make their own customers
        SEATWISE_BOOTSTRAP_TOKEN: TOKEN,
        SEATWISE_SWEEP_INTERVAL: '0',
        SEATWISE_RATE_LIMIT: '1000000',
      };
      servers.push(await startServerProcess(env));
      servers.push(await startServerProcess(env));
      client = new pg.Client({ connectionString: urlFor(database) });
      await client.connect();
      target = {
        send: async (i, method, path, body, headers = {}) => {
          const server = servers[i % servers.length] as RunningServer;
          const res = await fetch(`${server.url}${path}`, {
            method,
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
          const text = await res.text();
          return { status: res.status, body: (text ? JSON.parse(text) : {}) as Answer['body'] };
        },
        count: async (query, params) =>
          Number((await client.query<{ n: string | number }>(query, params)).rows[0]?.n ?? 0),
      };
    }, 120_000);

    afterAll(async () => {
      await client?.end();
      for (const s of servers) {
        s.child.kill('SIGKILL');
        await exited(s.child);
      }
      if (database) await dropTestDatabase(database);
    });

    const newCustomerThrough = async (name: string) => {
      const created = await target.send(0, 'POST', '/v1/customers', customerBody(name));
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body.id as string;
    };

    it(`R-ORD-3: ${PARALLEL} parallel orders of an offer limited to one per customer, over both processes, create one subscription; the rest 403/800066`, async () => {
      await limitOfOne(target, await newCustomerThrough('conclimit'));
    });

    it(`R-TRI-2: ${PARALLEL} parallel orders of one trial, over both processes, start one trial; the rest 400/27006, none 5xx`, async () => {
      await oneTrial(target, await newCustomerThrough('conctrial'));
    });

    it('R-ACC: 12 users asking at once, over both processes, for the 5 licences of a subscription get 5', async () => {
      await seatsForUsers(target, await newCustomerThrough('concseats'), 5, 12);
    });

    it('R-API-3: 100 PATCHes naming one ETag at once, over both processes: one applies, 99 answer 412/2055', async () => {
      await oneETagOneWinner(target, await newCustomerThrough('concetag'));
    });

    it('R-QTY-1: licence assignments racing quantity decreases over both processes never exceed the quantity', async () => {
      await seatsWhileShrinking(target, await newCustomerThrough('concshrink'));
    });
  },
);
