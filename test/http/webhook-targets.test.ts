import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isNonPublicAddress, type ResolvedAddress } from '../../src/app/webhook-targets.ts';
import { WebhookDelivery } from '../../src/jobs/webhook-delivery.ts';
import { recordChange, systemContext } from '../../src/app/audit.ts';
import { PartnerScope } from '../../src/db/scope.ts';
import { newId } from '../../src/domain/ids.ts';
import { partnerIdOf } from '../support/factories.ts';
import { newSeatwise, REFERENCE_TIME, type TestSeatwise } from '../support/seatwise.ts';

interface ErrorBody {
  code: number;
  description: string;
  data: { field?: string; rule?: string }[];
}
interface LogEntry {
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A resolver the test rewrites as it goes (DNS that changes), counting how often each name is asked for. */
function fakeDns(initial: Record<string, string[]>) {
  const records = new Map(Object.entries(initial));
  const asked = new Map<string, number>();
  const resolve = (hostname: string): Promise<ResolvedAddress[]> => {
    asked.set(hostname, (asked.get(hostname) ?? 0) + 1);
    const addresses = records.get(hostname);
    if (!addresses) return Promise.reject(new Error(`${hostname}: no such name`));
    return Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  return { resolve, set: (name: string, addresses: string[]) => records.set(name, addresses), asked };
}

async function start(env: Record<string, string> = {}, dns = fakeDns({})): Promise<TestSeatwise> {
  const t = await newSeatwise(env, { resolveHost: dns.resolve });
  closers.push(() => t.close());
  return t;
}

const register = (t: TestSeatwise, webhookUrl: string) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: t.auth,
    payload: { webhookUrl, webhookEvents: ['*'] },
  });

async function deliveryLog(t: TestSeatwise, endpointId: string) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/webhooks/${endpointId}/deliveries`,
    headers: t.auth,
  });
  expect(res.statusCode).toBe(200);
  return { body: res.body, items: res.json<{ items: LogEntry[] }>().items };
}

/** One event of the partner, for the endpoints to be sent. */
async function anEvent(t: TestSeatwise) {
  const id = newId();
  const scope = new PartnerScope(t.seatwise.db, await partnerIdOf(t));
  const change = { resourceType: 'customer', resourceId: id, operationType: 'add_customer' } as const;
  await recordChange(
    scope,
    systemContext('test'),
    { ...change, event: 'customer.created', after: { id } },
    REFERENCE_TIME,
  );
}

function worker(t: TestSeatwise) {
  const w = new WebhookDelivery(t.seatwise.db, { targets: t.seatwise.webhookTargets, timeoutMs: 20_000 });
  closers.push(() => w.close());
  return w;
}

/** A local HTTP receiver answering with `answer`; it records the requests it gets. */
async function receiver(answer: (res: import('node:http').ServerResponse) => void) {
  const requests: { url: string; host: string | undefined }[] = [];
  const server = createHttpServer((req, res) => {
    requests.push({ url: req.url ?? '', host: req.headers.host });
    req.resume();
    req.on('end', () => answer(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as AddressInfo).port, requests };
}

const NON_PUBLIC = [
  '127.0.0.1',
  '127.255.255.254',
  '10.0.0.1',
  '10.255.255.255',
  '172.16.0.1',
  '172.31.255.255',
  '192.168.0.1',
  '100.64.0.1',
  '100.127.255.254',
  '169.254.169.254',
  '224.0.0.1',
  '239.255.255.250',
  '255.255.255.255',
  '0.0.0.0',
  '::1',
  '::',
  'fe80::1',
  'febf::1',
  'fc00::1',
  'fd12:3456::1',
  'ff02::1',
  '::ffff:127.0.0.1',
  '::ffff:10.0.0.1',
  '::ffff:169.254.169.254',
  '::ffff:192.168.1.1',
  '64:ff9b::a00:1', // NAT64 of 10.0.0.1
  '64:ff9b::7f00:1', // NAT64 of 127.0.0.1
];
const PUBLIC = [
  '8.8.8.8',
  '172.32.0.1',
  '172.15.255.255',
  '100.128.0.1',
  '11.0.0.1',
  '2001:4860:4860::8888',
  '64:ff9b::808:808', // NAT64 of 8.8.8.8
];

describe('webhook targets (R-SEC-2)', () => {
  it('R-SEC-2: loopback, private, CGNAT, link-local, multicast, unspecified, ULA and IPv4-mapped addresses are not public', () => {
    for (const a of NON_PUBLIC) expect(isNonPublicAddress(a), a).toBe(true);
    for (const a of PUBLIC) expect(isNonPublicAddress(a), a).toBe(false);
  });

  it('R-SEC-2: a webhookUrl whose host is a non-public address is a 400 naming the field; its public neighbours are accepted', async () => {
    const t = await start();
    for (const address of NON_PUBLIC) {
      const host = address.includes(':') ? `[${address}]` : address;
      const res = await register(t, `https://${host}/hook`);
      expect(res.statusCode, address).toBe(400);
      expect(res.json<ErrorBody>()).toMatchObject({
        code: 2000,
        data: [{ field: 'webhookUrl', rule: 'R-SEC-2' }],
      });
    }
    // Other spellings of 127.0.0.1 that URL parsing turns into it.
    for (const url of ['https://0x7f000001/', 'https://2130706433/', 'https://127.1/']) {
      expect((await register(t, url)).statusCode, url).toBe(400);
    }
    for (const address of PUBLIC) {
      const host = address.includes(':') ? `[${address}]` : address;
      expect((await register(t, `https://${host}/hook`)).statusCode, address).toBe(201);
    }
  });

  it('R-SEC-2: only https; a host that does not resolve is refused; a host with any non-public address is refused', async () => {
    const dns = fakeDns({
      'hooks.example.com': ['203.0.113.10'],
      'mixed.example.com': ['203.0.113.11', '10.0.0.7'],
      'inside.example.com': ['fd00::5'],
    });
    const t = await start({}, dns);
    const http = await register(t, 'http://hooks.example.com/x');
    expect(http.statusCode).toBe(400);
    expect(http.json<ErrorBody>().description).toContain('https');
    const none = await register(t, 'https://nowhere.example.com/x');
    expect(none.statusCode).toBe(400);
    expect(none.json<ErrorBody>().description).toContain('does not resolve');
    for (const url of ['https://mixed.example.com/x', 'https://inside.example.com/x']) {
      const res = await register(t, url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json<ErrorBody>()).toMatchObject({ data: [{ field: 'webhookUrl', rule: 'R-SEC-2' }] });
    }
    expect((await register(t, 'https://hooks.example.com/x')).statusCode).toBe(201);
    const list = await t.app.inject({ method: 'GET', url: '/v1/webhooks', headers: t.auth });
    expect(list.json<{ totalCount: number }>().totalCount).toBe(1);
  });

  it('R-SEC-2: a host name that resolves to 127.0.0.1 (localhost, through the system resolver) is refused', async () => {
    const t = await newSeatwise();
    closers.push(() => t.close());
    const res = await register(t, 'https://localhost:3000/v1/partnerusers');
    expect(res.statusCode).toBe(400);
    expect(res.json<ErrorBody>()).toMatchObject({ data: [{ field: 'webhookUrl', rule: 'R-SEC-2' }] });
  });

  it('R-SEC-2: SEATWISE_WEBHOOK_ALLOW_PRIVATE=1 lets an operator aim webhooks at http and local receivers', async () => {
    const t = await start({ SEATWISE_WEBHOOK_ALLOW_PRIVATE: '1' }, fakeDns({ localhost: ['127.0.0.1'] }));
    expect((await register(t, 'http://127.0.0.1:9/hook')).statusCode).toBe(201);
    expect((await register(t, 'https://localhost/hook')).statusCode).toBe(201);
    expect((await register(t, 'ftp://127.0.0.1/hook')).statusCode).toBe(400);
  });

  it('R-SEC-2: every delivery checks the address again: a name that now resolves inside the network is not connected to', async () => {
    // Something listening where the name will point: it must never see a connection.
    let connections = 0;
    const inside = createNetServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => inside.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => inside.close(() => resolve())));
    const { port } = inside.address() as AddressInfo;

    const dns = fakeDns({ 'hooks.example.com': ['203.0.113.10'] });
    const t = await start({}, dns);
    const created = await register(t, `https://hooks.example.com:${port}/x`);
    expect(created.statusCode).toBe(201);
    const endpointId = created.json<{ id: string }>().id;
    dns.set('hooks.example.com', ['127.0.0.1']);
    await anEvent(t);

    expect(await worker(t).runOnce()).toMatchObject({ attempted: 1, retrying: 1 });
    expect(connections).toBe(0);
    const { items } = await deliveryLog(t, endpointId);
    expect(items[0]).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
    expect(items[0]?.lastError).toContain('not public');
    expect(dns.asked.get('hooks.example.com')).toBe(2);
  });

  it('R-SEC-2: the delivery connects to the address it checked, with the name in the Host header (no second resolution)', async () => {
    const rx = await receiver((res) => res.writeHead(204).end());
    // A name no real resolver knows: the request can only arrive through the address the check returned.
    const dns = fakeDns({ 'hooks.seatwise.test': ['127.0.0.1'] });
    const t = await start({ SEATWISE_WEBHOOK_ALLOW_PRIVATE: '1' }, dns);
    const created = await register(t, `http://hooks.seatwise.test:${rx.port}/in`);
    expect(created.statusCode).toBe(201);
    await anEvent(t);
    expect(await worker(t).runOnce()).toMatchObject({ attempted: 1, delivered: 1 });
    expect(rx.requests).toEqual([{ url: '/in', host: `hooks.seatwise.test:${rx.port}` }]);
    // Once at registration, once for the delivery: the connection did not ask again.
    expect(dns.asked.get('hooks.seatwise.test')).toBe(2);
  });

  it('R-SEC-2: a redirect is not followed; it is a failed attempt with its status', async () => {
    const rx = await receiver((res) => res.writeHead(302, { location: '/elsewhere' }).end());
    const t = await start({ SEATWISE_WEBHOOK_ALLOW_PRIVATE: '1' });
    const created = await register(t, `http://127.0.0.1:${rx.port}/hook`);
    await anEvent(t);
    expect(await worker(t).runOnce()).toMatchObject({ attempted: 1, retrying: 1 });
    expect(rx.requests.map((r) => r.url)).toEqual(['/hook']);
    const { items } = await deliveryLog(t, created.json<{ id: string }>().id);
    expect(items[0]).toMatchObject({ lastStatusCode: 302, status: 'pending' });
    expect(items[0]?.lastError).toContain('not followed');
  });

  it("R-SEC-2: the delivery log shows the answer's status, never its body", async () => {
    const rx = await receiver((res) =>
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"internal":"db-password=hunter2"}'),
    );
    const t = await start({ SEATWISE_WEBHOOK_ALLOW_PRIVATE: '1' });
    const created = await register(t, `http://127.0.0.1:${rx.port}/hook`);
    await anEvent(t);
    await worker(t).runOnce();
    const { items, body } = await deliveryLog(t, created.json<{ id: string }>().id);
    expect(items[0]).toMatchObject({ lastStatusCode: 500, lastError: 'HTTP 500' });
    expect(body).not.toContain('hunter2');
    expect(body).not.toContain('internal');
  });
});
