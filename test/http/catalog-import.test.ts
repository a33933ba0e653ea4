import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  CatalogFileError,
  importCatalog,
  loadOffers,
  readCatalog,
  readPriceList,
} from '../../src/app/catalog.ts';
import { commerce, type ErrorBody } from '../support/commerce.ts';
import { newCustomer } from '../support/factories.ts';
import { newSeatwise, REFERENCE_TIME, type TestSeatwise } from '../support/seatwise.ts';

/**
 * Partner Center's own catalog, imported as it is (R-CAT-3, R-PRC-1): the recorded `GET /v1/offers?country=US`
 * response, read from the shared recordings at test time, with a small price list written here.
 */
const RECORDING = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'shared',
  'reference',
  'partner-center-recordings',
  'GetPartnerOffer.json',
);

// Offers of the recording.
const E3 = '796B6B5F-613C-4E24-A17C-EBA730D49C02';
const AUDIO = 'C94271D8-B431-4A25-A3C5-A57737A1C909';
const E3_TRIAL = '32B23C88-949F-4E5B-B500-A87EEC676B80';
const ESSENTIALS = 'BD938F12-058F-4927-BBA3-AE36B1D2501C';
const AZURE = 'MS-AZR-0145P';

interface PcItem {
  id: string;
  unitType: string;
  minimumQuantity: unknown;
  [field: string]: unknown;
}
interface PcResponse {
  totalCount: number;
  items: PcItem[];
}

/** The recorded response body as Partner Center sent it (a byte-order mark first). */
const recordedBody = (): string =>
  (JSON.parse(readFileSync(RECORDING, 'utf8')) as { ResponseBody: string }[])[0]?.ResponseBody ?? '';

const dir = mkdtempSync(join(tmpdir(), 'seatwise-pc-catalog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = (name: string, text: string): string => {
  const path = join(dir, `${++files}-${name}`);
  writeFileSync(path, text);
  return path;
};

/** The recording saved as a file, as is or changed. */
function offersFile(change?: (response: PcResponse) => void): string {
  if (!change) return file('offers.json', recordedBody());
  const response = JSON.parse(recordedBody().replace(/^\uFEFF/, '')) as PcResponse;
  change(response);
  return file('offers.json', JSON.stringify(response));
}

const PRICES = [
  'Offer ID,Offer Display Name,Currency,List Price,ERP Price,Market',
  `${E3},Office 365 Enterprise E3,USD,16.00,20.00,US`,
  `${E3},Office 365 Enterprise E3,EUR,15.00,19.50,FR`,
  `${AUDIO},Audio Conferencing,USD,3.20,4.00,US`,
  `${AUDIO},Audio Conferencing,EUR,3.00,3.80,FR`,
  `${ESSENTIALS},Office 365 Business Essentials,USD,4.00,5.00,US`,
  `${ESSENTIALS.toLowerCase()},Office 365 Business Essentials,GBP,3.00,4.00,GB`,
];
const pricesFile = (lines = PRICES): string => file('prices.csv', `${lines.join('\n')}\n`);

let t: TestSeatwise;
const closeSeatwise = async () => {
  await t.close();
};

async function withRecordedCatalog(offers = offersFile(), prices = pricesFile()) {
  t = await newSeatwise();
  const read = readCatalog(offers, prices);
  await importCatalog(t.seatwise.db, read.offers, REFERENCE_TIME);
  return read;
}

const order = (customerId: string, billingCycle: string, lineItems: object[]) =>
  t.app.inject({
    method: 'POST',
    url: `/v1/customers/${customerId}/orders`,
    headers: t.auth,
    payload: { billingCycle, lineItems },
  });

interface CatalogItem {
  offer: { id: string };
  unitPrice: number;
  purchasable: boolean;
  reason?: { code: string; rule: string; description: string };
}
const catalogOf = async (customerId: string, cycle = 'monthly'): Promise<CatalogItem[]> => {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/customers/${customerId}/catalog?billingCycle=${cycle}`,
    headers: t.auth,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: CatalogItem[] }>().items;
};

describe("Partner Center's catalog imported as it is (R-CAT-3, R-PRC-1)", () => {
  afterEach(closeSeatwise);

  it('R-CAT-3: the recorded response imports all 274 offers with their Partner Center fields and costs', async () => {
    const read = await withRecordedCatalog();
    expect(read.format).toBe('partnerCenter');
    expect(read.offers).toHaveLength(274);
    const offers = await loadOffers(t.seatwise.db);
    expect(offers.get(E3)).toMatchObject({
      name: 'Office 365 Enterprise E3',
      prices: { USD: 2000, EUR: 1950 },
      cost: { USD: 1600, EUR: 1500 },
      billingCycles: ['monthly', 'annual'],
      segments: ['commercial', 'education', 'nonprofit'],
      category: { id: 'Enterprise_Key', name: 'Enterprise' },
      product: { name: 'Office 365 Enterprise E3', unit: 'Licenses' },
      unitType: 'Licenses',
      locale: 'en-US',
      country: 'US',
      acquisitionType: 'purchase',
      isAvailableForPurchase: true,
    });
    expect(offers.get(E3)?.learnMoreUri).toMatch(/^http/);
    expect(offers.get(AUDIO)).toMatchObject({ isAddOn: true });
    expect(offers.get(AUDIO)?.prerequisiteOffers).toContain(E3);
    expect(offers.get(E3_TRIAL)).toMatchObject({
      isTrial: true,
      conversionTargetOffers: [E3],
      limitUnitOfMeasure: 'LifeTime',
      limit: 1,
      prices: { USD: 0, EUR: 0 },
      segments: ['commercial', 'nonprofit'],
    });
    expect(offers.get(ESSENTIALS)).toMatchObject({ limitUnitOfMeasure: 'Concurrent', limit: 2 });
    // R-CUS-2: the nonprofit variant is for nonprofit customers only.
    expect(offers.get('D27F14DF-AECE-49BD-B769-D4E28A24963E')?.segments).toEqual(['nonprofit']);
    // The cost has its own column; the definition holds what customers are charged.
    const row = await t.seatwise.db
      .selectFrom('offers')
      .select(['cost', 'definition'])
      .where('id', '=', E3)
      .executeTakeFirstOrThrow();
    expect(row.cost).toEqual({ USD: 1600, EUR: 1500 });
    expect(row.definition).not.toHaveProperty('cost');
  });

  it('R-ADD-1: an import works out which offers take an add-on over the whole catalog, the offers it leaves out included', async () => {
    const read = await withRecordedCatalog();
    let offers = await loadOffers(t.seatwise.db);
    expect(offers.get(E3)?.takesAddOns).toBe(true);
    expect(offers.get(AUDIO)?.takesAddOns).toBe(false);
    // A second file with only E3's add-ons, retired: E3, left out, stays, but no add-on is sold on it now.
    const retired = read.offers
      .filter((o) => o.isAddOn && o.prerequisiteOffers.includes(E3))
      .map((o) => ({ ...o, isAvailableForPurchase: false }));
    expect(retired.length).toBeGreaterThan(1);
    await importCatalog(t.seatwise.db, retired, REFERENCE_TIME);
    offers = await loadOffers(t.seatwise.db);
    expect(offers.get(E3)?.takesAddOns).toBe(false);
    expect(offers.get(E3)?.isAvailableForPurchase).toBe(true);
    // Offers read back and imported again do not store the derived flag in their definition.
    await importCatalog(t.seatwise.db, [...offers.values()], REFERENCE_TIME);
    const row = await t.seatwise.db
      .selectFrom('offers')
      .select('definition')
      .where('id', '=', E3)
      .executeTakeFirstOrThrow();
    expect(row.definition).not.toHaveProperty('takesAddOns');
  });

  it('R-PRC-1, R-ADD-1, R-TRI-3, R-ORD-3: buy E3 at the ERP price, its Audio Conferencing add-on, convert an E3 trial to E3, and the third Business Essentials is refused', async () => {
    await withRecordedCatalog();
    const api = commerce(t);
    const c = await newCustomer(t, { country: 'US' });

    const placed = await order(c, 'monthly', [{ lineItemNumber: 0, offerId: E3, quantity: 10 }]);
    expect(placed.statusCode, placed.body).toBe(201);
    const placedOrder = placed.json<{ id: string; lineItems: { subscriptionId: string }[] }>();
    const base = placedOrder.lineItems[0]?.subscriptionId ?? '';
    expect(await api.get<{ unitPrice: number; attributes: { etag: string } }>(c, base)).toMatchObject({
      offerId: E3,
      unitPrice: 2000,
    });

    const addOn = await t.app.inject({
      method: 'PATCH',
      url: `/v1/customers/${c}/orders/${placedOrder.id}`,
      headers: t.auth,
      payload: {
        ...placedOrder,
        lineItems: [
          ...placedOrder.lineItems,
          { lineItemNumber: 1, offerId: AUDIO, parentSubscriptionId: base, quantity: 10 },
        ],
      },
    });
    expect(addOn.statusCode, addOn.body).toBe(200);
    const addOns = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${c}/subscriptions/${base}/addons`,
      headers: t.auth,
    });
    expect(addOns.json<{ items: { offerId: string; unitPrice: number }[] }>().items).toEqual([
      expect.objectContaining({ offerId: AUDIO, unitPrice: 400 }),
    ]);

    // A customer who does not own E3 yet may try it (R-TRI-2), then convert it (R-TRI-3).
    const other = await newCustomer(t, { country: 'US' });
    const trialTab = await catalogOf(other, 'trial');
    expect(trialTab.find((i) => i.offer.id === E3_TRIAL)).toMatchObject({ purchasable: true, unitPrice: 0 });
    const trial = await order(other, 'none', [{ lineItemNumber: 0, offerId: E3_TRIAL, quantity: 25 }]);
    expect(trial.statusCode, trial.body).toBe(201);
    const trialId = trial.json<{ lineItems: { subscriptionId: string }[] }>().lineItems[0]?.subscriptionId;
    const converted = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${other}/subscriptions/${trialId}/conversions`,
      headers: t.auth,
      payload: { targetOfferId: E3, billingCycle: 'monthly', quantity: 30 },
    });
    expect(converted.statusCode, converted.body).toBe(200);
    expect(
      await api.get<{ isTrial: boolean; attributes: { etag: string } }>(other, trialId ?? ''),
    ).toMatchObject({ id: trialId, offerId: E3, isTrial: false, quantity: 30, unitPrice: 2000 });

    // Business Essentials is limited to two subscriptions at a time (Partner Center's `Concurrent`, 2).
    for (const n of [0, 1])
      expect(
        (await order(c, 'annual', [{ lineItemNumber: 0, offerId: ESSENTIALS, quantity: 5 }])).statusCode,
        `${n}`,
      ).toBe(201);
    const third = await order(c, 'annual', [{ lineItemNumber: 0, offerId: ESSENTIALS, quantity: 5 }]);
    expect(third.statusCode).toBe(403);
    expect(third.json<ErrorBody>()).toMatchObject({ code: 800066, data: [{ rule: 'R-ORD-3' }] });
    const entry = (await catalogOf(c, 'annual')).find((i) => i.offer.id === ESSENTIALS);
    expect(entry).toMatchObject({ purchasable: false, reason: { code: 'limitReached', rule: 'R-ORD-3' } });
  });

  it('R-CAT-2: an offer without a EUR price is listed for a euro customer but not purchasable there, saying why', async () => {
    await withRecordedCatalog();
    const french = await newCustomer(t, { country: 'FR' });
    const entry = (await catalogOf(french)).find((i) => i.offer.id === ESSENTIALS);
    expect(entry).toMatchObject({ purchasable: false, reason: { code: 'notPurchasable', rule: 'R-CAT-2' } });
    expect(entry?.reason?.description).toContain('no price in EUR');
    const refused = await order(french, 'monthly', [{ lineItemNumber: 0, offerId: ESSENTIALS, quantity: 1 }]);
    expect(refused.statusCode).toBe(403);
    const body = refused.json<ErrorBody & { data: { code: number; description: string }[] }>();
    expect(body.data[0]).toMatchObject({ code: 2091, rule: 'R-CAT-2', field: 'offerId' });
    expect(body.data[0]?.description).toContain('no price in EUR');
    // Priced in EUR, E3 sells to the same customer at the EUR ERP price.
    expect((await catalogOf(french)).find((i) => i.offer.id === E3)).toMatchObject({
      purchasable: true,
      unitPrice: 1950,
    });
    // The same offer is purchasable by a customer paying in USD.
    const american = await newCustomer(t, { country: 'US' });
    expect((await catalogOf(american)).find((i) => i.offer.id === ESSENTIALS)).toMatchObject({
      purchasable: true,
      unitPrice: 500,
    });
  });

  it('R-CAT-2: an unknown unitType and a usage-based offer are imported and listed, but not sold, saying why', async () => {
    const offers = offersFile((r) => {
      const essentials = r.items.find((i) => i.id === ESSENTIALS);
      if (essentials) essentials.unitType = 'Seats per Galaxy';
    });
    await withRecordedCatalog(offers);
    const c = await newCustomer(t, { country: 'US' });
    const monthly = await catalogOf(c);
    const galaxy = monthly.find((i) => i.offer.id === ESSENTIALS);
    expect(galaxy).toMatchObject({ purchasable: false, reason: { code: 'notPurchasable', rule: 'R-CAT-2' } });
    expect(galaxy?.reason?.description).toContain('"Seats per Galaxy", a unit Seatwise does not sell');
    const azure = monthly.find((i) => i.offer.id === AZURE);
    expect(azure).toMatchObject({ purchasable: false, reason: { code: 'notPurchasable' } });
    expect(azure?.reason?.description).toContain('billed by usage');
    for (const offerId of [ESSENTIALS, AZURE]) {
      const refused = await order(c, 'monthly', [{ lineItemNumber: 0, offerId, quantity: 1 }]);
      expect(refused.statusCode).toBe(403);
      expect(refused.json<ErrorBody>()).toMatchObject({ data: [{ code: 2091, rule: 'R-CAT-2' }] });
    }
  });

  it('R-REN-1: re-importing changes offers and prices without touching existing subscriptions', async () => {
    await withRecordedCatalog();
    const api = commerce(t);
    const c = await newCustomer(t, { country: 'US' });
    const before = await api.buy(c, 'monthly', E3, 10);
    const raised = PRICES.map((l) =>
      l.startsWith(`${E3},Office 365 Enterprise E3,USD`) ? `${E3},E3,USD,17.00,22.00,US` : l,
    );
    const again = readCatalog(offersFile(), pricesFile(raised));
    await importCatalog(t.seatwise.db, again.offers, REFERENCE_TIME);

    expect((await loadOffers(t.seatwise.db, [E3])).get(E3)).toMatchObject({
      prices: { USD: 2200, EUR: 1950 },
      cost: { USD: 1700, EUR: 1500 },
    });
    const after = await api.get<typeof before & { unitPrice: number }>(c, before.id);
    expect(after).toEqual(before);
    expect(after.unitPrice).toBe(2000);
    const newer = await api.buy(c, 'monthly', E3, 1);
    expect(await api.get<{ unitPrice: number; attributes: { etag: string } }>(c, newer.id)).toMatchObject({
      unitPrice: 2200,
    });
  });
});

describe('the price list (R-PRC-1)', () => {
  it('R-PRC-1: column names match without regard to case and spaces, and other columns are ignored', () => {
    const prices = readPriceList(
      pricesFile([
        '  oFFer Id ,Notes, CURRENCY ,listprice,Erp  Price',
        `${E3.toLowerCase()},anything,usd,"1,234.50",1500`,
        `${E3},,Eur,12.5,13.0000`,
        '',
        `${AUDIO},,JPY,100,120`,
      ]),
    );
    expect(prices.get(E3)).toEqual({
      USD: { cost: 123450, retail: 150000 },
      EUR: { cost: 1250, retail: 1300 },
    });
    expect(prices.has(AUDIO)).toBe(false);
  });

  const refusals: Array<{ title: string; lines: string[]; problem: RegExp }> = [
    {
      title: 'R-PRC-1: a price list without the ERP Price column is refused, naming it',
      lines: ['Offer ID,Currency,List Price', `${E3},USD,16`],
      problem: /no column "ERP Price" \(found: Offer ID, Currency, List Price\)/,
    },
    {
      title: 'R-PRC-1: a price that is not an amount is refused, naming the line and the column',
      lines: ['Offer ID,Currency,List Price,ERP Price', `${E3},USD,16,20`, `${AUDIO},USD,3.205,4`],
      problem: /line 3: "List Price" "3\.205" is not an amount with at most two decimals/,
    },
    {
      title: 'R-PRC-1: two different prices of one offer in one currency are refused',
      lines: ['Offer ID,Currency,List Price,ERP Price', `${E3},USD,16,20`, `${E3},USD,16,21`],
      problem: /line 3: 796B6B5F-613C-4E24-A17C-EBA730D49C02 has another USD price on line 2/,
    },
    {
      title: 'R-PRC-1: a currency that is not a code is refused',
      lines: ['Offer ID,Currency,List Price,ERP Price', `${E3},dollars,16,20`],
      problem: /line 2: "Currency" "dollars" is not an ISO 4217 code/,
    },
  ];
  for (const { title, lines, problem } of refusals)
    it(title, () => {
      let error: unknown;
      try {
        readPriceList(pricesFile(lines));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CatalogFileError);
      expect((error as CatalogFileError).problems).toContainEqual(expect.stringMatching(problem));
    });
});

describe('a bad import writes nothing (R-CAT-3)', () => {
  afterEach(closeSeatwise);

  const offerCount = async () =>
    Number(
      (
        await t.seatwise.db
          .selectFrom('offers')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('R-CAT-3: a malformed Partner Center response is refused naming the field, and nothing is written', async () => {
    t = await newSeatwise();
    const before = await offerCount();
    const bad = offersFile((r) => {
      const item = r.items[3];
      if (item) item.minimumQuantity = 'ten';
    });
    expect(() => readCatalog(bad, pricesFile())).toThrow(/\/items\/3\/minimumQuantity/);
    expect(() => readCatalog(file('not.json', '{"totalCount": 1, "items": ['), pricesFile())).toThrow(
      CatalogFileError,
    );
    expect(() => readCatalog(file('other.json', '{"value": []}'))).toThrow(
      /neither a Seatwise catalog .* nor a Partner Center offers response/,
    );
    expect(() => readCatalog(file('seatwise.json', '{"version": 1, "offers": []}'), pricesFile())).toThrow(
      /--prices goes with a Partner Center offers response/,
    );
    expect(await offerCount()).toBe(before);
  });

  it('R-CAT-3: an import that fails part-way is rolled back whole: one transaction', async () => {
    t = await newSeatwise();
    const before = await offerCount();
    const { offers } = readCatalog(offersFile(), pricesFile());
    await expect(
      importCatalog(t.seatwise.db, offers, REFERENCE_TIME, (done) => {
        if (done === 200) throw new Error('interrupted');
      }),
    ).rejects.toThrow('interrupted');
    expect(await offerCount()).toBe(before);
    expect((await loadOffers(t.seatwise.db, [E3])).size).toBe(0);
  });
});
