import type { PartnerRole } from '../domain/access/permissions.ts';
import type { Cloud } from '../domain/cloud.ts';
import { DomainError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import type { Db } from '../db/database.ts';
import { PartnerScope } from '../db/scope.ts';
import type { Actor } from './context.ts';
import type { Guessing } from './guessing.ts';
import { newSecret, sha256, tokenIssuer, verifyPassword } from './secrets.ts';

const SESSION_HOURS = 12;
// Written at most this often, so that a busy token does not turn every read into a write.
const LAST_USED_RESOLUTION_MS = 5 * 60_000;

const unauthenticated = (key = 'auth.unauthenticated', params = {}) =>
  new DomainError('unauthenticated', 401, key, params);

/** What a token grants: kept in memory by the token cache. */
export interface TokenGrant {
  tokenId: string;
  actor: Actor;
  lastUsedAt: Date | null;
}

/**
 * Grants of bearer tokens this process has seen, by the token's SHA-256, so that an authenticated request
 * costs no database round trip (the access decision route depends on it). A grant never changes once issued:
 * no operation revokes a token, changes a partner user's role or removes one, so what is held here cannot go
 * stale in this process or another. An operation that did would have to stamp a version the cache checks, as
 * access decisions do (`src/app/access.ts`). A token not found is never kept; the oldest grants leave first.
 */
export class TokenCache {
  #grants = new Map<string, TokenGrant>();
  constructor(private readonly maxEntries = 10_000) {}

  async get(hash: string, load: () => Promise<TokenGrant | undefined>): Promise<TokenGrant | undefined> {
    const held = this.#grants.get(hash);
    if (held) return held;
    const grant = await load();
    if (grant) {
      this.#grants.set(hash, grant);
      // A Map keeps insertion order: the first key is the grant loaded longest ago.
      if (this.#grants.size > this.maxEntries)
        this.#grants.delete(this.#grants.keys().next().value as string);
    }
    return grant;
  }

  peek(hash: string): TokenGrant | undefined {
    return this.#grants.get(hash);
  }
}

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
  cache?: TokenCache,
  /** The token's SHA-256, when the caller already has it. */
  tokenHash?: string,
): Promise<Actor> {
  const issuer = tokenIssuer(token);
  if (issuer !== undefined && issuer !== cloud) {
    throw unauthenticated('auth.tokenOtherInstance', { issuer, cloud });
  }
  const hash = tokenHash ?? sha256(token);
  const grant = cache
    ? await cache.get(hash, () => findTokenGrant(db, hash))
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
  cache: TokenCache,
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

/** One sign-in attempt: the name and password given, and where they came from. */
export interface SignInAttempt {
  userName: string;
  password: string;
  /** The client's address (behind a trusted proxy, the address it forwarded). */
  address: string;
  correlationId: string | undefined;
}

/** A refused sign-in for a name that is nobody's: no partner's audit log can hold it, the server log does. */
export type UnattributedRefusal = (refusal: {
  operation: 'sign_in_failed' | 'sign_in_throttled';
  userName: string;
  address: string;
  reason: string;
}) => void;

/** What a sign-in needs besides the database: the guess counter and where unattributed refusals go. */
export interface SignInGuard {
  guessing: Guessing;
  unattributed: UnattributedRefusal;
}

async function findSignInAccount(db: Db, userName: string) {
  const entry = await db
    .selectFrom('sign_in_names')
    .selectAll()
    .where('user_name', '=', userName.toLowerCase())
    .executeTakeFirst();
  if (!entry) return undefined;
  const scope = new PartnerScope(db, entry.partner_id);
  const user = await scope
    .selectFrom('partner_users')
    .selectAll()
    .where('id', '=', entry.user_id)
    .executeTakeFirst();
  return user && { scope, user };
}

/**
 * A refused sign-in in the audit log of the partner whose user name it gave (R-SEC-1, R-AUD): who was tried,
 * from where, and why it was refused; a name that is nobody's goes to the server log instead.
 */
async function recordRefusal(
  guard: SignInGuard,
  attempt: SignInAttempt,
  account: Awaited<ReturnType<typeof findSignInAccount>>,
  operation: 'sign_in_failed' | 'sign_in_throttled',
  reason: string,
  now: Date,
): Promise<void> {
  if (!account) {
    // Cut short: a name field is sometimes a password typed in the wrong box, or an attacker's megabyte.
    guard.unattributed({
      operation,
      userName: attempt.userName.slice(0, 64),
      address: attempt.address,
      reason,
    });
    return;
  }
  await account.scope
    .insertInto('audit_records', {
      id: newId(),
      customer_id: null,
      customer_name: null,
      user_principal_name: account.user.user_name,
      application_id: null,
      resource_type: 'partner_user',
      resource_id: account.user.id,
      operation_type: operation,
      operation_status: 'failed',
      reason,
      old_value: null,
      new_value: null,
      correlation_id: attempt.correlationId ?? null,
      operation_date: now,
    })
    .execute();
}

/**
 * Signs a partner user in with name and password; a wrong name and a wrong password answer alike. Guesses are
 * throttled (R-SEC-1): the attempt is counted before the password is checked, and a name tried too often from
 * one address, or an address that tried too often, is refused (429) even with the right password.
 */
export async function signIn(
  db: Db,
  attempt: SignInAttempt,
  now: Date,
  guard: SignInGuard,
): Promise<Session> {
  const { guessing } = guard;
  const verdict = await guessing.beginSignIn(attempt.userName, attempt.address);
  if (verdict.throttled) {
    guessing.refused('password', 'throttled');
    // Recorded once, when the throttle begins: a flood of refused attempts does not flood the audit log.
    if (verdict.onset) {
      const account = await findSignInAccount(db, attempt.userName);
      const what = verdict.over === 'name' ? 'this user name from' : 'sign-ins from';
      await recordRefusal(
        guard,
        attempt,
        account,
        'sign_in_throttled',
        `${verdict.limit} attempts with ${what} ${attempt.address} within ${guessing.windowSeconds} s: ` +
          `refused for ${verdict.retryAfterSeconds} s (R-SEC-1)`,
        now,
      );
    }
    throw throttled('auth.throttled', verdict.retryAfterSeconds);
  }
  const account = await findSignInAccount(db, attempt.userName);
  const user = account?.user;
  const ok = user?.password_hash ? await verifyPassword(attempt.password, user.password_hash) : false;
  if (!account || !user || !ok) {
    guessing.refused('password', 'invalid');
    await recordRefusal(
      guard,
      attempt,
      account,
      'sign_in_failed',
      `wrong ${account ? 'password' : 'user name'}, from ${attempt.address} (R-SEC-1)`,
      now,
    );
    throw unauthenticated('auth.badCredentials');
  }
  await guessing.signedIn(attempt.userName, attempt.address);
  const { scope } = account;
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

/** A refusal for guessing (R-SEC-1): 429, and how long to wait, which the HTTP layer sends as Retry-After. */
export const throttled = (key: 'auth.throttled' | 'auth.tokenThrottled', seconds: number) =>
  new DomainError('rate_limited', 429, key, { seconds }, [{ rule: 'R-SEC-1', retryAfterSeconds: seconds }]);

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
