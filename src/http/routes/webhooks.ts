import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  checkWebhookRegistration,
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  type DeliveryLogEntry,
  type WebhookEndpoint,
} from '../../app/webhooks.ts';
import type { Seatwise } from '../../composition.ts';
import { PartnerScope } from '../../db/scope.ts';
import { contextOf } from '../auth.ts';
import { idempotent } from '../idempotency.ts';
import { Collection, collection, DateTime, errorResponses, Link, link, Nullable } from '../schemas.ts';

/** Partner Center's WebhookRegistration, plus Seatwise's `id` (a partner may register several endpoints). */
const fields = {
  id: Type.String(),
  subscriberId: Type.String({ description: 'The partner that receives the events' }),
  webhookUrl: Type.String(),
  webhookEvents: Type.Array(Type.String(), { description: 'Event types, or `*` for every one (R-EVT)' }),
  signatureTokenToMsSignatureHeader: Type.Boolean({
    description: 'Always false: Seatwise signs in X-Seatwise-Signature (sha256=HMAC of the body)',
  }),
  lastModifiedTimestamp: DateTime,
  links: Type.Object({ self: Link }),
  attributes: Type.Object({ objectType: Type.Literal('WebhookRegistration') }),
};
const WebhookRegistration = Type.Object(fields, { $id: 'WebhookRegistration' });
const CreatedWebhookRegistration = Type.Object({
  ...fields,
  secret: Type.String({
    description:
      'The signing secret: in this response only, never shown again. Keep it to verify deliveries.',
  }),
});

const Delivery = Type.Object({
  eventId: Type.String({
    description: 'The callback `id` and X-Seatwise-Event-Id, the same on every attempt',
  }),
  eventName: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  lastAttemptAt: Nullable(DateTime),
  lastStatusCode: Nullable(Type.Integer()),
  lastError: Nullable(
    Type.String({
      description: "What went wrong: the status, a timeout, a refused address; never the answer's body",
    }),
  ),
  nextAttemptAt: Nullable(DateTime),
  deliveredAt: Nullable(DateTime),
  failedAt: Nullable(DateTime),
  createdAt: DateTime,
  attributes: Type.Object({ objectType: Type.Literal('WebhookDelivery') }),
});

const Params = Type.Object({ id: Type.String({ maxLength: 100 }) });

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const view = (e: WebhookEndpoint) => ({
  id: e.id,
  subscriberId: e.partnerId,
  webhookUrl: e.webhookUrl,
  webhookEvents: e.webhookEvents,
  signatureTokenToMsSignatureHeader: false,
  lastModifiedTimestamp: e.lastModifiedAt.toISOString(),
  links: { self: link(`/v1/webhooks/${e.id}`) },
  attributes: { objectType: 'WebhookRegistration' as const },
});
const deliveryView = (d: DeliveryLogEntry) => ({
  eventId: d.eventId,
  eventName: d.eventName,
  status: d.status,
  attempts: d.attempts,
  lastAttemptAt: iso(d.lastAttemptAt),
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  nextAttemptAt: iso(d.nextAttemptAt),
  deliveredAt: iso(d.deliveredAt),
  failedAt: iso(d.failedAt),
  createdAt: d.createdAt.toISOString(),
  attributes: { objectType: 'WebhookDelivery' as const },
});

/** R-EVT: webhook registrations in Partner Center's style, and each endpoint's delivery log. */
export const webhookRoutes =
  (seatwise: Seatwise): FastifyPluginAsyncTypebox =>
  async (app) => {
    const scopeOf = (partnerId: string) => new PartnerScope(seatwise.db, partnerId);

    app.post(
      '/v1/webhooks',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Register a webhook endpoint (GlobalAdmin); the signing secret is in this response only',
          body: Type.Object({
            webhookUrl: Type.String({
              minLength: 1,
              maxLength: 2048,
              description:
                'An absolute https URL whose host is, and resolves only to, public addresses (R-SEC-2)',
            }),
            webhookEvents: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
              minItems: 1,
              maxItems: 100,
              description: 'Event types such as subscription.suspended, or `*` for every one',
            }),
          }),
          response: { 201: CreatedWebhookRegistration, ...errorResponses },
        },
      },
      async (req, reply) => {
        const ctx = contextOf(req);
        // R-SEC-2: the host is resolved and checked before the idempotent transaction opens.
        const registration = await checkWebhookRegistration(ctx, req.body, seatwise.webhookTargets);
        // R-API-2: a retry under the same MS-RequestId (same partner, same body) replays this 201, secret
        // included, from the idempotency record: a client whose first answer was lost still learns its secret.
        return idempotent(seatwise, req, reply, async (db) => {
          const { endpoint, secret } = await createWebhookEndpoint(
            db,
            ctx,
            registration,
            seatwise.clock.now(),
          );
          return { status: 201, body: { ...view(endpoint), secret } };
        });
      },
    );

    app.get(
      '/v1/webhooks',
      {
        schema: {
          tags: ['webhooks'],
          summary: "The partner's webhook endpoints (GlobalAdmin)",
          response: { 200: Collection(WebhookRegistration), ...errorResponses },
        },
      },
      async (req) => {
        const ctx = contextOf(req);
        const items = await listWebhookEndpoints(scopeOf(ctx.actor.partnerId), ctx);
        return collection(items.map(view), items.length, req.url);
      },
    );

    app.get(
      '/v1/webhooks/:id',
      {
        schema: {
          tags: ['webhooks'],
          params: Params,
          response: { 200: WebhookRegistration, ...errorResponses },
        },
      },
      async (req) => {
        const ctx = contextOf(req);
        return view(await getWebhookEndpoint(scopeOf(ctx.actor.partnerId), ctx, req.params.id));
      },
    );

    app.delete(
      '/v1/webhooks/:id',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Remove a webhook endpoint and its delivery log (GlobalAdmin)',
          params: Params,
          response: { 204: Type.Null({ description: 'Removed' }), ...errorResponses },
        },
      },
      async (req, reply) => {
        const ctx = contextOf(req);
        await deleteWebhookEndpoint(seatwise.db, ctx, req.params.id, seatwise.clock.now());
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/v1/webhooks/:id/deliveries',
      {
        schema: {
          tags: ['webhooks'],
          summary:
            "An endpoint's delivery log, newest event first (GlobalAdmin): attempts, last status, next attempt",
          params: Params,
          querystring: Type.Object({ size: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }),
          response: { 200: Collection(Delivery), ...errorResponses },
        },
      },
      async (req) => {
        const ctx = contextOf(req);
        const items = await listWebhookDeliveries(
          scopeOf(ctx.actor.partnerId),
          ctx,
          req.params.id,
          req.query.size,
        );
        return collection(items.map(deliveryView), items.length, req.url);
      },
    );
  };
