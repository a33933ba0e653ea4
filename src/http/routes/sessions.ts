import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { signIn, signOut } from '../../app/auth.ts';
import type { Actor } from '../../app/context.ts';
import { getPartner } from '../../app/partners.ts';
import type { Seatwise } from '../../composition.ts';
import { allowedActions, PARTNER_ACTIONS } from '../../domain/access/permissions.ts';
import { CLOUD_POLICIES } from '../../domain/cloud.ts';
import { actorOf, SESSION_COOKIE } from '../auth.ts';
import { errorResponses } from '../schemas.ts';

const Me = Type.Object({
  user: Type.Object({ id: Type.String(), userName: Type.String(), role: Type.String() }),
  partner: Type.Object({ id: Type.String(), name: Type.String() }),
  permissions: Type.Array(Type.Enum(PARTNER_ACTIONS)),
  instance: Type.Object({ cloud: Type.String(), displayName: Type.String() }),
  csrfToken: Type.Optional(Type.String()),
});

/** Web sessions for the console: sign in with name and password, read who you are, sign out. */
export const sessionRoutes =
  (seatwise: Seatwise): FastifyPluginAsyncTypebox =>
  async (app) => {
    const me = async (actor: Actor) => {
      const partner = await getPartner(seatwise.db, actor.partnerId);
      return {
        user: { id: actor.userId, userName: actor.userName, role: actor.role },
        partner: { id: partner.id, name: partner.name },
        permissions: allowedActions(actor.role),
        instance: {
          cloud: seatwise.instance.cloud,
          displayName: CLOUD_POLICIES[seatwise.instance.cloud].displayName,
        },
      };
    };

    app.post(
      '/v1/sessions',
      {
        config: { public: true },
        schema: {
          tags: ['sessions'],
          summary: 'Sign in to the console; sets an httpOnly session cookie and returns the CSRF token',
          security: [],
          body: Type.Object({
            userName: Type.String({ minLength: 1 }),
            password: Type.String({ minLength: 1 }),
          }),
          response: { 201: Me, ...errorResponses },
        },
      },
      async (req, reply) => {
        const session = await signIn(seatwise.db, req.body.userName, req.body.password, seatwise.clock.now());
        void reply.setCookie(SESSION_COOKIE, session.secret, {
          httpOnly: true,
          sameSite: 'strict',
          secure: req.protocol === 'https',
          path: '/',
          expires: session.expiresAt,
        });
        return reply.status(201).send({ ...(await me(session.actor)), csrfToken: session.csrfToken });
      },
    );

    app.get(
      '/v1/me',
      {
        schema: { tags: ['sessions'], summary: 'Who is signed in', response: { 200: Me, ...errorResponses } },
      },
      async (req) => me(actorOf(req)),
    );

    app.delete(
      '/v1/sessions/current',
      {
        schema: {
          tags: ['sessions'],
          summary: 'Sign out',
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (req, reply) => {
        const cookie = req.cookies[SESSION_COOKIE];
        if (cookie) await signOut(seatwise.db, actorOf(req), cookie);
        void reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.status(204).send(null);
      },
    );
  };
