import { afterEach, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/app/audit.ts';
import { createPartnerUser, issueApiToken } from '../../src/app/partners.ts';
import { commerce } from '../support/commerce.ts';
import { newCustomer, partnerIdOf } from '../support/factories.ts';
import { newSeatwise, REFERENCE_TIME, type TestSeatwise } from '../support/seatwise.ts';

// The decision lane answers POST /v1/accessdecisions from the node:http request, before Fastify (issue 7's
// throughput). `inject` never reaches it (it calls Fastify directly), so these tests send real HTTP to a
// listening server and compare with what Fastify answers to the same request through `inject`.

let t: TestSeatwise;
let url: string;
afterEach(async () => {
  await t.close();
});

async function start(env: Record<string, string> = {}) {
  t = await newSeatwise(env);
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
}

/** A tenant with a licensed user and an admin; the first decision through Fastify loads it into the cache. */
async function tenant() {
  const c = commerce(t);
  const customer = await newCustomer(t);
  await c.buy(customer, 'annual', 'CN-365-E3', 5);
  const user = await c.addUser(customer, 'ada');
  await c.assign(customer, user, 'CN-365-E3');
  const admin = await c.addUser(customer, 'root', 'admin');
  return { customer, user, admin };
}

const overHttp = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/accessdecisions`, {
    method: 'POST',
    headers: { ...t.auth, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const viaInject = (body: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/accessdecisions',
    headers: { ...t.auth, 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

async function laneCount(answered: 'lane' | 'fastify'): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = new RegExp(`^seatwise_access_lane_requests_total\\{answered="${answered}"\\} (\\d+)`, 'm').exec(
    text,
  );
  return Number(m?.[1] ?? 0);
}

/** The headers a client sees, without those that name the connection or the moment. */
const comparable = (headers: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(headers)
      .map(([k, v]) => [k.toLowerCase(), String(v)] as const)
      .filter(([k]) => !['date', 'connection', 'keep-alive', 'ms-correlationid', 'ms-requestid'].includes(k))
      .sort(([a], [b]) => a.localeCompare(b)),
  );

describe('the decision lane answers as Fastify does (R-ACC, R-API-1, R-API-4, R-API-5)', () => {
  it("R-ACC: an ordinary decision is the route's own answer, byte for byte, with the same headers", async () => {
    await start();
    const { customer, user, admin } = await tenant();
    for (const q of [
      { tenantId: customer, userId: user },
      { tenantId: customer, userId: admin, servicePlan: 'mail' },
      { tenantId: customer, userPrincipalName: (await commerce(t).domainOf(customer)).replace(/^/, 'ada@') },
    ]) {
      const expected = await viaInject(q); // also loads the tenant and the token into this process's caches
      expect(expected.statusCode, expected.body).toBe(200);
      const before = await laneCount('lane');
      const res = await overHttp(q, { 'MS-CorrelationId': 'corr-1' });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(expected.body);
      expect(res.headers.get('ms-correlationid')).toBe('corr-1');
      expect(res.headers.get('ms-requestid')).toBeTruthy();
      const got = comparable(Object.fromEntries(res.headers));
      const want = comparable(expected.headers);
      // The remaining count differs by the requests made meanwhile, and the seconds left in the window may have
      // ticked down between the two requests on a busy machine; the rest is identical.
      expect(Number(got['x-ratelimit-remaining'])).toBeLessThan(Number(want['x-ratelimit-remaining']));
      expect(Number(want['x-ratelimit-reset']) - Number(got['x-ratelimit-reset'])).toBeOneOf([0, 1]);
      const timeless = { 'x-ratelimit-remaining': '', 'x-ratelimit-reset': '' };
      expect({ ...got, ...timeless }).toEqual({ ...want, ...timeless });
      expect(await laneCount('lane')).toBe(before + 1);
    }
  });

  it('R-API-4: refusals and unusual bodies are answered by Fastify, as Fastify answers them', async () => {
    await start();
    const { customer, user } = await tenant();
    await viaInject({ tenantId: customer, userId: user });
    const cases: unknown[] = [
      { userId: user }, // no tenantId
      { tenantId: customer, userId: user, userPrincipalName: 'x@y' }, // both
      { tenantId: 123, userId: user }, // coerced by Fastify's validation
      '{"tenantId":', // not JSON
      { TenantId: customer, UserId: user }, // Partner Center's casing (R-API-1)
      { tenantId: '00000000-0000-4000-8000-00000000dead', userId: user }, // another tenant: 404
    ];
    for (const body of cases) {
      const expected = await viaInject(body);
      const before = await laneCount('fastify');
      const res = await overHttp(body);
      expect(res.status, JSON.stringify(body)).toBe(expected.statusCode);
      expect(await res.text()).toBe(expected.body);
      expect(await laneCount('fastify')).toBe(before + 1);
    }
    // A token this process does not hold, or none, is left to Fastify before the body is read.
    const unknown = await overHttp({ tenantId: customer, userId: user }, { authorization: 'Bearer nope' });
    expect(unknown.status).toBe(401);
  });

  it('R-API-5: the lane and Fastify count against one rate limit per caller', async () => {
    await start({ SEATWISE_RATE_LIMIT: '10' });
    const { customer, user } = await tenant(); // the bootstrap token's requests
    // A caller of its own, so that the count starts at zero: a GlobalAdmin's new token.
    const partnerId = await partnerIdOf(t);
    const admin = await createPartnerUser(
      t.seatwise.db,
      partnerId,
      systemContext('test'),
      { userName: 'lane-caller', role: 'GlobalAdmin' },
      REFERENCE_TIME,
    );
    const issued = await issueApiToken(
      t.seatwise.db,
      partnerId,
      systemContext('test'),
      { userId: admin.id, name: 'lane', cloud: 'global' },
      REFERENCE_TIME,
    );
    const auth = { authorization: `Bearer ${issued.token}` };
    const q = { tenantId: customer, userId: user };
    expect((await viaInject(q, auth)).statusCode).toBe(200); // 1, through Fastify; the token is now known
    const codes: number[] = [];
    for (let i = 0; i < 10; i++) codes.push((await overHttp(q, auth)).status); // 2..11
    expect(codes).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 429]);
    const refused = await overHttp(q, auth);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ code: 429 });
    // The lane answered the nine that were allowed.
    expect(await laneCount('lane')).toBe(9);
  });
});
