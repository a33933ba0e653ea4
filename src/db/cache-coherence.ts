import { sql } from 'kysely';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { newId } from '../domain/ids.ts';
import { attachChangeSink, type Announcement, type ChangeSink } from './change-signal.ts';
import type { Db } from './database.ts';

/** What a cache is told: these keys changed, or everything may have (`all`). */
export type Invalidation = readonly string[] | 'all';

/**
 * Keeps the caches of every server process on one database coherent (SPEC §8, R-ACC: a decision reflects a
 * suspension as soon as the request that made it has returned). Caches subscribe to invalidations and ask
 * `cacheUsable()` before answering from memory; writers signal changes (`signalChange`) and, through the
 * ChangeSink hooks, do not answer until every process that could serve the old data has dropped it.
 */
export interface CacheCoherence extends ChangeSink {
  readonly processId: string;
  /** Whether this process may answer from memory right now; when not, it answers from the database. */
  cacheUsable(): boolean;
  subscribe(listener: (inv: Invalidation) => void): () => void;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface CoherenceOptions {
  /**
   * How long a process may answer from memory after its last heartbeat reached the database
   * (SEATWISE_CACHE_LEASE_MS). Also the longest a writer waits for a process that does not acknowledge.
   */
  leaseMs: number;
  /** How long a writer waits for acknowledgements before it fences the silent processes (SEATWISE_CACHE_ACK_MS). */
  ackTimeoutMs: number;
  /** Register as a process that answers from memory (servers); the CLI only writes, and never caches. */
  serve: boolean;
  metrics?: Registry;
  onError?: (e: unknown) => void;
}

abstract class Base implements CacheCoherence {
  readonly processId = newId();
  #listeners = new Set<(inv: Invalidation) => void>();

  abstract cacheUsable(): boolean;
  abstract announce(keys: readonly string[]): Announcement;
  abstract afterCommit(keys: readonly string[], token: string | undefined, wait: boolean): Promise<void>;
  abstract start(): Promise<void>;
  abstract close(): Promise<void>;

  subscribe(listener: (inv: Invalidation) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells every cache of this process; listeners run synchronously, so when this returns they have dropped it. */
  protected invalidate(inv: Invalidation): void {
    for (const listener of this.#listeners) listener(inv);
  }
}

/**
 * The embedded database has exactly one process (the data-directory lock), so invalidating this process's
 * caches after COMMIT, before the writer answers, is the whole guarantee.
 */
export class LocalCoherence extends Base {
  constructor(private readonly serve: boolean) {
    super();
  }
  cacheUsable(): boolean {
    return this.serve;
  }
  announce(): Announcement {
    return {};
  }
  async afterCommit(keys: readonly string[]): Promise<void> {
    this.invalidate(keys);
  }
  async start(): Promise<void> {}
  async close(): Promise<void> {
    this.invalidate('all');
  }
}

const CHANNEL = 'seatwise_cache';
const ackChannel = (processId: string) => `seatwise_ack_${processId.replace(/-/g, '')}`;
// NOTIFY payloads stop at 8000 bytes; a change that touches more keys than fit says "everything".
const MAX_PAYLOAD = 7000;

interface Waiter {
  need: Set<string>;
  resolve: () => void;
}

/**
 * Several processes on one PostgreSQL. The protocol (README, "Access decisions: fresh answers"):
 *
 * - Each serving process LISTENs on a connection of its own, then registers in `access_cache_processes` with a
 *   lease that a heartbeat on that same connection renews. It answers from memory only while that connection is
 *   up and its lease is valid by its own monotonic clock, counted from before the heartbeat was sent and cut
 *   short by a fifth, so that it ends before the lease the database recorded.
 * - A writer NOTIFYs the changed keys inside its transaction (PostgreSQL delivers it at COMMIT), invalidates
 *   its own caches after COMMIT, then waits until every other live registered process has acknowledged: each
 *   one drops the keys, then NOTIFYs the writer back. A process still silent after the ack timeout is fenced
 *   (`fenced_at`: its heartbeat no longer extends its lease) and the writer waits until the lease it was last
 *   granted has run out by the database's clock, after which that process cannot be answering from memory.
 *   Its next heartbeat finds itself fenced, and it clears its caches before it registers again.
 * - Losing the LISTEN connection clears this process's caches; it answers from the database until the
 *   connection and the lease are back, and clears again then, so nothing loaded in between is kept.
 */
export class PostgresCoherence extends Base {
  #client: pg.Client | undefined;
  #listening = false;
  #leaseValidUntil = 0;
  #closed = false;
  #heartbeat: NodeJS.Timeout | undefined;
  #reconnect: NodeJS.Timeout | undefined;
  #beating: Promise<void> | undefined;
  #acks = new Map<string, { from: Set<string>; at: number }>();
  #waiters = new Map<string, Waiter>();
  readonly #metrics;

  constructor(
    private readonly db: Db,
    private readonly url: string,
    private readonly options: CoherenceOptions,
  ) {
    super();
    const registers = options.metrics ? [options.metrics] : [];
    this.#metrics = {
      sent: new Counter({
        name: 'seatwise_cache_invalidations_sent_total',
        help: 'Invalidations this process announced to the others',
        registers,
      }),
      received: new Counter({
        name: 'seatwise_cache_invalidations_received_total',
        help: 'Invalidations this process received from the others',
        registers,
      }),
      fenced: new Counter({
        name: 'seatwise_cache_fenced_processes_total',
        help: 'Processes that did not acknowledge in time, whose lease this process waited out',
        registers,
      }),
      wait: new Histogram({
        name: 'seatwise_cache_ack_wait_seconds',
        help: 'How long a writer waited for the other processes to acknowledge an invalidation',
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 2.5, 5, 10],
        registers,
      }),
      usable: new Gauge({
        name: 'seatwise_cache_usable',
        help: '1 while this process may answer from memory (LISTEN connection up, lease valid)',
        registers,
      }),
    };
    this.#metrics.usable.set(0);
  }

  cacheUsable(): boolean {
    return this.#listening && performance.now() < this.#leaseValidUntil;
  }

  async start(): Promise<void> {
    await this.#connect();
    if (this.options.serve) {
      const every = Math.max(50, Math.floor(this.options.leaseMs / 5));
      this.#heartbeat = setInterval(() => this.#beat(), every);
      this.#heartbeat.unref();
    }
  }

  /** LISTEN first, then register: every change committed after the registration is heard. */
  async #connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.url,
      application_name: `seatwise cache ${process.pid}`,
    });
    client.on('notification', (m) => this.#onNotification(m));
    client.on('error', (e) => this.#onDown(client, e));
    client.on('end', () => this.#onDown(client));
    await client.connect();
    try {
      await client.query(`LISTEN ${CHANNEL}; LISTEN ${ackChannel(this.processId)}`);
      this.#client = client;
      this.#listening = true;
      if (this.options.serve) await this.#register(client);
    } catch (e) {
      this.#client = undefined;
      this.#listening = false;
      await client.end().catch(() => {});
      throw e;
    }
  }

  /** (Re-)registers with a fresh lease. What was cached before is dropped, and so is anything loading now. */
  async #register(client: pg.Client): Promise<void> {
    this.invalidate('all');
    const sent = performance.now();
    await client.query(
      `INSERT INTO access_cache_processes (id, host, pid, started_at, lease_until)
       VALUES ($1, $2, $3, now(), now() + $4 * interval '1 millisecond')
       ON CONFLICT (id) DO UPDATE SET lease_until = excluded.lease_until, fenced_at = NULL`,
      [this.processId, hostname(), process.pid, this.options.leaseMs],
    );
    this.invalidate('all');
    this.#leaseValidUntil = sent + this.#localLease();
    this.#metrics.usable.set(1);
  }

  /** The part of the lease this process uses: a fifth is left for scheduling and clock-rate differences. */
  #localLease(): number {
    return Math.floor(this.options.leaseMs * 0.8);
  }

  #beat(): void {
    const client = this.#client;
    if (this.#beating || this.#closed || !client || !this.#listening) return;
    this.#beating = (async () => {
      const sent = performance.now();
      const r = await client.query(
        `UPDATE access_cache_processes SET lease_until = now() + $2 * interval '1 millisecond'
         WHERE id = $1 AND fenced_at IS NULL RETURNING id`,
        [this.processId, this.options.leaseMs],
      );
      if (r.rowCount === 1) this.#leaseValidUntil = sent + this.#localLease();
      else {
        // Fenced by a writer that waited out our lease (or our row is gone): what we hold may be stale.
        this.#leaseValidUntil = 0;
        this.#metrics.usable.set(0);
        await this.#register(client);
      }
      const old = performance.now() - 60_000;
      for (const [token, a] of this.#acks) if (a.at < old) this.#acks.delete(token);
      if (Math.random() < 0.01) {
        // Rows of processes that died without closing; an expired lease is already ignored by every writer.
        await client.query(
          "DELETE FROM access_cache_processes WHERE lease_until < now() - interval '1 hour'",
        );
      }
    })()
      .catch((e: unknown) => this.options.onError?.(e))
      .finally(() => {
        this.#beating = undefined;
      });
  }

  #onDown(client: pg.Client, error?: unknown): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#listening = false;
    this.#leaseValidUntil = 0;
    this.#metrics.usable.set(0);
    this.invalidate('all');
    client.removeAllListeners('notification');
    client.end().catch(() => {});
    if (this.#closed) return;
    if (error) this.options.onError?.(error);
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnect) return;
    this.#reconnect = setTimeout(() => {
      this.#reconnect = undefined;
      this.#connect().catch((e: unknown) => {
        this.options.onError?.(e);
        this.#scheduleReconnect();
      });
    }, 500);
    this.#reconnect.unref();
  }

  #onNotification(m: pg.Notification): void {
    if (m.channel === CHANNEL) {
      let note: { o: string; t: string; k: string[] | null };
      try {
        note = JSON.parse(m.payload ?? '') as typeof note;
      } catch {
        this.invalidate('all');
        return;
      }
      if (note.o === this.processId) return; // this process settles its own changes in afterCommit
      this.invalidate(note.k ?? 'all');
      this.#metrics.received.inc();
      if (!this.options.serve) return;
      // Acknowledged only now that every cache of this process has dropped the keys (invalidate is synchronous).
      this.#client
        ?.query('SELECT pg_notify($1, $2)', [ackChannel(note.o), `${this.processId} ${note.t}`])
        .catch((e: unknown) => this.options.onError?.(e));
      return;
    }
    const [from, token] = (m.payload ?? '').split(' ');
    if (!from || !token) return;
    this.#acks.get(token)?.from.add(from);
    const waiter = this.#waiters.get(token);
    if (waiter) {
      waiter.need.delete(from);
      if (waiter.need.size === 0) waiter.resolve();
    }
  }

  announce(keys: readonly string[]): Announcement {
    const token = newId();
    this.#acks.set(token, { from: new Set(), at: performance.now() });
    let payload = JSON.stringify({ o: this.processId, t: token, k: keys });
    if (payload.length > MAX_PAYLOAD) payload = JSON.stringify({ o: this.processId, t: token, k: null });
    this.#metrics.sent.inc();
    return { token, notify: { channel: CHANNEL, payload } };
  }

  async afterCommit(keys: readonly string[], token: string | undefined, wait: boolean): Promise<void> {
    this.invalidate(keys);
    if (!token) return;
    if (!wait) {
      // A change that only widens: the others drop their copies when the NOTIFY reaches them.
      this.#acks.delete(token);
      return;
    }
    const started = performance.now();
    try {
      const live = await sql<{ id: string }>`
        SELECT id FROM access_cache_processes WHERE lease_until > now() AND id <> ${this.processId}`.execute(
        this.db,
      );
      const acked = this.#acks.get(token)?.from ?? new Set<string>();
      const waitingFor = live.rows.map((r) => r.id).filter((id) => !acked.has(id));
      const silent = await this.#waitFor(token, waitingFor, this.options.ackTimeoutMs);
      if (silent.length > 0) await this.#fence(token, silent);
    } finally {
      this.#acks.delete(token);
      this.#metrics.wait.observe((performance.now() - started) / 1000);
    }
  }

  /** Waits for acknowledgements from `ids`; returns those still silent after `ms`. */
  #waitFor(token: string, ids: string[], ms: number): Promise<string[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return new Promise((resolve) => {
      const need = new Set(ids);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(token);
        resolve([...need]);
      };
      const timer = setTimeout(done, ms);
      this.#waiters.set(token, { need, resolve: done });
    });
  }

  /**
   * Fences the silent processes, so that no heartbeat of theirs extends their lease any more, and waits until
   * the last lease they were granted has run out by the database's clock (or until they acknowledge after all).
   * The row stays, so that a second writer fencing the same process at the same time waits for the same lease.
   */
  async #fence(token: string, ids: string[]): Promise<void> {
    const fenced = await sql<{ id: string; left_ms: number }>`
      UPDATE access_cache_processes SET fenced_at = coalesce(fenced_at, now()) WHERE id = ANY(${ids}::uuid[])
      RETURNING id, greatest(0, extract(epoch FROM lease_until - clock_timestamp()) * 1000)::float8 AS left_ms`.execute(
      this.db,
    );
    this.#metrics.fenced.inc(fenced.rows.length);
    const longest = Math.max(0, ...fenced.rows.map((r) => Number(r.left_ms)));
    if (longest > 0) {
      const ids = fenced.rows.filter((r) => Number(r.left_ms) > 0).map((r) => r.id);
      await this.#waitFor(token, ids, Math.min(longest, this.options.leaseMs) + 20);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    if (this.#reconnect) clearTimeout(this.#reconnect);
    await this.#beating;
    const client = this.#client;
    this.#client = undefined;
    this.#listening = false;
    this.#leaseValidUntil = 0;
    this.invalidate('all');
    if (!client) return;
    try {
      if (this.options.serve) {
        await client.query('DELETE FROM access_cache_processes WHERE id = $1', [this.processId]);
      }
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/** The coherence for this database: in-process on the embedded one, LISTEN/NOTIFY with leases on a server. */
export function cacheCoherence(
  database: { db: Db; engine: 'pglite' | 'postgres'; url?: string },
  options: CoherenceOptions,
): { coherence: CacheCoherence; detach: () => void } {
  const coherence =
    database.engine === 'postgres' && database.url
      ? new PostgresCoherence(database.db, database.url, options)
      : new LocalCoherence(options.serve);
  const detach = attachChangeSink(database.db, coherence);
  return { coherence, detach };
}
