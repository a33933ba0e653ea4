import { sql } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import { requirePermission } from '../domain/access/permissions.ts';
import { throwIfUserManagementUnavailable } from '../domain/access/customer-users.ts';
import {
  accessPhases,
  decideAccess,
  unknownUserDecision,
  type AccessAnswer,
  type AccessDecision,
  type CustomerUserRole,
  type SubscriptionAccessFacts,
  type UserAccessFacts,
} from '../domain/access/decisions.ts';
import type { Clock } from '../domain/clock.ts';
import type { Cloud } from '../domain/cloud.ts';
import { DomainError } from '../domain/errors.ts';
import { isGuid } from '../domain/ids.ts';
import type { SubscriptionStatus } from '../domain/subscription/subscription-rules.ts';
import type { Db } from '../db/database.ts';
import type { SystemContext } from './audit.ts';
import type { RequestContext } from './context.ts';

/**
 * Says that these customers' access decisions may have changed (subscription states, users, licences): bumps
 * each one's access version stamp with an ordinary upsert. Call it inside the transaction that makes the
 * change, so that the stamp moves exactly when the change commits, and not if it rolls back (R-ACC, SPEC §8).
 * The writer waits for nobody: a process holding the tenant in memory sees the stamp move at its next decision.
 */
export async function accessChanged(db: Db, partnerId: string, customerIds: Iterable<string>): Promise<void> {
  await accessStamp(db, partnerId, customerIds)?.execute();
}

/** The statement `accessChanged` sends (for `sendTogether`); undefined for no customer. */
export function accessStamp(db: Db, partnerId: string, customerIds: Iterable<string>) {
  // Sorted, so that two writers bumping several tenants lock their rows in the same order.
  const ids = [...new Set(customerIds)].sort();
  if (ids.length === 0) return undefined;
  return db
    .insertInto('access_versions')
    .values(ids.map((customer_id) => ({ partner_id: partnerId, customer_id, version: 1 })))
    .onConflict((oc) =>
      oc.columns(['partner_id', 'customer_id']).doUpdateSet({ version: sql`access_versions.version + 1` }),
    );
}

/**
 * Says that every tenant's decisions may have changed (a catalog import: an offer's service plans decide what
 * its licences grant). The instance's offers version is part of every tenant's stamp.
 */
export async function allAccessChanged(db: Db): Promise<void> {
  await db
    .updateTable('instance_settings')
    .set({ offers_version: sql`offers_version + 1` })
    .where('id', '=', 1)
    .execute();
}

/** A tenant's stamp as SQL: its own version and the instance's offers version (`accessChanged`, `allAccessChanged`). */
const stampOf = (partnerId: unknown, customerId: unknown) => sql<string>`
  coalesce((SELECT v.version FROM access_versions v WHERE v.partner_id = ${partnerId} AND v.customer_id = ${customerId}), 0)::text
  || '.' || (SELECT s.offers_version FROM instance_settings s WHERE s.id = 1)::text`;

/**
 * The current stamps of these tenants, in order, in one statement (one read per batch of decisions). The
 * versions are read by the tenants' keys given as values, with no subquery correlated to a list of them: a
 * database distributed by partner (Citus, docs/scale-out.md) plans it, where it refuses a correlated
 * subquery over `unnest`. A tenant with no row yet has version 0.
 */
export async function readAccessStamps(
  db: Db,
  tenants: readonly { partnerId: string; customerId: string }[],
): Promise<string[]> {
  if (tenants.length === 0) return [];
  const partners = [...new Set(tenants.map((t) => t.partnerId))];
  const customers = [...new Set(tenants.map((t) => t.customerId))];
  const result = await sql<{ partner_id: string | null; customer_id: string | null; version: string }>`
    SELECT NULL::uuid AS partner_id, NULL::uuid AS customer_id, s.offers_version::text AS version
      FROM instance_settings s WHERE s.id = 1
    UNION ALL
    SELECT v.partner_id, v.customer_id, v.version::text
      FROM access_versions v
     WHERE v.partner_id = ANY(${partners}::uuid[]) AND v.customer_id = ANY(${customers}::uuid[])`.execute(db);
  let offers = '0';
  const versions = new Map<string, string>();
  for (const r of result.rows) {
    if (r.partner_id === null) offers = r.version;
    else versions.set(`${r.partner_id}/${r.customer_id}`, r.version);
  }
  return tenants.map((t) => `${versions.get(`${t.partnerId}/${t.customerId}`) ?? '0'}.${offers}`);
}

/** Everything a tenant's decisions depend on, as loaded in one statement. */
export interface TenantAccess {
  customerId: string;
  /** The tenant's access stamp these facts were read with. */
  stamp: string;
  subscriptions: Map<string, SubscriptionAccessFacts>;
  users: Map<string, UserAccessFacts>;
  byPrincipalName: Map<string, string>;
}

type Stamp = string | null;
type SubTuple = [
  string,
  string,
  SubscriptionStatus,
  boolean,
  boolean,
  boolean | null,
  string,
  string,
  Stamp,
  Stamp,
  string[] | null,
  string[],
];
type UserTuple = [string, string, CustomerUserRole];
type LicenseTuple = [string, string, string[]];

const date = (s: string) => new Date(s);
const NO_REASONS: readonly string[] = Object.freeze([]);
const maybeDate = (s: Stamp) => (s === null ? null : new Date(s));

/**
 * Loads a tenant's subscriptions, users and licences in one round trip (partner_id in every part: R-ROLE-ISO),
 * with the tenant's stamp read in the same statement: the facts are exactly those of that stamp.
 */
export async function loadTenantAccess(
  db: Db,
  partnerId: string,
  customerId: string,
): Promise<TenantAccess | undefined> {
  if (!isGuid(customerId)) return undefined;
  const result = await sql<{
    found: boolean;
    stamp: string;
    subs: SubTuple[];
    users: UserTuple[];
    licenses: LicenseTuple[];
  }>`
    SELECT
      EXISTS (SELECT 1 FROM customers c WHERE c.partner_id = ${partnerId} AND c.id = ${customerId}) AS found,
      ${stampOf(partnerId, customerId)} AS stamp,
      (SELECT coalesce(json_agg(json_build_array(s.id, s.offer_id, s.status, s.is_trial, s.auto_renew_enabled,
                p.auto_renew_enabled, s.commitment_end_date, s.status_changed_at, s.data_retention_end_date,
                s.data_purged_at, o.definition -> 'servicePlans', s.suspension_reasons) ORDER BY s.created_at, s.id), '[]')
         FROM subscriptions s
         LEFT JOIN subscriptions p ON p.partner_id = s.partner_id AND p.id = s.parent_subscription_id
         LEFT JOIN offers o ON o.id = s.offer_id
        WHERE s.partner_id = ${partnerId} AND s.customer_id = ${customerId}) AS subs,
      (SELECT coalesce(json_agg(json_build_array(u.id, u.user_principal_name, u.role)), '[]')
         FROM customer_users u
        WHERE u.partner_id = ${partnerId} AND u.customer_id = ${customerId}) AS users,
      (SELECT coalesce(json_agg(json_build_array(a.user_id, a.subscription_id, a.excluded_plans)), '[]')
         FROM license_assignments a
        WHERE a.partner_id = ${partnerId} AND a.customer_id = ${customerId}) AS licenses`.execute(db);
  const row = result.rows[0];
  if (!row?.found) return undefined;
  const subscriptions = new Map<string, SubscriptionAccessFacts>();
  for (const s of row.subs) {
    const facts: SubscriptionAccessFacts = {
      id: s[0],
      offerId: s[1],
      status: s[2],
      isTrial: s[3],
      autoRenewEnabled: s[4],
      parentAutoRenewEnabled: s[5],
      commitmentEndDate: date(s[6]),
      statusChangedAt: date(s[7]),
      dataRetentionEndDate: maybeDate(s[8]),
      dataPurgedAt: maybeDate(s[9]),
      servicePlans: s[10] ?? [],
      // R-SUS-1: kept for the decisions' answers (R-SUS-2); the many subscriptions without share one array.
      suspensionReasons: s[11].length === 0 ? NO_REASONS : s[11],
    };
    // Worked out once per load: a decision only finds where now stands among the phases.
    subscriptions.set(s[0], { ...facts, phases: accessPhases(facts) });
  }
  const users = new Map<string, UserAccessFacts & { licenses: UserAccessFacts['licenses'][number][] }>();
  const byPrincipalName = new Map<string, string>();
  for (const [id, userPrincipalName, role] of row.users) {
    users.set(id, { id, userPrincipalName, role, licenses: [] });
    byPrincipalName.set(userPrincipalName, id);
  }
  for (const [userId, subscriptionId, excludedPlans] of row.licenses) {
    users.get(userId)?.licenses.push({ subscriptionId, excludedPlans });
  }
  return { customerId, stamp: row.stamp, subscriptions, users, byPrincipalName };
}

/** One question: a tenant, a user (by id or principal name) and optionally a service plan. */
export interface AccessQuestion {
  tenantId: string;
  userId?: string;
  userPrincipalName?: string;
  servicePlan?: string;
}

export interface AccessAnswerView {
  allowed: boolean;
  subscriptionId: string | null;
  offerId: string | null;
  reason: AccessAnswer['reason'] | 'unknownTenant';
  rule: string;
  until: string | null;
  /**
   * Why the deciding subscription is suspended (R-SUS-1); empty unless `reason` is `suspended`. The cached
   * facts' own array (read-only in fact: only serialized), typed as the response schema's.
   */
  suspensionReasons: string[];
}

/** An access decision as the API returns it. */
export interface AccessDecisionView {
  tenantId: string;
  userId: string | null;
  userPrincipalName: string | null;
  role: CustomerUserRole | null;
  servicePlan: string | null;
  decidedAt: string;
  signIn: AccessAnswerView;
  service: AccessAnswerView;
  data: AccessAnswerView;
  attributes: { objectType: 'AccessDecision' };
}

const answerView = (a: AccessAnswer): AccessAnswerView => ({
  allowed: a.allowed,
  subscriptionId: a.subscriptionId,
  offerId: a.offerId,
  reason: a.reason,
  rule: a.rule,
  until: a.until === null ? null : a.until.toISOString(),
  suspensionReasons: a.suspensionReasons as string[],
});

const UNKNOWN_TENANT: AccessAnswerView = {
  allowed: false,
  subscriptionId: null,
  offerId: null,
  reason: 'unknownTenant',
  rule: 'R-ROLE-ISO',
  until: null,
  suspensionReasons: [],
};

/**
 * `decidedAt`: the last instant formatted, kept. `toISOString` costs 0.66 µs, and a busy server decides a dozen
 * times within the same millisecond.
 */
let lastInstant = { ms: Number.NaN, iso: '' };
function instant(at: Date): string {
  const ms = at.getTime();
  if (ms !== lastInstant.ms) lastInstant = { ms, iso: at.toISOString() };
  return lastInstant.iso;
}

/** One tenant's stamp read: the decisions waiting for it, answered when the batch's statement returns. */
type StampWaiter = { resolve: (stamp: string) => void; reject: (e: unknown) => void };

/**
 * Reads tenants' stamps for decisions, one statement per batch. A read goes out at the end of the event loop's
 * turn (setImmediate), carrying every question that came in during it; the questions that arrive while it is
 * under way wait for the next one, sent at the end of the turn in which its answer came. So every decision
 * compares against a stamp read after its request came in (R-ACC: a change whose request has returned is
 * seen), and one round trip serves all the requests of a turn (a read costs the server as much CPU as a
 * decision: docs/benchmarks.md).
 */
class StampBatches {
  #next = new Map<string, { partnerId: string; customerId: string; waiters: StampWaiter[] }>();
  /** A read is due at the end of this turn, or under way. */
  #busy = false;

  constructor(
    private readonly db: Db,
    private readonly reads: Counter,
  ) {}

  stamp(partnerId: string, customerId: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const key = `${partnerId}:${customerId}`;
      let entry = this.#next.get(key);
      if (!entry) this.#next.set(key, (entry = { partnerId, customerId, waiters: [] }));
      entry.waiters.push({ resolve, reject });
      if (!this.#busy) {
        this.#busy = true;
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#next.size > 0) {
        const batch = [...this.#next.values()];
        this.#next = new Map();
        this.reads.inc();
        try {
          const stamps = await readAccessStamps(this.db, batch);
          batch.forEach((entry, i) => {
            for (const w of entry.waiters) w.resolve(stamps[i] ?? '');
          });
        } catch (e) {
          for (const entry of batch) for (const w of entry.waiters) w.reject(e);
        }
        // The requests read in the turn that brought the answer join the next read.
        if (this.#next.size > 0) await new Promise((turnEnd) => setImmediate(turnEnd));
      }
    } finally {
      this.#busy = false;
    }
  }
}

/**
 * Answers access decisions (R-ACC) from a per-tenant cache. Every decision reads the tenant's stamp (one
 * statement per batch of concurrent decisions) and answers from memory only when the facts held were read with
 * that same stamp; otherwise it reloads them. Writers bump the stamp in their own transaction
 * (`accessChanged`), so a change committed before a decision's request arrived is always seen, in this
 * process or any other on the same database, and no writer waits for anyone (SPEC §8).
 */
export class AccessDecisions {
  readonly #held = new Map<string, TenantAccess>();
  /** Loads under way, by tenant: shared by the questions that read the same stamp. */
  readonly #loading = new Map<string, { stamp: string; promise: Promise<TenantAccess | undefined> }>();
  readonly #stamps: StampBatches;
  readonly #fromMemory: Counter.Internal;
  readonly #fromDatabase: Counter.Internal;

  constructor(
    private readonly deps: { db: Db; clock: Clock; cloud: Cloud; metrics: Registry },
    private readonly maxTenants = 1000,
  ) {
    const reads = new Counter({
      name: 'seatwise_access_stamp_reads_total',
      help: "Statements that read tenants' access stamps: one per batch of the decisions asked during a turn of the event loop",
      registers: [deps.metrics],
    });
    this.#stamps = new StampBatches(deps.db, reads);
    const counter = new Counter({
      name: 'seatwise_access_decisions_total',
      help: 'Access decisions answered, by where the tenant facts came from (memory, or the database because the stamp moved or the tenant was not held)',
      labelNames: ['source'],
      registers: [deps.metrics],
    });
    this.#fromMemory = counter.labels('memory');
    this.#fromDatabase = counter.labels('database');
  }

  #authorize(ctx: RequestContext | SystemContext): void {
    if ('actor' in ctx) requirePermission(ctx.actor.role, 'customers.view');
    throwIfUserManagementUnavailable(this.deps.cloud, 'read', 'actor' in ctx ? 'partner' : 'operator');
  }

  async #tenant(partnerId: string, tenantId: string, questions: number): Promise<TenantAccess | undefined> {
    const id = tenantId.toLowerCase();
    if (!isGuid(id)) return undefined;
    const key = `${partnerId}:${id}`;
    const stamp = await this.#stamps.stamp(partnerId, id);
    const held = this.#held.get(key);
    if (held?.stamp === stamp) {
      this.#fromMemory.inc(questions);
      return held;
    }
    this.#fromDatabase.inc(questions);
    let load = this.#loading.get(key);
    // A load started for the same stamp read the facts after that stamp was current: they are at least as new.
    if (load?.stamp !== stamp) {
      const promise = loadTenantAccess(this.deps.db, partnerId, id).then(
        (tenant) => {
          if (this.#loading.get(key) === load) this.#loading.delete(key);
          if (tenant) this.#remember(key, tenant);
          return tenant;
        },
        (e: unknown) => {
          if (this.#loading.get(key) === load) this.#loading.delete(key);
          throw e;
        },
      );
      load = { stamp, promise };
      this.#loading.set(key, load);
    }
    return load.promise;
  }

  #remember(key: string, tenant: TenantAccess): void {
    this.#held.delete(key);
    this.#held.set(key, tenant);
    // A Map keeps insertion order: the first key is the tenant loaded longest ago.
    if (this.#held.size > this.maxTenants) this.#held.delete(this.#held.keys().next().value as string);
  }

  /** One answer, from the tenant's facts as loaded (or not found). */
  #view(
    q: AccessQuestion,
    tenant: TenantAccess | undefined,
    now: Date,
    decidedAt: string,
  ): AccessDecisionView {
    if (!tenant) {
      return {
        tenantId: q.tenantId,
        userId: q.userId ?? null,
        userPrincipalName: q.userPrincipalName ?? null,
        role: null,
        servicePlan: q.servicePlan ?? null,
        decidedAt,
        signIn: UNKNOWN_TENANT,
        service: UNKNOWN_TENANT,
        data: UNKNOWN_TENANT,
        attributes: { objectType: 'AccessDecision' },
      };
    }
    const userId =
      q.userId?.toLowerCase() ?? tenant.byPrincipalName.get(q.userPrincipalName?.toLowerCase() ?? '');
    const user = userId === undefined ? undefined : tenant.users.get(userId);
    const decision: AccessDecision = user
      ? decideAccess(user, tenant.subscriptions, q.servicePlan, now)
      : unknownUserDecision();
    const signIn = answerView(decision.signIn);
    const service = answerView(decision.service);
    return {
      tenantId: q.tenantId,
      userId: user?.id ?? q.userId ?? null,
      userPrincipalName: user?.userPrincipalName ?? q.userPrincipalName ?? null,
      role: user?.role ?? null,
      servicePlan: q.servicePlan ?? null,
      decidedAt,
      signIn,
      service,
      data: decision.data === decision.service ? service : answerView(decision.data),
      attributes: { objectType: 'AccessDecision' },
    };
  }

  /**
   * Decides each question (R-ACC), in order. A tenant the partner does not have answers `unknownTenant`, a
   * user the tenant does not have `unknownUser`: a service asking about many users gets an answer for each.
   */
  decide(ctx: RequestContext, questions: readonly AccessQuestion[]): Promise<AccessDecisionView[]> {
    return this.decideFor(ctx.actor.partnerId, ctx, questions);
  }

  /** `decide` for a partner named by the caller: the operator's command line. */
  async decideFor(
    partnerId: string,
    ctx: RequestContext | SystemContext,
    questions: readonly AccessQuestion[],
  ): Promise<AccessDecisionView[]> {
    this.#authorize(ctx);
    const byTenant = new Map<string, AccessQuestion[]>();
    for (const q of questions) {
      const list = byTenant.get(q.tenantId);
      if (list) list.push(q);
      else byTenant.set(q.tenantId, [q]);
    }
    const tenants = new Map<string, TenantAccess | undefined>();
    for (const [tenantId, qs] of byTenant) {
      tenants.set(tenantId, await this.#tenant(partnerId, tenantId, qs.length));
    }
    const now = this.deps.clock.now();
    const decidedAt = instant(now);
    return questions.map((q) => this.#view(q, tenants.get(q.tenantId), now, decidedAt));
  }

  /** One decision; an unknown tenant is a 404 here (R-ROLE-ISO), not an answer. */
  async decideOne(ctx: RequestContext, question: AccessQuestion): Promise<AccessDecisionView> {
    this.#authorize(ctx);
    const tenant = await this.#tenant(ctx.actor.partnerId, question.tenantId, 1);
    if (!tenant) {
      throw new DomainError('not_found', 404, 'access.tenantNotFound', { tenantId: question.tenantId }, [
        { field: 'tenantId', rule: 'R-ROLE-ISO' },
      ]);
    }
    const now = this.deps.clock.now();
    return this.#view(question, tenant, now, instant(now));
  }
}
