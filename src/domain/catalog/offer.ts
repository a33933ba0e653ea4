import { CLOUDS, type Cloud } from '../cloud.ts';

/**
 * A catalog entry (SPEC §2 Offer; reference §1.3). The catalog is data (R-CAT-3): the demo catalog is
 * `catalog/demo-catalog.json`, `{ "version": 1, "offers": Offer[] }`, and an operator may import another
 * file of the same shape. Shape is checked at the edge; `validateCatalog` checks the rules between fields
 * and between offers.
 */

/** Partner Center's billing cycles; `none` is the value of a trial's order (R-TRI-1). */
export const BILLING_CYCLES = ['monthly', 'annual', 'none'] as const;
export type BillingCycle = (typeof BILLING_CYCLES)[number];
/** The cycles a paid offer can support; a trial supports none of them (its `billingCycles` is `[]`). */
export const PAID_BILLING_CYCLES = ['monthly', 'annual'] as const;
export type PaidBillingCycle = (typeof PAID_BILLING_CYCLES)[number];

/** Customer segments (R-CUS-2). */
export const SEGMENTS = ['commercial', 'education', 'government', 'nonprofit'] as const;
export type Segment = (typeof SEGMENTS)[number];

/** How `limit` counts subscriptions (R-ORD-3). */
export const LIMIT_UNITS = ['None', 'Concurrent', 'LifeTime'] as const;
export type LimitUnit = (typeof LIMIT_UNITS)[number];

/** Currencies every paid offer is priced in, in integer minor units (cents). */
export const CURRENCIES = ['USD', 'EUR'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** `countries` value meaning "sold in every country". */
export const ALL_COUNTRIES = '*';

/** R-TRI-1: every trial has exactly this many licences. */
export const TRIAL_LICENSES = 25;

/** EU member states and EFTA countries: the customers of the `germany` instance (SPEC §6). */
export const EU_EFTA_COUNTRIES: readonly string[] = [
  ...['AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU'],
  ...['IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK'],
  ...['CH', 'IS', 'LI', 'NO'],
];

export interface Offer {
  /** Stable id, e.g. `CN-365-BB`; orders and subscriptions refer to it. */
  id: string;
  name: string;
  description: string;
  productFamily: string;
  /** Always `licenses` for now. */
  unit: string;
  /** Price per licence per month, in integer minor units per currency (`{ USD: 600, EUR: 560 }`). */
  prices: Partial<Record<Currency, number>>;
  /** Cycles a paid offer can be bought under; `[]` for a trial. */
  billingCycles: PaidBillingCycle[];
  segments: Segment[];
  /** ISO 3166 alpha-2 codes, or `['*']` for every country. */
  countries: string[];
  clouds: Cloud[];
  minimumQuantity: number;
  maximumQuantity: number;
  limitUnitOfMeasure: LimitUnit;
  /** Maximum number of subscriptions counted by `limitUnitOfMeasure`; 0 when `None`. */
  limit: number;
  isAddOn: boolean;
  /** For an add-on: the base offers it can be bought on (any one of them). */
  prerequisiteOffers: string[];
  isTrial: boolean;
  /** For a trial: the paid offers it converts to (R-TRI-3); may be empty. */
  conversionTargetOffers: string[];
  isAutoRenewable: boolean;
  /** What a licence grants (`mail`, `chat`, `office-apps`, `storage`, ...); access decisions read these. */
  servicePlans: string[];
  isAvailableForPurchase: boolean;
  /**
   * Why an imported offer is listed but never sold (R-CAT-2): Seatwise cannot sell what Partner Center
   * describes (usage-based, an unknown unit, no base in the catalog...). Such an offer is also
   * `isAvailableForPurchase: false`.
   */
  notSold?: NotSold;
  /**
   * The name and description in other languages, by locale (`fr-FR`, `de-DE`): what a language lacks reads
   * in the offer's own `name` and `description` (see `offerText`).
   */
  translations?: Record<string, OfferText>;
  /** What the partner pays per licence per month, in minor units per currency (R-PRC-1); kept apart from `prices`. */
  cost?: Partial<Record<Currency, number>>;
  /**
   * Some purchasable add-on of the catalog names it as a prerequisite (R-ADD-1): a fact of the whole catalog,
   * worked out at import and set on offers read from the database; never part of a catalog file.
   */
  takesAddOns?: boolean;

  // What a Partner Center offer carries besides (reference §1.3), kept as imported so the API can show it.
  /** Partner Center's category, e.g. `{ id: 'Enterprise_Key', name: 'Enterprise' }`. */
  category?: { id: string; name: string };
  product?: { id: string; name: string; unit: string };
  /** `Licenses`, `Add-On Licenses`, `Instances`, `Gigabytes`, `Usage-based`... */
  unitType?: string;
  /** `license` or `usage`. */
  billing?: string;
  learnMoreUri?: string;
  locale?: string;
  /** The market the offer was read from (`GET /v1/offers?country=`). */
  country?: string;
  rank?: number;
  acquisitionType?: string;
  term?: number;
  termUnitOfMeasure?: string;
  hasAddOns?: boolean;
  reselleeQualifications?: string[];
  resellerQualifications?: string[];
  upgradeTargetOffers?: string[];
  supportedCatalogTypes?: string[];
  salesGroupId?: string;
  isMicrosoftProduct?: boolean;
}

/** An offer's name and description in one language; either may be left to the catalog's own. */
export interface OfferText {
  name?: string;
  description?: string;
}

/** The offer's name and description in `locale`, each falling back to the catalog's own text. */
export function offerText(offer: Offer, locale: string): { name: string; description: string } {
  const t = offer.translations?.[locale];
  return { name: t?.name || offer.name, description: t?.description || offer.description };
}

/** Why an offer is listed but not sold; `value` is the thing Seatwise did not know (a unit type, a limit unit...). */
export const NOT_SOLD_REASONS = [
  'usageBased',
  'unknownUnitType',
  'unknownLimitUnit',
  'unknownQualification',
  'noBillingCycle',
  'noPrerequisiteInCatalog',
] as const;
export type NotSoldReason = (typeof NOT_SOLD_REASONS)[number];
export interface NotSold {
  reason: NotSoldReason;
  value?: string;
}

const COUNTRY_CODE = /^[A-Z]{2}$/;
const isNonNegativeInteger = (n: number): boolean => Number.isInteger(n) && n >= 0;

const duplicatesOf = (values: readonly string[]): string[] => {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return [...dup];
};

/**
 * Checks a catalog's rules (R-CAT-3 import, R-TRI-1, R-ORD-2, R-ORD-3, R-ADD-1, SPEC §6) and returns one
 * human-readable problem per broken rule, each naming the offer; `[]` means the catalog can be loaded.
 */
export function validateCatalog(offers: readonly Offer[]): string[] {
  const problems: string[] = [];
  const byId = new Map<string, Offer>();
  for (const o of offers) if (!byId.has(o.id)) byId.set(o.id, o);

  for (const id of duplicatesOf(offers.map((o) => o.id)))
    problems.push(`${id}: the id is used more than once`);

  for (const o of offers) {
    const p = (message: string): void => {
      problems.push(`${o.id || '(no id)'}: ${message}`);
    };

    if (o.id.trim() === '') p('the id is empty');
    if (o.name.trim() === '') p('the name is empty');
    if (o.unit.trim() === '') p('the unit is empty');

    // Quantity bounds (R-ORD-2).
    if (!Number.isInteger(o.minimumQuantity) || o.minimumQuantity < 1)
      p(`minimumQuantity ${o.minimumQuantity} is not a positive integer (R-ORD-2)`);
    if (!Number.isInteger(o.maximumQuantity) || o.maximumQuantity < 1)
      p(`maximumQuantity ${o.maximumQuantity} is not a positive integer (R-ORD-2)`);
    if (o.minimumQuantity > o.maximumQuantity)
      p(
        `minimumQuantity ${o.minimumQuantity} is greater than maximumQuantity ${o.maximumQuantity} (R-ORD-2)`,
      );

    // Limits (R-ORD-3).
    if (!(LIMIT_UNITS as readonly string[]).includes(o.limitUnitOfMeasure))
      p(`limitUnitOfMeasure "${o.limitUnitOfMeasure}" is not one of ${LIMIT_UNITS.join(', ')} (R-ORD-3)`);
    else if (o.limitUnitOfMeasure === 'None' && o.limit !== 0)
      p(`limit must be 0 when limitUnitOfMeasure is None, not ${o.limit} (R-ORD-3)`);
    else if (o.limitUnitOfMeasure !== 'None' && (!Number.isInteger(o.limit) || o.limit < 1))
      p(`limit must be a positive integer when limitUnitOfMeasure is ${o.limitUnitOfMeasure} (R-ORD-3)`);

    // Where it is sold (R-CAT-1, SPEC §6).
    if (o.segments.length === 0) p('no segment');
    for (const s of o.segments)
      if (!(SEGMENTS as readonly string[]).includes(s)) p(`unknown segment "${s}" (R-CUS-2)`);
    for (const s of duplicatesOf(o.segments)) p(`segment "${s}" is listed more than once`);
    if (o.clouds.length === 0) p('no cloud instance');
    for (const c of o.clouds)
      if (!(CLOUDS as readonly string[]).includes(c)) p(`unknown cloud instance "${c}"`);
    if (o.countries.length === 0) p('no country');
    if (o.countries.includes(ALL_COUNTRIES) && o.countries.length > 1)
      p(`"${ALL_COUNTRIES}" must be the only entry of countries`);
    for (const c of o.countries)
      if (c !== ALL_COUNTRIES && !COUNTRY_CODE.test(c)) p(`"${c}" is not an ISO 3166 alpha-2 country code`);
    for (const c of duplicatesOf(o.countries)) p(`country "${c}" is listed more than once`);
    if (o.clouds.includes('usgov')) {
      if (o.segments.some((s) => s !== 'government'))
        p('an offer of the usgov instance may only be sold to the government segment (SPEC §6)');
      if (o.countries.some((c) => c !== 'US'))
        p('an offer of the usgov instance may only be sold in the US (SPEC §6)');
    }
    if (o.clouds.includes('germany')) {
      if (o.segments.some((s) => s !== 'commercial'))
        p('an offer of the germany instance may only be sold to the commercial segment (SPEC §6)');
      if (o.countries.some((c) => !EU_EFTA_COUNTRIES.includes(c)))
        p('an offer of the germany instance may only be sold in EU and EFTA countries (SPEC §6)');
    }

    // Billing cycles and prices.
    for (const c of o.billingCycles)
      if (!(PAID_BILLING_CYCLES as readonly string[]).includes(c))
        p(`billing cycle "${c}" is not one of ${PAID_BILLING_CYCLES.join(', ')}`);
    for (const c of duplicatesOf(o.billingCycles)) p(`billing cycle "${c}" is listed more than once`);
    for (const [currency, amount] of Object.entries(o.prices))
      if (typeof amount !== 'number' || !isNonNegativeInteger(amount))
        p(`the ${currency} price ${String(amount)} is not a non-negative integer of minor units`);
    for (const [currency, amount] of Object.entries(o.cost ?? {}))
      if (typeof amount !== 'number' || !isNonNegativeInteger(amount))
        p(`the ${currency} cost ${String(amount)} is not a non-negative integer of minor units (R-PRC-1)`);
    if (o.notSold && o.isAvailableForPurchase)
      p('an offer that is not sold cannot be available for purchase');

    if (o.isTrial) {
      // R-TRI-1: 30 days, free, exactly 25 licences, not for government or education, not an add-on.
      if (o.minimumQuantity !== TRIAL_LICENSES || o.maximumQuantity !== TRIAL_LICENSES)
        p(
          `a trial has exactly ${TRIAL_LICENSES} licences: minimumQuantity and maximumQuantity must both be ${TRIAL_LICENSES} (R-TRI-1)`,
        );
      if (Object.values(o.prices).some((amount) => amount !== 0))
        p('a trial is free: every price must be 0 (R-TRI-1)');
      if (o.billingCycles.length > 0)
        p('a trial has no billing cycle (its order uses "none"): billingCycles must be [] (R-TRI-1)');
      for (const s of o.segments)
        if (s === 'education' || s === 'government')
          p(`a trial is not offered to the ${s} segment (R-TRI-1)`);
      if (o.isAddOn) p('an add-on cannot be a trial (R-TRI-1)');
      for (const targetId of o.conversionTargetOffers) {
        const target = byId.get(targetId);
        if (!target) p(`conversion target "${targetId}" is not in the catalog (R-TRI-3)`);
        else if (target.isTrial) p(`conversion target "${targetId}" is itself a trial (R-TRI-3)`);
        else if (target.isAddOn) p(`conversion target "${targetId}" is an add-on (R-TRI-3)`);
      }
    } else {
      if (o.conversionTargetOffers.length > 0) p('only a trial has conversionTargetOffers (R-TRI-3)');
      if (o.billingCycles.length === 0 && !o.notSold) p('a paid offer needs at least one billing cycle');
      // A currency without a price is allowed: the offer is listed there but not purchasable (R-CAT-2).
    }

    if (o.isAddOn) {
      // R-ADD-1: bought from an active base subscription whose offer is one of the prerequisites.
      if (o.prerequisiteOffers.length === 0 && !o.notSold)
        p('an add-on needs at least one prerequisite offer (R-ADD-1)');
      for (const baseId of o.prerequisiteOffers) {
        const base = byId.get(baseId);
        if (!base) p(`prerequisite "${baseId}" is not in the catalog (R-ADD-1)`);
        else if (base.isAddOn) p(`prerequisite "${baseId}" is itself an add-on (R-ADD-1)`);
        else if (base.isTrial)
          p(`prerequisite "${baseId}" is a trial, and add-ons are not sold on trials (R-ADD-1)`);
      }
      for (const id of duplicatesOf(o.prerequisiteOffers)) p(`prerequisite "${id}" is listed more than once`);
    } else if (o.prerequisiteOffers.length > 0) p('only an add-on has prerequisiteOffers (R-ADD-1)');
  }
  return problems;
}
