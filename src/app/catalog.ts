import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { CLOUDS } from '../domain/cloud.ts';
import {
  LIMIT_UNITS,
  PAID_BILLING_CYCLES,
  SEGMENTS,
  validateCatalog,
  type Offer,
} from '../domain/catalog/offer.ts';
import { signalChange } from '../db/change-signal.ts';
import { inTransaction, type Db } from '../db/database.ts';

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
});
const CatalogFileSchema = Type.Object({ version: Type.Literal(1), offers: Type.Array(OfferSchema) });
const CatalogFile = Compile(CatalogFileSchema);

export class CatalogFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`The catalog ${file} is not valid:\n  ${problems.join('\n  ')}`);
    this.name = 'CatalogFileError';
  }
}

/** Reads and checks a catalog file: its shape, then the rules between offers (`validateCatalog`). */
export function readCatalogFile(path: string): Offer[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CatalogFileError(path, [e instanceof Error ? e.message : String(e)]);
  }
  if (!CatalogFile.Check(data)) {
    const problems = CatalogFile.Errors(data)
      .slice(0, 20)
      .map((e) => `${e.instancePath || '/'}: ${e.message}`);
    throw new CatalogFileError(path, problems);
  }
  const offers = data.offers as Offer[];
  const problems = validateCatalog(offers);
  if (problems.length > 0) throw new CatalogFileError(path, problems);
  return offers;
}

/**
 * Imports a catalog (R-CAT-3): every offer in the file is inserted or replaced, in one transaction.
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
    for (const offer of offers) {
      const values = { definition: JSON.stringify(offer), rank, imported_at: now };
      await trx
        .insertInto('offers')
        .values({ id: offer.id, ...values })
        .onConflict((oc) => oc.column('id').doUpdateSet(values))
        .execute();
      onProgress(++rank, offers.length);
    }
    // An offer's service plans decide what its licences grant (R-ACC): every tenant's decisions may change.
    await signalChange(trx, ['access:*']);
  });
  return offers.length;
}

/** Loads the demo catalog when the catalog is empty; returns how many offers it loaded. */
export async function loadDemoCatalogIfEmpty(db: Db, now: Date): Promise<number> {
  const any = await db.selectFrom('offers').select('id').limit(1).executeTakeFirst();
  if (any) return 0;
  return importCatalog(db, readCatalogFile(DEMO_CATALOG_PATH), now);
}

/**
 * The catalog, read from the database on every call: another process may have imported a new one, and
 * nothing in a process's memory may make it answer wrongly (SPEC §8).
 */
export async function loadOffers(db: Db, ids?: readonly string[]): Promise<Map<string, Offer>> {
  let query = db.selectFrom('offers').select(['id', 'definition']).orderBy('rank').orderBy('id');
  if (ids) {
    if (ids.length === 0) return new Map();
    query = query.where('id', 'in', [...ids]);
  }
  const rows = await query.execute();
  return new Map(rows.map((r) => [r.id, r.definition as Offer]));
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
    links: { self: { uri: `/v1/offers/${offer.id}`, method: 'GET', headers: [] as [] } },
    attributes: { objectType: 'Offer' as const },
  };
}
export type OfferView = ReturnType<typeof toOfferView>;

/** Offers sold in a country on this instance (Partner Center's `GET /v1/offers?country=`). */
export function offersForCountry(offers: Iterable<Offer>, cloud: string, country: string): Offer[] {
  const c = country.toUpperCase();
  return [...offers].filter(
    (o) =>
      o.clouds.includes(cloud as Offer['clouds'][number]) &&
      (o.countries.includes('*') || o.countries.includes(c)),
  );
}
