import type { PartnerRole } from '../domain/access/permissions.ts';
import type { Cloud } from '../domain/cloud.ts';
import { DomainError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import type { CoherentCache } from '../db/coherent-cache.ts';
import type { Db } from '../db/database.ts';
import { PartnerScope } from '../db/scope.ts';
import type { Actor } from './context.ts';
import { newSecret, sha256, tokenIssuer, verifyPassword } from './secrets.ts';

const SESSION_HOURS = 12;
// Written at most this often, so that a busy token does not turn every read into a write.
const LAST_USED_RESOLUTION_MS = 5 * 60_000;

const unauthenticated = (key = 'auth.unauthenticated', params = {}) =>
  new DomainError('unauthenticated', 401, key, params);

/** What a token grants: kept in memory by the token cache (SPEC §8: invalidated across processes). */
export interface TokenGrant {
  tokenId: string;
  actor: Actor;
  lastUsedAt: Date | null;
}

/** The cache key namespace of tokens; a change to tokens or to their users signals `tokens:*`. */
export const TOKEN_CACHE = 'tokens';

async function findTokenGrant(db: Db, hash: string): Promise<TokenGrant | undefined> {
  const row = await db
    .selectFrom('api_tokens as t')
    .innerJoin('partner_users as u', (j) =>
      j.onRef('u.partner_id', '=', 't.partner_id').onRef('u.id', '=', 't.user_id'),
    )
    .select(['t.id', 't.partner_id', 't.last_used_at', 'u.id as user_id', 'u.user_name', 'u.role'])
    .where('t.token_hash', '=', hash)
    .where('t.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    tokenId: row.id,
    lastUsedAt: row.last_used_at,
    actor: {
      partnerId: row.partner_id,
      userId: row.user_id,
      userName: row.user_name,
      role: row.role as PartnerRole,
      via: 'token',
    },
  };
}

/**
 * Resolves a bearer token to the partner user it was issued to, or refuses it (401). With a cache, a known
 * token costs no database round trip (the access decision route depends on it); an unknown one is never cached.
 */
export async function authenticateToken(
  db: Db,
  cloud: Cloud,
  token: string,
  now: Date,
  cache?: CoherentCache<TokenGrant>,
  /** The token's SHA-256, when the caller already has it. */
  tokenHash?: string,
): Promise<Actor> {
  const issuer = tokenIssuer(token);
  if (issuer !== undefined && issuer !== cloud) {
    throw unauthenticated('auth.tokenOtherInstance', { issuer, cloud });
  }
  const hash = tokenHash ?? sha256(token);
  const grant = cache
    ? (await cache.get(hash, () => findTokenGrant(db, hash))).value
    : await findTokenGrant(db, hash);
  if (!grant) throw unauthenticated('auth.invalidToken');
  if (!grant.lastUsedAt || now.getTime() - grant.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    grant.lastUsedAt = now;
    await new PartnerScope(db, grant.actor.partnerId)
      .updateTable('api_tokens')
      .set({ last_used_at: now })
      .where('id', '=', grant.tokenId)
      .execute();
  }
  return grant.actor;
}

/**
 * The partner user of a token this process holds in memory and whose last use is recorded recently enough,
 * without waiting for anything; undefined sends the caller to `authenticateToken`.
 */
export function knownToken(
  cloud: Cloud,
  token: string,
  now: Date,
  cache: CoherentCache<TokenGrant>,
  tokenHash: string,
): Actor | undefined {
  const issuer = tokenIssuer(token);
  if (issuer !== undefined && issuer !== cloud) return undefined;
  const grant = cache.peek(tokenHash);
  if (!grant?.lastUsedAt || now.getTime() - grant.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS)
    return undefined;
  return grant.actor;
}

export interface Session {
  /** The cookie value; only its hash is stored. */
  secret: string;
  csrfToken: string;
  expiresAt: Date;
  actor: Actor;
}

/** Signs a partner user in with name and password; a wrong name and a wrong password answer alike. */
export async function signIn(db: Db, userName: string, password: string, now: Date): Promise<Session> {
  const entry = await db
    .selectFrom('sign_in_names')
    .selectAll()
    .where('user_name', '=', userName.toLowerCase())
    .executeTakeFirst();
  const scope = entry && new PartnerScope(db, entry.partner_id);
  const user =
    scope &&
    entry &&
    (await scope.selectFrom('partner_users').selectAll().where('id', '=', entry.user_id).executeTakeFirst());
  const ok = user?.password_hash ? await verifyPassword(password, user.password_hash) : false;
  if (!scope || !user || !ok) throw unauthenticated('auth.badCredentials');
  const secret = newSecret();
  const csrfToken = newSecret();
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000);
  await scope
    .insertInto('web_sessions', {
      id: newId(),
      user_id: user.id,
      session_hash: sha256(secret),
      csrf_token: csrfToken,
      created_at: now,
      expires_at: expiresAt,
    })
    .execute();
  return {
    secret,
    csrfToken,
    expiresAt,
    actor: {
      partnerId: user.partner_id,
      userId: user.id,
      userName: user.user_name,
      role: user.role as PartnerRole,
      via: 'session',
    },
  };
}

/** Resolves a session cookie; an expired or unknown session is refused (401). */
export async function authenticateSession(db: Db, secret: string, now: Date): Promise<Session> {
  const row = await db
    .selectFrom('web_sessions as s')
    .innerJoin('partner_users as u', (j) =>
      j.onRef('u.partner_id', '=', 's.partner_id').onRef('u.id', '=', 's.user_id'),
    )
    .select(['s.partner_id', 's.csrf_token', 's.expires_at', 'u.id as user_id', 'u.user_name', 'u.role'])
    .where('s.session_hash', '=', sha256(secret))
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
  if (!row) throw unauthenticated();
  return {
    secret,
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at,
    actor: {
      partnerId: row.partner_id,
      userId: row.user_id,
      userName: row.user_name,
      role: row.role as PartnerRole,
      via: 'session',
    },
  };
}

export async function signOut(db: Db, actor: Actor, secret: string): Promise<void> {
  await new PartnerScope(db, actor.partnerId)
    .deleteFrom('web_sessions')
    .where('session_hash', '=', sha256(secret))
    .execute();
}
