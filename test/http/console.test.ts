import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/http/app.ts';
import { newCustomer } from '../support/factories.ts';
import { newSeatwise, REFERENCE_TIME, type TestSeatwise } from '../support/seatwise.ts';

let t: TestSeatwise;
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  await t.close();
});

const DAY_MS = 86_400_000;
const at = (days: number) => new Date(REFERENCE_TIME.getTime() + days * DAY_MS).toISOString();

async function advance(by: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/testclock',
    headers: t.auth,
    payload: { advanceBy: by },
  });
  expect(res.statusCode).toBe(200);
}

describe('what the console needs from the API', () => {
  it('R-SUS-3, R-CAN-1: the retention preview is the date a suspension or a cancellation made now gets', async () => {
    t = await newSeatwise();
    const customerId = await newCustomer(t);
    await advance('P10D'); // the first billing period starts ten days after the account opened: 90 + 10 days
    const order = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${customerId}/orders`,
      headers: t.auth,
      payload: {
        billingCycle: 'monthly',
        lineItems: [{ lineItemNumber: 0, offerId: 'CN-365-BB', quantity: 3 }],
      },
    });
    const subscriptionId = order.json<{ lineItems: { subscriptionId: string }[] }>().lineItems[0]
      ?.subscriptionId;
    await advance('P5D');
    const url = `/v1/customers/${customerId}/subscriptions/${subscriptionId}`;
    const preview = await t.app.inject({ method: 'GET', url: `${url}/retentionpreview`, headers: t.auth });
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toEqual({
      subscriptionId,
      asOf: at(15),
      ifSuspended: { dataRetentionEndDate: at(115), retentionDays: 100 },
      ifCancelled: { dataRetentionEndDate: at(105), retentionDays: 90 },
    });
    const sub = (await t.app.inject({ method: 'GET', url, headers: t.auth })).json<Record<string, unknown>>();
    const suspended = await t.app.inject({
      method: 'PATCH',
      url,
      headers: { ...t.auth, 'if-match': `"${(sub.attributes as { etag: string }).etag}"` },
      payload: { ...sub, status: 'suspended', suspensionReasons: ['customerRequest'] },
    });
    expect(suspended.json()).toMatchObject({ status: 'suspended', dataRetentionEndDate: at(115) });
    const other = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${await newCustomer(t)}/subscriptions/${subscriptionId}/retentionpreview`,
      headers: t.auth,
    });
    expect(other.statusCode).toBe(404);
  });

  it("/v1/me gives the user's language and the server's time, and a reloaded console page its CSRF token", async () => {
    t = await newSeatwise();
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/partnerusers',
      headers: t.auth,
      payload: { userName: 'claire', role: 'SalesAgent', password: 'claire-password', locale: 'fr-FR' },
    });
    expect(created.statusCode).toBe(201);
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { userName: 'claire', password: 'claire-password' },
    });
    const csrfToken = signIn.json<{ csrfToken: string }>().csrfToken;
    const cookie = signIn.cookies.find((c) => c.name === 'seatwise_session');
    const me = await t.app.inject({
      method: 'GET',
      url: '/v1/me',
      cookies: { seatwise_session: cookie?.value ?? '' },
    });
    expect(me.json()).toMatchObject({
      user: { userName: 'claire', role: 'SalesAgent', locale: 'fr-FR' },
      instance: { cloud: 'global', displayName: 'Global' },
      now: REFERENCE_TIME.toISOString(),
      csrfToken,
    });
    const withToken = await t.app.inject({ method: 'GET', url: '/v1/me', headers: t.auth });
    expect(withToken.json()).not.toHaveProperty('csrfToken');
    expect(withToken.json()).toMatchObject({ user: { userName: 'admin', locale: null } });
  });

  it("R-AUD: audit records filtered to one customer, Partner Center's filter", async () => {
    t = await newSeatwise();
    const a = await newCustomer(t);
    const b = await newCustomer(t);
    for (const customerId of [a, b, a])
      await t.app.inject({
        method: 'POST',
        url: `/v1/customers/${customerId}/orders`,
        headers: t.auth,
        payload: {
          billingCycle: 'monthly',
          lineItems: [{ lineItemNumber: 0, offerId: 'CN-365-BB', quantity: 1 }],
        },
      });
    const filter = JSON.stringify({ Field: 'CustomerId', Value: a, Operator: 'substring' });
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/auditrecords',
      query: { startDate: at(-1), endDate: at(1), filter },
      headers: t.auth,
    });
    const items = res.json<{ items: { customerId: string }[] }>().items;
    expect(items.length).toBe(4); // two orders, two subscriptions
    expect(new Set(items.map((i) => i.customerId))).toEqual(new Set([a]));
    const bad = await t.app.inject({
      method: 'GET',
      url: '/v1/auditrecords',
      query: {
        startDate: at(-1),
        filter: JSON.stringify({ Field: 'Colour', Value: 'x', Operator: 'equals' }),
      },
      headers: t.auth,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ data: { field: string }[] }>().data[0]?.field).toBe('filter.Field');
  });

  it('serves the console at / and its own routes, and never shadows the API, docs or probes', async () => {
    t = await newSeatwise();
    const dist = mkdtempSync(join(tmpdir(), 'seatwise-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(dist, 'assets', 'app-1234.js'), 'console.log(1)');
    const app: App = await buildApp(t.seatwise, { consoleDist: dist });
    closers.push(
      () => app.close(),
      () => rmSync(dist, { recursive: true, force: true }),
    );

    const root = await app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(200);
    expect(root.body).toContain('<title>console</title>');
    expect(root.headers['content-security-policy']).toContain("script-src 'self'");
    expect(root.headers['cache-control']).toBe('no-cache');
    const deep = await app.inject({ method: 'GET', url: '/customers/123/subscriptions?x=1' });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain('<title>console</title>');
    const asset = await app.inject({ method: 'GET', url: '/assets/app-1234.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');

    // The API keeps its own answers: JSON errors, its authentication, its docs and probes.
    const unknownApi = await app.inject({ method: 'GET', url: '/v1/nothing-here', headers: t.auth });
    expect(unknownApi.statusCode).toBe(404);
    expect(unknownApi.json()).toMatchObject({ code: 404 });
    expect((await app.inject({ method: 'GET', url: '/v1/customers' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/openapi.json' })).json()).toHaveProperty('openapi');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/docs' })).statusCode).not.toBe(404);
    expect((await app.inject({ method: 'POST', url: '/customers' })).statusCode).toBe(404);

    // Without a built console, / says how to build it.
    const bare = await buildApp(t.seatwise, { consoleDist: join(dist, 'missing') });
    closers.push(() => bare.close());
    const hint = await bare.inject({ method: 'GET', url: '/' });
    expect(hint.statusCode).toBe(503);
    expect(hint.body).toContain('npm run build:web');
  });
});
