import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { loadOffers } from '../../app/catalog.ts';
import { getSubscription, listSubscriptions } from '../../app/subscriptions.ts';
import { convertTrial, listConversions } from '../../app/trials.ts';
import {
  previewRetention,
  updateSubscription,
  type SubscriptionPatch as PatchFields,
} from '../../app/lifecycle.ts';
import type { Seatwise } from '../../composition.ts';
import { expectedVersion } from '../../domain/versions.ts';
import { PartnerScope } from '../../db/scope.ts';
import { contextOf } from '../auth.ts';
import { idempotent } from '../idempotency.ts';
import {
  Conversion,
  ConversionIn,
  ConversionResult,
  Subscription,
  SubscriptionPatch,
} from '../commerce-schemas.ts';
import { Collection, collection, DateTime, errorResponses } from '../schemas.ts';

const Params = Type.Object({ customerId: Type.String() });
const RetentionDate = Type.Object({ dataRetentionEndDate: DateTime, retentionDays: Type.Integer() });
const RetentionPreview = Type.Object({
  subscriptionId: Type.String(),
  asOf: DateTime,
  ifSuspended: RetentionDate,
  ifCancelled: RetentionDate,
});
const SubParams = Type.Object({ customerId: Type.String(), subscriptionId: Type.String() });

/** The fields of a subscription PATCH body (the full resource, R-API-1) the change reads; nulls as absent. */
export function toSubscriptionPatch(body: {
  status?: string | null | undefined;
  quantity?: number | null | undefined;
  friendlyName?: string | null | undefined;
  autoRenewEnabled?: boolean | null | undefined;
  suspensionReasons?: string[] | null | undefined;
  suspensionComment?: string | null | undefined;
}): PatchFields {
  const { status, quantity, friendlyName, autoRenewEnabled, suspensionReasons, suspensionComment } = body;
  return {
    ...(status === null || status === undefined ? {} : { status }),
    ...(quantity === null || quantity === undefined ? {} : { quantity }),
    ...(friendlyName === null || friendlyName === undefined ? {} : { friendlyName }),
    ...(autoRenewEnabled === null || autoRenewEnabled === undefined ? {} : { autoRenewEnabled }),
    ...(suspensionReasons === null || suspensionReasons === undefined ? {} : { suspensionReasons }),
    ...(suspensionComment === null || suspensionComment === undefined ? {} : { suspensionComment }),
  };
}

/** Reading subscriptions, their add-ons, and converting trials (R-TRI-3). */
export const subscriptionRoutes =
  (seatwise: Seatwise): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/v1/customers/:customerId/subscriptions',
      {
        schema: {
          tags: ['subscriptions'],
          params: Params,
          querystring: Type.Object({ order_id: Type.Optional(Type.String()) }),
          response: { 200: Collection(Subscription), ...errorResponses },
        },
      },
      async (req) => {
        const ctx = contextOf(req);
        const scope = new PartnerScope(seatwise.db, ctx.actor.partnerId);
        const items = await listSubscriptions(
          scope,
          ctx,
          req.params.customerId,
          await loadOffers(seatwise.db),
          {
            ...(req.query.order_id === undefined ? {} : { orderId: req.query.order_id }),
          },
        );
        return collection(items, items.length, req.url);
      },
    );

    app.get(
      '/v1/customers/:customerId/subscriptions/:subscriptionId',
      {
        schema: {
          tags: ['subscriptions'],
          params: SubParams,
          response: { 200: Subscription, ...errorResponses },
        },
      },
      async (req, reply) => {
        const ctx = contextOf(req);
        const scope = new PartnerScope(seatwise.db, ctx.actor.partnerId);
        const sub = await getSubscription(
          scope,
          ctx,
          req.params.customerId,
          req.params.subscriptionId,
          await loadOffers(seatwise.db),
        );
        void reply.header('ETag', `"${sub.attributes.etag}"`);
        return sub;
      },
    );

    app.patch(
      '/v1/customers/:customerId/subscriptions/:subscriptionId',
      {
        schema: {
          tags: ['subscriptions'],
          summary:
            'Change a subscription: send the full resource you read (status active|suspended|deleted, quantity, friendlyName, autoRenewEnabled); its version is checked from If-Match when sent (stale: 412/2055), else from attributes.etag (stale: 400/2055), else the change applies (R-API-3)',
          params: SubParams,
          headers: Type.Object({ 'if-match': Type.Optional(Type.String()) }),
          body: SubscriptionPatch,
          response: { 200: Subscription, ...errorResponses },
        },
      },
      async (req, reply) =>
        idempotent(seatwise, req, reply, async (db) => {
          const updated = await updateSubscription(
            { db, now: seatwise.clock.now() },
            contextOf(req),
            req.params.customerId,
            req.params.subscriptionId,
            expectedVersion(req.headers['if-match'], req.body.attributes?.etag),
            toSubscriptionPatch(req.body),
          );
          void reply.header('ETag', `"${updated.attributes.etag}"`);
          return { status: 200, body: updated };
        }),
    );

    app.get(
      '/v1/customers/:customerId/subscriptions/:subscriptionId/retentionpreview',
      {
        schema: {
          tags: ['subscriptions'],
          summary:
            'Seatwise: the date the data would be deleted if the subscription were suspended (R-SUS-3) or cancelled (R-CAN-1) now; read-only',
          params: SubParams,
          response: { 200: RetentionPreview, ...errorResponses },
        },
      },
      async (req) => {
        const ctx = contextOf(req);
        const p = await previewRetention(
          new PartnerScope(seatwise.db, ctx.actor.partnerId),
          ctx,
          req.params.customerId,
          req.params.subscriptionId,
          seatwise.clock.now(),
        );
        const iso = (r: { dataRetentionEndDate: Date; retentionDays: number }) => ({
          dataRetentionEndDate: r.dataRetentionEndDate.toISOString(),
          retentionDays: r.retentionDays,
        });
        return {
          subscriptionId: p.subscriptionId,
          asOf: p.asOf.toISOString(),
          ifSuspended: iso(p.ifSuspended),
          ifCancelled: iso(p.ifCancelled),
        };
      },
    );

    app.get(
      '/v1/customers/:customerId/subscriptions/:subscriptionId/addons',
      {
        schema: {
          tags: ['subscriptions'],
          params: SubParams,
          response: { 200: Collection(Subscription), ...errorResponses },
        },
      },
      async (req) => {
        const ctx = contextOf(req);
        const scope = new PartnerScope(seatwise.db, ctx.actor.partnerId);
        const offers = await loadOffers(seatwise.db);
        await getSubscription(scope, ctx, req.params.customerId, req.params.subscriptionId, offers);
        const items = await listSubscriptions(scope, ctx, req.params.customerId, offers, {
          parentSubscriptionId: req.params.subscriptionId,
        });
        return collection(items, items.length, req.url);
      },
    );

    app.get(
      '/v1/customers/:customerId/subscriptions/:subscriptionId/conversions',
      {
        schema: {
          tags: ['subscriptions'],
          summary: 'The paid offers an active trial can convert to (R-TRI-3)',
          params: SubParams,
          response: { 200: Collection(Conversion), ...errorResponses },
        },
      },
      async (req) => {
        const items = await listConversions(
          { db: seatwise.db, cloud: seatwise.instance.cloud },
          contextOf(req),
          req.params.customerId,
          req.params.subscriptionId,
        );
        return collection(items, items.length, req.url);
      },
    );

    app.post(
      '/v1/customers/:customerId/subscriptions/:subscriptionId/conversions',
      {
        schema: {
          tags: ['subscriptions'],
          summary: 'Convert a trial to paid; the subscription keeps its id (R-TRI-3)',
          params: SubParams,
          body: ConversionIn,
          response: { 200: ConversionResult, ...errorResponses },
        },
      },
      async (req, reply) =>
        idempotent(seatwise, req, reply, async (db) => ({
          status: 200,
          body: await convertTrial(
            { db, cloud: seatwise.instance.cloud, now: seatwise.clock.now() },
            contextOf(req),
            req.params.customerId,
            req.params.subscriptionId,
            {
              targetOfferId: req.body.targetOfferId,
              billingCycle: req.body.billingCycle,
              ...(req.body.quantity === undefined ? {} : { quantity: req.body.quantity }),
            },
          ),
        })),
    );
  };
