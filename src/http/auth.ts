import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticateSession, authenticateToken, knownToken, throttled } from '../app/auth.ts';
import { guessingOf } from '../app/guessing.ts';
import { sha256 } from '../app/secrets.ts';
import type { Actor, RequestContext } from '../app/context.ts';
import { DomainError, isDomainError } from '../domain/errors.ts';
import type { Seatwise } from '../composition.ts';
import { isApiPath } from './console.ts';

export const SESSION_COOKIE = 'seatwise_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | undefined;
    correlationId: string;
    /** The console session's CSRF token, when the request came with the session cookie. */
    sessionCsrfToken: string | undefined;
  }
  interface FastifyContextConfig {
    /** Answers without a token (health, docs, sign-in). */
    public?: boolean;
  }
}

/**
 * Routes that answer without a token: those marked `public` (the browsable API docs are marked as they are
 * added, `markDocsPublic`), and an address that no route has outside the API's paths (the console's own pages,
 * `/customers/…`, answered with its page).
 */
export const isPublic = (req: FastifyRequest): boolean =>
  req.routeOptions.config.public === true || (req.is404 && !isApiPath(req.url));

/**
 * Marks the routes of the browsable API docs (`/docs…`, added by a plugin) public when they are added, so that a
 * request asks its route's config once, not its path too (Fastify builds `routeOptions` afresh at each read).
 */
export function markDocsPublic(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...route.config, public: true };
  });
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const callerHashes = new WeakMap<FastifyRequest, string>();

/**
 * SHA-256 of what identifies the caller (its bearer token, else its session cookie), computed once per request:
 * the rate limit keys on it and the token lookup uses it.
 */
export function callerHash(req: FastifyRequest): string | undefined {
  const known = callerHashes.get(req);
  if (known !== undefined) return known;
  const header = req.headers.authorization;
  const secret = header ? (BEARER.exec(header)?.[1] ?? header) : req.cookies[SESSION_COOKIE];
  if (!secret) return undefined;
  const hash = sha256(secret);
  callerHashes.set(req, hash);
  return hash;
}

/** Rethrows `e`; a throttling refusal (R-SEC-1) first sets Retry-After, in whole seconds, on the reply. */
export function sendRetryAfter(reply: FastifyReply, e: unknown): never {
  if (isDomainError(e) && e.kind === 'rate_limited' && typeof e.params.seconds === 'number') {
    void reply.header('Retry-After', String(e.params.seconds));
  }
  throw e;
}

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
  app.decorateRequest('sessionCsrfToken', undefined);
  const guessing = guessingOf(seatwise);
  /**
   * A bearer token that this process must look up. R-SEC-1: an address that had too many tokens refused is
   * refused (429) before the lookup, and every refusal counts; a token this process already knows (the hook
   * below) is not slowed down by this.
   */
  const authenticateBearer = async (req: FastifyRequest, header: string, now: Date): Promise<Actor> => {
    const verdict = await guessing.tokenVerdict(req.ip);
    if (verdict.throttled) {
      guessing.refused('token', 'throttled');
      throw throttled('auth.tokenThrottled', verdict.retryAfterSeconds);
    }
    try {
      const m = BEARER.exec(header);
      if (!m?.[1]) throw new DomainError('unauthenticated', 401, 'auth.unauthenticated');
      return await authenticateToken(
        seatwise.db,
        seatwise.instance.cloud,
        m[1],
        now,
        seatwise.tokens,
        callerHash(req),
      );
    } catch (e) {
      if (isDomainError(e) && e.kind === 'unauthenticated') {
        guessing.refused('token', 'invalid');
        const { onset, limit } = await guessing.tokenRefused(req.ip);
        // A refused token names no partner, so no audit log can hold it: the server log says when an address
        // begins to be refused, once per window.
        if (onset) {
          req.log.warn(
            {
              address: req.ip,
              limit,
              windowSeconds: guessing.windowSeconds,
              correlationId: req.correlationId,
            },
            'token_throttled',
          );
        }
      }
      throw e;
    }
  };
  const authenticate = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = req.headers.authorization;
    const now = seatwise.clock.now();
    if (header) {
      req.actor = await authenticateBearer(req, header, now).catch((e: unknown) => sendRetryAfter(reply, e));
      return;
    }
    const cookie = req.cookies[SESSION_COOKIE];
    if (!cookie) throw new DomainError('unauthenticated', 401, 'auth.unauthenticated');
    const session = await authenticateSession(seatwise.db, cookie, now);
    if (!SAFE_METHODS.has(req.method) && req.headers['x-csrf-token'] !== session.csrfToken) {
      throw new DomainError('not_allowed', 403, 'auth.csrf');
    }
    req.actor = session.actor;
    req.sessionCsrfToken = session.csrfToken;
  };
  // A token this process already knows is checked without a promise: the hot path of access decisions.
  app.addHook('preHandler', (req, reply, done) => {
    if (isPublic(req)) return done();
    const token = BEARER.exec(req.headers.authorization ?? '')?.[1];
    const hash = token && callerHash(req);
    const actor =
      token && hash
        ? knownToken(seatwise.instance.cloud, token, seatwise.clock.now(), seatwise.tokens, hash)
        : undefined;
    if (actor) {
      req.actor = actor;
      return done();
    }
    authenticate(req, reply).then(() => done(), done);
  });
}
