import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  addAddOnsToOrder,
  getOrder,
  listOrders,
  placeOrder,
  type NewLineItem,
  type OrderView,
} from '../../app/orders.ts';
import { sha256 } from '../../app/secrets.ts';
import type { Seatwise } from '../../composition.ts';
import { PartnerScope } from '../../db/scope.ts';
import { contextOf } from '../auth.ts';
import { idempotent } from '../idempotency.ts';
import { Order, OrderIn } from '../commerce-schemas.ts';
import { Collection, collection, errorResponses } from '../schemas.ts';

type LineIn = {
  lineItemNumber: number;
  offerId: string;
  quantity: number;
  friendlyName?: string | undefined;
  parentSubscriptionId?: string | null | undefined;
  subscriptionId?: string | null | undefined;
};

/** Drops the nulls and undefineds a client may send for optional fields. */
export const toLines = (lines: LineIn[]): NewLineItem[] =>
  lines.map((l) => ({
    lineItemNumber: l.lineItemNumber,
    offerId: l.offerId,
    quantity: l.quantity,
    ...(l.friendlyName ? { friendlyName: l.friendlyName } : {}),
    ...(l.parentSubscriptionId ? { parentSubscriptionId: l.parentSubscriptionId } : {}),
    ...(l.subscriptionId ? { subscriptionId: l.subscriptionId } : {}),
  }));

/**
 * R-API-1: an order with every field of Partner Center's Order as its clients read it (the Order recorded in
 * Partner Center's audit records): each line's `parentSubscriptionId`, `provisioningContext` and
 * `partnerIdOnRecord` (null when none), and `attributes.etag`, here a digest of the order's content, which
 * changes whenever the order does (add-ons bought on it).
 */
export function partnerCenterOrder(view: OrderView) {
  return {
    ...view,
    lineItems: view.lineItems.map((l) => ({
      ...l,
      parentSubscriptionId: l.parentSubscriptionId ?? null,
      provisioningContext: null,
      partnerIdOnRecord: null,
    })),
    attributes: { etag: sha256(JSON.stringify(view)).slice(0, 32), objectType: view.attributes.objectType },
  };
}

const Params = Type.Object({ customerId: Type.String() });
const OrderParams = Type.Object({ customerId: Type.String(), orderId: Type.String() });

/** Orders (R-ORD-1, R-ORD-2, R-ORD-3, R-ORD-4, R-ORD-5), trials through the same call (R-TRI-1), add-ons by PATCHing the base's order (R-ADD-1). */
export const orderRoutes =
  (seatwise: Seatwise): FastifyPluginAsyncTypebox =>
  async (app) => {
    const deps = () => ({ db: seatwise.db, cloud: seatwise.instance.cloud, now: seatwise.clock.now() });

    app.post(
      '/v1/customers/:customerId/orders',
      {
        schema: {
          tags: ['orders'],
          summary:
            'Place an order: every line is validated first, and one failing line refuses the whole order',
          params: Params,
          body: OrderIn,
          response: { 201: Order, ...errorResponses },
        },
      },
      async (req, reply) =>
        idempotent(seatwise, req, reply, async (db) => ({
          status: 201,
          body: partnerCenterOrder(
            await placeOrder({ ...deps(), db }, contextOf(req), req.params.customerId, {
              billingCycle: req.body.billingCycle ?? 'monthly',
              lineItems: toLines(req.body.lineItems),
            }),
          ),
        })),
    );

    app.patch(
      '/v1/customers/:customerId/orders/:orderId',
      {
        schema: {
          tags: ['orders'],
          summary: 'Buy add-ons: send the base order with new line items naming parentSubscriptionId',
          params: OrderParams,
          body: OrderIn,
          response: { 200: Order, ...errorResponses },
        },
      },
      async (req, reply) =>
        idempotent(seatwise, req, reply, async (db) => ({
          status: 200,
          body: partnerCenterOrder(
            await addAddOnsToOrder(
              { ...deps(), db },
              contextOf(req),
              req.params.customerId,
              req.params.orderId,
              {
                lineItems: toLines(req.body.lineItems),
              },
            ),
          ),
        })),
    );

    app.get(
      '/v1/customers/:customerId/orders',
      {
        schema: { tags: ['orders'], params: Params, response: { 200: Collection(Order), ...errorResponses } },
      },
      async (req) => {
        const ctx = contextOf(req);
        const orders = await listOrders(
          new PartnerScope(seatwise.db, ctx.actor.partnerId),
          ctx,
          req.params.customerId,
        );
        return collection(orders.map(partnerCenterOrder), orders.length, req.url);
      },
    );

    app.get(
      '/v1/customers/:customerId/orders/:orderId',
      { schema: { tags: ['orders'], params: OrderParams, response: { 200: Order, ...errorResponses } } },
      async (req) => {
        const ctx = contextOf(req);
        return partnerCenterOrder(
          await getOrder(
            new PartnerScope(seatwise.db, ctx.actor.partnerId),
            ctx,
            req.params.customerId,
            req.params.orderId,
          ),
        );
      },
    );
  };
