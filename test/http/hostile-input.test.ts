import { sql } from 'kysely';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isRefusedValue } from '../../src/http/errors.ts';
import { newCustomer } from '../support/factories.ts';
import { newSeatwise, type TestSeatwise } from '../support/seatwise.ts';

const open: TestSeatwise[] = [];
const start = async () => {
  const t = await newSeatwise();
  open.push(t);
  return t;
};
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

interface ErrorJson {
  code: number;
  description: string;
  data: { field?: string; problem?: string }[];
  source: string;
}

/** A 400 with the Partner Center error body whose data names `field`. */
const expectBadField = (res: { statusCode: number; body: string; json<T>(): T }, field: string) => {
  expect(res.statusCode, res.body).toBe(400);
  const body = res.json<ErrorJson>();
  expect(body).toMatchObject({ code: 2000, source: 'Seatwise' });
  expect(typeof body.description).toBe('string');
  expect(body.data.map((d) => d.field)).toContain(field);
  // Nothing of the database in the answer.
  expect(res.body).not.toMatch(/postgres|sqlstate|invalid byte sequence|syntax for type/i);
};

const token = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

const customerBody = (companyName: string) =>
  JSON.stringify({
    companyProfile: { domain: 'hostile.onmicrosoft.com' },
    billingProfile: {
      culture: 'en-US',
      email: 'x@y.com',
      language: 'en',
      companyName,
      defaultAddress: {
        firstName: 'A',
        lastName: 'B',
        addressLine1: '1 Main',
        city: 'Redmond',
        state: 'WA',
        postalCode: '98052',
        country: 'US',
        phoneNumber: '4255550101',
      },
    },
  });

describe('hostile input is a 400 naming the field, never a 500', () => {
  it('R-API-4: a NUL or an unpaired surrogate in a body, a query, a path or a header', async () => {
    const t = await start();
    const json = { ...t.auth, 'content-type': 'application/json' };
    expectBadField(
      await t.app.inject({
        method: 'POST',
        url: '/v1/sessions',
        headers: { 'content-type': 'application/json' },
        payload: '{"userName":"\\u0000","password":"x"}',
      }),
      'body.userName',
    );
    expectBadField(
      await t.app.inject({
        method: 'POST',
        url: '/v1/sessions',
        headers: { 'content-type': 'application/json' },
        payload: '{"userName":"admin\\ud800","password":"x"}',
      }),
      'body.userName',
    );
    expectBadField(
      await t.app.inject({ url: '/v1/customers?search=%00', headers: t.auth }),
      'querystring.search',
    );
    expectBadField(
      await t.app.inject({ url: '/v1/offers/%00?country=US', headers: t.auth }),
      'params.offerId',
    );
    expectBadField(await t.app.inject({ url: '/v1/offers/MS-%00', headers: t.auth }), 'params.offerId');
    expectBadField(
      await t.app.inject({ url: '/v1/customers', headers: { ...t.auth, 'ms-correlationid': 'abc\u0000' } }),
      'headers.ms-correlationid',
    );
    expectBadField(
      await t.app.inject({ url: '/v1/customers', headers: { ...t.auth, 'ms-requestid': '\ud800' } }),
      'headers.ms-requestid',
    );
    // A path that is not UTF-8 once decoded is the router's refusal, in the same body.
    expectBadField(await t.app.inject({ url: '/v1/customers/%ED%A0%80', headers: t.auth }), 'path');

    // A customer name with a NUL creates nothing.
    const before = await t.app.inject({ url: '/v1/customers', headers: t.auth });
    expectBadField(
      await t.app.inject({
        method: 'POST',
        url: '/v1/customers',
        headers: json,
        payload: customerBody('Con\u0000toso'),
      }),
      'body.billingProfile.companyName',
    );
    expectBadField(
      await t.app.inject({
        method: 'POST',
        url: '/v1/customers',
        headers: json,
        payload: customerBody('Contoso').replace('"Contoso"', '"Contoso\\udc00"'),
      }),
      'body.billingProfile.companyName',
    );
    const after = await t.app.inject({ url: '/v1/customers', headers: t.auth });
    expect(after.json<{ totalCount: number }>().totalCount).toBe(
      before.json<{ totalCount: number }>().totalCount,
    );
  });

  it('R-API-4: numbers no column holds, deep nesting and property names with a NUL', async () => {
    const t = await start();
    const customerId = await newCustomer(t);
    const json = { ...t.auth, 'content-type': 'application/json' };
    expectBadField(
      await t.app.inject({ url: '/v1/customers?size=1e309', headers: t.auth }),
      'querystring.size',
    );
    expectBadField(
      await t.app.inject({ url: `/v1/customers/${customerId}/users?size=-1e309`, headers: t.auth }),
      'querystring.size',
    );
    expectBadField(
      await t.app.inject({
        method: 'POST',
        url: `/v1/customers/${customerId}/orders`,
        headers: json,
        payload: '{"lineItems":[{"lineItemNumber":0,"offerId":"x","quantity":1e309}]}',
      }),
      'body.lineItems.0.quantity',
    );
    const deep = '{"lineItems":'.repeat(5000) + '1' + '}'.repeat(5000);
    const nested = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${customerId}/orders`,
      headers: json,
      payload: deep,
    });
    expect(nested.statusCode, nested.body).toBe(400);
    expect(nested.json<ErrorJson>().data[0]?.field).toMatch(/^body(\.lineItems)+$/);
    expectBadField(
      await t.app.inject({
        method: 'POST',
        url: `/v1/customers/${customerId}/orders`,
        headers: json,
        payload: '{"lineItems":[],"a\\u0000":1}',
      }),
      'body',
    );
    // The test clock's body too (the fuzz leaves that route out).
    for (const payload of ['{"now":"\\u0000"}', '{"advanceBy":"P1D\\ud800"}', '{"advanceBy":1e309}']) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/testclock', headers: json, payload });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json<ErrorJson>().data[0]?.field).toMatch(/^body\./);
    }
  });

  it('R-API-4: a malformed or tampered continuation token is a 400 naming it; a genuine one pages on', async () => {
    const t = await start();
    const customerId = await newCustomer(t, { companyName: 'Alpha' });
    await newCustomer(t, { companyName: 'Beta' });
    const first = await t.app.inject({ url: '/v1/customers?size=1', headers: t.auth });
    const next = first.json<{ continuationToken: string }>().continuationToken;
    expect(next).toBeTruthy();
    const second = await t.app.inject({
      url: `/v1/customers?size=1&continuationToken=${next}`,
      headers: t.auth,
    });
    expect(second.statusCode).toBe(200);
    expect(
      second.json<{ items: { companyProfile: { companyName: string } }[] }>().items[0]?.companyProfile
        .companyName,
    ).toBe('Beta');

    const forged = [
      token({ companyName: 'a', id: 'x' }),
      token({ companyName: 'a\u0000', id: customerId }),
      token({ companyName: 'a\ud800', id: customerId }),
      token({ companyName: 'a'.repeat(5000), id: customerId }),
      token({ companyName: 'a', id: customerId, search: { prefix: '\u0000', field: 'any' } }),
      token({ companyName: 'a', id: customerId, search: { prefix: 'a', field: 'password' } }),
      token({ companyName: 1, id: customerId }),
      token([1, 2]),
      token(null),
      'not base64 at all %%%',
      '',
    ];
    for (const bad of forged) {
      expectBadField(
        await t.app.inject({
          url: `/v1/customers?continuationToken=${encodeURIComponent(bad)}`,
          headers: t.auth,
        }),
        'continuationToken',
      );
      expectBadField(
        await t.app.inject({ url: '/v1/customers', headers: { ...t.auth, 'ms-continuationtoken': bad } }),
        'continuationToken',
      );
    }
    for (const bad of [
      token({ userPrincipalName: 'a\u0000' }),
      token({ userPrincipalName: 'x'.repeat(5000) }),
    ]) {
      expectBadField(
        await t.app.inject({
          url: `/v1/customers/${customerId}/users?continuationToken=${bad}`,
          headers: t.auth,
        }),
        'continuationToken',
      );
    }
  });

  it('R-API-4: a value the database refuses anyway is a 400 without detail (the backstop), on either engine', async () => {
    const t = await start();
    const refused = async (query: ReturnType<typeof sql>) =>
      query.execute(t.seatwise.db).then(
        () => undefined,
        (e: unknown) => e,
      );
    // 22P02 (bad uuid text), 22003 (out of range), 22021 (NUL in text), 22008 (date out of range).
    for (const q of [
      sql`select ${'x'}::uuid`,
      sql`select ${'99999999999'}::int`,
      sql`select convert_from('\\x00'::bytea, 'UTF8')`,
      sql`select ${'99999-01-01'}::timestamptz + interval '1000000 years'`,
    ]) {
      const e = await refused(q);
      expect(e, String(e)).toBeDefined();
      expect(isRefusedValue(e), String(e)).toBe(true);
    }
    // Anything else from the database is not the caller's mistake: it stays a 500 and is logged.
    expect(isRefusedValue(await refused(sql`select * from no_such_table`))).toBe(false);
    expect(isRefusedValue(await refused(sql`selec 1`))).toBe(false);
    expect(isRefusedValue(new Error('plain'))).toBe(false);
  });

  it('R-API-4: over a socket, what HTTP itself refuses gets the error body, and no header is echoed unbounded', async () => {
    const t = await start();
    const url = new URL(await t.app.listen({ port: 0, host: '127.0.0.1' }));
    // Node's parser refuses a control character in a header before Fastify sees the request.
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname);
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
      socket.write('GET /v1/customers HTTP/1.1\r\nHost: x\r\nMS-CorrelationId: a\u0000b\r\n\r\n', 'latin1');
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toMatch(/x-content-type-options: nosniff/i);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as ErrorJson;
    expect(body).toMatchObject({ code: 2000, source: 'Seatwise', data: [] });

    // A long MS-RequestId is echoed only as far as it is read, so that a client can always take the answer.
    const res = await fetch(`${url.origin}/v1/customers`, {
      headers: { ...t.auth, 'MS-RequestId': 'x'.repeat(15_000) },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('ms-requestid')).toBe('x'.repeat(200));
  });
});
