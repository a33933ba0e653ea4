import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { recordChange, systemContext } from '../../src/app/audit.ts';
import { createPartner, createPartnerUser, issueApiToken } from '../../src/app/partners.ts';
import { assemble } from '../../src/composition.ts';
import { loadConfig } from '../../src/config.ts';
import { PartnerScope } from '../../src/db/scope.ts';
import { newId } from '../../src/domain/ids.ts';
import { backoffMs, WebhookDelivery, type WebhookDeliveryOptions } from '../../src/jobs/webhook-delivery.ts';
import { cloneTestDatabase, onServer } from '../support/db.ts';
import { newCustomer, partnerIdOf } from '../support/factories.ts';
import { newSeatwise, REFERENCE_TIME, type TestSeatwise } from '../support/seatwise.ts';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
type Answer = (req: Received, res: ServerResponse) => void;

/** A local endpoint that records every request; `answer` decides the response (200 by default). */
async function receiver(answer: Answer = (_req, res) => res.writeHead(200).end('ok')) {
  const requests: Received[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = {
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      waiters.splice(0).forEach((w) => w());
      answer(received, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    requests,
    to: (path: string) => requests.filter((r) => r.path === path),
    /** Resolves when the next request has arrived: tests wait on the event, not on time. */
    nextRequest: () => new Promise<void>((resolve) => waiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
type Receiver = Awaited<ReturnType<typeof receiver>>;

interface Callback {
  id: string;
  eventName: string;
  resourceUri: string;
  resourceName: string;
  auditUri: string;
  resourceChangeUtcDate: string;
  partnerId: string;
  customerId: string | null;
  data: { id?: string };
}
interface Registration {
  id: string;
  secret: string;
}
interface LogEntry {
  eventId: string;
  eventName: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

/** The receivers here listen on 127.0.0.1 over http: the operator setting that allows it for testing (R-SEC-2). */
const LOCAL_RECEIVER = { SEATWISE_WEBHOOK_ALLOW_PRIVATE: '1' };

let t: TestSeatwise;
let rx: Receiver | undefined;
const workers: WebhookDelivery[] = [];
afterEach(async () => {
  for (const w of workers.splice(0)) await w.close();
  await rx?.close();
  rx = undefined;
  await t.close();
});

/** Real time for the worker, moved by the test instead of waited for. */
function testTime(start = Date.now()) {
  let at = start;
  return { now: () => new Date(at), advance: (ms: number) => (at += ms), at: () => at };
}

const worker = (options: WebhookDeliveryOptions = {}) => {
  const w = new WebhookDelivery(t.seatwise.db, { targets: t.seatwise.webhookTargets, ...options });
  workers.push(w);
  return w;
};

async function register(webhookUrl: string, webhookEvents: string[], auth = t.auth): Promise<Registration> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: auth,
    payload: { WebhookUrl: webhookUrl, WebhookEvents: webhookEvents },
  });
  expect(res.statusCode).toBe(201);
  return res.json<Registration>();
}

async function placeOrder(customerId: string, lines = 1): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/v1/customers/${customerId}/orders`,
    headers: t.auth,
    payload: {
      billingCycle: 'monthly',
      lineItems: ['CN-365-BB', 'CN-MAIL-P1', 'CN-CHAT-ESS'].slice(0, lines).map((offerId, i) => ({
        lineItemNumber: i,
        offerId,
        quantity: 2,
      })),
    },
  });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
}

async function deliveries(endpointId: string, auth = t.auth): Promise<LogEntry[]> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/webhooks/${endpointId}/deliveries`,
    headers: auth,
  });
  expect(res.statusCode).toBe(200);
  return res.json<{ items: LogEntry[] }>().items;
}

async function otherPartnerAuth() {
  const other = await createPartner(t.seatwise.db, { name: 'Other' }, REFERENCE_TIME);
  const user = await createPartnerUser(
    t.seatwise.db,
    other.id,
    systemContext('test'),
    { userName: 'other-admin', role: 'GlobalAdmin' },
    REFERENCE_TIME,
  );
  const token = await issueApiToken(
    t.seatwise.db,
    other.id,
    systemContext('test'),
    { userId: user.id, name: 't', cloud: 'global' },
    REFERENCE_TIME,
  );
  return { partnerId: other.id, auth: { authorization: `Bearer ${token.token}` } };
}

const hmac = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const eventIdsOf = async (partnerId: string) =>
  (
    await new PartnerScope(t.seatwise.db, partnerId)
      .selectFrom('events')
      .select(['id', 'type'])
      .orderBy('seq')
      .execute()
  ).filter((e) => !['partnerUser.created', 'apiToken.created'].includes(e.type));

describe('webhook delivery (R-EVT)', () => {
  it('R-EVT: each event is POSTed once, signed with the endpoint secret, with its id, to the endpoints of its partner that asked for its type', async () => {
    t = await newSeatwise(LOCAL_RECEIVER);
    rx = await receiver();
    const other = await otherPartnerAuth();
    const all = await register(rx.url('/all'), ['*']);
    const orders = await register(rx.url('/orders'), ['order.created']);
    const customers = await register(rx.url('/customers'), ['customer.created']);
    await register(rx.url('/other'), ['*'], other.auth);
    const partnerId = await partnerIdOf(t);
    const c = await newCustomer(t);
    const orderId = await placeOrder(c, 2);

    const report = await worker().runOnce();
    expect(report).toMatchObject({ delivered: report.attempted, retrying: 0, failed: 0 });

    // The endpoint that asked for order.created gets that one event, signed, with Partner Center's fields.
    const [sent, ...more] = rx.to('/orders');
    expect(more).toEqual([]);
    if (!sent) throw new Error('nothing was sent to /orders');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers['x-seatwise-signature']).toBe(hmac(orders.secret, sent.body));
    const body = JSON.parse(sent.body) as Callback;
    expect(sent.headers['x-seatwise-event-id']).toBe(body.id);
    expect(sent.headers['x-seatwise-event-type']).toBe('order.created');
    expect(body).toMatchObject({
      eventName: 'order.created',
      resourceUri: `/v1/customers/${c}/orders/${orderId}`,
      resourceName: 'Order',
      resourceChangeUtcDate: REFERENCE_TIME.toISOString(),
      partnerId,
      customerId: c,
      data: { id: orderId },
    });
    expect(body.auditUri).toMatch(/^\/v1\/auditrecords\?startDate=/);

    // The `*` endpoint gets every event of its partner, each once, under the event's own id.
    const events = await eventIdsOf(partnerId);
    expect(events.map((e) => e.type).sort()).toEqual([
      'order.created',
      'subscription.created',
      'subscription.created',
    ]);
    const toAll = rx.to('/all');
    expect(toAll.map((r) => (JSON.parse(r.body) as Callback).id).sort()).toEqual(
      events.map((e) => e.id).sort(),
    );
    for (const r of toAll) expect(r.headers['x-seatwise-signature']).toBe(hmac(all.secret, r.body));

    // Other event types, and another partner's endpoint, get nothing.
    expect(rx.to('/customers')).toEqual([]);
    expect(rx.to('/other')).toEqual([]);
    expect(await deliveries(customers.id)).toEqual([]);

    // Delivered once: another pass sends nothing again.
    const count = rx.requests.length;
    expect((await worker().runOnce()).attempted).toBe(0);
    expect(rx.requests.length).toBe(count);
    const [entry] = await deliveries(orders.id);
    expect(entry).toMatchObject({
      eventId: body.id,
      eventName: 'order.created',
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 200,
      lastError: null,
      nextAttemptAt: null,
    });
  });

  it('R-EVT: a 500 is retried after back-off with the same event id and body, then delivered once', async () => {
    t = await newSeatwise(LOCAL_RECEIVER);
    let calls = 0;
    rx = await receiver((_req, res) => {
      calls += 1;
      if (calls === 1) res.writeHead(500).end('try later');
      else res.writeHead(200).end();
    });
    const endpoint = await register(rx.url('/flaky'), ['order.created']);
    const time = testTime();
    const w = worker({ now: time.now });
    await placeOrder(await newCustomer(t));

    expect(await w.runOnce()).toMatchObject({ fannedOut: 1, attempted: 1, retrying: 1 });
    const [failed] = await deliveries(endpoint.id);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500, deliveredAt: null });
    expect(failed?.lastError).toContain('HTTP 500');
    expect(failed?.nextAttemptAt).toBe(new Date(time.at() + 1000).toISOString());

    // Not before the back-off has passed.
    expect((await w.runOnce()).attempted).toBe(0);
    time.advance(999);
    expect((await w.runOnce()).attempted).toBe(0);
    expect(rx.requests).toHaveLength(1);

    time.advance(1);
    expect(await w.runOnce()).toMatchObject({ attempted: 1, delivered: 1 });
    const [first, second] = rx.requests;
    expect(second?.headers['x-seatwise-event-id']).toBe(first?.headers['x-seatwise-event-id']);
    expect(second?.body).toBe(first?.body);
    expect(second?.headers['x-seatwise-signature']).toBe(hmac(endpoint.secret, second?.body ?? ''));

    time.advance(3_600_000);
    expect((await w.runOnce()).attempted).toBe(0);
    expect(rx.requests).toHaveLength(2);
    const [done] = await deliveries(endpoint.id);
    expect(done).toMatchObject({
      eventId: (JSON.parse(first?.body ?? '{}') as Callback).id,
      status: 'delivered',
      attempts: 2,
      lastStatusCode: 200,
      lastError: null,
      nextAttemptAt: null,
      deliveredAt: new Date(time.at() - 3_600_000).toISOString(),
    });
  });

  it('R-EVT: the back-off doubles up to one hour, and an endpoint that never answers is given up after maxAttempts', async () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n))).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(backoffMs(13)).toBe(3_600_000);
    expect(backoffMs(40)).toBe(3_600_000);

    t = await newSeatwise(LOCAL_RECEIVER);
    // A port with nothing listening: every attempt is a network error.
    const closed = await receiver();
    const url = closed.url('/gone');
    await closed.close();
    const endpoint = await register(url, ['order.created']);
    const time = testTime();
    const w = worker({ now: time.now, maxAttempts: 3 });
    await placeOrder(await newCustomer(t));

    expect(await w.runOnce()).toMatchObject({ attempted: 1, retrying: 1 });
    let [entry] = await deliveries(endpoint.id);
    expect(entry).toMatchObject({ attempts: 1, lastStatusCode: null, status: 'pending' });
    expect(entry?.lastError).toBeTruthy();
    expect(entry?.nextAttemptAt).toBe(new Date(time.at() + 1000).toISOString());

    time.advance(1000);
    expect(await w.runOnce()).toMatchObject({ attempted: 1, retrying: 1 });
    [entry] = await deliveries(endpoint.id);
    expect(entry?.nextAttemptAt).toBe(new Date(time.at() + 2000).toISOString());

    time.advance(2000);
    expect(await w.runOnce()).toMatchObject({ attempted: 1, failed: 1 });
    [entry] = await deliveries(endpoint.id);
    expect(entry).toMatchObject({ attempts: 3, status: 'failed', nextAttemptAt: null });
    time.advance(3_600_000);
    expect((await w.runOnce()).attempted).toBe(0);
  });

  it('R-EVT, SPEC §8: two workers running at once on the same database deliver each event exactly once', async () => {
    t = await newSeatwise(LOCAL_RECEIVER);
    rx = await receiver();
    await register(rx.url('/all'), ['*']);
    const partnerId = await partnerIdOf(t);
    for (let i = 0; i < 4; i++) await placeOrder(await newCustomer(t), 3);
    const expected = await eventIdsOf(partnerId);
    expect(expected).toHaveLength(16);

    const a = worker({ batchSize: 3 });
    const b = worker({ batchSize: 3 });
    const drain = async (w: WebhookDelivery) => {
      while ((await w.runOnce()).attempted > 0);
    };
    await Promise.all([drain(a), drain(b), drain(a), drain(b)]);
    await Promise.all([a.runOnce(), b.runOnce()]);

    const ids = rx.requests.map((r) => r.headers['x-seatwise-event-id']);
    expect(ids).toHaveLength(expected.length);
    expect(new Set(ids).size).toBe(expected.length);
    expect([...ids].sort()).toEqual(expected.map((e) => e.id).sort());
  });

  it.skipIf(!onServer())(
    'R-EVT, SPEC §8: an event whose transaction commits after a later event is still delivered',
    async () => {
      t = await newSeatwise(LOCAL_RECEIVER);
      rx = await receiver();
      const endpoint = await register(rx.url('/all'), ['*']);
      const partnerId = await partnerIdOf(t);
      const time = testTime();
      const w = worker({ now: time.now, settleMs: 60_000 });
      const change = (resourceId: string) => ({
        resourceType: 'customer' as const,
        resourceId,
        operationType: 'update_customer',
        event: 'customer.updated' as const,
      });
      // A transaction takes the lower seq and stays open while a later event commits.
      let commit!: () => void;
      const gate = new Promise<void>((resolve) => (commit = resolve));
      let written!: () => void;
      const early = new Promise<void>((resolve) => (written = resolve));
      const slow = t.seatwise.db.transaction().execute(async (trx) => {
        await recordChange(
          new PartnerScope(trx, partnerId),
          systemContext('test'),
          change('slow'),
          REFERENCE_TIME,
        );
        written();
        await gate;
      });
      await early;
      await recordChange(
        new PartnerScope(t.seatwise.db, partnerId),
        systemContext('test'),
        change('fast'),
        REFERENCE_TIME,
      );
      await w.runOnce();
      expect(rx.requests.map((r) => (JSON.parse(r.body) as Callback).resourceUri)).toEqual([
        '/v1/customers/fast',
      ]);

      commit();
      await slow;
      time.advance(1000);
      await w.runOnce();
      expect(rx.requests.map((r) => (JSON.parse(r.body) as Callback).resourceUri).sort()).toEqual([
        '/v1/customers/fast',
        '/v1/customers/slow',
      ]);
      // Once the settle window has passed, the cursor moves past both and nothing is sent again.
      time.advance(120_000);
      await w.runOnce();
      await w.runOnce();
      expect(rx.requests).toHaveLength(2);
      const row = await t.seatwise.db
        .selectFrom('webhook_endpoints')
        .select(['fanned_out_seq', 'horizon_seq'])
        .where('id', '=', endpoint.id)
        .executeTakeFirstOrThrow();
      expect(String(row.fanned_out_seq)).toBe(String(row.horizon_seq));
    },
  );

  it('R-EVT: an endpoint registered after an event does not get it', async () => {
    t = await newSeatwise(LOCAL_RECEIVER);
    rx = await receiver();
    const c = await newCustomer(t);
    await placeOrder(c);
    await register(rx.url('/late'), ['*']);
    await worker().runOnce();
    expect(rx.requests).toEqual([]);
    await placeOrder(await newCustomer(t));
    await worker().runOnce();
    expect(rx.requests.map((r) => r.headers['x-seatwise-event-type']).sort()).toEqual([
      'order.created',
      'subscription.created',
    ]);
  });

  it('R-EVT: closing the worker cuts a send in flight short and hands its claim back for the next worker', async () => {
    t = await newSeatwise(LOCAL_RECEIVER);
    // An endpoint that never answers.
    rx = await receiver(() => undefined);
    const endpoint = await register(rx.url('/slow'), ['order.created']);
    await placeOrder(await newCustomer(t));
    const w = worker({ timeoutMs: 60_000 });
    const arrived = rx.nextRequest();
    const pass = w.runOnce();
    await arrived;
    await w.close();
    expect(await pass).toMatchObject({ attempted: 0 });
    const [entry] = await deliveries(endpoint.id);
    expect(entry).toMatchObject({ status: 'pending', attempts: 0 });
    expect(new Date(entry?.nextAttemptAt ?? 0).getTime()).toBeLessThanOrEqual(Date.now());
    expect(await w.runOnce()).toMatchObject({ attempted: 0, fannedOut: 0 });
  });

  it('R-EVT: the server runs the worker on its timer; tests and CLI commands do not unless asked, and close stops it first', async () => {
    t = await newSeatwise(LOCAL_RECEIVER);
    expect(t.seatwise.webhooks).toBeUndefined();
    rx = await receiver();
    const database = await cloneTestDatabase();
    const s = await assemble(
      loadConfig({ SEATWISE_LOG_LEVEL: 'silent', SEATWISE_DEMO: '0', ...LOCAL_RECEIVER }),
      {
        database,
        print: () => {},
        webhookDelivery: { intervalMs: 20 },
      },
    );
    try {
      expect(s.webhooks).toBeInstanceOf(WebhookDelivery);
      const partner = await s.db.selectFrom('partners').select('id').executeTakeFirstOrThrow();
      const scope = new PartnerScope(s.db, partner.id);
      await scope
        .insertInto('webhook_endpoints', {
          id: newId(),
          webhook_url: rx.url('/timer'),
          webhook_events: '["*"]',
          secret: 'whsec_test',
          created_at: REFERENCE_TIME,
          created_by: 'test',
          last_modified_at: REFERENCE_TIME,
          fanned_out_seq: 0,
          horizon_seq: 0,
          horizon_seen_at: new Date(0),
        })
        .execute();
      const arrived = rx.nextRequest();
      s.webhooks?.poke();
      await arrived;
      expect(rx.requests.length).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });
});
