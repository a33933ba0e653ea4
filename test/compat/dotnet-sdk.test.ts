import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  customerWithSubscription,
  expectPartnerCenterHeaders,
  recording,
  type ErrorBody,
  readSubscription,
  type WireSubscription,
  wirePerTest,
} from './wire.ts';

/**
 * Microsoft's .NET SDK: every call carries MS-RequestId (new per call), MS-CorrelationId,
 * MS-PartnerCenter-Client, MS-SdkVersion and X-Locale, never If-Match; a change sends the whole Subscription
 * serialized in PascalCase at every depth (`Links.Offer.Uri`, `Attributes.Etag`), with the SDK's own values
 * for what it does not know (`UnitType: "none"`, `SuspensionReasons: null`), as in the recording
 * SuspendSubscription.json, which is the template of every body sent here.
 */

const wire = wirePerTest();

const correlationId = randomUUID();
const sdkHeaders = () => ({
  Authorization: wire.authorization,
  Accept: 'application/json',
  'MS-RequestId': randomUUID(),
  'MS-CorrelationId': correlationId,
  'MS-PartnerCenter-Client': 'Partner Center .NET SDK',
  'MS-SdkVersion': '1.5.1901.1',
  'MS-Contract-Version': 'v1',
  'X-Locale': 'en-US',
  'User-Agent':
    'FxVersion/4.8.3710.0 OSName/Windows Microsoft.Store.PartnerCenter.Network.PartnerServiceClient/1.0.0.0',
});

/** .NET writes a DateTime without milliseconds when they are zero: `2015-11-25T06:41:12Z`. */
const dotnetDate = (iso: string) => iso.replace(/\.000Z$/, 'Z');

async function read(customerId: string, id: string): Promise<WireSubscription> {
  const res = await readSubscription(wire, sdkHeaders(), customerId, id);
  expect(res.headers['ms-correlationid']).toBe(correlationId);
  return res.json<WireSubscription>();
}

/** The SDK's serialization of a Subscription it read, with `change` (PascalCase) applied. */
function asSent(sub: WireSubscription, change: Record<string, unknown>): string {
  const template = recording<Record<string, unknown>>('SuspendSubscription.json');
  return JSON.stringify({
    ...template,
    Id: sub.id,
    OfferId: sub.offerId,
    FriendlyName: sub.friendlyName,
    Quantity: sub.quantity,
    CreationDate: dotnetDate(sub.creationDate),
    EffectiveStartDate: dotnetDate(sub.effectiveStartDate),
    CommitmentEndDate: dotnetDate(sub.commitmentEndDate),
    Status: sub.status,
    AutoRenewEnabled: sub.autoRenewEnabled,
    SuspensionReasons: sub.suspensionReasons.length > 0 ? sub.suspensionReasons : null,
    OrderId: sub.orderId,
    Attributes: { Etag: sub.attributes.etag, ObjectType: 'Subscription' },
    ...change,
  });
}

async function update(customerId: string, id: string, change: Record<string, unknown>) {
  const current = await read(customerId, id);
  return wire.send(
    'PATCH',
    `/v1/customers/${customerId}/subscriptions/${id}`,
    { ...sdkHeaders(), 'Content-Type': 'application/json; charset=utf-8' },
    asSent(current, change),
  );
}

const order = (customerId: string) =>
  JSON.stringify({
    Id: null,
    ReferenceCustomerId: customerId,
    BillingCycle: 'Monthly',
    CurrencyCode: null,
    LineItems: [
      {
        LineItemNumber: 0,
        OfferId: 'CN-365-BB',
        SubscriptionId: null,
        ParentSubscriptionId: null,
        ProvisioningContext: null,
        FriendlyName: 'Finance',
        Quantity: 3,
        PartnerIdOnRecord: null,
        Links: null,
      },
    ],
    CreationDate: null,
    Status: null,
    Links: null,
    Attributes: { Etag: null, ObjectType: 'Order' },
  });

describe('the .NET SDK, unchanged (R-API-1, R-API-3)', () => {
  it('R-API-3, R-QTY-1, R-SUS-1, R-SUS-4, R-REN-1, R-CAN-1: every change of the seed as PascalCase whole objects with MS-* headers and no If-Match', async () => {
    await wire.start();
    const { customerId: c, subscriptionId: id } = await customerWithSubscription(wire, sdkHeaders(), order);
    const changed = async (change: Record<string, unknown>) => {
      const res = await update(c, id, change);
      expect(res.status, res.raw.toString()).toBe(200);
      expectPartnerCenterHeaders(res);
      expect(res.headers['ms-correlationid']).toBe(correlationId);
      return res.json<WireSubscription>();
    };

    expect(await changed({ Quantity: 4 })).toMatchObject({ quantity: 4 });
    expect(await changed({ Status: 'suspended', SuspensionReasons: null })).toMatchObject({
      status: 'suspended',
      suspensionReasons: ['unspecified'],
    });
    expect(await changed({ Status: 'Active' })).toMatchObject({ status: 'active' });
    expect(await changed({ Status: 'suspended', SuspensionReasons: ['CustomerCancellation'] })).toMatchObject(
      { status: 'suspended', suspensionReasons: ['CustomerCancellation'] },
    );
    expect(await changed({ Status: 'active' })).toMatchObject({ status: 'active', quantity: 4 });
    expect(await changed({ AutoRenewEnabled: false })).toMatchObject({ autoRenewEnabled: false });
    expect(await changed({ AutoRenewEnabled: true })).toMatchObject({ autoRenewEnabled: true });
    expect(await changed({ FriendlyName: 'Finance (EU)' })).toMatchObject({ friendlyName: 'Finance (EU)' });
    expect(await changed({ Status: 'Deleted' })).toMatchObject({ status: 'deleted' });
  });

  it('R-API-3: a stale Attributes.Etag is 400/2055 and changes nothing', async () => {
    await wire.start();
    const { customerId: c, subscriptionId: id } = await customerWithSubscription(wire, sdkHeaders(), order);
    const before = await read(c, id);
    expect((await update(c, id, { Quantity: 5 })).status).toBe(200);
    const stale = await wire.send(
      'PATCH',
      `/v1/customers/${c}/subscriptions/${id}`,
      { ...sdkHeaders(), 'Content-Type': 'application/json; charset=utf-8' },
      asSent(before, { Quantity: 9 }),
    );
    expect(stale.status).toBe(400);
    expect(stale.json<ErrorBody>()).toMatchObject({ code: 2055, data: [{ field: 'attributes.etag' }] });
    expect((await read(c, id)).quantity).toBe(5);
  });

  it('R-API-2: the SDK retrying a PATCH with its MS-RequestId gets the first answer and changes nothing twice', async () => {
    await wire.start();
    const { customerId: c, subscriptionId: id } = await customerWithSubscription(wire, sdkHeaders(), order);
    const current = await read(c, id);
    const headers = { ...sdkHeaders(), 'Content-Type': 'application/json; charset=utf-8' };
    const body = asSent(current, { Quantity: current.quantity + 1 });
    const url = `/v1/customers/${c}/subscriptions/${id}`;
    const first = await wire.send('PATCH', url, headers, body);
    const retry = await wire.send('PATCH', url, headers, body);
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.headers['ms-requestid']).toBe(headers['MS-RequestId']);
    expect(retry.json()).toEqual(first.json());
    expect((await read(c, id)).quantity).toBe(current.quantity + 1);
  });
});
