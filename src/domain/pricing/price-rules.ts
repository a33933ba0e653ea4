import { divideRounded, toSafeNumber } from '../billing/money.ts';
import { CURRENCIES, type Currency, type Offer } from '../catalog/offer.ts';
import { DomainError } from '../errors.ts';

/**
 * What a customer pays for an offer (R-PRC-1, R-PRC-2). Pure: the caller loads the partner's rule versions,
 * the offers and the customer; this picks the rule in force and computes the price.
 *
 * Decisions (README, "Pricing and margin"):
 * - A rule targets the whole partner (its default), a product category, an offer, a customer, or a customer
 *   and an offer. The most specific rule that can price the offer wins: customer and offer, then customer,
 *   then offer, then category, then the partner default. Without any, the customer pays the ERP (R-PRC-1).
 * - A rule is `erp` (the suggested retail price), `markup` (cost + N %), `discount` (ERP − N %) or `fixed`
 *   (a price per currency). A markup needs a cost in the currency, a discount or `erp` an ERP; a rule that
 *   cannot price an offer in the customer's currency passes to the next less specific one.
 * - Percentages are kept in hundredths of a percent (basis points). Prices are per licence per month in minor
 *   units, rounded once, half up to the currency's minor unit: `cost × (10000 + bp) / 10000`.
 * - A rule never sells below cost unless it says `allowBelowCost` (a promotion, R-PRC-2): it is refused when
 *   written, and if a later price list raised the cost above it, the price is held at the cost.
 * - A rule is versioned: each version has an effective date, and the version in force at an instant is the
 *   latest one effective by then; a retiring version ends the rule. Old versions never change.
 */

export const RULE_SCOPES = ['partner', 'category', 'offer', 'customer', 'customerOffer'] as const;
export type RuleScope = (typeof RULE_SCOPES)[number];

export const RULE_KINDS = ['erp', 'markup', 'discount', 'fixed'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** Most specific first: the order in which rules are tried. */
const PRECEDENCE: readonly RuleScope[] = ['customerOffer', 'customer', 'offer', 'category', 'partner'];

/** What a rule applies to; only the fields its scope names are set. */
export interface RuleTarget {
  scope: RuleScope;
  category?: string;
  offerId?: string;
  customerId?: string;
}

/** One version of a rule, as stored. */
export interface RuleVersion extends RuleTarget {
  ruleId: string;
  version: number;
  kind: RuleKind;
  /** Hundredths of a percent: 1550 is 15.5 %. For `markup` and `discount`. */
  basisPoints: number;
  /** For `fixed`: per licence per month in minor units, per currency. */
  prices: Partial<Record<Currency, number>>;
  allowBelowCost: boolean;
  effectiveFrom: Date;
  /** A retiring version: from `effectiveFrom` on, the rule no longer applies. */
  retired: boolean;
}

/** Where a price came from: the rule and version that set it, or the ERP when no rule applies. */
export interface PriceSource {
  ruleId: string | null;
  version: number | null;
  scope: RuleScope | 'erp';
  kind: RuleKind;
  /** True when the rule gave less than the cost and did not allow it: the price is the cost. */
  heldAtCost: boolean;
}

export interface ResolvedPrice {
  /** Per licence per month, minor units. */
  unitPrice: number;
  /** What the partner pays per licence per month, or null when the price list gave none (R-PRC-1). */
  unitCost: number | null;
  source: PriceSource;
}

/** The category a rule by category names: Partner Center's category id, else the offer's product family. */
export function categoryOf(offer: Pick<Offer, 'productFamily'> & { category?: unknown }): string {
  const c = offer.category;
  if (c && typeof c === 'object' && 'id' in c && typeof c.id === 'string') return c.id;
  if (typeof c === 'string' && c) return c;
  return offer.productFamily;
}

/** The versions in force at `at`: per rule, the latest effective one, unless it retires the rule. */
export function rulesInForce(versions: readonly RuleVersion[], at: Date): RuleVersion[] {
  const latest = new Map<string, RuleVersion>();
  for (const v of versions) {
    if (v.effectiveFrom.getTime() > at.getTime()) continue;
    const seen = latest.get(v.ruleId);
    if (!seen || v.version > seen.version) latest.set(v.ruleId, v);
  }
  return [...latest.values()].filter((v) => !v.retired);
}

/** A percentage of an amount, rounded half up to the minor unit (amounts are never negative here). */
export const applyBasisPoints = (amount: number, basisPoints: number): number =>
  toSafeNumber(divideRounded(BigInt(amount) * BigInt(10000 + basisPoints), 10000n));

/** What one rule asks for an offer in a currency, or undefined when it cannot price it. */
export function ruleAmount(
  rule: Pick<RuleVersion, 'kind' | 'basisPoints' | 'prices'>,
  erp: number | undefined,
  cost: number | undefined,
  currency: Currency,
): number | undefined {
  switch (rule.kind) {
    case 'erp':
      return erp;
    case 'markup':
      return cost === undefined ? undefined : Math.max(0, applyBasisPoints(cost, rule.basisPoints));
    case 'discount':
      return erp === undefined ? undefined : Math.max(0, applyBasisPoints(erp, -rule.basisPoints));
    case 'fixed':
      return rule.prices[currency];
  }
}

const matches = (rule: RuleTarget, offer: Offer, customerId: string): boolean => {
  switch (rule.scope) {
    case 'partner':
      return true;
    case 'category':
      return rule.category === categoryOf(offer);
    case 'offer':
      return rule.offerId === offer.id;
    case 'customer':
      return rule.customerId === customerId;
    case 'customerOffer':
      return rule.customerId === customerId && rule.offerId === offer.id;
  }
};

/**
 * R-PRC-2: the price `customerId` pays for `offer` in `currency` under `rules` (the versions in force), with
 * the rule that set it. A trial is free (R-BIL-5). Undefined when the offer has no ERP in the currency: it is
 * not for sale there (R-CAT-2), whatever the rules say.
 */
export function resolvePrice(
  rules: readonly RuleVersion[],
  offer: Offer,
  customerId: string,
  currency: Currency,
): ResolvedPrice | undefined {
  const erp = offer.prices[currency];
  const cost = offer.cost?.[currency];
  const unitCost = cost ?? null;
  if (offer.isTrial) {
    return {
      unitPrice: 0,
      unitCost: 0,
      source: { ruleId: null, version: null, scope: 'erp', kind: 'erp', heldAtCost: false },
    };
  }
  if (erp === undefined) return undefined;
  for (const scope of PRECEDENCE) {
    for (const rule of rules) {
      if (rule.scope !== scope || !matches(rule, offer, customerId)) continue;
      const amount = ruleAmount(rule, erp, cost, currency);
      if (amount === undefined) continue;
      const below = cost !== undefined && amount < cost && !rule.allowBelowCost;
      return {
        unitPrice: below ? cost : amount,
        unitCost,
        source: {
          ruleId: rule.ruleId,
          version: rule.version,
          scope: rule.scope,
          kind: rule.kind,
          heldAtCost: below,
        },
      };
    }
  }
  return {
    unitPrice: erp,
    unitCost,
    source: { ruleId: null, version: null, scope: 'erp', kind: 'erp', heldAtCost: false },
  };
}

/** A new rule version as the partner writes it, before it is checked. */
export interface RuleDraft extends RuleTarget {
  kind: RuleKind;
  basisPoints: number;
  prices: Partial<Record<Currency, number>>;
  allowBelowCost: boolean;
}

const invalid = (messageKey: string, field: string, params: Record<string, string | number> = {}) =>
  new DomainError('invalid_input', 2000, messageKey, { field, ...params }, [{ field, rule: 'R-PRC-2' }]);

/** The most a markup may add (1000 %) and the most a discount may take (100 %), in basis points. */
export const MAX_MARKUP_BP = 100_000;
export const MAX_DISCOUNT_BP = 10_000;

/**
 * Checks a draft's shape against its scope and kind (R-PRC-2): the target fields its scope needs and no
 * others, a percentage within bounds, fixed prices only where they make sense. Throws a 400 naming the field.
 */
export function checkDraft(d: RuleDraft): void {
  const needs: Record<RuleScope, (keyof RuleTarget)[]> = {
    partner: [],
    category: ['category'],
    offer: ['offerId'],
    customer: ['customerId'],
    customerOffer: ['customerId', 'offerId'],
  };
  for (const field of ['category', 'offerId', 'customerId'] as const) {
    const wanted = needs[d.scope].includes(field);
    const given = d[field] !== undefined && d[field] !== '';
    if (wanted && !given) throw invalid('pricing.targetMissing', field, { scope: d.scope });
    if (!wanted && given) throw invalid('pricing.targetNotForScope', field, { scope: d.scope });
  }
  if (d.kind === 'fixed') {
    if (d.scope === 'partner' || d.scope === 'customer' || d.scope === 'category')
      throw invalid('pricing.fixedNeedsOffer', 'kind', { scope: d.scope });
    const entries = Object.entries(d.prices);
    if (entries.length === 0) throw invalid('pricing.fixedNeedsPrices', 'prices');
    for (const [currency, amount] of entries) {
      if (!(CURRENCIES as readonly string[]).includes(currency))
        throw invalid('pricing.unknownCurrency', `prices.${currency}`, { value: currency });
      if (!Number.isSafeInteger(amount) || amount < 0)
        throw invalid('pricing.badPrice', `prices.${currency}`);
    }
  } else if (Object.keys(d.prices).length > 0) {
    throw invalid('pricing.pricesOnlyFixed', 'prices', { kind: d.kind });
  }
  if (!Number.isSafeInteger(d.basisPoints)) throw invalid('pricing.badPercent', 'percent');
  if (d.kind === 'markup' && (d.basisPoints <= -10_000 || d.basisPoints > MAX_MARKUP_BP))
    throw invalid('pricing.badPercent', 'percent');
  if (d.kind === 'discount' && (d.basisPoints < 0 || d.basisPoints > MAX_DISCOUNT_BP))
    throw invalid('pricing.badPercent', 'percent');
  if ((d.kind === 'erp' || d.kind === 'fixed') && d.basisPoints !== 0)
    throw invalid('pricing.percentNotForKind', 'percent', { kind: d.kind });
}

/** An offer the draft would sell below its cost, in a currency, with the price it would ask. */
export interface BelowCost {
  offerId: string;
  currency: Currency;
  price: number;
  cost: number;
}

/**
 * R-PRC-2: the first offer the draft applies to that it would sell below cost, in any currency the offer has
 * both a cost and an ERP in; undefined if none. The caller refuses the draft unless it allows it.
 */
export function findBelowCost(
  d: RuleDraft,
  offers: Iterable<Offer>,
  currencies: readonly Currency[],
): BelowCost | undefined {
  for (const offer of offers) {
    if (offer.isTrial) continue;
    const applies =
      d.scope === 'partner' ||
      d.scope === 'customer' ||
      (d.scope === 'category' && d.category === categoryOf(offer)) ||
      ((d.scope === 'offer' || d.scope === 'customerOffer') && d.offerId === offer.id);
    if (!applies) continue;
    for (const currency of currencies) {
      const erp = offer.prices[currency];
      const cost = offer.cost?.[currency];
      if (erp === undefined || cost === undefined) continue;
      const price = ruleAmount(d, erp, cost, currency);
      if (price !== undefined && price < cost) return { offerId: offer.id, currency, price, cost };
    }
  }
  return undefined;
}

/** The field a below-cost refusal names: what the partner would change to fix it. */
export const belowCostField = (d: RuleDraft, currency: Currency): string =>
  d.kind === 'fixed' ? `prices.${currency}` : d.kind === 'erp' ? 'kind' : 'percent';

/**
 * Fixed prices keyed by currency code in any case (`usd`, `USD`): the API reads request property names
 * case-insensitively and turns them to camelCase, which lowers an all-capitals key such as `USD`. Keys come
 * back as the catalog spells its currencies; a key that is no currency is refused naming `prices.<key>`.
 */
export function pricesByCurrency(raw: Readonly<Record<string, number>>): Partial<Record<Currency, number>> {
  const out: Partial<Record<Currency, number>> = {};
  for (const [key, amount] of Object.entries(raw)) {
    const code = key.trim().toUpperCase();
    const currency = CURRENCIES.find((c) => c === code);
    if (currency === undefined) throw invalid('pricing.unknownCurrency', `prices.${code}`, { value: code });
    if (out[currency] !== undefined)
      throw invalid('pricing.duplicateCurrency', `prices.${code}`, { value: code });
    out[currency] = amount;
  }
  return out;
}

/** Turns a percentage as the API takes it (at most two decimals) into basis points, or undefined. */
export function percentToBasisPoints(percent: number): number | undefined {
  if (!Number.isFinite(percent)) return undefined;
  const bp = Math.round(percent * 100);
  return Math.abs(bp - percent * 100) < 1e-6 ? bp : undefined;
}
