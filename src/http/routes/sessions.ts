import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authenticateSession, signIn, signOut } from '../../app/auth.ts';
import type { Actor } from '../../app/context.ts';
import { getOwnUser, getPartner } from '../../app/partners.ts';
import type { Seatwise } from '../../composition.ts';
import { permissionsOf, PERMISSIONS, PARTNER_ROLES } from '../../domain/access/permissions.ts';
import { CLOUD_POLICIES, CLOUDS } from '../../domain/cloud.ts';
import { DomainError } from '../../domain/errors.ts';
import { PartnerScope } from '../../db/scope.ts';
import { actorOf, sendRetryAfter, SESSION_COOKIE } from '../auth.ts';
import { guessingOf } from '../../app/guessing.ts';
import { errorResponses, Nullable } from '../schemas.ts';

const Me = Type.Object({
  user: Type.Object({
    id: Type.String(),
    userName: Type.String(),
    displayName: Type.String(),
    role: Type.Enum(PARTNER_ROLES),
    locale: Nullable(
      Type.String({
        description: "the user's console language (en-US, fr-FR, de-DE), null to follow the browser",
      }),
    ),
  }),
  partner: Type.Object({ id: Type.String(), name: Type.String() }),
  permissions: Type.Array(Type.Enum(PERMISSIONS)),
  instance: Type.Object({ cloud: Type.Enum(CLOUDS), displayName: Type.String() }),
  now: Type.String({
    format: 'date-time',
    description: "the server's time (the test clock's when it is on), for date ranges the console asks for",
  }),
  csrfToken: Type.Optional(
    Type.String({
      description:
        'with a console session: the token to send as X-CSRF-Token on every change (a reloaded page reads it here)',
    }),
  ),
});

/** Web sessions for the console: sign in with name and password, read who you are, sign out. */
export const sessionRoutes =
  (seatwise: Seatwise): FastifyPluginAsyncTypebox =>
  async (app) => {
    const me = async (actor: Actor) => {
      const partner = await getPartner(seatwise.db, actor.partnerId);
      const user = await getOwnUser(new PartnerScope(seatwise.db, actor.partnerId), actor.userId);
      return {
        user: {
          id: actor.userId,
          userName: actor.userName,
          displayName: user.displayName,
          role: actor.role,
          locale: user.locale,
        },
        partner: { id: partner.id, name: partner.name },
        permissions: permissionsOf(actor.role),
        instance: {
          cloud: seatwise.instance.cloud,
          displayName: CLOUD_POLICIES[seatwise.instance.cloud].displayName,
        },
        now: seatwise.clock.now().toISOString(),
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
        const attempt = {
          userName: req.body.userName,
          password: req.body.password,
          address: req.ip,
          correlationId: req.correlationId,
        };
        // R-SEC-1: guesses are counted and throttled; a refusal says when to try again (Retry-After).
        const session = await signIn(seatwise.db, attempt, seatwise.clock.now(), {
          guessing: guessingOf(seatwise),
          unattributed: (refusal) =>
            req.log.warn({ ...refusal, correlationId: req.correlationId }, refusal.operation),
        }).catch((e: unknown) => sendRetryAfter(reply, e));
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
      async (req) => {
        const body = await me(actorOf(req));
        return req.sessionCsrfToken ? { ...body, csrfToken: req.sessionCsrfToken } : body;
      },
    );

    app.get(
      '/v1/sessions/current',
      {
        config: { public: true },
        schema: {
          tags: ['sessions'],
          summary:
            "The console's session, if any: 200 with signedIn false when there is none (a page load before sign-in is not a failure)",
          security: [],
          response: {
            200: Type.Union([
              Type.Object({ signedIn: Type.Literal(false) }),
              Type.Object({ signedIn: Type.Literal(true), me: Me }),
            ]),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const cookie = req.cookies[SESSION_COOKIE];
        if (!cookie) return { signedIn: false as const };
        try {
          const session = await authenticateSession(seatwise.db, cookie, seatwise.clock.now());
          return {
            signedIn: true as const,
            me: { ...(await me(session.actor)), csrfToken: session.csrfToken },
          };
        } catch (e) {
          if (e instanceof DomainError && e.kind === 'unauthenticated') return { signedIn: false as const };
          throw e;
        }
      },
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
