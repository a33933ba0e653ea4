import { expect } from 'vitest';
import { PartnerScope } from '../../src/db/scope.ts';
import { partnerIdOf } from './factories.ts';
import type { TestSeatwise } from './seatwise.ts';

/** A subscription as the API returns it (the fields these tests read). */
export interface Sub {
  id: string;
  offerId: string;
  status: string;
  quantity: number;
  commitmentEndDate: string;
  dataRetentionEndDate: string | null;
  dataPurgedAt: string | null;
  attributes: { etag: string };
}

export interface ErrorBody {
  code: number;
  description: string;
  data: { rule?: string; field?: string }[];
}

/** HTTP steps a partner takes, through the test app, as the bootstrap GlobalAdmin unless told otherwise. */
export function commerce(t: TestSeatwise) {
  /** The subscription as the API returns it; `S` names the fields a test reads. */
  const get = async <S extends { attributes: { etag: string } } = Sub>(
    customerId: string,
    id: string,
  ): Promise<S> => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${customerId}/subscriptions/${id}`,
      headers: t.auth,
    });
    expect(res.statusCode).toBe(200);
    return res.json<S>();
  };
  const domainOf = async (customerId: string): Promise<string> => {
    const row = await new PartnerScope(t.seatwise.db, await partnerIdOf(t))
      .selectFrom('customers')
      .select('domain')
      .where('id', '=', customerId)
      .executeTakeFirstOrThrow();
    return row.domain;
  };
  const licenseUpdate = (
    customerId: string,
    userId: string,
    body: object,
    headers: Record<string, string> = {},
  ) =>
    t.app.inject({
      method: 'POST',
      url: `/v1/customers/${customerId}/users/${userId}/licenseupdates`,
      headers: { ...t.auth, ...headers },
      payload: body,
    });
  return {
    get,
    domainOf,
    licenseUpdate,
    buy: async (customerId: string, cycle: string, offerId: string, quantity: number): Promise<Sub> => {
      const res = await t.app.inject({
        method: 'POST',
        url: `/v1/customers/${customerId}/orders`,
        headers: t.auth,
        payload: { billingCycle: cycle, lineItems: [{ lineItemNumber: 0, offerId, quantity }] },
      });
      expect(res.statusCode, res.body).toBe(201);
      const line = res.json<{ lineItems: { subscriptionId: string }[] }>().lineItems[0];
      return get(customerId, line?.subscriptionId ?? '');
    },
    /** A Partner Center client: GET the resource, change fields, PATCH it back with If-Match. */
    patch: async (customerId: string, id: string, change: object, headers: Record<string, string> = {}) => {
      const current = await get(customerId, id);
      return t.app.inject({
        method: 'PATCH',
        url: `/v1/customers/${customerId}/subscriptions/${id}`,
        headers: { ...t.auth, 'If-Match': `"${current.attributes.etag}"`, ...headers },
        payload: { ...current, ...change },
      });
    },
    /** Moves the test clock forward (an ISO 8601 duration) and returns what the sweep it ran did. */
    advance: async (by: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/testclock',
        headers: t.auth,
        payload: { advanceBy: by },
      });
      expect(res.statusCode).toBe(200);
      return res.json<{ now: string; transitions: Record<string, number> }>();
    },
    addUser: async (customerId: string, name: string, role: 'admin' | 'user' = 'user'): Promise<string> => {
      const domain = await domainOf(customerId);
      const res = await t.app.inject({
        method: 'POST',
        url: `/v1/customers/${customerId}/users`,
        headers: t.auth,
        payload: { UserPrincipalName: `${name}@${domain}`, DisplayName: name, Role: role },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string }>().id;
    },
    assign: async (customerId: string, userId: string, ...skuIds: string[]) => {
      const res = await licenseUpdate(customerId, userId, {
        LicensesToAssign: skuIds.map((SkuId) => ({ SkuId })),
      });
      expect(res.statusCode, res.body).toBe(201);
    },
  };
}
