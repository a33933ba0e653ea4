import { describe, expect, it } from 'vitest';
import {
  checkLimit,
  checkPrerequisite,
  checkTrial,
  listAddOns,
  listCatalog,
  type CatalogCustomer,
  type CatalogCycle,
  type CatalogQuery,
  type SubscriptionStatus,
  type SubscriptionSummary,
  type UnavailableCode,
} from './availability.ts';
import { validateCatalog, type Offer } from './offer.ts';

const offer = (id: string, overrides: Partial<Offer> = {}): Offer => ({
  id,
  name: id,
  description: `Offer ${id}`,
  productFamily: 'Test',
  unit: 'licenses',
  prices: { USD: 600, EUR: 560 },
  billingCycles: ['monthly', 'annual'],
  segments: ['commercial', 'nonprofit'],
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

const trial = (id: string, overrides: Partial<Offer> = {}): Offer =>
  offer(id, {
    prices: { USD: 0, EUR: 0 },
    billingCycles: [],
    minimumQuantity: 25,
    maximumQuantity: 25,
    isTrial: true,
    isAutoRenewable: false,
    ...overrides,
  });

const CATALOG: Offer[] = [
  offer('SUITE'),
  offer('ANNUAL', { billingCycles: ['annual'], prices: { USD: 3600, EUR: 3370 } }),
  offer('ONE', { limitUnitOfMeasure: 'Concurrent', limit: 1 }),
  offer('TWO', { limitUnitOfMeasure: 'Concurrent', limit: 2 }),
  offer('ONCE', { limitUnitOfMeasure: 'LifeTime', limit: 1, segments: ['nonprofit'] }),
  offer('EDU', { segments: ['education'] }),
  offer('GOV', { segments: ['government'] }),
  offer('FR-ONLY', { countries: ['FR', 'BE'] }),
  offer('USG', { segments: ['government'], countries: ['US'], clouds: ['usgov'] }),
  offer('DE', { segments: ['commercial'], countries: ['DE', 'FR', 'CH'], clouds: ['germany'] }),
  offer('RETIRED', { isAvailableForPurchase: false }),
  offer('ADDON', { isAddOn: true, prerequisiteOffers: ['SUITE', 'ONE'] }),
  offer('ADDON-ANNUAL', { isAddOn: true, prerequisiteOffers: ['SUITE'], billingCycles: ['annual'] }),
  offer('ADDON-ONE', {
    isAddOn: true,
    prerequisiteOffers: ['SUITE'],
    limitUnitOfMeasure: 'Concurrent',
    limit: 1,
  }),
  trial('TRIAL', { conversionTargetOffers: ['SUITE', 'ANNUAL'] }),
  trial('TRIAL-ONE', { conversionTargetOffers: ['ONE'] }),
  trial('TRIAL-DE', {
    segments: ['commercial'],
    countries: ['DE'],
    clouds: ['germany'],
    conversionTargetOffers: ['DE'],
  }),
];

const COMMERCIAL_US: CatalogCustomer = { segment: 'commercial', country: 'US', cloud: 'global' };

let nextId = 0;
const sub = (
  offerId: string,
  status: SubscriptionStatus = 'active',
  isTrial = false,
): SubscriptionSummary => {
  nextId += 1;
  return { id: `sub-${nextId}`, offerId, friendlyName: `${offerId} #${nextId}`, status, isTrial };
};

const query = (overrides: Partial<CatalogQuery> = {}): CatalogQuery => ({
  offers: CATALOG,
  customer: COMMERCIAL_US,
  cycle: 'monthly',
  currency: 'USD',
  subscriptions: [],
  trialOfferIdsEverOwned: [],
  ...overrides,
});

const ids = (q: CatalogQuery): string[] => listCatalog(q).map((e) => e.offer.id);
const entryOf = (q: CatalogQuery, id: string) => listCatalog(q).find((e) => e.offer.id === id);

describe('listCatalog: which offers a customer sees (R-CAT-1)', () => {
  it('the test catalog is itself valid', () => {
    expect(validateCatalog(CATALOG)).toEqual([]);
  });

  const cases: Array<{ title: string; customer: CatalogCustomer; cycle: CatalogCycle; expected: string[] }> =
    [
      {
        title: 'R-CAT-1: a commercial US customer sees the monthly offers of its segment, country and cloud',
        customer: COMMERCIAL_US,
        cycle: 'monthly',
        expected: ['SUITE', 'ONE', 'TWO', 'RETIRED'],
      },
      {
        title: 'R-CAT-1: annual shows the offers that support annual, including annual-only ones',
        customer: COMMERCIAL_US,
        cycle: 'annual',
        expected: ['SUITE', 'ANNUAL', 'ONE', 'TWO', 'RETIRED'],
      },
      {
        title: 'R-CAT-1: an offer sold in some countries shows only there (country in any case)',
        customer: { segment: 'commercial', country: 'fr', cloud: 'global' },
        cycle: 'monthly',
        expected: ['SUITE', 'ONE', 'TWO', 'FR-ONLY', 'RETIRED'],
      },
      {
        title: 'R-CAT-1: an education customer sees only offers for education',
        customer: { segment: 'education', country: 'US', cloud: 'global' },
        cycle: 'monthly',
        expected: ['EDU'],
      },
      {
        title: 'R-CAT-1: a nonprofit customer sees nonprofit variants',
        customer: { segment: 'nonprofit', country: 'US', cloud: 'global' },
        cycle: 'monthly',
        expected: ['SUITE', 'ONE', 'TWO', 'ONCE', 'RETIRED'],
      },
      {
        title:
          'R-CAT-1: a government customer on the global instance sees government offers of that instance',
        customer: { segment: 'government', country: 'US', cloud: 'global' },
        cycle: 'monthly',
        expected: ['GOV'],
      },
      {
        title: 'R-CAT-1: the usgov instance shows only its own offers',
        customer: { segment: 'government', country: 'US', cloud: 'usgov' },
        cycle: 'monthly',
        expected: ['USG'],
      },
      {
        title: 'R-CAT-1: the germany instance shows only its own offers',
        customer: { segment: 'commercial', country: 'DE', cloud: 'germany' },
        cycle: 'monthly',
        expected: ['DE'],
      },
      {
        title: 'R-CAT-1: trials show only under the trial cycle',
        customer: COMMERCIAL_US,
        cycle: 'trial',
        expected: ['TRIAL', 'TRIAL-ONE'],
      },
      {
        title: 'R-TRI-1: the catalog accepts "none" for the trial cycle',
        customer: COMMERCIAL_US,
        cycle: 'none',
        expected: ['TRIAL', 'TRIAL-ONE'],
      },
      {
        title: 'R-CAT-1: trials of the germany instance show there',
        customer: { segment: 'commercial', country: 'DE', cloud: 'germany' },
        cycle: 'trial',
        expected: ['TRIAL-DE'],
      },
      {
        title: 'R-TRI-1: no trial for an education customer',
        customer: { segment: 'education', country: 'US', cloud: 'global' },
        cycle: 'trial',
        expected: [],
      },
      {
        title: 'R-TRI-1: no trial for a government customer, even from a catalog that lists one for them',
        customer: { segment: 'government', country: 'US', cloud: 'global' },
        cycle: 'trial',
        expected: [],
      },
    ];
  for (const { title, customer, cycle, expected } of cases)
    it(title, () => {
      const offers =
        customer.segment === 'government'
          ? [...CATALOG, trial('BAD-GOV-TRIAL', { segments: ['government'] })]
          : CATALOG;
      expect(ids(query({ offers, customer, cycle }))).toEqual(expected);
    });

  it('R-ADD-1: add-ons are never listed, since they are bought from their base subscription', () => {
    for (const cycle of ['monthly', 'annual', 'trial'] as const)
      expect(ids(query({ cycle })).filter((id) => id.startsWith('ADDON'))).toEqual([]);
  });

  it('R-CAT-2: an offer with no price in the customer currency is listed, not purchasable, saying why', () => {
    const offers = [...CATALOG, offer('USD-ONLY', { prices: { USD: 100 } })];
    expect(entryOf(query({ offers, currency: 'USD' }), 'USD-ONLY')).toMatchObject({ purchasable: true });
    expect(entryOf(query({ offers, currency: 'EUR' }), 'USD-ONLY')).toMatchObject({
      purchasable: false,
      reason: {
        code: 'notPurchasable',
        rule: 'R-CAT-2',
        messageKey: 'order.notPricedInCurrency',
        params: { currency: 'EUR' },
      },
    });
  });

  it('R-CAT-2: an imported offer Seatwise does not sell is listed with the reason', () => {
    const offers = [
      ...CATALOG,
      offer('METERED', {
        billingCycles: [],
        prices: {},
        isAvailableForPurchase: false,
        notSold: { reason: 'unknownUnitType', value: 'Bananas' },
      }),
    ];
    expect(entryOf(query({ offers }), 'METERED')).toMatchObject({
      purchasable: false,
      reason: {
        code: 'notPurchasable',
        messageKey: 'order.notSold.unknownUnitType',
        params: { value: 'Bananas' },
      },
    });
  });

  const prices: Array<{
    title: string;
    cycle: CatalogCycle;
    currency: 'USD' | 'EUR';
    id: string;
    unitPrice: number;
  }> = [
    {
      title: 'R-CAT-1: the monthly price is per licence per month',
      cycle: 'monthly',
      currency: 'USD',
      id: 'SUITE',
      unitPrice: 600,
    },
    {
      title: 'R-CAT-1: the price is in the customer currency',
      cycle: 'monthly',
      currency: 'EUR',
      id: 'SUITE',
      unitPrice: 560,
    },
    {
      title: 'R-CAT-1: the annual price is monthly × 12',
      cycle: 'annual',
      currency: 'USD',
      id: 'SUITE',
      unitPrice: 7200,
    },
    {
      title: 'R-CAT-1: the annual price is monthly × 12 in EUR',
      cycle: 'annual',
      currency: 'EUR',
      id: 'ANNUAL',
      unitPrice: 40440,
    },
    { title: 'R-TRI-1: a trial is free', cycle: 'trial', currency: 'EUR', id: 'TRIAL', unitPrice: 0 },
  ];
  for (const { title, cycle, currency, id, unitPrice } of prices)
    it(title, () => {
      expect(entryOf(query({ cycle, currency }), id)).toMatchObject({ unitPrice, currency });
    });
});

describe('checkLimit (R-ORD-3, R-CAT-2)', () => {
  const one = CATALOG.find((o) => o.id === 'ONE')!;
  const two = CATALOG.find((o) => o.id === 'TWO')!;
  const once = CATALOG.find((o) => o.id === 'ONCE')!;
  const suite = CATALOG.find((o) => o.id === 'SUITE')!;

  const cases: Array<{
    title: string;
    offer: Offer;
    subscriptions: SubscriptionSummary[];
    expected?: { code: UnavailableCode; rule: string; subscriptionIndex?: number };
  }> = [
    {
      title: 'R-ORD-3: an offer without a limit is never limited',
      offer: suite,
      subscriptions: [sub('SUITE'), sub('SUITE')],
    },
    {
      title: 'R-ORD-3: Concurrent limit 1 allows the first subscription',
      offer: one,
      subscriptions: [sub('SUITE')],
    },
    {
      title: 'R-ORD-3: Concurrent limit 1 is reached by an active subscription, which it names',
      offer: one,
      subscriptions: [sub('SUITE'), sub('ONE')],
      expected: { code: 'limitReached', rule: 'R-ORD-3', subscriptionIndex: 1 },
    },
    ...(['expired', 'disabled', 'pending'] as const).map((status) => ({
      title: `R-ORD-3: Concurrent limit counts ${status} subscriptions`,
      offer: one,
      subscriptions: [sub('ONE', status)],
      expected: { code: 'limitReached' as const, rule: 'R-ORD-3', subscriptionIndex: 0 },
    })),
    {
      title: 'R-ORD-3: Concurrent limit counts suspended subscriptions, and asks to reactivate (R-CAT-2)',
      offer: one,
      subscriptions: [sub('ONE', 'suspended')],
      expected: { code: 'suspendedExists', rule: 'R-CAT-2', subscriptionIndex: 0 },
    },
    {
      title: 'R-CAT-2: suspendedExists is preferred over limitReached and names the suspended subscription',
      offer: two,
      subscriptions: [sub('TWO'), sub('TWO', 'suspended')],
      expected: { code: 'suspendedExists', rule: 'R-CAT-2', subscriptionIndex: 1 },
    },
    {
      title: 'R-ORD-3: a suspended subscription under the limit does not block another one',
      offer: two,
      subscriptions: [sub('TWO', 'suspended')],
    },
    {
      title: 'R-ORD-3: Concurrent limit does not count deleted subscriptions',
      offer: one,
      subscriptions: [sub('ONE', 'deleted'), sub('ONE', 'deleted')],
    },
    {
      title: 'R-ORD-3: Concurrent limit 2 allows a second subscription',
      offer: two,
      subscriptions: [sub('TWO'), sub('TWO', 'deleted')],
    },
    {
      title: 'R-ORD-3: Concurrent limit 2 is reached by two existing subscriptions',
      offer: two,
      subscriptions: [sub('TWO'), sub('TWO', 'expired')],
      expected: { code: 'limitReached', rule: 'R-ORD-3', subscriptionIndex: 0 },
    },
    {
      title: 'R-ORD-3: LifeTime limit counts deleted subscriptions too',
      offer: once,
      subscriptions: [sub('ONCE', 'deleted')],
      expected: { code: 'limitReached', rule: 'R-ORD-3', subscriptionIndex: 0 },
    },
    {
      title: 'R-ORD-3: LifeTime limit names a subscription that still exists when there is one',
      offer: { ...once, limit: 2 },
      subscriptions: [sub('ONCE', 'deleted'), sub('ONCE', 'expired')],
      expected: { code: 'limitReached', rule: 'R-ORD-3', subscriptionIndex: 1 },
    },
    {
      title: 'R-ORD-3: LifeTime limit allows the first subscription',
      offer: once,
      subscriptions: [sub('SUITE')],
    },
  ];
  for (const { title, offer: o, subscriptions, expected } of cases)
    it(title, () => {
      const reason = checkLimit(o, subscriptions);
      if (!expected) return expect(reason).toBeUndefined();
      const named =
        expected.subscriptionIndex === undefined ? undefined : subscriptions[expected.subscriptionIndex];
      expect(reason).toEqual({
        code: expected.code,
        rule: expected.rule,
        subscriptionId: named?.id,
        subscriptionName: named?.friendlyName,
      });
    });

  it('R-CAT-2: the catalog entry carries the limit reason and is not purchasable', () => {
    const existing = sub('ONE');
    expect(entryOf(query({ subscriptions: [existing] }), 'ONE')).toMatchObject({
      purchasable: false,
      reason: {
        code: 'limitReached',
        rule: 'R-ORD-3',
        subscriptionId: existing.id,
        subscriptionName: existing.friendlyName,
      },
    });
    expect(entryOf(query({ subscriptions: [existing] }), 'SUITE')).toEqual(
      expect.objectContaining({ purchasable: true }),
    );
    expect(entryOf(query({ subscriptions: [existing] }), 'SUITE')).not.toHaveProperty('reason');
  });

  it('R-CAT-2: the catalog entry of a suspended limited offer says to reactivate it', () => {
    const suspended = sub('ONE', 'suspended');
    expect(entryOf(query({ cycle: 'annual', subscriptions: [suspended] }), 'ONE')).toMatchObject({
      purchasable: false,
      reason: { code: 'suspendedExists', subscriptionId: suspended.id },
    });
  });

  it('R-CAT-2: an offer still for sale with a suspended subscription of it offers to reactivate that one', () => {
    const suspended = sub('TWO', 'suspended');
    const two = entryOf(query({ cycle: 'annual', subscriptions: [suspended] }), 'TWO');
    expect(two).toMatchObject({
      purchasable: true,
      suspendedSubscription: { subscriptionId: suspended.id, subscriptionName: suspended.friendlyName },
    });
    expect(two?.reason).toBeUndefined();
    expect(entryOf(query({ cycle: 'annual', subscriptions: [sub('TWO')] }), 'TWO')).not.toHaveProperty(
      'suspendedSubscription',
    );
  });

  it('R-CAT-2: an offer not available for purchase says so, before any other reason', () => {
    const retiredWithLimit = offer('RETIRED', {
      isAvailableForPurchase: false,
      limitUnitOfMeasure: 'Concurrent',
      limit: 1,
    });
    const entry = entryOf(query({ offers: [retiredWithLimit], subscriptions: [sub('RETIRED')] }), 'RETIRED');
    expect(entry).toEqual({
      offer: retiredWithLimit,
      unitPrice: 600,
      currency: 'USD',
      purchasable: false,
      reason: { code: 'notPurchasable', rule: 'R-CAT-2' },
    });
  });
});

describe('trials (R-TRI-2)', () => {
  const trialOffer = CATALOG.find((o) => o.id === 'TRIAL')!;
  const trialOne = CATALOG.find((o) => o.id === 'TRIAL-ONE')!;

  const cases: Array<{
    title: string;
    trial: Offer;
    subscriptions: SubscriptionSummary[];
    everOwned?: string[];
    expected?: { code: UnavailableCode; subscriptionIndex?: number };
  }> = [
    { title: 'R-TRI-2: a first trial is allowed', trial: trialOffer, subscriptions: [sub('ONE')] },
    {
      title: 'R-TRI-2: one trial per offer, ever: a running trial blocks another',
      trial: trialOffer,
      subscriptions: [sub('TRIAL', 'active', true)],
      expected: { code: 'trialAlreadyUsed', subscriptionIndex: 0 },
    },
    {
      title: 'R-TRI-2: one trial per offer, ever: an expired and deleted trial still counts',
      trial: trialOffer,
      subscriptions: [sub('TRIAL', 'deleted', true)],
      expected: { code: 'trialAlreadyUsed', subscriptionIndex: 0 },
    },
    {
      title: 'R-TRI-2: one trial per offer, ever: a converted trial counts through trialOfferIdsEverOwned',
      trial: trialOne,
      subscriptions: [sub('ONE', 'deleted')],
      everOwned: ['TRIAL-ONE'],
      expected: { code: 'trialAlreadyUsed' },
    },
    {
      title: 'R-TRI-2: trials of different offers are allowed',
      trial: trialOffer,
      subscriptions: [sub('TRIAL-ONE', 'active', true)],
      everOwned: ['TRIAL-ONE'],
    },
    {
      title: 'R-TRI-2: no trial of an offer the customer already owns (any conversion target)',
      trial: trialOffer,
      subscriptions: [sub('ONE'), sub('ANNUAL', 'suspended')],
      expected: { code: 'alreadyOwned', subscriptionIndex: 1 },
    },
    {
      title: 'R-TRI-2: a deleted subscription of the target is not owned any more',
      trial: trialOffer,
      subscriptions: [sub('SUITE', 'deleted')],
    },
  ];
  for (const { title, trial: t, subscriptions, everOwned = [], expected } of cases)
    it(title, () => {
      const reason = checkTrial(t, subscriptions, everOwned);
      if (!expected) return expect(reason).toBeUndefined();
      const named =
        expected.subscriptionIndex === undefined ? undefined : subscriptions[expected.subscriptionIndex];
      expect(reason).toEqual(
        named
          ? {
              code: expected.code,
              rule: 'R-TRI-2',
              subscriptionId: named.id,
              subscriptionName: named.friendlyName,
            }
          : { code: expected.code, rule: 'R-TRI-2' },
      );
    });

  it('R-TRI-2: the trial tab marks used and owned trials as not purchasable', () => {
    const entries = listCatalog(
      query({ cycle: 'trial', subscriptions: [sub('ONE')], trialOfferIdsEverOwned: ['TRIAL'] }),
    );
    expect(entries.map((e) => [e.offer.id, e.purchasable, e.reason?.code])).toEqual([
      ['TRIAL', false, 'trialAlreadyUsed'],
      ['TRIAL-ONE', false, 'alreadyOwned'],
    ]);
  });
});

describe('listAddOns (R-ADD-1, R-ADD-2)', () => {
  const base = (
    offerId: string,
    status: SubscriptionStatus = 'active',
    billingCycle: 'monthly' | 'annual' = 'monthly',
  ) => ({
    ...sub(offerId, status),
    billingCycle,
  });
  const addOns = (b: ReturnType<typeof base>, subscriptions: SubscriptionSummary[] = [b]) =>
    listAddOns({ offers: CATALOG, customer: COMMERCIAL_US, currency: 'USD', base: b, subscriptions });

  it('R-ADD-1: lists the add-ons whose prerequisites include the base offer, with either base', () => {
    expect(addOns(base('SUITE')).map((e) => e.offer.id)).toEqual(['ADDON', 'ADDON-ONE']);
    expect(addOns(base('ONE')).map((e) => e.offer.id)).toEqual(['ADDON']);
    expect(addOns(base('TWO'))).toEqual([]);
  });

  it('R-ADD-2: the add-on takes the base cycle, and its price', () => {
    expect(addOns(base('SUITE', 'active', 'annual')).map((e) => [e.offer.id, e.unitPrice])).toEqual([
      ['ADDON', 7200],
      ['ADDON-ANNUAL', 7200],
      ['ADDON-ONE', 7200],
    ]);
  });

  it('R-ADD-1: the base must be active', () => {
    const suspendedBase = base('SUITE', 'suspended');
    expect(addOns(suspendedBase)[0]).toMatchObject({
      purchasable: false,
      reason: { code: 'prerequisiteMissing', rule: 'R-ADD-1', subscriptionId: suspendedBase.id },
    });
  });

  it('R-ORD-3: an add-on limit applies as well', () => {
    const b = base('SUITE');
    const existing = sub('ADDON-ONE');
    expect(addOns(b, [b, existing]).find((e) => e.offer.id === 'ADDON-ONE')).toMatchObject({
      purchasable: false,
      reason: { code: 'limitReached', subscriptionId: existing.id },
    });
  });

  const prerequisites: Array<{
    title: string;
    base: SubscriptionSummary | undefined;
    code?: UnavailableCode;
  }> = [
    { title: 'R-ADD-1: an active base among the prerequisites is enough', base: sub('ONE') },
    { title: 'R-ADD-1: no base is a missing prerequisite', base: undefined, code: 'prerequisiteMissing' },
    {
      title: 'R-ADD-1: a base of another offer is a missing prerequisite',
      base: sub('TWO'),
      code: 'prerequisiteMissing',
    },
    {
      title: 'R-ADD-1: an expired base is a missing prerequisite',
      base: sub('SUITE', 'expired'),
      code: 'prerequisiteMissing',
    },
  ];
  const addOn = CATALOG.find((o) => o.id === 'ADDON')!;
  for (const { title, base: b, code } of prerequisites)
    it(title, () => {
      expect(checkPrerequisite(addOn, b)?.code).toBe(code);
    });
});
