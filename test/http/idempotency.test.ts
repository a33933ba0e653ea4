import { afterEach, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/app/secrets.ts';
import { newSeatwise, type TestSeatwise } from '../support/seatwise.ts';

let t: TestSeatwise;
afterEach(async () => {
  await t.close();
});

describe('R-API-2 idempotency under MS-RequestId', () => {
  it('R-API-2: a retry with the same id and body returns the first response and creates nothing', async () => {
    t = await newSeatwise();
    const send = (userName: string, requestId = 'req-1') =>
      t.app.inject({
        method: 'POST',
        url: '/v1/partnerusers',
        headers: { ...t.auth, 'MS-RequestId': requestId },
        payload: { userName, role: 'SalesAgent' },
      });
    const first = await send('sales');
    const retry = await send('sales');
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(first.json());
    expect(retry.headers['ms-idempotent-replay']).toBe('true');
    const users = await t.seatwise.db.selectFrom('partner_users').select('user_name').execute();
    expect(users.map((u) => u.user_name).sort()).toEqual(['admin', 'sales']);

    const other = await send('someone-else');
    expect(other.statusCode).toBe(400);
    expect(other.json()).toMatchObject({ code: 2000, data: [{ field: 'MS-RequestId', rule: 'R-API-2' }] });

    // A refusal is an answer too: replayed as it was.
    const dup1 = await send('sales', 'req-2');
    const dup2 = await send('sales', 'req-2');
    expect(dup1.statusCode).toBe(409);
    expect(dup2.json()).toEqual(dup1.json());

    // Without MS-RequestId, every request runs.
    const fresh = await t.app.inject({
      method: 'POST',
      url: '/v1/partnerusers',
      headers: t.auth,
      payload: { userName: 'b', role: 'SalesAgent' },
    });
    expect(fresh.statusCode).toBe(201);
  });

  it('R-API-2: request ids are per partner, and a retry of a request still running is told to wait', async () => {
    t = await newSeatwise();
    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: t.auth });
    const partnerId = me.json<{ partner: { id: string } }>().partner.id;
    await t.seatwise.db
      .insertInto('idempotency_keys')
      .values({
        partner_id: partnerId,
        request_id: 'running',
        method: 'POST',
        path: '/v1/partnerusers',
        body_hash: sha256(`POST /v1/partnerusers ${JSON.stringify({ userName: 'x', role: 'SalesAgent' })}`),
        state: 'pending',
        response_status: null,
        response_body: null,
        response_content_type: null,
        created_at: new Date(),
      })
      .execute();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/partnerusers',
      headers: { ...t.auth, 'MS-RequestId': 'running' },
      payload: { userName: 'x', role: 'SalesAgent' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.headers['retry-after']).toBe('1');
    expect(
      await t.seatwise.db.selectFrom('partner_users').select('id').where('user_name', '=', 'x').execute(),
    ).toEqual([]);
  });
});
