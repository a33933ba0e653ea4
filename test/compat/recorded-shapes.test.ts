import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commerce } from '../support/commerce.ts';
import { newCustomer } from '../support/factories.ts';
import { newSeatwise, type TestSeatwise } from '../support/seatwise.ts';
import {
  camelKeys,
  keyTree,
  missingKeys,
  RECORDINGS,
  recordedResponse,
  recording,
  type KeyTree,
} from './wire.ts';

/**
 * R-API-1: what Seatwise serves has every field of what Partner Center served, as recorded (read at test
 * time from the recordings beside the repository). Seatwise's own extra fields are allowed.
 */

let t: TestSeatwise;
afterEach(async () => {
  await t.close();
});

interface Collection<T> {
  totalCount: number;
  items: T[];
}

const get = async <T>(url: string): Promise<T> => {
  const res = await t.app.inject({ method: 'GET', url, headers: t.auth });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<T>();
};

/** Drops a dotted path from a key tree: a field Partner Center gives only where it knows it. */
const without = (tree: KeyTree, path: string): KeyTree => {
  const [head, ...rest] = path.split('.');
  if (head === undefined || !(head in tree)) return tree;
  if (rest.length === 0) return Object.fromEntries(Object.entries(tree).filter(([k]) => k !== head));
  return { ...tree, [head]: without(tree[head] ?? {}, rest.join('.')) };
};

describe('response shapes as Partner Center recorded them (R-API-1)', () => {
  it('R-API-1: every Subscription and its collection carry all the fields of GetCustomerSubscription.json, and a suspended one its reasons', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const shop = commerce(t);
    const base = await shop.buy(c, 'monthly', 'CN-365-BB', 3);
    const other = await shop.buy(c, 'monthly', 'CN-MAIL-P1', 2);
    expect((await shop.patch(c, other.id, { status: 'suspended' })).statusCode).toBe(200);
    const recorded = recording<Collection<unknown>>('GetCustomerSubscription.json');
    const served = await get<Collection<Record<string, unknown>>>(`/v1/customers/${c}/subscriptions`);
    expect(missingKeys(without(keyTree([recorded]), 'items'), keyTree([served]))).toEqual([]);
    for (const sub of served.items)
      expect(missingKeys(keyTree(recorded.items), keyTree([sub])), String(sub.offerId)).toEqual([]);
    const one = await get<Record<string, unknown>>(`/v1/customers/${c}/subscriptions/${base.id}`);
    expect(missingKeys(keyTree(recorded.items), keyTree([one]))).toEqual([]);
    expect(one).toMatchObject({
      entitlementId: base.id,
      hasPurchasableAddons: true,
      actions: ['Cancel', 'Edit'],
      attentionNeeded: false,
      actionTaken: false,
      contractType: 'subscription',
      attributes: { objectType: 'Subscription' },
    });
    // Seatwise's own fields stay.
    expect(one).toHaveProperty('dataRetentionEndDate');
    expect(one).toHaveProperty('unitPrice');
  });

  it('R-API-1: every Offer carries all the fields of the 274 recorded in GetPartnerOffer.json (links.learnMore.uri where known)', async () => {
    t = await newSeatwise();
    const recorded = recordedResponse<Collection<unknown>>('GetPartnerOffer.json');
    expect(recorded.items).toHaveLength(274);
    const fields = without(keyTree(recorded.items), 'links.learnMore.uri');
    const served = await get<Collection<Record<string, unknown>>>('/v1/offers?country=US');
    expect(missingKeys(without(keyTree([recorded]), 'items'), keyTree([served]))).toEqual([]);
    expect(served.items.length).toBeGreaterThan(20);
    for (const offer of served.items)
      expect(missingKeys(fields, keyTree([offer])), String(offer.id)).toEqual([]);
    const one = await get<Record<string, unknown>>('/v1/offers/CN-365-BB?country=US');
    expect(missingKeys(fields, keyTree([one]))).toEqual([]);
    expect(one).toMatchObject({
      country: 'US',
      locale: 'en-US',
      hasAddOns: true,
      category: { attributes: { objectType: 'OfferCategory' } },
      prices: { USD: expect.any(Number) as number },
    });
    const byId = recordedResponse<Record<string, unknown>>('GetPartnerOfferByOfferId.json');
    expect(missingKeys(keyTree([byId]), keyTree([one]))).toEqual([]);
  });

  it('R-API-1, R-ADD-1: GET /v1/offers/{id}/addons lists the add-ons of an offer with the fields of GetOfferAddon.json', async () => {
    t = await newSeatwise();
    const recorded = recording<Collection<unknown>>('GetOfferAddon.json');
    const served = await get<Collection<{ id: string; isAddOn: boolean; prerequisiteOffers: string[] }>>(
      '/v1/offers/CN-365-E3/addons?country=US',
    );
    // CN-ADD-RESIDENCY also takes E3, but is not sold in the US.
    expect(served.items.map((o) => o.id).sort()).toEqual(['CN-ADD-AUDIO', 'CN-ADD-PHONE', 'CN-ADD-STORAGE']);
    expect(served.totalCount).toBe(3);
    const inFrance = await get<Collection<{ id: string }>>('/v1/offers/CN-365-E3/addons?country=FR');
    expect(inFrance.items.map((o) => o.id)).toContain('CN-ADD-RESIDENCY');
    expect(missingKeys(without(keyTree([recorded]), 'items.links.learnMore.uri'), keyTree([served]))).toEqual(
      [],
    );
    const none = await t.app.inject({ method: 'GET', url: '/v1/offers/NOPE/addons', headers: t.auth });
    expect(none.statusCode).toBe(404);
  });

  it('R-API-1: GET /v1/offercategories?country= answers the categories with the fields of GetPartnerOfferCategory.json', async () => {
    t = await newSeatwise();
    const recorded = recordedResponse<Collection<unknown>>('GetPartnerOfferCategory.json');
    const served = await get<Collection<{ id: string; rank: number; country: string }>>(
      '/v1/offercategories?country=us',
    );
    expect(missingKeys(keyTree([recorded]), keyTree([served]))).toEqual([]);
    expect(served.items.map((c) => c.id)).toContain('Contoso 365 Business');
    expect(served.items.every((c) => c.country === 'US')).toBe(true);
    const ranks = served.items.map((c) => c.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    const missing = await t.app.inject({ method: 'GET', url: '/v1/offercategories', headers: t.auth });
    expect(missing.statusCode).toBe(400);
  });

  it('R-API-1: an Order carries the fields of the Order Partner Center recorded in its audit records', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const placed = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${c}/orders`,
      headers: t.auth,
      payload: {
        billingCycle: 'monthly',
        lineItems: [{ lineItemNumber: 0, offerId: 'CN-365-BB', quantity: 3 }],
      },
    });
    expect(placed.statusCode).toBe(201);
    const order = placed.json<{ id: string; lineItems: { subscriptionId: string }[] }>();
    const baseId = order.lineItems[0]?.subscriptionId ?? '';
    const withAddOn = await t.app.inject({
      method: 'PATCH',
      url: `/v1/customers/${c}/orders/${order.id}`,
      headers: t.auth,
      payload: {
        ...order,
        lineItems: [
          ...order.lineItems,
          { lineItemNumber: 1, offerId: 'CN-ADD-ARCHIVE', quantity: 3, parentSubscriptionId: baseId },
        ],
      },
    });
    expect(withAddOn.statusCode, withAddOn.body).toBe(200);
    const audit = recording<{ items: { resourceType: string; resourceNewValue: string }[] }>(
      'GetAuditRecord.json',
    );
    const recordedOrders = audit.items
      .filter((r) => r.resourceType === 'order')
      .map((r) => camelKeys(JSON.parse(r.resourceNewValue)));
    expect(recordedOrders.length).toBeGreaterThan(0);
    // A line's links name Partner Center's sku and provisioning status resources, which Seatwise has not.
    const fields = without(
      without(keyTree(recordedOrders), 'lineItems.links.sku'),
      'lineItems.links.provisioningStatus',
    );
    const served = await get<Record<string, unknown>>(`/v1/customers/${c}/orders/${order.id}`);
    expect(missingKeys(fields, keyTree([served]))).toEqual([]);
    expect(served).toMatchObject({
      attributes: { etag: expect.any(String) as string, objectType: 'Order' },
    });
    expect(withAddOn.json<{ attributes: { etag: string } }>().attributes.etag).not.toBe(
      placed.json<{ attributes: { etag: string } }>().attributes.etag,
    );
  });

  it('R-API-1: a Customer carries the fields of the Customer of Partner Center’s Swagger', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const swagger = JSON.parse(
      readFileSync(join(RECORDINGS, '..', 'partner-center-swagger', 'CustomerService.json'), 'utf8').replace(
        /^\uFEFF/,
        '',
      ),
    ) as { definitions: Record<string, { properties?: Record<string, unknown> }> };
    const definition = (suffix: string) =>
      Object.entries(swagger.definitions).find(([name]) => name.endsWith(`.${suffix}`))?.[1].properties ?? {};
    const served = await get<Record<string, unknown>>(`/v1/customers/${c}`);
    // userCredentials is only sent (to create a customer); links.next/previous belong to collections.
    const fields = Object.keys(definition('Customer')).filter((k) => k !== 'userCredentials');
    expect(fields.filter((k) => !(k in served))).toEqual([]);
    const company = served.companyProfile as Record<string, unknown>;
    // organizationRegistrationNumber: only where the customer gave one (some countries require it).
    expect(
      Object.keys(definition('CustomerCompanyProfile')).filter(
        (k) => !(k in company) && k !== 'organizationRegistrationNumber',
      ),
    ).toEqual([]);
    const billing = served.billingProfile as Record<string, unknown>;
    expect(Object.keys(definition('CustomerBillingProfile')).filter((k) => !(k in billing))).toEqual([]);
  });
});
