import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EU_EFTA_COUNTRIES, validateCatalog, type Offer } from './offer.ts';

const paid = (overrides: Partial<Offer> = {}): Offer => ({
  id: 'BASE',
  name: 'Base suite',
  description: 'A paid suite',
  productFamily: 'Suites',
  unit: 'licenses',
  prices: { USD: 600, EUR: 560 },
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
  servicePlans: ['mail'],
  isAvailableForPurchase: true,
  ...overrides,
});

const trial = (overrides: Partial<Offer> = {}): Offer =>
  paid({
    id: 'TRIAL',
    name: 'Base suite trial',
    prices: { USD: 0, EUR: 0 },
    billingCycles: [],
    minimumQuantity: 25,
    maximumQuantity: 25,
    isTrial: true,
    isAutoRenewable: false,
    conversionTargetOffers: ['BASE'],
    ...overrides,
  });

const addOn = (overrides: Partial<Offer> = {}): Offer =>
  paid({ id: 'ADDON', name: 'Add-on', isAddOn: true, prerequisiteOffers: ['BASE'], ...overrides });

/** A valid catalog; each case below breaks it in one way. */
const valid = (): Offer[] => [paid(), trial(), addOn()];

const cases: Array<{ title: string; catalog: Offer[]; problem: RegExp }> = [
  {
    title: 'R-CAT-3: ids are unique',
    catalog: [...valid(), paid()],
    problem: /^BASE: the id is used more than once/,
  },
  {
    title: 'R-ORD-2: minimumQuantity is not greater than maximumQuantity',
    catalog: [paid({ minimumQuantity: 500 }), trial(), addOn()],
    problem: /^BASE: minimumQuantity 500 is greater than maximumQuantity 300/,
  },
  {
    title: 'R-ORD-2: quantities are positive integers',
    catalog: [paid({ minimumQuantity: 0 }), trial(), addOn()],
    problem: /^BASE: minimumQuantity 0 is not a positive integer/,
  },
  {
    title: 'R-ORD-3: a limit needs a positive count',
    catalog: [paid({ limitUnitOfMeasure: 'Concurrent', limit: 0 }), trial(), addOn()],
    problem: /^BASE: limit must be a positive integer when limitUnitOfMeasure is Concurrent/,
  },
  {
    title: 'R-ORD-3: no limit means limit 0',
    catalog: [paid({ limit: 3 }), trial(), addOn()],
    problem: /^BASE: limit must be 0 when limitUnitOfMeasure is None/,
  },
  {
    title: 'R-PRC-1: costs are integers of minor units',
    catalog: [paid({ cost: { USD: -1 } }), trial(), addOn()],
    problem: /^BASE: the USD cost -1 is not a non-negative integer/,
  },
  {
    title: 'R-CAT-2: an offer that is not sold is not available for purchase',
    catalog: [paid({ notSold: { reason: 'usageBased' } }), trial(), addOn()],
    problem: /^BASE: an offer that is not sold cannot be available for purchase/,
  },
  {
    title: 'R-CAT-1: prices are integers of minor units',
    catalog: [paid({ prices: { USD: 6.5, EUR: 560 } }), trial(), addOn()],
    problem: /^BASE: the USD price 6.5 is not a non-negative integer/,
  },
  {
    title: 'R-CAT-1: a paid offer supports a billing cycle',
    catalog: [paid({ billingCycles: [] }), trial(), addOn()],
    problem: /^BASE: a paid offer needs at least one billing cycle/,
  },
  {
    title: 'R-TRI-1: a trial has exactly 25 licences',
    catalog: [paid(), trial({ maximumQuantity: 50 }), addOn()],
    problem: /^TRIAL: a trial has exactly 25 licences/,
  },
  {
    title: 'R-TRI-1: a trial is free',
    catalog: [paid(), trial({ prices: { USD: 100, EUR: 0 } }), addOn()],
    problem: /^TRIAL: a trial is free/,
  },
  {
    title: 'R-TRI-1: a trial has no billing cycle',
    catalog: [paid(), trial({ billingCycles: ['monthly'] }), addOn()],
    problem: /^TRIAL: a trial has no billing cycle/,
  },
  {
    title: 'R-TRI-1: no trial for education customers',
    catalog: [paid(), trial({ segments: ['commercial', 'education'] }), addOn()],
    problem: /^TRIAL: a trial is not offered to the education segment/,
  },
  {
    title: 'R-TRI-1: no trial for government customers',
    catalog: [paid(), trial({ segments: ['government'] }), addOn()],
    problem: /^TRIAL: a trial is not offered to the government segment/,
  },
  {
    title: 'R-TRI-1: no trial of an add-on',
    catalog: [paid(), trial({ isAddOn: true, prerequisiteOffers: ['BASE'] }), addOn()],
    problem: /^TRIAL: an add-on cannot be a trial/,
  },
  {
    title: 'R-TRI-3: conversion targets are in the catalog',
    catalog: [paid(), trial({ conversionTargetOffers: ['BASE', 'GONE'] }), addOn()],
    problem: /^TRIAL: conversion target "GONE" is not in the catalog/,
  },
  {
    title: 'R-TRI-3: a trial does not convert to another trial',
    catalog: [paid(), trial(), trial({ id: 'TRIAL-2', conversionTargetOffers: ['TRIAL'] }), addOn()],
    problem: /^TRIAL-2: conversion target "TRIAL" is itself a trial/,
  },
  {
    title: 'R-TRI-3: only a trial has conversion targets',
    catalog: [paid({ conversionTargetOffers: ['ADDON'] }), trial(), addOn()],
    problem: /^BASE: only a trial has conversionTargetOffers/,
  },
  {
    title: 'R-ADD-1: prerequisites are in the catalog',
    catalog: [paid(), trial(), addOn({ prerequisiteOffers: ['BASE', 'GONE'] })],
    problem: /^ADDON: prerequisite "GONE" is not in the catalog/,
  },
  {
    title: 'R-ADD-1: a prerequisite is not itself an add-on',
    catalog: [paid(), trial(), addOn(), addOn({ id: 'ADDON-2', prerequisiteOffers: ['ADDON'] })],
    problem: /^ADDON-2: prerequisite "ADDON" is itself an add-on/,
  },
  {
    title: 'R-ADD-1: a prerequisite is not a trial',
    catalog: [paid(), trial(), addOn({ prerequisiteOffers: ['TRIAL'] })],
    problem: /^ADDON: prerequisite "TRIAL" is a trial/,
  },
  {
    title: 'R-ADD-1: an add-on has a prerequisite',
    catalog: [paid(), trial(), addOn({ prerequisiteOffers: [] })],
    problem: /^ADDON: an add-on needs at least one prerequisite offer/,
  },
  {
    title: 'R-ADD-1: only an add-on has prerequisites',
    catalog: [paid({ prerequisiteOffers: ['ADDON'] }), trial(), addOn()],
    problem: /^BASE: only an add-on has prerequisiteOffers/,
  },
  {
    title: 'SPEC §6: a usgov offer is for the government segment only',
    catalog: [...valid(), paid({ id: 'USG', clouds: ['usgov'], countries: ['US'] })],
    problem: /^USG: an offer of the usgov instance may only be sold to the government segment/,
  },
  {
    title: 'SPEC §6: a usgov offer is for the US only',
    catalog: [...valid(), paid({ id: 'USG', clouds: ['usgov'], segments: ['government'] })],
    problem: /^USG: an offer of the usgov instance may only be sold in the US/,
  },
  {
    title: 'SPEC §6: a germany offer is for EU and EFTA countries only',
    catalog: [...valid(), paid({ id: 'DE', clouds: ['germany'], countries: ['DE', 'US'] })],
    problem: /^DE: an offer of the germany instance may only be sold in EU and EFTA countries/,
  },
  {
    title: 'SPEC §6: a germany offer is for the commercial segment only',
    catalog: [
      ...valid(),
      paid({ id: 'DE', clouds: ['germany'], countries: ['DE'], segments: ['nonprofit'] }),
    ],
    problem: /^DE: an offer of the germany instance may only be sold to the commercial segment/,
  },
  {
    title: 'R-CAT-1: countries are ISO 3166 alpha-2 codes',
    catalog: [paid({ countries: ['FRA'] }), trial(), addOn()],
    problem: /^BASE: "FRA" is not an ISO 3166 alpha-2 country code/,
  },
  {
    title: 'R-CAT-1: "*" stands alone in countries',
    catalog: [paid({ countries: ['*', 'FR'] }), trial(), addOn()],
    problem: /^BASE: "\*" must be the only entry of countries/,
  },
];

describe('validateCatalog', () => {
  it('R-CAT-3: a valid catalog has no problems', () => {
    expect(validateCatalog(valid())).toEqual([]);
  });

  it('R-CAT-2: a paid offer may lack a price in a currency (it is listed there, not purchasable)', () => {
    expect(validateCatalog([paid({ prices: { USD: 600 } }), trial(), addOn({ prices: {} })])).toEqual([]);
  });

  it('R-CAT-2: an offer listed but not sold may lack billing cycles or prerequisites', () => {
    const notSold = { isAvailableForPurchase: false, notSold: { reason: 'usageBased' as const } };
    expect(
      validateCatalog([
        paid({ billingCycles: [], ...notSold }),
        trial(),
        addOn({ prerequisiteOffers: [], ...notSold }),
      ]),
    ).toEqual([]);
  });

  for (const { title, catalog, problem } of cases)
    it(title, () => {
      const problems = validateCatalog(catalog);
      expect(problems).toContainEqual(expect.stringMatching(problem));
      // Each case breaks one rule, so the other checks stay quiet.
      expect(problems).toHaveLength(1);
    });
});

describe('the demo catalog (R-CAT-3)', () => {
  const file = JSON.parse(
    readFileSync(join(import.meta.dirname, '../../../catalog/demo-catalog.json'), 'utf8'),
  ) as { version: number; offers: Offer[] };
  const { offers } = file;
  const byId = new Map(offers.map((o) => [o.id, o]));

  it('R-CAT-3: is version 1 and passes validateCatalog', () => {
    expect(file.version).toBe(1);
    expect(validateCatalog(offers)).toEqual([]);
  });

  it('R-CAT-3: holds at least 20 offers', () => {
    expect(offers.length).toBeGreaterThanOrEqual(20);
  });

  const kinds: Array<{ title: string; count: number; holds: (o: Offer) => boolean }> = [
    {
      title: 'R-CAT-3: suites',
      count: 3,
      holds: (o) => !o.isAddOn && !o.isTrial && o.servicePlans.length >= 4,
    },
    {
      title: 'R-CAT-3: standalone services (mail, chat, storage)',
      count: 3,
      holds: (o) => !o.isAddOn && !o.isTrial && o.servicePlans.length <= 3,
    },
    { title: 'R-ADD-1: add-ons with prerequisites', count: 3, holds: (o) => o.isAddOn },
    {
      title: 'R-ADD-1: an add-on with two possible bases',
      count: 1,
      holds: (o) => o.prerequisiteOffers.length >= 2,
    },
    {
      title: 'R-TRI-3: trials that convert',
      count: 3,
      holds: (o) => o.isTrial && o.conversionTargetOffers.length > 0,
    },
    {
      title: 'R-ORD-3: offers limited to one subscription per customer',
      count: 2,
      holds: (o) => o.limitUnitOfMeasure === 'Concurrent' && o.limit === 1,
    },
    {
      title: 'R-ORD-3: a LifeTime limited offer',
      count: 1,
      holds: (o) => o.limitUnitOfMeasure === 'LifeTime',
    },
    {
      title: 'R-CUS-2: education variants',
      count: 2,
      holds: (o) => o.segments.includes('education') && !o.segments.includes('commercial'),
    },
    { title: 'R-CUS-2: government variants', count: 2, holds: (o) => o.segments.includes('government') },
    {
      title: 'R-CUS-2: nonprofit variants',
      count: 2,
      holds: (o) => o.segments.includes('nonprofit') && !o.segments.includes('commercial'),
    },
    {
      title: 'R-CAT-2: an offer not available for purchase',
      count: 1,
      holds: (o) => !o.isAvailableForPurchase,
    },
    {
      title: 'R-CAT-1: offers sold only in some countries',
      count: 2,
      holds: (o) => !o.countries.includes('*') && o.clouds.includes('global'),
    },
    {
      title: 'R-CAT-1: annual-only offers',
      count: 2,
      holds: (o) => o.billingCycles.length === 1 && o.billingCycles[0] === 'annual',
    },
    { title: 'R-CAT-1: monthly and annual offers', count: 5, holds: (o) => o.billingCycles.length === 2 },
    {
      title: 'SPEC §6: usgov offers, for US government only',
      count: 2,
      holds: (o) =>
        o.clouds.includes('usgov') && o.countries.join() === 'US' && o.segments.join() === 'government',
    },
    {
      title: 'SPEC §6: germany offers, for EU and EFTA countries',
      count: 2,
      holds: (o) => o.clouds.includes('germany') && o.countries.every((c) => EU_EFTA_COUNTRIES.includes(c)),
    },
  ];
  for (const { title, count, holds } of kinds)
    it(`${title}: at least ${count}`, () => {
      expect(offers.filter(holds).length).toBeGreaterThanOrEqual(count);
    });

  it('R-CAT-1: every paid offer is priced in USD and EUR in integer minor units', () => {
    for (const o of offers.filter((x) => !x.isTrial)) {
      expect(Number.isInteger(o.prices.USD), o.id).toBe(true);
      expect(Number.isInteger(o.prices.EUR), o.id).toBe(true);
    }
  });

  it('R-TRI-1: every trial is free, 25 licences, not for education or government, not an add-on', () => {
    for (const o of offers.filter((x) => x.isTrial)) {
      expect(o, o.id).toMatchObject({
        minimumQuantity: 25,
        maximumQuantity: 25,
        billingCycles: [],
        isAddOn: false,
      });
      expect(
        Object.values(o.prices).every((p) => p === 0),
        o.id,
      ).toBe(true);
      expect(o.segments, o.id).not.toContain('education');
      expect(o.segments, o.id).not.toContain('government');
    }
  });

  it('R-ADD-1: add-ons are sold where one of their bases is', () => {
    for (const o of offers.filter((x) => x.isAddOn)) {
      const bases = o.prerequisiteOffers.map((id) => byId.get(id));
      for (const cloud of o.clouds)
        expect(
          bases.some((b) => b?.clouds.includes(cloud)),
          `${o.id} ${cloud}`,
        ).toBe(true);
    }
  });
});
