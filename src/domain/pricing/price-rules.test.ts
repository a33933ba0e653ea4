import { describe, expect, it } from 'vitest';
import type { Offer } from '../catalog/offer.ts';
import { openingLine, changeLines, renewalLine } from '../billing/billing-rules.ts';
import {
  applyBasisPoints,
  checkDraft,
  findBelowCost,
  percentToBasisPoints,
  pricesByCurrency,
  resolvePrice,
  rulesInForce,
  type RuleDraft,
  type RuleVersion,
} from './price-rules.ts';

const offer = (over: Partial<Offer> = {}): Offer => ({
  id: 'BASIC',
  name: 'Basic',
  description: '',
  productFamily: 'Suite',
  unit: 'licenses',
  prices: { USD: 1000, EUR: 900 },
  cost: { USD: 800, EUR: 700 },
  billingCycles: ['monthly', 'annual'],
  segments: ['commercial'],
  countries: ['*'],
  clouds: ['global'],
  minimumQuantity: 1,
  maximumQuantity: 300,
  limitUnitOfMeasure: 'None',
  limit: 0,
  isAddOn: false,
  prerequisiteOffers: [],
  isTrial: false,
  conversionTargetOffers: [],
  isAutoRenewable: true,
  servicePlans: [],
  isAvailableForPurchase: true,
  ...over,
});

const T0 = new Date('2027-01-01T00:00:00Z');
let seq = 0;
const rule = (over: Partial<RuleVersion>): RuleVersion => ({
  ruleId: `r${++seq}`,
  version: 1,
  scope: 'partner',
  kind: 'markup',
  basisPoints: 0,
  prices: {},
  allowBelowCost: false,
  effectiveFrom: T0,
  retired: false,
  ...over,
});

describe('price rules (R-PRC-1, R-PRC-2)', () => {
  it('R-PRC-1: without a rule the customer pays the ERP', () => {
    const p = resolvePrice([], offer(), 'c1', 'USD');
    expect(p).toEqual({
      unitPrice: 1000,
      unitCost: 800,
      source: { ruleId: null, version: null, scope: 'erp', kind: 'erp', heldAtCost: false },
    });
  });

  it('R-PRC-2: the most specific rule wins: customer and offer, customer, offer, category, partner', () => {
    const partner = rule({ scope: 'partner', kind: 'markup', basisPoints: 1000 }); // 880
    const category = rule({ scope: 'category', category: 'Suite', kind: 'markup', basisPoints: 2000 }); // 960
    const byOffer = rule({ scope: 'offer', offerId: 'BASIC', kind: 'discount', basisPoints: 500 }); // 950
    const customer = rule({ scope: 'customer', customerId: 'c1', kind: 'discount', basisPoints: 1000 }); // 900
    const both = rule({
      scope: 'customerOffer',
      customerId: 'c1',
      offerId: 'BASIC',
      kind: 'fixed',
      prices: { USD: 850 },
    });
    const all = [partner, category, byOffer, customer, both];
    const price = (rules: RuleVersion[], customerId = 'c1') =>
      resolvePrice(rules, offer(), customerId, 'USD');
    expect(price(all)?.unitPrice).toBe(850);
    expect(price(all)?.source.ruleId).toBe(both.ruleId);
    expect(price([partner, category, byOffer, customer])?.unitPrice).toBe(900);
    expect(price([partner, category, byOffer])?.unitPrice).toBe(950);
    expect(price([partner, category])?.unitPrice).toBe(960);
    expect(price([partner])?.unitPrice).toBe(880);
    // Another customer passes the customer rules by.
    expect(price(all, 'c2')?.unitPrice).toBe(950);
    // A rule of another category or offer does not apply.
    expect(
      price([rule({ scope: 'category', category: 'Other', kind: 'markup', basisPoints: 5000 })])?.unitPrice,
    ).toBe(1000);
  });

  it('R-PRC-2: a rule that cannot price the offer in the currency passes to the next one', () => {
    const fixed = rule({ scope: 'offer', offerId: 'BASIC', kind: 'fixed', prices: { EUR: 850 } });
    const markup = rule({ scope: 'partner', kind: 'markup', basisPoints: 1500 });
    expect(resolvePrice([fixed, markup], offer(), 'c1', 'USD')?.unitPrice).toBe(920);
    // No cost in the currency: a markup cannot apply, the ERP stands.
    expect(resolvePrice([markup], offer({ cost: { EUR: 700 } }), 'c1', 'USD')?.unitPrice).toBe(1000);
    // No ERP in the currency: not for sale there, whatever the rules.
    expect(resolvePrice([markup], offer({ prices: { EUR: 900 } }), 'c1', 'USD')).toBeUndefined();
  });

  it('R-PRC-2: percentages round half up to the minor unit, per licence per month', () => {
    expect(applyBasisPoints(333, 1500)).toBe(383); // 382.95 → 383
    expect(applyBasisPoints(10, 2500)).toBe(13); // 12.5 → 13 (half up)
    expect(applyBasisPoints(10, 2400)).toBe(12); // 12.4 → 12
    expect(applyBasisPoints(999, -1250)).toBe(874); // 874.125 → 874
    expect(applyBasisPoints(1001, -5000)).toBe(501); // 500.5 → 501
    const discount = rule({ kind: 'discount', basisPoints: 1250, allowBelowCost: true });
    expect(
      resolvePrice([discount], offer({ prices: { USD: 999 }, cost: { USD: 1 } }), 'c', 'USD')?.unitPrice,
    ).toBe(874);
    expect(percentToBasisPoints(12.5)).toBe(1250);
    expect(percentToBasisPoints(0.07)).toBe(7);
    expect(percentToBasisPoints(12.345)).toBeUndefined();
  });

  it('R-PRC-2: a rule below cost is held at the cost unless it allows it', () => {
    const deep = rule({ kind: 'discount', basisPoints: 3000 }); // 700 < cost 800
    const p = resolvePrice([deep], offer(), 'c1', 'USD');
    expect(p?.unitPrice).toBe(800);
    expect(p?.source.heldAtCost).toBe(true);
    const promo = rule({ kind: 'discount', basisPoints: 3000, allowBelowCost: true });
    expect(resolvePrice([promo], offer(), 'c1', 'USD')?.unitPrice).toBe(700);
  });

  it('R-PRC-2: a draft that would sell below cost is found, naming the offer and currency', () => {
    const draft: RuleDraft = {
      scope: 'partner',
      kind: 'discount',
      basisPoints: 2500,
      prices: {},
      allowBelowCost: false,
    };
    // USD: 1000 − 25 % = 750 < 800.
    expect(findBelowCost(draft, [offer()], ['USD', 'EUR'])).toEqual({
      offerId: 'BASIC',
      currency: 'USD',
      price: 750,
      cost: 800,
    });
    expect(findBelowCost({ ...draft, basisPoints: 1000 }, [offer()], ['USD', 'EUR'])).toBeUndefined();
    const fixed: RuleDraft = {
      scope: 'offer',
      offerId: 'BASIC',
      kind: 'fixed',
      basisPoints: 0,
      prices: { EUR: 650 },
      allowBelowCost: false,
    };
    expect(findBelowCost(fixed, [offer()], ['USD', 'EUR'])).toMatchObject({ currency: 'EUR', price: 650 });
    // Another offer's rule does not look at this one.
    expect(findBelowCost({ ...fixed, offerId: 'OTHER' }, [offer()], ['EUR'])).toBeUndefined();
  });

  it('R-PRC-2: a draft names the field that is wrong', () => {
    const base: RuleDraft = {
      scope: 'partner',
      kind: 'markup',
      basisPoints: 1000,
      prices: {},
      allowBelowCost: false,
    };
    const field = (d: RuleDraft) => {
      try {
        checkDraft(d);
        return undefined;
      } catch (e) {
        return (e as { data: { field: string }[] }).data[0]?.field;
      }
    };
    expect(field(base)).toBeUndefined();
    expect(field({ ...base, scope: 'offer' })).toBe('offerId');
    expect(field({ ...base, customerId: 'c1' })).toBe('customerId');
    expect(field({ ...base, scope: 'customerOffer', customerId: 'c1' })).toBe('offerId');
    expect(field({ ...base, kind: 'fixed', basisPoints: 0 })).toBe('kind');
    expect(field({ ...base, scope: 'offer', offerId: 'X', kind: 'fixed', basisPoints: 0 })).toBe('prices');
    expect(
      field({ ...base, scope: 'offer', offerId: 'X', kind: 'fixed', basisPoints: 0, prices: { USD: -1 } }),
    ).toBe('prices.USD');
    expect(field({ ...base, kind: 'discount', basisPoints: 10_001 })).toBe('percent');
    expect(field({ ...base, kind: 'erp', basisPoints: 5 })).toBe('percent');
    expect(field({ ...base, prices: { USD: 5 } })).toBe('prices');
  });

  it('R-PRC-2: the version in force is the latest effective one; a retiring version ends the rule', () => {
    const v1 = rule({ ruleId: 'a', version: 1, basisPoints: 1000, effectiveFrom: T0 });
    const v2 = rule({
      ruleId: 'a',
      version: 2,
      basisPoints: 2000,
      effectiveFrom: new Date('2027-02-01T00:00:00Z'),
    });
    const v3 = rule({
      ruleId: 'a',
      version: 3,
      retired: true,
      effectiveFrom: new Date('2027-03-01T00:00:00Z'),
    });
    const at = (iso: string) => rulesInForce([v1, v2, v3], new Date(iso));
    expect(at('2026-12-31T00:00:00Z')).toEqual([]);
    expect(at('2027-01-20T00:00:00Z')).toEqual([v1]);
    expect(at('2027-02-01T00:00:00Z')).toEqual([v2]);
    expect(at('2027-03-02T00:00:00Z')).toEqual([]);
  });

  it('R-PRC-2: a trial is free whatever the rules', () => {
    const p = resolvePrice(
      [rule({ kind: 'markup', basisPoints: 5000 })],
      offer({ isTrial: true }),
      'c',
      'USD',
    );
    expect(p?.unitPrice).toBe(0);
  });
});

describe('ledger lines carry cost and sale (R-PRC-3)', () => {
  const term = { start: new Date('2027-01-15T00:00:00Z'), end: new Date('2027-02-15T00:00:00Z') };
  const sub = {
    status: 'active',
    isTrial: false,
    cycle: 'monthly' as const,
    quantity: 3,
    unitPrice: 1000,
    unitCost: 800,
  };

  it('R-PRC-3: a purchase and a renewal carry both amounts', () => {
    const [line] = openingLine(sub, term.start, term);
    expect(line).toMatchObject({ amount: 3000, unitPrice: 1000, unitCost: 800, costAmount: 2400 });
    expect(renewalLine({ ...sub, cycle: 'annual' }, term)).toMatchObject({
      amount: 36000,
      costAmount: 28800,
    });
  });

  it('R-PRC-3: a prorated change and a full credit are computed at cost the same way', () => {
    const at = new Date('2027-01-30T00:00:00Z'); // 16 days left of 31
    const billed = { ...term, openedAt: term.start, charged: 3000, costCharged: 2400 };
    const [inc] = changeLines(sub, { ...sub, quantity: 5 }, at, billed);
    // 2 × 1000 × 16 / 31 = 1032.26 → 1032; at cost 2 × 800 × 16 / 31 = 825.8 → 826.
    expect(inc).toMatchObject({ reason: 'quantityIncrease', amount: 1032, costAmount: 826 });
    const [credit] = changeLines(sub, { ...sub, status: 'suspended' }, at, billed);
    expect(credit).toMatchObject({ reason: 'suspension', amount: -3000, costAmount: -2400 });
  });

  it('R-PRC-3: a subscription of unknown cost gives lines of unknown cost', () => {
    const [line] = openingLine({ ...sub, unitCost: null }, term.start, term);
    expect(line).toMatchObject({ amount: 3000, unitCost: null, costAmount: null });
  });
});

describe('fixed prices as the API sends them (R-PRC-2)', () => {
  it('R-PRC-2: currency keys in any case come back as currency codes; another key is refused naming it', () => {
    expect(pricesByCurrency({ usd: 590, Eur: 550 })).toEqual({ USD: 590, EUR: 550 });
    expect(() => pricesByCurrency({ gbp: 500 })).toThrow(
      expect.objectContaining({ data: [expect.objectContaining({ field: 'prices.GBP' })] }),
    );
    expect(() => pricesByCurrency({ usd: 1, USD: 2 })).toThrow(
      expect.objectContaining({ data: [expect.objectContaining({ field: 'prices.USD' })] }),
    );
  });
});
