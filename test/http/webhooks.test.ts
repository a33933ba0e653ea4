import { afterEach, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/app/audit.ts';
import { createPartner, createPartnerUser, issueApiToken } from '../../src/app/partners.ts';
import type { PartnerRole } from '../../src/domain/access/permissions.ts';
import { partnerIdOf } from '../support/factories.ts';
import { newSeatwise, REFERENCE_TIME, type TestSeatwise } from '../support/seatwise.ts';

let t: TestSeatwise;
/** The example hosts resolve to a public address (R-SEC-2 checks every registration); nothing is sent here. */
const publicDns = (hostname: string) =>
  hostname.endsWith('.example.com')
    ? Promise.resolve([{ address: '203.0.113.10', family: 4 as const }])
    : Promise.reject(new Error(`${hostname} does not resolve`));
const start = () => newSeatwise({}, { resolveHost: publicDns });
afterEach(async () => {
  await t.close();
});

interface Registration {
  id: string;
  subscriberId: string;
  webhookUrl: string;
  webhookEvents: string[];
  signatureTokenToMsSignatureHeader: boolean;
  lastModifiedTimestamp: string;
  secret?: string;
  attributes: { objectType: string };
}
interface ErrorBody {
  code: number;
  description: string;
  data: { field?: string; rule?: string }[];
}

const post = (payload: object, headers: Record<string, string> = t.auth) =>
  t.app.inject({ method: 'POST', url: '/v1/webhooks', headers, payload });
const get = (url: string, headers: Record<string, string> = t.auth) =>
  t.app.inject({ method: 'GET', url, headers });
const del = (url: string, headers: Record<string, string> = t.auth) =>
  t.app.inject({ method: 'DELETE', url, headers });

/** A token for a new user of `partnerId` (a new partner when omitted) with `role`. */
async function tokenFor(role: PartnerRole, partnerId?: string) {
  const partner = partnerId ?? (await createPartner(t.seatwise.db, { name: 'Other' }, REFERENCE_TIME)).id;
  const user = await createPartnerUser(
    t.seatwise.db,
    partner,
    systemContext('test'),
    { userName: `u-${role}-${partner.slice(0, 6)}`, role },
    REFERENCE_TIME,
  );
  const token = await issueApiToken(
    t.seatwise.db,
    partner,
    systemContext('test'),
    { userId: user.id, name: 't', cloud: 'global' },
    REFERENCE_TIME,
  );
  return { authorization: `Bearer ${token.token}` };
}

describe('webhook registration (R-EVT)', () => {
  it("R-EVT, R-API-1: Partner Center's PascalCase body registers an endpoint; the secret is in the 201 only", async () => {
    t = await start();
    const res = await post({
      WebhookUrl: 'https://hooks.example.com/seatwise',
      WebhookEvents: ['subscription.suspended', 'order.created', 'order.created'],
    });
    expect(res.statusCode).toBe(201);
    const created = res.json<Registration>();
    expect(created).toMatchObject({
      subscriberId: await partnerIdOf(t),
      webhookUrl: 'https://hooks.example.com/seatwise',
      webhookEvents: ['subscription.suspended', 'order.created'],
      signatureTokenToMsSignatureHeader: false,
      lastModifiedTimestamp: REFERENCE_TIME.toISOString(),
      attributes: { objectType: 'WebhookRegistration' },
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{40,}$/);

    const one = await get(`/v1/webhooks/${created.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual(Object.fromEntries(Object.entries(created).filter(([k]) => k !== 'secret')));
    expect(one.body).not.toContain(created.secret);

    const list = await get('/v1/webhooks');
    expect(list.json()).toMatchObject({
      totalCount: 1,
      items: [{ id: created.id }],
      links: { self: { uri: '/v1/webhooks' } },
      attributes: { objectType: 'Collection' },
    });
    expect(list.body).not.toContain(created.secret);
    expect((await get(`/v1/webhooks/${created.id}/deliveries`)).body).not.toContain(created.secret);

    // R-AUD: the registration is in the activity log, without its secret.
    const audit = await get('/v1/auditrecords?startDate=2027-01-01T00:00:00Z&endDate=2027-02-01T00:00:00Z');
    expect(audit.json<{ items: { operationType: string }[] }>().items.map((i) => i.operationType)).toContain(
      'create_webhook_registration',
    );
    expect(audit.body).not.toContain(created.secret);
  });

  it('R-EVT: `*` subscribes to every event type', async () => {
    t = await start();
    const res = await post({
      webhookUrl: 'https://hooks.example.com/all',
      webhookEvents: ['order.created', '*'],
    });
    expect(res.statusCode).toBe(201);
    expect(res.json<Registration>().webhookEvents).toEqual(['*']);
  });

  it('R-EVT, R-API-4: a webhookUrl that is not an absolute http(s) URL is a 400 naming the field', async () => {
    t = await start();
    for (const webhookUrl of ['not a url', 'ftp://files.example.com/x', 'javascript:alert(1)', '/relative']) {
      const res = await post({ webhookUrl, webhookEvents: ['*'] });
      expect(res.statusCode, webhookUrl).toBe(400);
      expect(res.json<ErrorBody>()).toMatchObject({
        code: 2000,
        data: [{ field: 'webhookUrl', rule: 'R-EVT' }],
      });
    }
    const missing = await post({ webhookEvents: ['*'] });
    expect(missing.statusCode).toBe(400);
    expect(missing.json<ErrorBody>().description).toContain('webhookUrl');
    const fr = await post({ webhookUrl: 'nope', webhookEvents: ['*'] }, { ...t.auth, 'X-Locale': 'fr-FR' });
    expect(fr.json<ErrorBody>().description).toContain('doit être une URL');
    expect((await get('/v1/webhooks')).json<{ totalCount: number }>().totalCount).toBe(0);
  });

  it('R-EVT, R-API-4: an unknown event type is a 400 naming the item; no event type at all is a 400', async () => {
    t = await start();
    const res = await post({
      webhookUrl: 'https://hooks.example.com/x',
      webhookEvents: ['order.created', 'subscription.exploded'],
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<ErrorBody>();
    expect(body).toMatchObject({ code: 2000, data: [{ field: 'webhookEvents.1', rule: 'R-EVT' }] });
    expect(body.description).toContain('subscription.exploded');
    const none = await post({ webhookUrl: 'https://hooks.example.com/x', webhookEvents: [] });
    expect(none.statusCode).toBe(400);
    expect(none.json<ErrorBody>().description).toContain('webhookEvents');
  });

  it('R-ROLE, R-SEC-2: only a GlobalAdmin registers, reads or removes an endpoint and reads its delivery log', async () => {
    t = await start();
    const partnerId = await partnerIdOf(t);
    const created = (
      await post({ webhookUrl: 'https://hooks.example.com/x', webhookEvents: ['*'] })
    ).json<Registration>();
    for (const role of ['AdminAgent', 'SalesAgent', 'HelpdeskAgent', 'BillingAdmin'] as const) {
      const auth = await tokenFor(role, partnerId);
      const refused = await post({ webhookUrl: 'https://hooks.example.com/x', webhookEvents: ['*'] }, auth);
      expect(refused.statusCode, role).toBe(403);
      expect(refused.json<ErrorBody>().data).toEqual([{ rule: 'R-ROLE', role, action: 'webhooks.manage' }]);
      for (const url of [
        '/v1/webhooks',
        `/v1/webhooks/${created.id}`,
        `/v1/webhooks/${created.id}/deliveries`,
      ])
        expect((await get(url, auth)).statusCode, `${role} GET ${url}`).toBe(403);
      expect((await del(`/v1/webhooks/${created.id}`, auth)).statusCode, role).toBe(403);
    }
    expect((await get(`/v1/webhooks/${created.id}`)).statusCode).toBe(200);
    expect((await get(`/v1/webhooks/${created.id}/deliveries`)).statusCode).toBe(200);
  });

  it("R-ROLE-ISO: another partner's endpoint is a 404 for reading, removing and its delivery log", async () => {
    t = await start();
    const other = await tokenFor('GlobalAdmin');
    const theirs = (
      await post({ webhookUrl: 'https://other.example.com/x', webhookEvents: ['*'] }, other)
    ).json<Registration>();
    for (const [method, url] of [
      ['GET', `/v1/webhooks/${theirs.id}`],
      ['DELETE', `/v1/webhooks/${theirs.id}`],
      ['GET', `/v1/webhooks/${theirs.id}/deliveries`],
      ['GET', '/v1/webhooks/not-a-guid'],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: t.auth });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await get('/v1/webhooks')).json<{ totalCount: number }>().totalCount).toBe(0);
    expect((await get(`/v1/webhooks/${theirs.id}`, other)).statusCode).toBe(200);
  });

  it('R-EVT: DELETE removes the endpoint (204), then it is a 404; the removal is audited', async () => {
    t = await start();
    const created = (
      await post({ webhookUrl: 'https://hooks.example.com/x', webhookEvents: ['*'] })
    ).json<Registration>();
    const res = await del(`/v1/webhooks/${created.id}`);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect((await get(`/v1/webhooks/${created.id}`)).statusCode).toBe(404);
    expect((await del(`/v1/webhooks/${created.id}`)).statusCode).toBe(404);
    const audit = await get('/v1/auditrecords?startDate=2027-01-01T00:00:00Z&endDate=2027-02-01T00:00:00Z');
    expect(audit.json<{ items: { operationType: string }[] }>().items.map((i) => i.operationType)).toContain(
      'delete_webhook_registration',
    );
  });

  it('R-API-2: a registration repeated under the same MS-RequestId creates one endpoint', async () => {
    t = await start();
    const headers = { ...t.auth, 'MS-RequestId': 'webhook-once' };
    const body = { webhookUrl: 'https://hooks.example.com/x', webhookEvents: ['*'] };
    const first = await post(body, headers);
    const again = await post(body, headers);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers['ms-idempotent-replay']).toBe('true');
    expect(again.json<Registration>().id).toBe(first.json<Registration>().id);
    expect((await get('/v1/webhooks')).json<{ totalCount: number }>().totalCount).toBe(1);
  });

  it('R-API-6: the webhook routes are in the OpenAPI document', async () => {
    t = await start();
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, unknown>;
    }>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/webhooks', '/v1/webhooks/{id}', '/v1/webhooks/{id}/deliveries']),
    );
  });
});
