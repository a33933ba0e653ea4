import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createPartnerUser, issueApiToken, listPartnerUsers } from '../../app/partners.ts';
import type { Seatwise } from '../../composition.ts';
import { PARTNER_ROLES } from '../../domain/access/permissions.ts';
import { PartnerScope } from '../../db/scope.ts';
import { contextOf } from '../auth.ts';
import { idempotent } from '../idempotency.ts';
import { Collection, collection, DateTime, errorResponses, Nullable } from '../schemas.ts';

const Role = Type.Enum(PARTNER_ROLES);
const PartnerUser = Type.Object({
  id: Type.String(),
  userName: Type.String(),
  displayName: Type.String(),
  role: Role,
  locale: Nullable(Type.String()),
  createdAt: DateTime,
});
const view = (u: {
  id: string;
  userName: string;
  displayName: string;
  role: string;
  locale: string | null;
  createdAt: Date;
}) => ({
  ...u,
  role: u.role as (typeof PARTNER_ROLES)[number],
  createdAt: u.createdAt.toISOString(),
});

/** The partner's own users and API tokens (GlobalAdmin only, R-ROLE). */
export const partnerRoutes =
  (seatwise: Seatwise): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/v1/partnerusers',
      { schema: { tags: ['partner users'], response: { 200: Collection(PartnerUser), ...errorResponses } } },
      async (req) => {
        const ctx = contextOf(req);
        const users = await listPartnerUsers(new PartnerScope(seatwise.db, ctx.actor.partnerId), ctx);
        return collection(users.map(view), users.length, req.url);
      },
    );

    app.post(
      '/v1/partnerusers',
      {
        schema: {
          tags: ['partner users'],
          body: Type.Object({
            userName: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._@-]+$' }),
            displayName: Type.Optional(Type.String({ maxLength: 200 })),
            role: Role,
            password: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
            locale: Type.Optional(
              Type.Union([Type.Literal('en-US'), Type.Literal('fr-FR'), Type.Literal('de-DE')]),
            ),
          }),
          response: { 201: PartnerUser, ...errorResponses },
        },
      },
      async (req, reply) => {
        const ctx = contextOf(req);
        const { userName, role, displayName, password, locale } = req.body;
        return idempotent(seatwise, req, reply, async (db) => {
          const user = await createPartnerUser(
            db,
            ctx.actor.partnerId,
            ctx,
            {
              userName,
              role,
              ...(displayName === undefined ? {} : { displayName }),
              ...(password === undefined ? {} : { password }),
              ...(locale === undefined ? {} : { locale }),
            },
            seatwise.clock.now(),
          );
          return { status: 201, body: view(user) };
        });
      },
    );

    app.post(
      '/v1/partnerusers/:userId/tokens',
      {
        schema: {
          tags: ['partner users'],
          // Not idempotent under MS-RequestId on purpose: a replay would have to keep the token to show it again.
          summary: 'Issue an API token; the token is in this response only',
          params: Type.Object({ userId: Type.String({ format: 'uuid' }) }),
          body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }),
          response: {
            201: Type.Object({
              id: Type.String(),
              name: Type.String(),
              token: Type.String(),
              hint: Type.String(),
              createdAt: DateTime,
            }),
            ...errorResponses,
          },
        },
      },
      async (req, reply) => {
        const ctx = contextOf(req);
        const issued = await issueApiToken(
          seatwise.db,
          ctx.actor.partnerId,
          ctx,
          { userId: req.params.userId, name: req.body.name, cloud: seatwise.instance.cloud },
          seatwise.clock.now(),
        );
        return reply.status(201).send({ ...issued, createdAt: issued.createdAt.toISOString() });
      },
    );
  };
