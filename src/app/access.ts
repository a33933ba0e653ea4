import { sql } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import { requirePermission } from '../domain/access/permissions.ts';
import { throwIfUserManagementUnavailable } from '../domain/access/customer-users.ts';
import {
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
import type { CacheCoherence } from '../db/cache-coherence.ts';
import { signalChange, type SignalOptions } from '../db/change-signal.ts';
import { CoherentCache } from '../db/coherent-cache.ts';
import type { Db } from '../db/database.ts';
import type { SystemContext } from './audit.ts';
import type { RequestContext } from './context.ts';

/** The cache key of one tenant's access facts: every change to them signals it (`accessChanged`). */
export const accessKey = (partnerId: string, customerId: string): string =>
  `access:${partnerId}:${customerId}`;

/**
 * Says that these customers' access may have changed (subscription states, users, licences, offers): every
 * process drops what it holds for them before the change's request answers (SPEC §8, R-ACC). Call it inside
 * the transaction that makes the change.
 */
export async function accessChanged(
  db: Db,
  partnerId: string,
  customerIds: Iterable<string>,
  options?: SignalOptions,
): Promise<void> {
  await signalChange(
    db,
    [...new Set(customerIds)].map((c) => accessKey(partnerId, c)),
    options,
  );
}

/** Everything a tenant's decisions depend on, as loaded in one statement. */
export interface TenantAccess {
  customerId: string;
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
 * Loads a tenant's subscriptions, users and licences in one round trip (partner_id in every part: R-ROLE-ISO).
 * `only` restricts the users to those asked about, for a process that answers from the database.
 */
export async function loadTenantAccess(
  db: Db,
  partnerId: string,
  customerId: string,
  only?: { ids: string[]; principalNames: string[] },
): Promise<TenantAccess | undefined> {
  if (!isGuid(customerId)) return undefined;
  const ids = only?.ids.filter(isGuid) ?? [];
  const names = only?.principalNames ?? [];
  const userFilter = only
    ? sql`AND (u.id = ANY(${ids}::uuid[]) OR u.user_principal_name = ANY(${names}::text[]))`
    : sql``;
  const licenseFilter = only
    ? sql`AND a.user_id IN (SELECT u.id FROM customer_users u
        WHERE u.partner_id = ${partnerId} AND u.customer_id = ${customerId} ${userFilter})`
    : sql``;
  const result = await sql<{
    found: boolean;
    subs: SubTuple[];
    users: UserTuple[];
    licenses: LicenseTuple[];
  }>`
    SELECT
      EXISTS (SELECT 1 FROM customers c WHERE c.partner_id = ${partnerId} AND c.id = ${customerId}) AS found,
      (SELECT coalesce(json_agg(json_build_array(s.id, s.offer_id, s.status, s.is_trial, s.auto_renew_enabled,
                p.auto_renew_enabled, s.commitment_end_date, s.status_changed_at, s.data_retention_end_date,
                s.data_purged_at, o.definition -> 'servicePlans', s.suspension_reasons) ORDER BY s.created_at, s.id), '[]')
         FROM subscriptions s
         LEFT JOIN subscriptions p ON p.partner_id = s.partner_id AND p.id = s.parent_subscription_id
         LEFT JOIN offers o ON o.id = s.offer_id
        WHERE s.partner_id = ${partnerId} AND s.customer_id = ${customerId}) AS subs,
      (SELECT coalesce(json_agg(json_build_array(u.id, u.user_principal_name, u.role)), '[]')
         FROM customer_users u
        WHERE u.partner_id = ${partnerId} AND u.customer_id = ${customerId} ${userFilter}) AS users,
      (SELECT coalesce(json_agg(json_build_array(a.user_id, a.subscription_id, a.excluded_plans)), '[]')
         FROM license_assignments a
        WHERE a.partner_id = ${partnerId} AND a.customer_id = ${customerId} ${licenseFilter}) AS licenses`.execute(
    db,
  );
  const row = result.rows[0];
  if (!row?.found) return undefined;
  const subscriptions = new Map<string, SubscriptionAccessFacts>();
  for (const s of row.subs) {
    subscriptions.set(s[0], {
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
    });
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
  return { customerId, subscriptions, users, byPrincipalName };
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
 * Answers access decisions (R-ACC) from a per-tenant cache kept coherent across processes (SPEC §8), or from
 * the database whenever this process may not trust its memory.
 */
export class AccessDecisions {
  readonly #cache: CoherentCache<TenantAccess>;
  readonly #fromMemory: Counter.Internal;
  readonly #fromDatabase: Counter.Internal;

  constructor(
    private readonly deps: {
      db: Db;
      coherence: CacheCoherence;
      clock: Clock;
      cloud: Cloud;
      metrics: Registry;
    },
    maxTenants = 1000,
  ) {
    this.#cache = new CoherentCache(deps.coherence, 'access', maxTenants);
    const counter = new Counter({
      name: 'seatwise_access_decisions_total',
      help: 'Access decisions answered, by where the tenant facts came from (memory or database)',
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

  async #tenant(partnerId: string, tenantId: string, questions: readonly AccessQuestion[]) {
    const id = tenantId.toLowerCase();
    if (this.deps.coherence.cacheUsable()) {
      const got = await this.#cache.get(`${partnerId}:${id}`, () =>
        loadTenantAccess(this.deps.db, partnerId, id),
      );
      (got.cached ? this.#fromMemory : this.#fromDatabase).inc(questions.length);
      return got.value;
    }
    this.#fromDatabase.inc(questions.length);
    return loadTenantAccess(this.deps.db, partnerId, id, {
      ids: questions.flatMap((q) => (q.userId ? [q.userId.toLowerCase()] : [])),
      principalNames: questions.flatMap((q) =>
        q.userPrincipalName ? [q.userPrincipalName.toLowerCase()] : [],
      ),
    });
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
      tenants.set(tenantId, await this.#tenant(partnerId, tenantId, qs));
    }
    const now = this.deps.clock.now();
    const decidedAt = now.toISOString();
    return questions.map((q) => this.#view(q, tenants.get(q.tenantId), now, decidedAt));
  }

  /**
   * One decision; an unknown tenant is a 404 here (R-ROLE-ISO), not an answer. A tenant held in memory is
   * answered without waiting for anything (the hot path).
   */
  decideOne(ctx: RequestContext, question: AccessQuestion): AccessDecisionView | Promise<AccessDecisionView> {
    this.#authorize(ctx);
    const tenant = this.#cache.peek(`${ctx.actor.partnerId}:${question.tenantId.toLowerCase()}`);
    if (tenant) {
      this.#fromMemory.inc();
      const now = this.deps.clock.now();
      return this.#view(question, tenant, now, now.toISOString());
    }
    return this.decide(ctx, [question]).then(([decision]) => {
      if (!decision || decision.signIn.reason === 'unknownTenant') {
        throw new DomainError('not_found', 404, 'access.tenantNotFound', { tenantId: question.tenantId }, [
          { field: 'tenantId', rule: 'R-ROLE-ISO' },
        ]);
      }
      return decision;
    });
  }
}
