import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { loadOffers } from '../../app/catalog.ts';
import { getSubscription, listSubscriptions } from '../../app/subscriptions.ts';
import { convertTrial, listConversions } from '../../app/trials.ts';
import type { Seatwise } from '../../composition.ts';
import { PartnerScope } from '../../db/scope.ts';
import { contextOf } from '../auth.ts';
import { idempotent } from '../idempotency.ts';
import { Conversion, ConversionIn, ConversionResult, Subscription } from '../commerce-schemas.ts';
import { Collection, collection, errorResponses } from '../schemas.ts';

const Params = Type.Object({ customerId: Type.String() });
const SubParams = Type.Object({ customerId: Type.String(), subscriptionId: Type.String() });

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
