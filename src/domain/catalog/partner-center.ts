import {
  ALL_COUNTRIES,
  PAID_BILLING_CYCLES,
  TRIAL_LICENSES,
  type Currency,
  type LimitUnit,
  type NotSold,
  type Offer,
  type PaidBillingCycle,
  type Segment,
} from './offer.ts';

/**
 * Partner Center's own catalog as Seatwise's (R-CAT-3, R-PRC-1): a saved `GET /v1/offers?country=` response
 * and a price list become offers. Pure: the caller reads and shape-checks the files. What Seatwise cannot sell
 * is still imported and listed, marked `notSold` with the reason (R-CAT-2); the README's "Importing Partner
 * Center's catalog" section states the mapping.
 */

/** One item of Partner Center's offers response, as far as the import reads it (reference §1.3). */
export interface PartnerCenterOffer {
  id: string;
  name: string;
  description?: string;
  minimumQuantity: number;
  maximumQuantity: number;
  rank?: number;
  locale?: string;
  country?: string;
  category?: { id?: string; name?: string };
  limitUnitOfMeasure?: string;
  limit?: number;
  termUnitOfMeasure?: string;
  term?: number;
  prerequisiteOffers?: string[];
  isAddOn?: boolean;
  hasAddOns?: boolean;
  isAvailableForPurchase?: boolean;
  billing?: string;
  supportedBillingCycles?: string[];
  isAutoRenewable?: boolean;
  conversionTargetOffers?: string[];
  reselleeQualifications?: string[];
  resellerQualifications?: string[];
  upgradeTargetOffers?: string[];
  salesGroupId?: string;
  isTrial?: boolean;
  acquisitionType?: string;
  supportedCatalogTypes?: string[];
  isMicrosoftProduct?: boolean;
  product?: { id?: string; name?: string; unit?: string };
  unitType?: string;
  links?: { learnMore?: { uri?: string } };
}

/** One offer's price in one currency, in minor units per licence per month. */
export interface OfferPrice {
  /** The ERP Price: what customers are charged (R-PRC-1). */
  retail: number;
  /** The List Price: what the partner pays (R-PRC-1). */
  cost: number;
}

/** Prices by offer id (upper case: Partner Center's ids are GUIDs, matched without regard to case). */
export type PriceList = ReadonlyMap<string, Partial<Record<Currency, OfferPrice>>>;

/** Units Seatwise sells by quantity (`unitType`, without regard to case and spaces); others are listed, not sold. */
export const SOLD_UNIT_TYPES: readonly string[] = ['Licenses', 'Add-On Licenses', 'Instances', 'Gigabytes'];

const LIMIT_UNIT_BY_NAME: Record<string, LimitUnit> = {
  none: 'None',
  concurrent: 'Concurrent',
  // Partner Center spells it `Lifetime`; Seatwise's unit is `LifeTime` (R-ORD-3).
  lifetime: 'LifeTime',
};

const SEGMENT_BY_QUALIFICATION: Record<string, Segment> = {
  nonprofit: 'nonprofit',
  education: 'education',
  academic: 'education',
  government: 'government',
  governmentcommunitycloud: 'government',
};

/** An offer without a resellee qualification is sold to anyone but government (which buys its own offers). */
const UNQUALIFIED_SEGMENTS: Segment[] = ['commercial', 'education', 'nonprofit'];

const key = (s: string): string => s.replace(/\s+/g, '').toLowerCase();

function segmentsOf(pc: PartnerCenterOffer): { segments: Segment[]; unknown?: string } {
  const qualifications = pc.reselleeQualifications ?? [];
  if (qualifications.length === 0) return { segments: UNQUALIFIED_SEGMENTS };
  const segments = new Set<Segment>();
  for (const q of qualifications) {
    const segment = SEGMENT_BY_QUALIFICATION[key(q)];
    if (!segment) return { segments: ['commercial'], unknown: q };
    segments.add(segment);
  }
  return { segments: [...segments] };
}

function paidCyclesOf(pc: PartnerCenterOffer): PaidBillingCycle[] {
  const cycles = new Set<PaidBillingCycle>();
  for (const c of pc.supportedBillingCycles ?? []) {
    const cycle = PAID_BILLING_CYCLES.find((p) => p === c.toLowerCase());
    if (cycle) cycles.add(cycle);
  }
  // Monthly first, as the demo catalog lists them.
  return PAID_BILLING_CYCLES.filter((c) => cycles.has(c));
}

/** Partner Center's optional fields, copied as they are for the API to show (undefined ones left out). */
function partnerCenterFields(pc: PartnerCenterOffer): Partial<Offer> {
  const extra: Partial<Offer> = {};
  if (pc.category) extra.category = { id: pc.category.id ?? '', name: pc.category.name ?? '' };
  if (pc.product)
    extra.product = { id: pc.product.id ?? '', name: pc.product.name ?? '', unit: pc.product.unit ?? '' };
  if (pc.unitType !== undefined) extra.unitType = pc.unitType;
  if (pc.billing !== undefined) extra.billing = pc.billing;
  if (pc.links?.learnMore?.uri) extra.learnMoreUri = pc.links.learnMore.uri;
  if (pc.locale !== undefined) extra.locale = pc.locale;
  if (pc.country !== undefined) extra.country = pc.country;
  if (pc.rank !== undefined) extra.rank = pc.rank;
  if (pc.acquisitionType !== undefined) extra.acquisitionType = pc.acquisitionType;
  if (pc.term !== undefined) extra.term = pc.term;
  if (pc.termUnitOfMeasure !== undefined) extra.termUnitOfMeasure = pc.termUnitOfMeasure;
  if (pc.hasAddOns !== undefined) extra.hasAddOns = pc.hasAddOns;
  if (pc.reselleeQualifications) extra.reselleeQualifications = pc.reselleeQualifications;
  if (pc.resellerQualifications) extra.resellerQualifications = pc.resellerQualifications;
  if (pc.upgradeTargetOffers) extra.upgradeTargetOffers = pc.upgradeTargetOffers;
  if (pc.supportedCatalogTypes) extra.supportedCatalogTypes = pc.supportedCatalogTypes;
  if (pc.salesGroupId !== undefined) extra.salesGroupId = pc.salesGroupId;
  if (pc.isMicrosoftProduct !== undefined) extra.isMicrosoftProduct = pc.isMicrosoftProduct;
  return extra;
}

/**
 * Maps Partner Center's offers and a price list to Seatwise offers, in the response's order. References to
 * offers outside the response (Partner Center lists bases and targets of other markets), to add-ons or to
 * trials are dropped from `prerequisiteOffers` and `conversionTargetOffers`, since Seatwise sells add-ons on
 * paid bases only (R-ADD-1) and converts trials to paid offers only (R-TRI-3).
 */
export function fromPartnerCenter(items: readonly PartnerCenterOffer[], prices: PriceList): Offer[] {
  const byId = new Map(items.map((pc) => [pc.id, pc]));
  const isBase = (id: string): boolean => {
    const o = byId.get(id);
    return !!o && !o.isAddOn && !o.isTrial;
  };
  return items.map((pc) => {
    const isTrial = pc.isTrial === true;
    const isAddOn = pc.isAddOn === true;
    const unitType = pc.unitType ?? 'Licenses';
    const limitUnit = LIMIT_UNIT_BY_NAME[key(pc.limitUnitOfMeasure ?? 'None')];
    const { segments: qualified, unknown: unknownQualification } = segmentsOf(pc);
    // R-TRI-1: no trial for education or government customers, whoever Partner Center offers it to.
    const segments = isTrial ? qualified.filter((x) => x !== 'education' && x !== 'government') : qualified;
    const billingCycles = isTrial ? [] : paidCyclesOf(pc);
    const prerequisiteOffers = isAddOn ? (pc.prerequisiteOffers ?? []).filter(isBase) : [];
    const conversionTargetOffers = isTrial ? (pc.conversionTargetOffers ?? []).filter(isBase) : [];

    let notSold: NotSold | undefined;
    if (key(pc.billing ?? 'license') === 'usage' || key(unitType).startsWith('usage'))
      notSold = { reason: 'usageBased' };
    else if (!SOLD_UNIT_TYPES.some((u) => key(u) === key(unitType)))
      notSold = { reason: 'unknownUnitType', value: unitType };
    else if (!limitUnit) notSold = { reason: 'unknownLimitUnit', value: pc.limitUnitOfMeasure ?? '' };
    else if (unknownQualification !== undefined)
      notSold = { reason: 'unknownQualification', value: unknownQualification };
    else if (!isTrial && billingCycles.length === 0)
      notSold = { reason: 'noBillingCycle', value: (pc.supportedBillingCycles ?? []).join(', ') };
    else if (isAddOn && prerequisiteOffers.length === 0) notSold = { reason: 'noPrerequisiteInCatalog' };

    const priced = prices.get(pc.id.toUpperCase()) ?? {};
    const retail: Partial<Record<Currency, number>> = {};
    const cost: Partial<Record<Currency, number>> = {};
    for (const [currency, price] of Object.entries(priced) as [Currency, OfferPrice][]) {
      retail[currency] = price.retail;
      cost[currency] = price.cost;
    }
    const limited = limitUnit !== undefined && limitUnit !== 'None';

    const offer: Offer = {
      id: pc.id,
      name: pc.name,
      description: pc.description ?? '',
      productFamily: pc.category?.name || pc.product?.name || pc.name,
      unit: unitType,
      // A trial is free in every currency (R-TRI-1), whatever the price list says.
      prices: isTrial ? { USD: 0, EUR: 0 } : retail,
      billingCycles,
      segments,
      // The response is one market's view; the price list decides where an offer can be paid for.
      countries: [ALL_COUNTRIES],
      clouds: ['global'],
      // R-TRI-1: a trial has exactly 25 licences, even where Partner Center allows more.
      minimumQuantity: isTrial ? TRIAL_LICENSES : pc.minimumQuantity,
      maximumQuantity: isTrial ? TRIAL_LICENSES : pc.maximumQuantity,
      limitUnitOfMeasure: limited ? limitUnit : 'None',
      limit: limited ? (pc.limit ?? 0) : 0,
      isAddOn,
      prerequisiteOffers,
      isTrial,
      conversionTargetOffers,
      isAutoRenewable: isTrial ? false : pc.isAutoRenewable !== false,
      servicePlans: [],
      isAvailableForPurchase: pc.isAvailableForPurchase !== false && !notSold,
      ...partnerCenterFields(pc),
    };
    if (notSold) offer.notSold = notSold;
    if (!isTrial && Object.keys(cost).length > 0) offer.cost = cost;
    return offer;
  });
}
