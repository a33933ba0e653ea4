import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { sql } from 'kysely';
import { CLOUDS } from '../domain/cloud.ts';
import {
  CURRENCIES,
  LIMIT_UNITS,
  PAID_BILLING_CYCLES,
  SEGMENTS,
  validateCatalog,
  type Currency,
  type Offer,
} from '../domain/catalog/offer.ts';
import {
  fromPartnerCenter,
  type OfferPrice,
  type PartnerCenterOffer,
  type PriceList,
} from '../domain/catalog/partner-center.ts';
import { inTransaction, type Db } from '../db/database.ts';
import { allAccessChanged } from './access.ts';
import { link } from './links.ts';

/** Where the demo catalog lives (R-CAT-3). */
export const DEMO_CATALOG_PATH = join(import.meta.dirname, '..', '..', 'catalog', 'demo-catalog.json');

const OfferSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100 }),
  name: Type.String({ minLength: 1 }),
  description: Type.String(),
  productFamily: Type.String(),
  unit: Type.String(),
  prices: Type.Object({
    USD: Type.Optional(Type.Integer({ minimum: 0 })),
    EUR: Type.Optional(Type.Integer({ minimum: 0 })),
  }),
  billingCycles: Type.Array(Type.Enum(PAID_BILLING_CYCLES)),
  segments: Type.Array(Type.Enum(SEGMENTS)),
  countries: Type.Array(Type.String()),
  clouds: Type.Array(Type.Enum(CLOUDS)),
  minimumQuantity: Type.Integer({ minimum: 0 }),
  maximumQuantity: Type.Integer({ minimum: 1 }),
  limitUnitOfMeasure: Type.Enum(LIMIT_UNITS),
  limit: Type.Integer({ minimum: 0 }),
  isAddOn: Type.Boolean(),
  prerequisiteOffers: Type.Array(Type.String()),
  isTrial: Type.Boolean(),
  conversionTargetOffers: Type.Array(Type.String()),
  isAutoRenewable: Type.Boolean(),
  servicePlans: Type.Array(Type.String()),
  isAvailableForPurchase: Type.Boolean(),
  cost: Type.Optional(
    Type.Object({
      USD: Type.Optional(Type.Integer({ minimum: 0 })),
      EUR: Type.Optional(Type.Integer({ minimum: 0 })),
    }),
  ),
  translations: Type.Optional(
    Type.Record(
      Type.String({ pattern: '^[a-z]{2}-[A-Z]{2}$' }),
      Type.Object(
        {
          name: Type.Optional(Type.String({ minLength: 1 })),
          description: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
      { additionalProperties: false },
    ),
  ),
});
const CatalogFileSchema = Type.Object({ version: Type.Literal(1), offers: Type.Array(OfferSchema) });
const CatalogFile = Compile(CatalogFileSchema);

/** What the import reads of a Partner Center offers response: the rest is ignored (reference §1.3). */
const Strings = Type.Optional(Type.Array(Type.String()));
const PartnerCenterOfferSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100 }),
  name: Type.String({ minLength: 1 }),
  description: Type.Optional(Type.String()),
  minimumQuantity: Type.Integer(),
  maximumQuantity: Type.Integer(),
  rank: Type.Optional(Type.Integer()),
  locale: Type.Optional(Type.String()),
  country: Type.Optional(Type.String()),
  category: Type.Optional(
    Type.Object({ id: Type.Optional(Type.String()), name: Type.Optional(Type.String()) }),
  ),
  limitUnitOfMeasure: Type.Optional(Type.String()),
  limit: Type.Optional(Type.Integer({ minimum: 0 })),
  termUnitOfMeasure: Type.Optional(Type.String()),
  term: Type.Optional(Type.Integer()),
  prerequisiteOffers: Strings,
  isAddOn: Type.Optional(Type.Boolean()),
  hasAddOns: Type.Optional(Type.Boolean()),
  isAvailableForPurchase: Type.Optional(Type.Boolean()),
  billing: Type.Optional(Type.String()),
  supportedBillingCycles: Strings,
  isAutoRenewable: Type.Optional(Type.Boolean()),
  conversionTargetOffers: Strings,
  reselleeQualifications: Strings,
  resellerQualifications: Strings,
  upgradeTargetOffers: Strings,
  salesGroupId: Type.Optional(Type.String()),
  isTrial: Type.Optional(Type.Boolean()),
  acquisitionType: Type.Optional(Type.String()),
  supportedCatalogTypes: Strings,
  isMicrosoftProduct: Type.Optional(Type.Boolean()),
  product: Type.Optional(
    Type.Object({
      id: Type.Optional(Type.String()),
      name: Type.Optional(Type.String()),
      unit: Type.Optional(Type.String()),
    }),
  ),
  unitType: Type.Optional(Type.String()),
  links: Type.Optional(
    Type.Object({ learnMore: Type.Optional(Type.Object({ uri: Type.Optional(Type.String()) })) }),
  ),
});
const PartnerCenterFile = Compile(
  Type.Object({ totalCount: Type.Optional(Type.Integer()), items: Type.Array(PartnerCenterOfferSchema) }),
);

export class CatalogFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`The catalog ${file} is not valid:\n  ${problems.join('\n  ')}`);
    this.name = 'CatalogFileError';
  }
}

/** Reads and checks a catalog file in Seatwise's format: its shape, then the rules between offers. */
export function readCatalogFile(path: string): Offer[] {
  return readCatalog(path).offers;
}

export interface CatalogRead {
  format: 'seatwise' | 'partnerCenter';
  offers: Offer[];
  /** What the operator should know: prices matched, rows ignored, offers listed but not sold. */
  notes: string[];
}

const readText = (path: string): string => {
  try {
    // Partner Center's responses start with a byte-order mark, which JSON.parse refuses.
    return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new CatalogFileError(path, [e instanceof Error ? e.message : String(e)]);
  }
};

/**
 * Reads and checks a catalog (R-CAT-3): Seatwise's own format (`{ version: 1, offers }`), or a saved
 * Partner Center offers response (`{ totalCount, items }`) with an optional price list (R-PRC-1). The
 * shape is checked first, then the rules between offers (`validateCatalog`); nothing is written.
 */
export function readCatalog(path: string, pricesPath?: string): CatalogRead {
  let data: unknown;
  try {
    data = JSON.parse(readText(path));
  } catch (e) {
    if (e instanceof CatalogFileError) throw e;
    throw new CatalogFileError(path, [e instanceof Error ? e.message : String(e)]);
  }
  const shape = (check: typeof CatalogFile | typeof PartnerCenterFile): string[] =>
    check
      .Errors(data)
      .slice(0, 20)
      .map((e) => `${e.instancePath || '/'}: ${e.message}`);
  const isObject = typeof data === 'object' && data !== null && !Array.isArray(data);
  let read: CatalogRead;
  if (typeof data === 'object' && data !== null && 'items' in data) {
    if (!PartnerCenterFile.Check(data)) throw new CatalogFileError(path, shape(PartnerCenterFile));
    const items = data.items as PartnerCenterOffer[];
    const notes: string[] = [];
    const prices = pricesPath ? readPriceList(pricesPath, notes) : new Map<string, never>();
    if (!pricesPath) notes.push('no price list (--prices): every paid offer is listed but not purchasable');
    if (data.totalCount !== undefined && data.totalCount !== items.length)
      notes.push(`the response holds ${items.length} of ${data.totalCount} offers (one page of several?)`);
    const offers = fromPartnerCenter(items, prices);
    const ids = new Set(offers.map((o) => o.id.toUpperCase()));
    const unmatched = [...prices.keys()].filter((id) => !ids.has(id)).length;
    if (pricesPath) {
      const priced = offers.filter((o) => !o.isTrial && Object.keys(o.prices).length > 0).length;
      notes.push(`${priced} paid offers priced; ${unmatched} offers of the price list are not in the file`);
    }
    const notSold = offers.filter((o) => o.notSold).length;
    if (notSold > 0) notes.push(`${notSold} offers listed but not sold (R-CAT-2)`);
    read = { format: 'partnerCenter', offers, notes };
  } else {
    if (pricesPath)
      throw new CatalogFileError(path, [
        '--prices goes with a Partner Center offers response ({ "totalCount", "items" }); a Seatwise catalog carries its prices',
      ]);
    if (!CatalogFile.Check(data)) {
      const problems = shape(CatalogFile);
      if (!isObject || !('offers' in (data as object)))
        problems.unshift(
          'neither a Seatwise catalog ({ "version": 1, "offers": [...] }) nor a Partner Center offers response ({ "totalCount", "items": [...] })',
        );
      throw new CatalogFileError(path, problems);
    }
    read = { format: 'seatwise', offers: data.offers, notes: [] };
  }
  const problems = validateCatalog(read.offers);
  if (problems.length > 0) throw new CatalogFileError(path, problems.slice(0, 20));
  return read;
}

/** Price list columns, matched without regard to case and spaces; the others are ignored. */
const PRICE_COLUMNS = {
  offerid: 'Offer ID',
  currency: 'Currency',
  listprice: 'List Price',
  erpprice: 'ERP Price',
};
type PriceColumn = keyof typeof PRICE_COLUMNS;
const columnKey = (header: string): string => header.replace(/\s+/g, '').toLowerCase();

/** `"12.50"` or `"1,234.5"` to minor units; undefined when it is not an amount with at most two decimals. */
function minorUnits(text: string): number | undefined {
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m?.[1]) return undefined;
  const decimals = (m[2] ?? '').replace(/0+$/, '');
  if (decimals.length > 2) return undefined;
  return Number(m[1].replace(/,/g, '')) * 100 + Number(decimals.padEnd(2, '0'));
}

/**
 * Reads a Partner Center price list (R-PRC-1) with csv-parse: per offer and currency, the List Price (the
 * partner's cost) and the ERP Price (what customers are charged), per licence per month. Rows in currencies
 * Seatwise does not bill in are ignored; anything malformed refuses the whole list, naming the line.
 */
export function readPriceList(path: string, notes: string[] = []): PriceList {
  const text = readText(path);
  type PriceRecord = { record: Partial<Record<PriceColumn, string>>; info: { lines: number } };
  let records: PriceRecord[];
  let headers: string[] = [];
  try {
    records = parseCsv<PriceRecord>(text, {
      columns: (header: string[]) => {
        headers = header;
        return header.map((h) => (columnKey(h) in PRICE_COLUMNS ? columnKey(h) : false));
      },
      info: true,
      skip_empty_lines: true,
      trim: true,
    });
  } catch (e) {
    throw new CatalogFileError(path, [e instanceof Error ? e.message : String(e)]);
  }
  const missing = (Object.keys(PRICE_COLUMNS) as PriceColumn[]).filter(
    (c) => !headers.some((h) => columnKey(h) === c),
  );
  if (missing.length > 0)
    throw new CatalogFileError(path, [
      `no column ${missing.map((c) => `"${PRICE_COLUMNS[c]}"`).join(', ')} (found: ${headers.join(', ') || 'nothing'})`,
    ]);

  const problems: string[] = [];
  const prices = new Map<string, Partial<Record<Currency, OfferPrice>>>();
  const lineOf = new Map<string, number>();
  const ignored = new Set<string>();
  for (const { record, info } of records) {
    const line = info.lines;
    const p = (message: string): void => {
      problems.push(`line ${line}: ${message}`);
    };
    const offerId = (record.offerid ?? '').toUpperCase();
    const currency = (record.currency ?? '').toUpperCase();
    const cost = minorUnits(record.listprice ?? '');
    const retail = minorUnits(record.erpprice ?? '');
    if (!offerId) p('"Offer ID" is empty');
    if (!/^[A-Z]{3}$/.test(currency))
      p(`"Currency" ${JSON.stringify(record.currency ?? '')} is not an ISO 4217 code`);
    if (cost === undefined)
      p(`"List Price" ${JSON.stringify(record.listprice ?? '')} is not an amount with at most two decimals`);
    if (retail === undefined)
      p(`"ERP Price" ${JSON.stringify(record.erpprice ?? '')} is not an amount with at most two decimals`);
    if (!offerId || cost === undefined || retail === undefined || !/^[A-Z]{3}$/.test(currency)) continue;
    if (!(CURRENCIES as readonly string[]).includes(currency)) {
      ignored.add(currency);
      continue;
    }
    const byCurrency = prices.get(offerId) ?? {};
    const earlier = byCurrency[currency as Currency];
    if (earlier && (earlier.cost !== cost || earlier.retail !== retail))
      p(`${offerId} has another ${currency} price on line ${lineOf.get(`${offerId} ${currency}`)}`);
    byCurrency[currency as Currency] = { cost, retail };
    prices.set(offerId, byCurrency);
    lineOf.set(`${offerId} ${currency}`, line);
  }
  if (problems.length > 0) throw new CatalogFileError(path, problems.slice(0, 20));
  if (ignored.size > 0)
    notes.push(
      `price rows in ${[...ignored].sort().join(', ')} ignored: Seatwise bills in ${CURRENCIES.join(', ')}`,
    );
  return prices;
}

/**
 * Imports a catalog (R-CAT-3): every offer in the file is inserted or replaced with its cost, in one
 * transaction.
 * Offers missing from the file stay (subscriptions refer to them) and can be retired with
 * `isAvailableForPurchase: false`.
 */
export async function importCatalog(
  db: Db,
  offers: readonly Offer[],
  now: Date,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<number> {
  await inTransaction(db, async (trx) => {
    let rank = 0;
    for (const { cost, ...offer } of offers) {
      delete offer.takesAddOns; // the catalog's, worked out below: never part of a definition
      // The cost has its own column (R-PRC-1); re-importing replaces offers and prices, and leaves
      // subscriptions alone: they keep their price until renewal (R-REN-1).
      const values = {
        definition: JSON.stringify(offer),
        cost: JSON.stringify(cost ?? {}),
        rank,
        imported_at: now,
      };
      await trx
        .insertInto('offers')
        .values({ id: offer.id, ...values })
        .onConflict((oc) => oc.column('id').doUpdateSet(values))
        .execute();
      onProgress(++rank, offers.length);
    }
    // R-ADD-1: which offers some purchasable add-on can be bought on, over the whole catalog (the offers
    // this file leaves out stay, and its add-ons may name them).
    await sql`
      UPDATE offers o SET takes_add_ons = EXISTS (
        SELECT 1 FROM offers a
         WHERE (a.definition ->> 'isAddOn')::boolean
           AND (a.definition ->> 'isAvailableForPurchase')::boolean
           AND a.definition -> 'prerequisiteOffers' ? o.id)`.execute(trx);
    // An offer's service plans decide what its licences grant (R-ACC): every tenant's decisions may change.
    await allAccessChanged(trx);
  });
  return offers.length;
}

/** Loads the demo catalog when the catalog is empty; returns how many offers it loaded. */
export async function loadDemoCatalogIfEmpty(db: Db, now: Date): Promise<number> {
  const any = await db.selectFrom('offers').select('id').limit(1).executeTakeFirst();
  if (any) return 0;
  return importCatalog(db, readCatalogFile(DEMO_CATALOG_PATH), now);
}

/** An offer as stored: its definition, with its cost (R-PRC-1) and whether add-ons are sold on it (R-ADD-1). */
const storedOffer = (row: { definition: unknown; cost: unknown; takes_add_ons: boolean }): Offer => {
  const offer = { ...(row.definition as Offer), takesAddOns: row.takes_add_ons };
  const cost = row.cost;
  return cost && typeof cost === 'object' && Object.keys(cost).length > 0 ? { ...offer, cost } : offer;
};

/**
 * The catalog, read from the database on every call: another process may have imported a new one, and
 * nothing in a process's memory may make it answer wrongly (SPEC §8).
 */
export async function loadOffers(db: Db, ids?: readonly string[]): Promise<Map<string, Offer>> {
  if (ids?.length === 0) return new Map();
  return offersById(await offersQuery(db, ids).execute());
}

/** The statement `loadOffers` sends (for `sendTogether`); `ids` must not be empty. */
export function offersQuery(db: Db, ids?: readonly string[]) {
  const query = db
    .selectFrom('offers')
    .select(['id', 'definition', 'cost', 'takes_add_ons'])
    .orderBy('rank')
    .orderBy('id');
  return ids ? query.where('id', 'in', [...ids]) : query;
}

/** `offersQuery`'s rows as offers by id, in catalog order. */
export function offersById(
  rows: readonly { id: string; definition: unknown; cost: unknown; takes_add_ons: boolean }[],
) {
  return new Map(rows.map((r) => [r.id, storedOffer(r)]));
}

/** An offer as Partner Center's Offer resource (reference §1.3), plus Seatwise's prices, segments and clouds. */
export function toOfferView(offer: Offer, country?: string) {
  return {
    id: offer.id,
    name: offer.name,
    description: offer.description,
    minimumQuantity: offer.minimumQuantity,
    maximumQuantity: offer.maximumQuantity,
    ...(country ? { country } : {}),
    category: { id: offer.productFamily, name: offer.productFamily },
    limitUnitOfMeasure: offer.limitUnitOfMeasure,
    limit: offer.limit,
    prerequisiteOffers: offer.prerequisiteOffers,
    isAddOn: offer.isAddOn,
    isAvailableForPurchase: offer.isAvailableForPurchase,
    billing: 'license' as const,
    supportedBillingCycles: offer.isTrial ? ['none'] : offer.billingCycles,
    isAutoRenewable: offer.isAutoRenewable,
    conversionTargetOffers: offer.conversionTargetOffers,
    isTrial: offer.isTrial,
    product: { id: offer.productFamily, name: offer.name, unit: offer.unit },
    unitType: 'Licenses' as const,
    prices: offer.prices,
    segments: offer.segments,
    clouds: offer.clouds,
    countries: offer.countries,
    servicePlans: offer.servicePlans,
    links: { self: link(`/v1/offers/${offer.id}`) },
    attributes: { objectType: 'Offer' as const },
  };
}

/** Offers sold in a country on this instance (Partner Center's `GET /v1/offers?country=`). */
export function offersForCountry(offers: Iterable<Offer>, cloud: string, country: string): Offer[] {
  const c = country.toUpperCase();
  return [...offers].filter(
    (o) =>
      o.clouds.includes(cloud as Offer['clouds'][number]) &&
      (o.countries.includes('*') || o.countries.includes(c)),
  );
}
