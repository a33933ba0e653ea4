import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateSession, authenticateToken } from '../app/auth.ts';
import type { Actor, RequestContext } from '../app/context.ts';
import { DomainError } from '../domain/errors.ts';
import type { Seatwise } from '../composition.ts';

export const SESSION_COOKIE = 'seatwise_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | undefined;
    correlationId: string;
  }
  interface FastifyContextConfig {
    /** Answers without a token (health, docs, sign-in). */
    public?: boolean;
  }
}

/** Routes that answer without a token: those marked `public`, and the browsable API docs. */
export const isPublic = (req: FastifyRequest): boolean =>
  req.routeOptions.config.public === true || (req.routeOptions.url ?? '').startsWith('/docs');

/** The signed-in partner user; routes that are not public can rely on it. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new DomainError('unauthenticated', 401, 'auth.unauthenticated');
  return req.actor;
}

export function contextOf(req: FastifyRequest): RequestContext {
  const app = req.headers['ms-partnercenter-application'];
  return {
    actor: actorOf(req),
    correlationId: req.correlationId,
    applicationId: typeof app === 'string' ? app : undefined,
  };
}

/**
 * Every route requires a partner user unless its config says `public`: a bearer token (R-API-5), or the
 * console's session cookie, which must then carry the CSRF header on anything that changes data.
 */
export function installAuthentication(app: FastifyInstance, seatwise: Seatwise) {
  app.decorateRequest('actor', undefined);
  app.addHook('preHandler', async (req) => {
    if (isPublic(req)) return;
    const header = req.headers.authorization;
    const now = seatwise.clock.now();
    if (header) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m?.[1]) throw new DomainError('unauthenticated', 401, 'auth.unauthenticated');
      req.actor = await authenticateToken(seatwise.db, seatwise.instance.cloud, m[1], now, seatwise.tokens);
      return;
    }
    const cookie = req.cookies[SESSION_COOKIE];
    if (!cookie) throw new DomainError('unauthenticated', 401, 'auth.unauthenticated');
    const session = await authenticateSession(seatwise.db, cookie, now);
    if (!SAFE_METHODS.has(req.method) && req.headers['x-csrf-token'] !== session.csrfToken) {
      throw new DomainError('not_allowed', 403, 'auth.csrf');
    }
    req.actor = session.actor;
  });
}
