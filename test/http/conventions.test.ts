import { afterEach, describe, expect, it } from 'vitest';
import { newSeatwise, type TestSeatwise } from '../support/seatwise.ts';

let t: TestSeatwise;
afterEach(async () => {
  await t.close();
});

describe('HTTP conventions (R-API-1, R-API-2, R-API-3, R-API-4, R-API-5, R-API-6)', () => {
  it('R-API-5: no token is a 401 with a Partner Center error body; the bootstrap token lists customers', async () => {
    t = await newSeatwise();
    const anonymous = await t.app.inject({ method: 'GET', url: '/v1/customers' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toEqual({
      code: 401,
      description: expect.stringContaining('Authorization: Bearer') as string,
      data: [],
      source: 'Seatwise',
    });
    const ok = await t.app.inject({ method: 'GET', url: '/v1/customers', headers: t.auth });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ totalCount: 0, items: [], attributes: { objectType: 'Collection' } });
    const wrong = await t.app.inject({
      method: 'GET',
      url: '/v1/customers',
      headers: { authorization: 'Bearer nope-nope' },
    });
    expect(wrong.statusCode).toBe(401);
  });

  it('R-API-2: MS-CorrelationId is echoed, and given when the client sent none', async () => {
    t = await newSeatwise();
    const echoed = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'MS-CorrelationId': 'abc-123' },
    });
    expect(echoed.headers['ms-correlationid']).toBe('abc-123');
    const given = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(given.headers['ms-correlationid']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('R-API-4: X-Locale localizes error descriptions', async () => {
    t = await newSeatwise();
    const fr = await t.app.inject({ method: 'GET', url: '/v1/customers', headers: { 'X-Locale': 'fr-FR' } });
    expect(fr.json<{ description: string }>().description).toMatch(/^Authentification requise/);
    const de = await t.app.inject({
      method: 'GET',
      url: '/v1/nothing',
      headers: { ...t.auth, 'X-Locale': 'de-DE' },
    });
    expect(de.statusCode).toBe(404);
    expect(de.json<{ description: string }>().description).toMatch(/^Es gibt kein GET \/v1\/nothing/);
  });

  it('R-API-4: malformed input is a 400 that names the field', async () => {
    t = await newSeatwise();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/partnerusers',
      headers: t.auth,
      payload: { userName: 'has space', role: 'Emperor' },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ code: number; description: string; data: { field: string }[] }>();
    expect(body.code).toBe(2000);
    expect(body.data.map((d) => d.field)).toEqual(expect.arrayContaining(['body.userName', 'body.role']));
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/partnerusers',
      headers: { ...t.auth, 'content-type': 'application/json' },
      payload: '{"userName":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 2000, source: 'Seatwise' });
  });

  it('R-API-4: a 5xx shows no stack trace or internal message, only a correlation id', async () => {
    t = await newSeatwise();
    t.app.get('/v1/boom', () => {
      throw new Error('secret internal detail at /srv/app.ts:12');
    });
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/boom',
      headers: { ...t.auth, 'MS-CorrelationId': 'c-1' },
    });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret');
    expect(res.body).not.toContain('.ts');
    expect(res.json()).toMatchObject({ code: 500, description: expect.stringContaining('c-1') as string });
  });

  it('R-API-5: over-use answers 429 with Retry-After and a Partner Center body', async () => {
    t = await newSeatwise({ SEATWISE_RATE_LIMIT: '3' });
    const answers = [];
    for (let i = 0; i < 4; i++)
      answers.push(await t.app.inject({ method: 'GET', url: '/v1/customers', headers: t.auth }));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 429]);
    const last = answers[3];
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
    // As Partner Center's answers: no x-ratelimit-* headers, allowed or refused; Retry-After says when.
    for (const a of answers)
      expect(Object.keys(a.headers).filter((h) => h.startsWith('x-ratelimit'))).toEqual([]);
    expect(last?.json()).toMatchObject({
      code: 429,
      description: expect.stringContaining('Rate limit') as string,
    });
    // Health probes are not counted.
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('R-API-6: /openapi.json is generated from the route schemas, with browsable docs', async () => {
    t = await newSeatwise();
    const doc = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(doc.statusCode).toBe(200);
    const openapi = doc.json<{
      openapi: string;
      paths: Record<string, Record<string, { responses: object }>>;
    }>();
    expect(openapi.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/v1/customers', '/v1/auditrecords', '/v1/testclock', '/v1/sessions']),
    );
    expect(openapi.paths['/v1/customers']?.get?.responses).toHaveProperty('200');
    const ui = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
  });

  it('operations: /healthz, /readyz and Prometheus /metrics answer without a token', async () => {
    t = await newSeatwise();
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toMatchObject({
      status: 'ok',
      cloud: 'global',
    });
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ status: 'ready' });
    await t.app.inject({ method: 'GET', url: '/v1/customers', headers: t.auth });
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toContain(
      'seatwise_http_request_duration_seconds_count{method="GET",route="/v1/customers",status="200"}',
    );
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
  });
});
