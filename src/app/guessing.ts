import ipaddr from 'ipaddr.js';
import { sql } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import type { Config } from '../config.ts';
import type { Clock } from '../domain/clock.ts';
import type { Db } from '../db/database.ts';
import { sha256 } from './secrets.ts';

/** How a guess ended, for the metric: refused as wrong, or refused unseen because of the throttle. */
export type GuessOutcome = 'invalid' | 'throttled';
export type Credential = 'password' | 'token';

/** The verdict on one attempt: go on, or refused for `retryAfterSeconds`; `onset` marks the first refusal. */
export type Verdict =
  | { throttled: false }
  | { throttled: true; retryAfterSeconds: number; onset: boolean; limit: number; over: 'name' | 'address' };

/**
 * The address as counted: an IPv4-mapped IPv6 address as its IPv4 address, any other IPv6 address by its /64
 * (one subscriber's network: a host that holds one holds them all), anything unparsable as it is.
 */
export function addressKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const a = ipaddr.process(ip);
  if (a.kind() === 'ipv4') return a.toString();
  const parts = (a as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((p) => p.toString(16)).join(':')}::/64`;
}

const hashOf = (...parts: string[]) => sha256(parts.join('\u0000'));

/**
 * Counts guesses (R-SEC-1) in fixed windows kept in the database, so that every server process on one
 * PostgreSQL sees the same counts: sign-in attempts per user name from one address and per address, and
 * refused bearer tokens per address. Time is the Seatwise clock (the test clock when it is on). Only hashes of
 * the names and addresses are stored.
 */
export class Guessing {
  readonly #refusals: Counter<'credential' | 'outcome'>;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly limits: Config['guessing'],
    metrics: Registry,
  ) {
    const name = 'seatwise_auth_refusals_total';
    this.#refusals =
      (metrics.getSingleMetric(name) as Counter<'credential' | 'outcome'> | undefined) ??
      new Counter({
        name,
        help: 'Sign-ins and bearer tokens refused, by credential (password, token) and outcome (invalid, throttled)',
        labelNames: ['credential', 'outcome'],
        registers: [metrics],
      });
  }

  get windowSeconds(): number {
    return this.limits.windowSeconds;
  }

  /** Counts a refusal in the metric. */
  refused(credential: Credential, outcome: GuessOutcome): void {
    this.#refusals.inc({ credential, outcome });
  }

  /**
   * Counts a sign-in attempt before its password is checked: the throttle is on attempts, so once a name
   * (from this address) or the address is over its limit, even the right password is refused, and concurrent
   * guesses cannot all slip in before the count. A successful sign-in gives its attempt back (`signedIn`).
   */
  async beginSignIn(userName: string, address: string): Promise<Verdict> {
    const addr = addressKey(address);
    const name = {
      key: hashOf('sign-in-name', userName.toLowerCase(), addr),
      limit: this.limits.signInPerName,
    };
    const whole = { key: hashOf('sign-in-address', addr), limit: this.limits.signInPerAddress };
    const counts = await this.#count([name.key, whole.key], 1);
    const now = this.clock.now().getTime();
    for (const [over, c] of [
      ['name', name],
      ['address', whole],
    ] as const) {
      const row = counts.get(c.key);
      if (row && row.attempts > c.limit) {
        return {
          throttled: true,
          over,
          limit: c.limit,
          onset: row.attempts === c.limit + 1,
          retryAfterSeconds: this.#secondsLeft(row.windowStartedAt, now),
        };
      }
    }
    return { throttled: false };
  }

  /** The right password: the name's count from this address starts again, and the address gets its attempt back. */
  async signedIn(userName: string, address: string): Promise<void> {
    const addr = addressKey(address);
    await this.db
      .deleteFrom('auth_attempts')
      .where('key_hash', '=', hashOf('sign-in-name', userName.toLowerCase(), addr))
      .execute();
    await this.db
      .updateTable('auth_attempts')
      .set({ attempts: sql`greatest(attempts - 1, 0)` })
      .where('key_hash', '=', hashOf('sign-in-address', addr))
      .execute();
  }

  /**
   * Whether this address has had too many tokens refused: a bearer token looked up from it is then refused
   * unseen. One read; the count itself grows in `tokenRefused`.
   */
  async tokenVerdict(address: string): Promise<Verdict> {
    const key = hashOf('token-address', addressKey(address));
    const row = await this.db
      .selectFrom('auth_attempts')
      .select(['attempts', 'window_started_at'])
      .where('key_hash', '=', key)
      .executeTakeFirst();
    const now = this.clock.now().getTime();
    const limit = this.limits.tokenFailuresPerAddress;
    if (!row || row.attempts < limit || this.#expired(row.window_started_at, now))
      return { throttled: false };
    return {
      throttled: true,
      over: 'address',
      limit,
      onset: false,
      retryAfterSeconds: this.#secondsLeft(row.window_started_at, now),
    };
  }

  /** Counts a refused bearer token; `onset` when this one brought the address to its limit. */
  async tokenRefused(address: string): Promise<{ onset: boolean; limit: number }> {
    const key = hashOf('token-address', addressKey(address));
    const row = (await this.#count([key], 1)).get(key);
    const limit = this.limits.tokenFailuresPerAddress;
    return { onset: row?.attempts === limit, limit };
  }

  #expired(started: Date, now: number): boolean {
    return started.getTime() + this.limits.windowSeconds * 1000 <= now;
  }

  #secondsLeft(started: Date, now: number): number {
    return Math.max(1, Math.ceil((started.getTime() + this.limits.windowSeconds * 1000 - now) / 1000));
  }

  /**
   * Adds to each key's count in one statement (a row lock per key, taken in key order so that two statements
   * cannot deadlock); a window that has passed starts again at now. Returns each key's count and window.
   */
  async #count(
    keys: string[],
    by: number,
  ): Promise<Map<string, { attempts: number; windowStartedAt: Date }>> {
    const now = this.clock.now();
    const cutoff = new Date(now.getTime() - this.limits.windowSeconds * 1000);
    const sorted = [...keys].sort();
    const { rows } = await sql<{ key_hash: string; attempts: number; window_started_at: Date | string }>`
      INSERT INTO auth_attempts AS a (key_hash, window_started_at, attempts)
      VALUES ${sql.join(sorted.map((k) => sql`(${k}, ${now}, ${by})`))}
      ON CONFLICT (key_hash) DO UPDATE SET
        window_started_at = CASE WHEN a.window_started_at <= ${cutoff} THEN ${now} ELSE a.window_started_at END,
        attempts = CASE WHEN a.window_started_at <= ${cutoff} THEN ${by} ELSE a.attempts + ${by} END
      RETURNING key_hash, attempts, window_started_at`.execute(this.db);
    // A window that starts again is a good moment to drop the counts whose windows have all passed.
    if (rows.some((r) => r.attempts === by)) {
      await this.db.deleteFrom('auth_attempts').where('window_started_at', '<=', cutoff).execute();
    }
    return new Map(
      rows.map((r) => [r.key_hash, { attempts: r.attempts, windowStartedAt: new Date(r.window_started_at) }]),
    );
  }
}

/** One Guessing per Seatwise: the sign-in route and the authentication hook share its metric. */
const perSeatwise = new WeakMap<object, Guessing>();
export function guessingOf(seatwise: { db: Db; clock: Clock; config: Config; metrics: Registry }): Guessing {
  let g = perSeatwise.get(seatwise);
  if (!g) {
    g = new Guessing(seatwise.db, seatwise.clock, seatwise.config.guessing, seatwise.metrics);
    perSeatwise.set(seatwise, g);
  }
  return g;
}
