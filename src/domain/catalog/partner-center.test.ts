import { describe, expect, it } from 'vitest';
import { validateCatalog, type Offer } from './offer.ts';
import { fromPartnerCenter, type PartnerCenterOffer, type PriceList } from './partner-center.ts';

const pc = (id: string, overrides: Partial<PartnerCenterOffer> = {}): PartnerCenterOffer => ({
  id,
  name: `Offer ${id}`,
  description: `About ${id}`,
  minimumQuantity: 1,
  maximumQuantity: 300,
  limitUnitOfMeasure: 'None',
  limit: 0,
  prerequisiteOffers: [],
  isAddOn: false,
  isAvailableForPurchase: true,
  billing: 'license',
  supportedBillingCycles: ['annual', 'monthly'],
  isAutoRenewable: true,
  conversionTargetOffers: [],
  reselleeQualifications: [],
  isTrial: false,
  unitType: 'Licenses',
  ...overrides,
});

const PRICES: PriceList = new Map([
  ['SUITE', { USD: { retail: 2000, cost: 1600 }, EUR: { retail: 1900, cost: 1500 } }],
  ['ADDON', { USD: { retail: 400, cost: 320 } }],
]);

const ITEMS: PartnerCenterOffer[] = [
  pc('SUITE', {
    category: { id: 'Enterprise_Key', name: 'Enterprise' },
    rank: 7,
    locale: 'en-US',
    country: 'US',
  }),
  pc('suite-np', { reselleeQualifications: ['Nonprofit'] }),
  pc('ADDON', { isAddOn: true, prerequisiteOffers: ['SUITE', 'ELSEWHERE', 'TRIAL', 'ADDON-2'] }),
  pc('ADDON-2', { isAddOn: true, prerequisiteOffers: ['ELSEWHERE'] }),
  pc('TRIAL', {
    isTrial: true,
    supportedBillingCycles: ['none'],
    minimumQuantity: 25,
    maximumQuantity: 250,
    limitUnitOfMeasure: 'Lifetime',
    limit: 1,
    conversionTargetOffers: ['SUITE', 'ELSEWHERE'],
    isAutoRenewable: false,
  }),
  pc('LIMITED', { limitUnitOfMeasure: 'concurrent', limit: 2 }),
  pc('AZURE', { billing: 'usage', unitType: 'Usage-based', supportedBillingCycles: ['monthly'] }),
  pc('GALAXY', { unitType: 'Seats per Galaxy' }),
  pc('WEEKLY', { supportedBillingCycles: ['weekly'] }),
  pc('ODD-LIMIT', { limitUnitOfMeasure: 'PerTenant', limit: 1 }),
  pc('SECRET', { reselleeQualifications: ['Secret Society'] }),
  pc('EDU', { reselleeQualifications: ['Academic'] }),
];

const offers = fromPartnerCenter(ITEMS, PRICES);
const byId = new Map(offers.map((o) => [o.id, o]));
const get = (id: string): Offer => {
  const o = byId.get(id);
  if (!o) throw new Error(`no ${id}`);
  return o;
};

describe('fromPartnerCenter: Partner Center offers as Seatwise offers (R-CAT-3)', () => {
  it('R-CAT-3: the mapped catalog passes validateCatalog, in the response order', () => {
    expect(validateCatalog(offers)).toEqual([]);
    expect(offers.map((o) => o.id)).toEqual(ITEMS.map((i) => i.id));
  });

  it('R-PRC-1: customers pay the ERP price; the List Price is the cost; id matched in any case', () => {
    expect(get('SUITE')).toMatchObject({
      prices: { USD: 2000, EUR: 1900 },
      cost: { USD: 1600, EUR: 1500 },
      billingCycles: ['monthly', 'annual'],
      category: { id: 'Enterprise_Key', name: 'Enterprise' },
      productFamily: 'Enterprise',
      rank: 7,
      locale: 'en-US',
      country: 'US',
      countries: ['*'],
      clouds: ['global'],
    });
    expect(fromPartnerCenter([pc('suite')], PRICES)[0]?.prices).toEqual({ USD: 2000, EUR: 1900 });
  });

  it('R-CAT-2: an offer missing from the price list has no price and stays for sale elsewhere', () => {
    expect(get('LIMITED')).toMatchObject({ prices: {}, isAvailableForPurchase: true });
    expect(get('LIMITED').cost).toBeUndefined();
  });

  it('R-CUS-2: segments come from reselleeQualifications', () => {
    expect(get('SUITE').segments).toEqual(['commercial', 'education', 'nonprofit']);
    expect(get('suite-np').segments).toEqual(['nonprofit']);
    expect(get('EDU').segments).toEqual(['education']);
  });

  it('R-ORD-3: Partner Center limits keep their count; Lifetime is spelt LifeTime', () => {
    expect(get('LIMITED')).toMatchObject({ limitUnitOfMeasure: 'Concurrent', limit: 2 });
    expect(get('TRIAL')).toMatchObject({ limitUnitOfMeasure: 'LifeTime', limit: 1 });
  });

  it('R-TRI-1, R-TRI-3: a trial is free, exactly 25 licences, converting to the paid offers of the file', () => {
    expect(get('TRIAL')).toMatchObject({
      isTrial: true,
      billingCycles: [],
      prices: { USD: 0, EUR: 0 },
      minimumQuantity: 25,
      maximumQuantity: 25,
      conversionTargetOffers: ['SUITE'],
      segments: ['commercial', 'nonprofit'],
      isAutoRenewable: false,
    });
  });

  it('R-ADD-1: an add-on keeps the bases that are paid offers of the file', () => {
    expect(get('ADDON')).toMatchObject({ prerequisiteOffers: ['SUITE'], isAvailableForPurchase: true });
  });

  const notSold: Array<{ id: string; reason: string; value?: string }> = [
    { id: 'AZURE', reason: 'usageBased' },
    { id: 'GALAXY', reason: 'unknownUnitType', value: 'Seats per Galaxy' },
    { id: 'WEEKLY', reason: 'noBillingCycle', value: 'weekly' },
    { id: 'ODD-LIMIT', reason: 'unknownLimitUnit', value: 'PerTenant' },
    { id: 'SECRET', reason: 'unknownQualification', value: 'Secret Society' },
    { id: 'ADDON-2', reason: 'noPrerequisiteInCatalog' },
  ];
  for (const { id, reason, value } of notSold)
    it(`R-CAT-2: ${id} is imported and listed but not sold (${reason})`, () => {
      expect(get(id)).toMatchObject({
        isAvailableForPurchase: false,
        notSold: value === undefined ? { reason } : { reason, value },
      });
    });
});
