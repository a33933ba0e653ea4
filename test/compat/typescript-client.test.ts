import { describe, expect, it } from 'vitest';
import {
  customerWithSubscription,
  expectPartnerCenterHeaders,
  type ErrorBody,
  readSubscription,
  type WireSubscription,
  wirePerTest,
} from './wire.ts';

/**
 * The TypeScript/axios family of Partner Center clients: `Authorization` and `Content-Type` only (no
 * If-Match, no MS-RequestId, no MS-CorrelationId); a change is a GET, the change spread over what it
 * returned, and the whole camelCase object PATCHed back, links, attributes and read-only fields included.
 */

const wire = wirePerTest();

const only = () => ({ Authorization: wire.authorization });

async function read(customerId: string, id: string): Promise<WireSubscription> {
  const res = await readSubscription(wire, { ...only(), Accept: 'application/json' }, customerId, id);
  expectPartnerCenterHeaders(res);
  return res.json<WireSubscription>();
}

/** What the library's update call does: read, spread the change, send the whole object back. */
async function update(customerId: string, id: string, change: Record<string, unknown>) {
  const current = await read(customerId, id);
  return wire.send(
    'PATCH',
    `/v1/customers/${customerId}/subscriptions/${id}`,
    { ...only(), 'Content-Type': 'application/json' },
    JSON.stringify({ ...current, ...change }),
  );
}

const order = (customerId: string) =>
  JSON.stringify({
    referenceCustomerId: customerId,
    billingCycle: 'monthly',
    lineItems: [{ lineItemNumber: 0, offerId: 'CN-365-BB', quantity: 5, friendlyName: 'Sales team' }],
  });

describe('a TypeScript/axios Partner Center client, unchanged (R-API-1, R-API-3)', () => {
  it('R-API-3, R-QTY-1, R-SUS-1, R-SUS-4, R-REN-1, R-CAN-1: every change of the seed, as whole objects with Authorization only', async () => {
    await wire.start();
    const { customerId: c, subscriptionId: id } = await customerWithSubscription(wire, only(), order);
    const changed = async (change: Record<string, unknown>) => {
      const res = await update(c, id, change);
      expect(res.status, res.raw.toString()).toBe(200);
      expectPartnerCenterHeaders(res);
      const sub = res.json<WireSubscription>();
      expect(res.headers.etag).toBe(`"${sub.attributes.etag}"`);
      return sub;
    };

    expect(await changed({ quantity: 8 })).toMatchObject({ quantity: 8, status: 'active' });
    expect(await changed({ status: 'suspended' })).toMatchObject({
      status: 'suspended',
      suspensionReasons: ['unspecified'],
    });
    expect(await changed({ status: 'active' })).toMatchObject({ status: 'active' });
    expect(await changed({ status: 'suspended', suspensionReasons: ['nonpayment'] })).toMatchObject({
      status: 'suspended',
      suspensionReasons: ['nonPayment'],
    });
    expect(await changed({ status: 'active' })).toMatchObject({ status: 'active', quantity: 8 });
    expect(await changed({ autoRenewEnabled: false })).toMatchObject({ autoRenewEnabled: false });
    expect(await changed({ autoRenewEnabled: true, friendlyName: 'Sales' })).toMatchObject({
      autoRenewEnabled: true,
      friendlyName: 'Sales',
    });
    expect(await changed({ status: 'deleted' })).toMatchObject({ status: 'deleted' });
  });

  it('R-API-3: a whole object read before another change carries a stale attributes.etag: 400/2055, nothing changes', async () => {
    await wire.start();
    const { customerId: c, subscriptionId: id } = await customerWithSubscription(wire, only(), order);
    const before = await read(c, id);
    expect((await update(c, id, { quantity: 6 })).status).toBe(200);
    const stale = await wire.send(
      'PATCH',
      `/v1/customers/${c}/subscriptions/${id}`,
      { ...only(), 'Content-Type': 'application/json' },
      JSON.stringify({ ...before, quantity: 9 }),
    );
    expect(stale.status).toBe(400);
    expect(stale.json<ErrorBody>()).toMatchObject({
      code: 2055,
      data: [{ field: 'attributes.etag', rule: 'R-API-3' }],
    });
    expectPartnerCenterHeaders(stale);
    expect((await read(c, id)).quantity).toBe(6);
  });

  it('R-API-3, R-SEC-3: of concurrent whole objects carrying the same attributes.etag, exactly one applies; the others are 400/2055', async () => {
    await wire.start();
    const { customerId: c, subscriptionId: id } = await customerWithSubscription(wire, only(), order);
    const read1 = await read(c, id);
    const quantities = [11, 12, 13, 14, 15];
    const answers = await Promise.all(
      quantities.map((quantity) =>
        wire.send(
          'PATCH',
          `/v1/customers/${c}/subscriptions/${id}`,
          { ...only(), 'Content-Type': 'application/json' },
          JSON.stringify({ ...read1, quantity }),
        ),
      ),
    );
    const won = answers.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    for (const lost of answers.filter((r) => r.status !== 200)) {
      expect(lost.status).toBe(400);
      expect(lost.json<ErrorBody>().code).toBe(2055);
    }
    const winner = won[0]?.json<WireSubscription>();
    expect((await read(c, id)).quantity).toBe(winner?.quantity);
  });

  it('R-API-2: with no MS-* header at all, every answer has an MS-RequestId and MS-CorrelationId of its own, and orders still go through', async () => {
    await wire.start();
    const first = await customerWithSubscription(wire, only(), order);
    const second = await customerWithSubscription(wire, only(), order);
    expect(second.subscriptionId).not.toBe(first.subscriptionId);
    const a = await wire.send('GET', `/v1/customers/${first.customerId}/subscriptions`, only());
    const b = await wire.send('GET', `/v1/customers/${first.customerId}/subscriptions`, only());
    expectPartnerCenterHeaders(a);
    expect(a.headers['ms-requestid']).not.toBe(b.headers['ms-requestid']);
    expect(a.headers['ms-correlationid']).not.toBe(b.headers['ms-correlationid']);
  });
});
