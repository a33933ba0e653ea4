import { afterEach, describe, expect, it } from 'vitest';
import { newCustomer } from '../support/factories.ts';
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

  it('R-API-2: two identical requests at once create one thing; both get the same answer', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const send = () =>
      t.app.inject({
        method: 'POST',
        url: `/v1/customers/${c}/orders`,
        headers: { ...t.auth, 'MS-RequestId': 'same-order' },
        payload: {
          billingCycle: 'monthly',
          lineItems: [{ lineItemNumber: 0, offerId: 'CN-365-BB', quantity: 3 }],
        },
      });
    const [a, b] = await Promise.all([send(), send()]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json()).toEqual(b.json());
    expect(await t.seatwise.db.selectFrom('subscriptions').select('id').execute()).toHaveLength(1);
    expect(await t.seatwise.db.selectFrom('orders').select('id').execute()).toHaveLength(1);
  });
});
