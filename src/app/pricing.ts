import { sql } from 'kysely';
import { requirePermission } from '../domain/access/permissions.ts';
import { currencyFor } from '../domain/catalog/currency.ts';
import { CURRENCIES, type Currency, type Offer, type Segment } from '../domain/catalog/offer.ts';
import { fitsCustomer } from '../domain/catalog/availability.ts';
import type { Cloud } from '../domain/cloud.ts';
import { DomainError } from '../domain/errors.ts';
import { isGuid, newId } from '../domain/ids.ts';
import {
  belowCostField,
  categoryOf,
  checkDraft,
  findBelowCost,
  resolvePrice,
  rulesInForce,
  type ResolvedPrice,
  type RuleDraft,
  type RuleKind,
  type RuleScope,
  type RuleVersion,
} from '../domain/pricing/price-rules.ts';
import { inTransaction, type Db } from '../db/database.ts';
import type { Row } from '../db/schema.ts';
import { PartnerScope } from '../db/scope.ts';
import { recordChange } from './audit.ts';
import { loadOffers } from './catalog.ts';
import type { RequestContext } from './context.ts';
import { getCustomerRow } from './customers.ts';

/**
 * The partner's price rules (R-PRC-2): stored as versions that never change, resolved by the pure rules of
 * `domain/pricing`. Reading rules and previews needs `billing.view`; writing them also `pricing.manage`.
 * Orders, trial conversions, the customer catalog and renewals ask `pricesFor` what a customer pays.
 */

const toVersion = (r: Row<'price_rules'>): RuleVersion => ({
  ruleId: r.rule_id,
  version: r.version,
  scope: r.scope as RuleScope,
  ...(r.category !== null ? { category: r.category } : {}),
  ...(r.offer_id !== null ? { offerId: r.offer_id } : {}),
  ...(r.customer_id !== null ? { customerId: r.customer_id } : {}),
  kind: r.kind as RuleKind,
  basisPoints: r.basis_points,
  prices: r.prices ?? {},
  allowBelowCost: r.allow_below_cost,
  effectiveFrom: new Date(r.effective_from),
  retired: r.retired,
});

/** Every version of the partner's rules, or of the rules that can touch one customer. */
export async function loadRuleVersions(scope: PartnerScope, customerId?: string): Promise<RuleVersion[]> {
  return (await ruleVersionsQuery(scope, customerId).execute()).map(toVersion);
}

/** The statement `loadRuleVersions` sends (for `sendTogether`). */
export function ruleVersionsQuery(scope: PartnerScope, customerId?: string) {
  const query = scope.selectFrom('price_rules').selectAll().orderBy('rule_id').orderBy('version');
  return customerId === undefined
    ? query
    : query.where((eb) => eb.or([eb('customer_id', 'is', null), eb('customer_id', '=', customerId)]));
}

/**
 * R-PRC-2: what `customerId` pays at `at` for each offer, in `currency`, with the rule that set it; offers
 * without an ERP in the currency are absent (not for sale there, R-CAT-2).
 */
export async function pricesFor(
  scope: PartnerScope,
  offers: Iterable<Offer>,
  customerId: string,
  currency: Currency,
  at: Date,
): Promise<Map<string, ResolvedPrice>> {
  // Ids are uuids: the database compares them without case, the rules as text.
  const id = customerId.toLowerCase();
  return pricesFrom(await ruleVersionsQuery(scope, id).execute(), offers, id, currency, at);
}

/** `pricesFor` from the rules already read (`ruleVersionsQuery` for the lower-cased `customerId`). */
export function pricesFrom(
  rows: readonly Row<'price_rules'>[],
  offers: Iterable<Offer>,
  customerId: string,
  currency: Currency,
  at: Date,
): Map<string, ResolvedPrice> {
  const id = customerId.toLowerCase();
  const rules = rulesInForce(rows.map(toVersion), at);
  const prices = new Map<string, ResolvedPrice>();
  for (const offer of offers) {
    const price = resolvePrice(rules, offer, id, currency);
    if (price) prices.set(offer.id, price);
  }
  return prices;
}

/**
 * The columns a subscription fixes at purchase or conversion (R-PRC-2, R-REN-1: the price holds for the
 * term): the price the rules give at `at`, and the cost beside it.
 */
export async function priceColumns(
  scope: PartnerScope,
  offer: Offer,
  customerId: string,
  currency: string,
  at: Date,
): Promise<{ unit_price: number; unit_cost: number | null }> {
  const price = (await pricesFor(scope, [offer], customerId, currency as Currency, at)).get(offer.id);
  return { unit_price: price?.unitPrice ?? 0, unit_cost: price?.unitCost ?? null };
}

/** What the sweeper's renewal step hands over: a renewing subscription and the terms it opens. */
interface Renewing {
  due: { partner_id: string; id: string; customer_id: string; offer_id: string; currency: string };
  renewals: readonly { start: Date }[];
  unitPrice: number;
}

/**
 * R-REN-1, R-PRC-2: the price at renewal. For each subscription of the batch that renews, sets the price the
 * partner's rules give on the day its current term begins (the last term opened), and writes the cost beside
 * it on the subscription; the renewal's ledger lines take both (`insertLedgerRows`). Until then the
 * subscription kept the price it was bought at. Called by the sweeper inside the batch's transaction.
 */
export async function priceRenewals(db: Db, batch: readonly Renewing[]): Promise<void> {
  const renewing = batch.filter((n) => n.renewals.length > 0);
  if (renewing.length === 0) return;
  const offers = await loadOffers(db, [...new Set(renewing.map((n) => n.due.offer_id))]);
  const costs: { partnerId: string; id: string; unitCost: number | null }[] = [];
  const versions = new Map<string, RuleVersion[]>();
  for (const n of renewing) {
    const offer = offers.get(n.due.offer_id);
    if (!offer) continue;
    const partner = n.due.partner_id;
    if (!versions.has(partner)) versions.set(partner, await loadRuleVersions(new PartnerScope(db, partner)));
    const at = (n.renewals.at(-1) as { start: Date }).start;
    const rules = rulesInForce(versions.get(partner) ?? [], at);
    const price = resolvePrice(rules, offer, n.due.customer_id, n.due.currency as Currency);
    if (!price) continue; // no longer priced in its currency: it renews at the price it had
    n.unitPrice = price.unitPrice;
    costs.push({ partnerId: partner, id: n.due.id, unitCost: price.unitCost });
  }
  if (costs.length === 0) return;
  await sql`
    UPDATE subscriptions AS s SET unit_cost = v.unit_cost
    FROM unnest(${costs.map((c) => c.partnerId)}::uuid[], ${costs.map((c) => c.id)}::uuid[],
      ${costs.map((c) => c.unitCost)}::int[]) AS v(partner_id, id, unit_cost)
    WHERE s.partner_id = v.partner_id AND s.id = v.id`.execute(db);
}

// ---------------------------------------------------------------------------------------------------------
// Rules: list, write, version, retire.

/** A rule as the API shows it: its target, the version in force now, and how many versions it has. */
export interface PriceRuleView {
  id: string;
  scope: RuleScope;
  category: string | null;
  offerId: string | null;
  customerId: string | null;
  version: number;
  kind: RuleKind;
  percent: number | null;
  prices: Partial<Record<Currency, number>>;
  allowBelowCost: boolean;
  effectiveFrom: string;
  retired: boolean;
  /** A later version already written, waiting for its effective date. */
  pending: { version: number; effectiveFrom: string; retired: boolean } | null;
  versions: number;
  createdBy: string;
  attributes: { objectType: 'PriceRule' };
}

export interface PriceRuleVersionView {
  ruleId: string;
  version: number;
  kind: RuleKind;
  percent: number | null;
  prices: Partial<Record<Currency, number>>;
  allowBelowCost: boolean;
  effectiveFrom: string;
  retired: boolean;
  createdAt: string;
  createdBy: string;
  attributes: { objectType: 'PriceRuleVersion' };
}

const percentOf = (kind: string, bp: number): number | null =>
  kind === 'markup' || kind === 'discount' ? bp / 100 : null;

function versionView(r: Row<'price_rules'>): PriceRuleVersionView {
  return {
    ruleId: r.rule_id,
    version: r.version,
    kind: r.kind as RuleKind,
    percent: percentOf(r.kind, r.basis_points),
    prices: r.prices ?? {},
    allowBelowCost: r.allow_below_cost,
    effectiveFrom: new Date(r.effective_from).toISOString(),
    retired: r.retired,
    createdAt: new Date(r.created_at).toISOString(),
    createdBy: r.created_by,
    attributes: { objectType: 'PriceRuleVersion' },
  };
}

/** A rule's view at `now` from all its versions (ordered by version); undefined if none is in force yet. */
function ruleView(rows: readonly Row<'price_rules'>[], now: Date): PriceRuleView {
  const first = rows[0] as Row<'price_rules'>;
  const effective = rows.filter((r) => new Date(r.effective_from).getTime() <= now.getTime());
  const current = effective.reduce<Row<'price_rules'> | undefined>(
    (a, r) => (!a || r.version > a.version ? r : a),
    undefined,
  );
  const shown = current ?? first;
  const later = rows.filter((r) => r.version > (current?.version ?? 0) && !effective.includes(r)).at(-1);
  return {
    id: first.rule_id,
    scope: first.scope as RuleScope,
    category: first.category,
    offerId: first.offer_id,
    customerId: first.customer_id,
    version: shown.version,
    kind: shown.kind as RuleKind,
    percent: percentOf(shown.kind, shown.basis_points),
    prices: shown.prices ?? {},
    allowBelowCost: shown.allow_below_cost,
    effectiveFrom: new Date(shown.effective_from).toISOString(),
    retired: current ? current.retired : false,
    pending: later
      ? {
          version: later.version,
          effectiveFrom: new Date(later.effective_from).toISOString(),
          retired: later.retired,
        }
      : null,
    versions: rows.length,
    createdBy: shown.created_by,
    attributes: { objectType: 'PriceRule' },
  };
}

const PRECEDENCE_RANK: Record<RuleScope, number> = {
  partner: 0,
  category: 1,
  offer: 2,
  customer: 3,
  customerOffer: 4,
};

/** The partner's rules (R-PRC-2), the default first, then from the least to the most specific. */
export async function listRules(
  scope: PartnerScope,
  ctx: RequestContext,
  now: Date,
  options: { includeRetired?: boolean } = {},
): Promise<PriceRuleView[]> {
  requirePermission(ctx.actor.role, 'billing.view');
  const rows = await scope
    .selectFrom('price_rules')
    .selectAll()
    .orderBy('created_at')
    .orderBy('rule_id')
    .orderBy('version')
    .execute();
  const byRule = new Map<string, Row<'price_rules'>[]>();
  for (const r of rows) byRule.set(r.rule_id, [...(byRule.get(r.rule_id) ?? []), r]);
  return [...byRule.values()]
    .map((versions) => ruleView(versions, now))
    .filter((v) => options.includeRetired || !v.retired)
    .sort((a, b) => PRECEDENCE_RANK[a.scope] - PRECEDENCE_RANK[b.scope]);
}

async function ruleRows(scope: PartnerScope, ruleId: string): Promise<Row<'price_rules'>[]> {
  if (!isGuid(ruleId)) throw ruleNotFound(ruleId);
  const rows = await scope
    .selectFrom('price_rules')
    .selectAll()
    .where('rule_id', '=', ruleId)
    .orderBy('version')
    .execute();
  if (rows.length === 0) throw ruleNotFound(ruleId);
  return rows;
}

const ruleNotFound = (id: string) =>
  new DomainError('not_found', 404, 'pricing.ruleNotFound', { id }, [{ field: 'ruleId' }]);

/** Every version of one rule, oldest first. */
export async function listRuleVersions(
  scope: PartnerScope,
  ctx: RequestContext,
  ruleId: string,
): Promise<PriceRuleVersionView[]> {
  requirePermission(ctx.actor.role, 'billing.view');
  return (await ruleRows(scope, ruleId)).map(versionView);
}

/** One rule as it is at `now`. */
export async function getRule(
  scope: PartnerScope,
  ctx: RequestContext,
  ruleId: string,
  now: Date,
): Promise<PriceRuleView> {
  requirePermission(ctx.actor.role, 'billing.view');
  return ruleView(await ruleRows(scope, ruleId), now);
}

/** A rule version as the API takes it (percent in percent, at most two decimals). */
export interface RuleInput {
  kind: RuleKind;
  basisPoints: number;
  prices: Partial<Record<Currency, number>>;
  allowBelowCost: boolean;
  effectiveFrom?: Date;
}

export interface NewRuleInput extends RuleInput {
  scope: RuleScope;
  category?: string;
  offerId?: string;
  customerId?: string;
}

const requireManage = (ctx: RequestContext) => {
  // Managing rules shows and changes money: both billing.view and pricing.manage.
  requirePermission(ctx.actor.role, 'billing.view');
  requirePermission(ctx.actor.role, 'pricing.manage');
};

/** Serializes the partner's rule writes: version numbers and the one-rule-per-target check stay exact. */
async function lockRules(trx: Db, partnerId: string): Promise<void> {
  await trx.selectFrom('partners').select('id').where('id', '=', partnerId).forNoKeyUpdate().execute();
}

function effectiveDate(input: RuleInput, now: Date): Date {
  const at = input.effectiveFrom ?? now;
  // A version may start now or later; one dated in the past would rewrite prices already quoted.
  if (at.getTime() < now.getTime() - 60_000) {
    throw new DomainError('invalid_input', 2000, 'pricing.effectiveInPast', { value: at.toISOString() }, [
      { field: 'effectiveFrom', rule: 'R-PRC-2' },
    ]);
  }
  return at.getTime() < now.getTime() ? now : at;
}

/**
 * Checks a draft against the catalog and the customer (R-PRC-2): the target exists, and the rule sells no
 * offer below cost unless it says `allowBelowCost`. Throws a 400 (404 for another partner's customer).
 */
async function checkAgainstCatalog(
  deps: { db: Db; cloud: Cloud },
  scope: PartnerScope,
  draft: RuleDraft,
): Promise<void> {
  checkDraft(draft);
  const offers = await loadOffers(deps.db);
  let currencies: readonly Currency[] = CURRENCIES;
  let sold = [...offers.values()];
  if (draft.customerId !== undefined) {
    const customer = await getCustomerRow(scope, draft.customerId);
    currencies = [currencyFor(customer.country, deps.cloud)];
    const fit = { segment: customer.segment as Segment, country: customer.country, cloud: deps.cloud };
    sold = sold.filter((o) => fitsCustomer(o, fit));
  }
  if (draft.offerId !== undefined && !offers.has(draft.offerId)) {
    throw new DomainError('invalid_input', 2000, 'pricing.unknownOffer', { value: draft.offerId }, [
      { field: 'offerId', rule: 'R-PRC-2' },
    ]);
  }
  if (draft.category !== undefined && ![...offers.values()].some((o) => categoryOf(o) === draft.category)) {
    throw new DomainError('invalid_input', 2000, 'pricing.unknownCategory', { value: draft.category }, [
      { field: 'category', rule: 'R-PRC-2' },
    ]);
  }
  if (draft.allowBelowCost) return;
  const below = findBelowCost(draft, sold, currencies);
  if (below) {
    const field = belowCostField(draft, below.currency);
    throw new DomainError(
      'invalid_input',
      2000,
      'pricing.belowCost',
      {
        field,
        offerId: below.offerId,
        currency: below.currency,
        price: below.price,
        cost: below.cost,
      },
      [
        {
          field,
          rule: 'R-PRC-2',
          offerId: below.offerId,
          currency: below.currency,
          price: below.price,
          cost: below.cost,
        },
      ],
    );
  }
}

/** The version after `last`: the same rule and target (R-PRC-2), with these terms from `effectiveFrom`. */
function nextVersionRow(
  ctx: RequestContext,
  last: Row<'price_rules'>,
  input: RuleInput & { retired?: boolean },
  effectiveFrom: Date,
  now: Date,
): Row<'price_rules'> {
  const target = {
    ruleId: last.rule_id,
    version: last.version + 1,
    scope: last.scope as RuleScope,
    category: last.category,
    offerId: last.offer_id,
    customerId: last.customer_id,
  };
  return versionRow(last.partner_id, ctx, target, input, effectiveFrom, now);
}

function versionRow(
  partnerId: string,
  ctx: RequestContext,
  target: {
    ruleId: string;
    version: number;
    scope: RuleScope;
    category?: string | null;
    offerId?: string | null;
    customerId?: string | null;
  },
  input: RuleInput & { retired?: boolean },
  effectiveFrom: Date,
  now: Date,
): Row<'price_rules'> {
  return {
    partner_id: partnerId,
    id: newId(),
    rule_id: target.ruleId,
    version: target.version,
    scope: target.scope,
    category: target.category ?? null,
    offer_id: target.offerId ?? null,
    customer_id: target.customerId ?? null,
    kind: input.kind,
    basis_points: input.basisPoints,
    prices: input.prices,
    allow_below_cost: input.allowBelowCost,
    retired: input.retired ?? false,
    effective_from: effectiveFrom,
    created_at: now,
    created_by: ctx.actor.userName,
  };
}

async function insertVersion(scope: PartnerScope, row: Row<'price_rules'>): Promise<void> {
  await scope
    .insertInto('price_rules', {
      id: row.id,
      rule_id: row.rule_id,
      version: row.version,
      scope: row.scope,
      category: row.category,
      offer_id: row.offer_id,
      customer_id: row.customer_id,
      kind: row.kind,
      basis_points: row.basis_points,
      prices: JSON.stringify(row.prices ?? {}),
      allow_below_cost: row.allow_below_cost,
      retired: row.retired,
      effective_from: row.effective_from,
      created_at: row.created_at,
      created_by: row.created_by,
    })
    .execute();
}

/** A version as the audit log keeps it: its rule's target and its own terms (R-AUD). */
const auditedVersion = (r: Row<'price_rules'>) => ({
  ruleId: r.rule_id,
  version: r.version,
  scope: r.scope,
  category: r.category,
  offerId: r.offer_id,
  customerId: r.customer_id,
  kind: r.kind,
  percent: percentOf(r.kind, r.basis_points),
  prices: r.prices ?? {},
  allowBelowCost: r.allow_below_cost,
  effectiveFrom: new Date(r.effective_from).toISOString(),
  retired: r.retired,
});

const RULE_OPERATIONS = {
  create: { operationType: 'create_price_rule', event: 'priceRule.created' },
  update: { operationType: 'update_price_rule', event: 'priceRule.updated' },
  retire: { operationType: 'retire_price_rule', event: 'priceRule.retired' },
} as const;

/**
 * Writes a rule version with its audit record and event, in the caller's transaction (R-AUD, R-EVT): a rule
 * change exists exactly when its record does. A customer's rule is recorded against that customer.
 */
async function writeVersion(
  scope: PartnerScope,
  ctx: RequestContext,
  operation: keyof typeof RULE_OPERATIONS,
  row: Row<'price_rules'>,
  previous: Row<'price_rules'> | undefined,
  now: Date,
): Promise<void> {
  await insertVersion(scope, row);
  const customer =
    row.customer_id === null
      ? undefined
      : await scope
          .selectFrom('customers')
          .select('company_name')
          .where('id', '=', row.customer_id)
          .executeTakeFirst();
  const after = auditedVersion(row);
  await recordChange(
    scope,
    ctx,
    {
      resourceType: 'price_rule',
      resourceId: row.rule_id,
      ...RULE_OPERATIONS[operation],
      ...(row.customer_id !== null ? { customerId: row.customer_id } : {}),
      ...(customer ? { customerName: customer.company_name } : {}),
      ...(previous ? { before: auditedVersion(previous) } : {}),
      after,
    },
    now,
  );
}

/**
 * Writes a rule (R-PRC-2). A target that has a rule already gets a new version of it: one rule per target,
 * and an old version is never edited. Refused with a 400 naming the field when it would sell below cost
 * without `allowBelowCost`.
 */
export async function createRule(
  deps: { db: Db; cloud: Cloud; now: Date },
  ctx: RequestContext,
  input: NewRuleInput,
): Promise<{ rule: PriceRuleView; created: boolean }> {
  requireManage(ctx);
  const { now } = deps;
  const effectiveFrom = effectiveDate(input, now);
  return inTransaction(deps.db, async (trx) => {
    const scope = new PartnerScope(trx, ctx.actor.partnerId);
    const draft: RuleDraft = {
      scope: input.scope,
      ...(input.category !== undefined ? { category: input.category } : {}),
      ...(input.offerId !== undefined ? { offerId: input.offerId } : {}),
      ...(input.customerId !== undefined ? { customerId: input.customerId.toLowerCase() } : {}),
      kind: input.kind,
      basisPoints: input.basisPoints,
      prices: input.prices,
      allowBelowCost: input.allowBelowCost,
    };
    await checkAgainstCatalog({ ...deps, db: trx }, scope, draft);
    await lockRules(trx, scope.partnerId);
    const existing = await scope
      .selectFrom('price_rules')
      .select(['rule_id', sql<number>`max(version)`.as('last')])
      .where('scope', '=', input.scope)
      .where(sql<boolean>`coalesce(category, '') = ${input.category ?? ''}`)
      .where(sql<boolean>`coalesce(offer_id, '') = ${input.offerId ?? ''}`)
      .where(sql<boolean>`coalesce(customer_id::text, '') = ${draft.customerId ?? ''}`)
      .groupBy('rule_id')
      .executeTakeFirst();
    const ruleId = existing?.rule_id ?? newId();
    const version = existing ? Number(existing.last) + 1 : 1;
    const previous = existing ? (await ruleRows(scope, ruleId)).at(-1) : undefined;
    await writeVersion(
      scope,
      ctx,
      existing ? 'update' : 'create',
      versionRow(scope.partnerId, ctx, { ruleId, version, ...draft }, input, effectiveFrom, now),
      previous,
      now,
    );
    return { rule: ruleView(await ruleRows(scope, ruleId), now), created: !existing };
  });
}

/** A new version of a rule (R-PRC-2): same target, new terms, effective from its date. */
export async function addRuleVersion(
  deps: { db: Db; cloud: Cloud; now: Date },
  ctx: RequestContext,
  ruleId: string,
  input: RuleInput,
): Promise<PriceRuleView> {
  requireManage(ctx);
  const { now } = deps;
  const effectiveFrom = effectiveDate(input, now);
  return inTransaction(deps.db, async (trx) => {
    const scope = new PartnerScope(trx, ctx.actor.partnerId);
    await lockRules(trx, scope.partnerId);
    const rows = await ruleRows(scope, ruleId);
    const first = rows[0] as Row<'price_rules'>;
    const draft: RuleDraft = {
      scope: first.scope as RuleScope,
      ...(first.category !== null ? { category: first.category } : {}),
      ...(first.offer_id !== null ? { offerId: first.offer_id } : {}),
      ...(first.customer_id !== null ? { customerId: first.customer_id } : {}),
      kind: input.kind,
      basisPoints: input.basisPoints,
      prices: input.prices,
      allowBelowCost: input.allowBelowCost,
    };
    await checkAgainstCatalog({ ...deps, db: trx }, scope, draft);
    const last = rows.at(-1) as Row<'price_rules'>;
    await writeVersion(scope, ctx, 'update', nextVersionRow(ctx, last, input, effectiveFrom, now), last, now);
    return ruleView(await ruleRows(scope, ruleId), now);
  });
}

/** Retires a rule from a date (now by default): a last version that says so; its history stays. */
export async function retireRule(
  deps: { db: Db; now: Date },
  ctx: RequestContext,
  ruleId: string,
  effectiveFromInput?: Date,
): Promise<PriceRuleView> {
  requireManage(ctx);
  const { now } = deps;
  return inTransaction(deps.db, async (trx) => {
    const scope = new PartnerScope(trx, ctx.actor.partnerId);
    await lockRules(trx, scope.partnerId);
    const rows = await ruleRows(scope, ruleId);
    const last = rows.at(-1) as Row<'price_rules'>;
    const input: RuleInput & { retired: boolean } = {
      kind: last.kind as RuleKind,
      basisPoints: last.basis_points,
      prices: last.prices ?? {},
      allowBelowCost: last.allow_below_cost,
      retired: true,
      ...(effectiveFromInput ? { effectiveFrom: effectiveFromInput } : {}),
    };
    const effectiveFrom = effectiveDate(input, now);
    await writeVersion(scope, ctx, 'retire', nextVersionRow(ctx, last, input, effectiveFrom, now), last, now);
    return ruleView(await ruleRows(scope, ruleId), now);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Preview.

export interface PricePreviewLine {
  offerId: string;
  offerName: string;
  category: string;
  /** Per licence per month, minor units. */
  erp: number;
  cost: number | null;
  price: number;
  margin: number | null;
  source: ResolvedPrice['source'];
}

export interface PricePreview {
  customerId: string;
  currency: Currency;
  asOf: string;
  items: PricePreviewLine[];
  attributes: { objectType: 'PricePreview' };
}

/**
 * What a customer would pay at `at` (now by default) for each offer it may buy, and which rule sets each
 * price (R-PRC-2); cost and margin beside it, since only billing roles read this.
 */
export async function previewPrices(
  deps: { db: Db; cloud: Cloud; now: Date },
  ctx: RequestContext,
  customerId: string,
  at?: Date,
): Promise<PricePreview> {
  requirePermission(ctx.actor.role, 'billing.view');
  const scope = new PartnerScope(deps.db, ctx.actor.partnerId);
  const customer = await getCustomerRow(scope, customerId);
  const currency = currencyFor(customer.country, deps.cloud);
  const fit = { segment: customer.segment as Segment, country: customer.country, cloud: deps.cloud };
  const offers = [...(await loadOffers(deps.db)).values()].filter(
    (o) => !o.isTrial && o.isAvailableForPurchase && fitsCustomer(o, fit),
  );
  const when = at ?? deps.now;
  const prices = await pricesFor(scope, offers, customerId, currency, when);
  const items: PricePreviewLine[] = [];
  for (const offer of offers) {
    const p = prices.get(offer.id);
    if (!p) continue;
    items.push({
      offerId: offer.id,
      offerName: offer.name,
      category: categoryOf(offer),
      erp: offer.prices[currency] as number,
      cost: p.unitCost,
      price: p.unitPrice,
      margin: p.unitCost === null ? null : p.unitPrice - p.unitCost,
      source: p.source,
    });
  }
  return {
    customerId,
    currency,
    asOf: when.toISOString(),
    items,
    attributes: { objectType: 'PricePreview' },
  };
}
