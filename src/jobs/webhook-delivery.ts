import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { sql, type Updateable } from 'kysely';
import {
  TargetRefused,
  WebhookTargets,
  type ResolvedAddress,
  type TargetRefusal,
} from '../app/webhook-targets.ts';
import { webhookSignature } from '../app/webhooks.ts';
import type { Db } from '../db/database.ts';
import type { Tables } from '../db/schema.ts';

/** Settings of the delivery worker; each says its default and when to change it. */
export interface WebhookDeliveryOptions {
  /** How often the worker looks for new events and due deliveries (default 1 s). Lower means sooner sends. */
  intervalMs?: number;
  /** How long one POST may take before it counts as failed (default 5 s). */
  timeoutMs?: number;
  /** Deliveries claimed and sent at once by one worker (default 50). */
  batchSize?: number;
  /** Attempts before a delivery is given up (default 15: about four hours of back-off). */
  maxAttempts?: number;
  /** First retry delay, doubled after each failure (default 1 s), up to `maxBackoffMs` (default 1 h). */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * How long a claimed delivery stays invisible to other workers (default 60 s). Must exceed `timeoutMs`: a
   * worker that dies mid-send loses its claim after this long and another worker sends the event again.
   */
  leaseMs?: number;
  /**
   * How long a transaction that wrote an event may stay open and still have its event fanned out (default
   * 60 s). Event sequence numbers are taken at insert and committed in any order on PostgreSQL, so the
   * worker keeps looking below the highest number it saw for this long before moving its cursor past it.
   */
  settleMs?: number;
  /**
   * Where deliveries may go (R-SEC-2): the composition passes the instance's; by default public https
   * addresses only, resolved by the system.
   */
  targets?: WebhookTargets;
  /** Real time for back-off and leases (default `new Date()`); tests move it instead of sleeping. */
  now?: () => Date;
  /** Where a failed pass is reported (the database unreachable, ...); the worker tries again next tick. */
  onError?: (error: unknown) => void;
}

/** What one pass did. */
export interface DeliveryReport {
  /** Delivery rows created for new events (event × matching endpoint). */
  fannedOut: number;
  /** Deliveries sent in this pass, and how they ended. */
  attempted: number;
  delivered: number;
  retrying: number;
  failed: number;
}

/** An event claimed for one endpoint, with what it takes to send it. */
interface Claimed {
  partner_id: string;
  endpoint_id: string;
  event_id: string;
  attempts: number;
  claim_token: string;
  webhook_url: string;
  secret: string;
  type: string;
  resource_type: string;
  resource_id: string;
  customer_id: string | null;
  payload: unknown;
  occurred_at: Date | string;
}

type Outcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'failed'; status: number | null; error: string }
  /** The worker is closing: the claim is handed back untried. */
  | { kind: 'released' };

const DEFAULTS = {
  intervalMs: 1_000,
  timeoutMs: 5_000,
  batchSize: 50,
  maxAttempts: 15,
  baseBackoffMs: 1_000,
  maxBackoffMs: 3_600_000,
  leaseMs: 60_000,
  settleMs: 60_000,
};

/** The delay before attempt `attempts + 1`, after `attempts` failures: 1 s, 2 s, 4 s, ... capped (R-EVT). */
export function backoffMs(
  attempts: number,
  baseMs = DEFAULTS.baseBackoffMs,
  maxMs = DEFAULTS.maxBackoffMs,
): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

const RESOURCE_NAMES: Record<string, string> = {};
/** Partner Center's resourceName: `subscription` → `Subscription`, `customer_user` → `CustomerUser`. */
const resourceNameOf = (resourceType: string): string =>
  (RESOURCE_NAMES[resourceType] ??= resourceType
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(''));

/** Where the API serves the changed resource. */
function resourceUriOf(
  e: Pick<Claimed, 'resource_type' | 'resource_id' | 'customer_id' | 'payload'>,
): string {
  const customer = e.customer_id ? `/v1/customers/${e.customer_id}` : '';
  switch (e.resource_type) {
    case 'customer':
      return `/v1/customers/${e.resource_id}`;
    case 'subscription':
      return `${customer}/subscriptions/${e.resource_id}`;
    case 'order':
      return `${customer}/orders/${e.resource_id}`;
    case 'customer_user':
      return `${customer}/users/${e.resource_id}`;
    case 'partner_user':
      return `/v1/partnerusers/${e.resource_id}`;
    case 'api_token': {
      const userId = (e.payload as { userId?: unknown } | null)?.userId;
      return typeof userId === 'string'
        ? `/v1/partnerusers/${userId}/tokens/${e.resource_id}`
        : `/v1/tokens/${e.resource_id}`;
    }
    default:
      return `${customer || '/v1'}/${e.resource_type}s/${e.resource_id}`;
  }
}

/**
 * The callback body: Partner Center's PartnerResourceChangeCallBack fields, plus the event id (the same on
 * every attempt, for the receiver to drop duplicates), the partner, the customer and the event's payload.
 */
export function callbackBody(
  e: Omit<Claimed, 'endpoint_id' | 'attempts' | 'claim_token' | 'webhook_url' | 'secret'>,
): string {
  const at = new Date(e.occurred_at);
  const auditEnd = new Date(at.getTime() + 1);
  return JSON.stringify({
    id: e.event_id,
    eventName: e.type,
    resourceUri: resourceUriOf(e),
    resourceName: resourceNameOf(e.resource_type),
    auditUri: `/v1/auditrecords?startDate=${at.toISOString()}&endDate=${auditEnd.toISOString()}`,
    resourceChangeUtcDate: at.toISOString(),
    partnerId: e.partner_id,
    customerId: e.customer_id,
    data: e.payload,
  });
}

/**
 * Delivers events to webhook endpoints at least once (R-EVT), on a timer and when poked:
 *
 * 1. fan-out: every new event of a partner becomes a `webhook_deliveries` row for each of that partner's
 *    endpoints that asked for its type. The primary key (partner, endpoint, event) makes this idempotent, so
 *    several workers may fan out the same events; each endpoint keeps a cursor over its partner's
 *    `events.seq`.
 * 2. claim: per partner, one statement takes due rows `FOR UPDATE SKIP LOCKED` and pushes their
 *    `next_attempt_at` past a lease, so another worker (another process on the same PostgreSQL) skips them
 *    while this one sends.
 *
 * Every statement that writes or locks names one partner: on a database distributed by partner (Citus) it
 * runs on the node holding that partner's rows, and the order a receiver sees is its partner's order.
 * 3. send outside any transaction: a signed POST with a timeout.
 * 4. record: a 2xx marks the delivery done; anything else counts an attempt and sets the next one after an
 *    exponential back-off, until `maxAttempts`. Only the claim that sent it may record (its token).
 *
 * Time is real time (`now`), not the test clock: delivery is infrastructure, not a business rule.
 */
export class WebhookDelivery {
  readonly #db: Db;
  readonly #o: typeof DEFAULTS;
  readonly #onError: (error: unknown) => void;
  readonly #now: () => Date;
  readonly #targets: WebhookTargets;
  #timer: NodeJS.Timeout | undefined;
  #started = false;
  #closed = false;
  #poked = false;
  /** The pass in progress; runs never overlap within one worker. */
  #running: Promise<DeliveryReport> | undefined;
  /** Aborts the sends in flight when the worker closes. */
  readonly #closing = new AbortController();

  constructor(db: Db, options: WebhookDeliveryOptions = {}) {
    this.#db = db;
    const { now, onError, targets, ...rest } = options;
    this.#o = { ...DEFAULTS, ...rest };
    this.#targets = targets ?? new WebhookTargets({ allowPrivate: false });
    this.#onError = onError ?? (() => {});
    this.#now = now ?? (() => new Date());
  }

  /** Starts the timer. The server calls this; tests and CLI commands call `runOnce` instead. */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    this.#schedule(0);
  }

  /** Asks for a pass as soon as possible (after an event was written, say) instead of at the next tick. */
  poke(): void {
    if (!this.#started || this.#closed) return;
    if (this.#running) this.#poked = true;
    else this.#schedule(0);
  }

  /** One pass: fan out new events, then claim, send and record one batch of due deliveries. */
  runOnce(): Promise<DeliveryReport> {
    if (this.#closed)
      return Promise.resolve({ fannedOut: 0, attempted: 0, delivered: 0, retrying: 0, failed: 0 });
    const previous = this.#running ?? Promise.resolve(undefined);
    const run: Promise<DeliveryReport> = previous
      .catch(() => undefined)
      .then(() => this.#pass())
      .finally(() => {
        if (this.#running === run) this.#running = undefined;
      });
    this.#running = run;
    return run;
  }

  /** Stops the timer, cuts the sends in flight short (their claims are handed back) and waits for the pass. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#closing.abort();
    await this.#running?.catch(() => undefined);
  }

  #schedule(ms: number) {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#tick(), ms);
    // The worker alone does not keep a process alive; the HTTP server does.
    this.#timer.unref();
  }

  async #tick() {
    this.#timer = undefined;
    let again = false;
    try {
      const report = await this.runOnce();
      again = report.attempted >= this.#o.batchSize;
    } catch (e) {
      this.#onError(e);
    }
    if (this.#closed) return;
    again ||= this.#poked;
    this.#poked = false;
    this.#schedule(again ? 0 : this.#o.intervalMs);
  }

  async #pass(): Promise<DeliveryReport> {
    const fannedOut = await this.#fanOut();
    if (this.#closed) return { fannedOut, attempted: 0, delivered: 0, retrying: 0, failed: 0 };
    const claimed = await this.#claim();
    const report: DeliveryReport = { fannedOut, attempted: 0, delivered: 0, retrying: 0, failed: 0 };
    await Promise.all(
      claimed.map(async (c) => {
        const outcome = await this.#send(c);
        const result = await this.#record(c, outcome);
        if (result === 'released') return;
        report.attempted += 1;
        report[result] += 1;
      }),
    );
    return report;
  }

  /**
   * Step 1: new events become deliveries for the endpoints that want them; returns the rows created. One
   * read finds the partners with something to do; then each partner is fanned out by statements that name
   * it, so that on a database distributed by partner each runs on the node holding that partner's rows.
   */
  async #fanOut(): Promise<number> {
    const { rows } = await sql<{ partner_id: string }>`
      SELECT DISTINCT w.partner_id FROM webhook_endpoints w
      WHERE w.fanned_out_seq < w.horizon_seq
        OR EXISTS (SELECT 1 FROM events e WHERE e.partner_id = w.partner_id AND e.seq > w.horizon_seq)`.execute(
      this.#db,
    );
    let fannedOut = 0;
    for (const { partner_id } of rows) {
      if (this.#closed) break;
      fannedOut += await this.#fanOutPartner(partner_id);
    }
    return fannedOut;
  }

  /**
   * One partner's new events. Their order is the partner's own: `events.seq` is compared only between events
   * of one partner, which live together on one node, never across partners.
   */
  async #fanOutPartner(partnerId: string): Promise<number> {
    const scanStart = this.#now();
    const inserted = await sql`
      INSERT INTO webhook_deliveries (partner_id, endpoint_id, event_id, event_seq, event_type, next_attempt_at, created_at)
      SELECT w.partner_id, w.id, e.id, e.seq, e.type, ${scanStart}, ${scanStart}
      FROM webhook_endpoints w
      JOIN events e ON e.partner_id = w.partner_id AND e.seq > w.fanned_out_seq
      WHERE w.partner_id = ${partnerId} AND e.partner_id = ${partnerId}
        AND (w.webhook_events @> '["*"]'::jsonb OR w.webhook_events @> jsonb_build_array(e.type))
      ON CONFLICT DO NOTHING`.execute(this.#db);
    // The cursor: a seq seen as the partner's latest at least `settleMs` before the scan above started is
    // settled, since any transaction that held an older seq then has committed (or rolled back) since, and the
    // scan saw it. Only endpoints with something new are written, so an idle partner writes nothing.
    // `horizon_seen_at` is read just before the statement's snapshot: a few ms early, which the window absorbs.
    const settledBefore = new Date(scanStart.getTime() - this.#o.settleMs);
    const latest = sql<string>`(SELECT coalesce(max(e.seq), 0) FROM events e WHERE e.partner_id = ${partnerId})`;
    await sql`
      UPDATE webhook_endpoints w
      SET fanned_out_seq = w.horizon_seq, horizon_seq = ${latest}, horizon_seen_at = ${this.#now()}
      WHERE w.partner_id = ${partnerId} AND w.horizon_seen_at <= ${settledBefore}
        AND (w.fanned_out_seq < w.horizon_seq OR w.horizon_seq < ${latest})`.execute(this.#db);
    return Number(inserted.numAffectedRows ?? 0);
  }

  /**
   * Step 2: the partners with due deliveries, the most overdue first, then for each partner one statement
   * (one short transaction) that locks due rows no other worker holds and moves them out of reach for the
   * lease, until the batch is full. Locking rows of one partner per statement lets a database distributed by
   * partner run each claim on one node. On PGlite (one session) each simply runs between other queries.
   */
  async #claim(): Promise<Claimed[]> {
    const now = this.#now();
    const { rows: partners } = await sql<{ partner_id: string }>`
      SELECT partner_id FROM webhook_deliveries
      WHERE next_attempt_at <= ${now}
      GROUP BY partner_id
      ORDER BY min(next_attempt_at), partner_id
      LIMIT ${this.#o.batchSize}`.execute(this.#db);
    const claimed: Claimed[] = [];
    for (const { partner_id } of partners) {
      const room = this.#o.batchSize - claimed.length;
      if (room <= 0 || this.#closed) break;
      claimed.push(...(await this.#claimPartner(partner_id, room, now)));
    }
    return claimed;
  }

  async #claimPartner(partnerId: string, limit: number, now: Date): Promise<Claimed[]> {
    const leaseUntil = new Date(now.getTime() + this.#o.leaseMs);
    const { rows } = await sql<Claimed>`
      WITH due AS MATERIALIZED (
        SELECT partner_id, endpoint_id, event_id FROM webhook_deliveries
        WHERE partner_id = ${partnerId} AND next_attempt_at <= ${now}
        ORDER BY next_attempt_at, event_seq
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE webhook_deliveries d
      SET next_attempt_at = ${leaseUntil}, claim_token = ${randomUUID()}
      FROM due, webhook_endpoints w, events e
        LEFT JOIN audit_records a ON a.partner_id = ${partnerId} AND a.id = e.audit_id
      WHERE d.partner_id = ${partnerId} AND w.partner_id = ${partnerId} AND e.partner_id = ${partnerId}
        AND d.endpoint_id = due.endpoint_id AND d.event_id = due.event_id
        AND w.id = d.endpoint_id AND e.id = d.event_id
      RETURNING d.partner_id, d.endpoint_id, d.event_id, d.attempts, d.claim_token,
        w.webhook_url, w.secret, e.type, e.resource_type, e.resource_id, e.customer_id,
        coalesce(e.payload, a.new_value) AS payload, e.occurred_at`.execute(this.#db);
    return rows;
  }

  /**
   * Step 3: the signed POST. Never throws: every way it can end is an outcome. R-SEC-2: the target is checked
   * again (DNS may have changed since registration) and the connection goes to the address checked, not to a
   * second resolution of the name; no redirect is followed; the answer's body is not read.
   */
  async #send(c: Claimed): Promise<Outcome> {
    const body = callbackBody(c);
    let url: URL;
    let target: ResolvedAddress;
    try {
      url = new URL(c.webhook_url);
      target = await this.#targets.check(url);
    } catch (e) {
      const reason = e instanceof TargetRefused ? REFUSED[e.reason] : REFUSED.unresolvable;
      return { kind: 'failed', status: null, error: reason };
    }
    const signal = AbortSignal.any([AbortSignal.timeout(this.#o.timeoutMs), this.#closing.signal]);
    try {
      const status = await post(url, target, body, signal, {
        'Content-Type': 'application/json',
        'User-Agent': 'Seatwise-Webhooks/1',
        'X-Seatwise-Signature': webhookSignature(c.secret, body),
        'X-Seatwise-Event-Id': c.event_id,
        'X-Seatwise-Event-Type': c.type,
      });
      if (status >= 200 && status < 300) return { kind: 'delivered', status };
      // A redirect is not a delivery: the registered URL must answer itself.
      const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
      return { kind: 'failed', status, error: `HTTP ${status}${redirect}` };
    } catch (e) {
      if (this.#closing.signal.aborted) return { kind: 'released' };
      if (signal.aborted)
        return { kind: 'failed', status: null, error: `no answer within ${this.#o.timeoutMs} ms` };
      return { kind: 'failed', status: null, error: networkError(e) };
    }
  }

  /** Step 4: the outcome, written only if this claim still holds the row (its lease did not pass to another). */
  async #record(c: Claimed, outcome: Outcome): Promise<'delivered' | 'retrying' | 'failed' | 'released'> {
    const now = this.#now();
    const update = (values: Updateable<Tables['webhook_deliveries']>) =>
      this.#db
        .updateTable('webhook_deliveries')
        .set({ ...values, claim_token: null })
        .where('partner_id', '=', c.partner_id)
        .where('endpoint_id', '=', c.endpoint_id)
        .where('event_id', '=', c.event_id)
        .where('claim_token', '=', c.claim_token)
        .execute();
    if (outcome.kind === 'released') {
      await update({ next_attempt_at: now });
      return 'released';
    }
    const attempts = c.attempts + 1;
    const attempt = { attempts, last_attempt_at: now, last_status_code: outcome.status };
    if (outcome.kind === 'delivered') {
      await update({ ...attempt, last_error: null, delivered_at: now, next_attempt_at: null });
      return 'delivered';
    }
    const giveUp = attempts >= this.#o.maxAttempts;
    const retryAt = new Date(
      now.getTime() + backoffMs(attempts, this.#o.baseBackoffMs, this.#o.maxBackoffMs),
    );
    await update({
      ...attempt,
      last_error: outcome.error,
      next_attempt_at: giveUp ? null : retryAt,
      failed_at: giveUp ? now : null,
    });
    return giveUp ? 'failed' : 'retrying';
  }
}

/** How a refused target reads in the delivery log. */
const REFUSED: Record<TargetRefusal, string> = {
  httpsOnly: 'refused: the URL is not https (R-SEC-2)',
  unresolvable: 'refused: the host name does not resolve (R-SEC-2)',
  nonPublicTarget: 'refused: the host resolves to an address that is not public (R-SEC-2)',
};

/**
 * A failed connection in a few words: whether it was refused, reset or failed TLS, not the system's message,
 * which would name addresses and ports of the receiver's network.
 */
function networkError(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (typeof code !== 'string') return 'request failed';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection reset';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /CERT|SELF_SIGNED|UNABLE_TO/.test(code))
    return 'TLS handshake failed';
  return 'request failed';
}

/**
 * POSTs `body` to `url` over a connection to `target` (the address checked), with the URL's host name in the
 * Host header and for TLS (SNI and the certificate check). Resolves with the status once the headers arrive;
 * the body is never read and the connection is closed.
 */
function post(
  url: URL,
  target: ResolvedAddress,
  body: string,
  signal: AbortSignal,
  headers: Record<string, string>,
): Promise<number> {
  // The connection asks this lookup for the name's address: it answers with the one already checked.
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https.request : http.request)(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': Buffer.byteLength(body) },
        lookup,
        signal,
        // One connection per delivery: a pooled socket could be one made to an address checked earlier.
        agent: false,
      },
      (res) => {
        resolve(res.statusCode ?? 0);
        res.destroy();
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
