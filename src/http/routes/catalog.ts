import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { loadOffers, offersForCountry, toOfferView } from '../../app/catalog.ts';
import { addOnCatalog, customerCatalog, type CustomerCatalog } from '../../app/customer-catalog.ts';
import type { Seatwise } from '../../composition.ts';
import { requirePermission } from '../../domain/access/permissions.ts';
import type { UnavailableCode } from '../../domain/catalog/availability.ts';
import { offerText, type Offer as CatalogOffer, type Segment } from '../../domain/catalog/offer.ts';
import { DomainError } from '../../domain/errors.ts';
import { formatMessage, pickLocale, type Locale } from '../../domain/messages/index.ts';
import { actorOf, contextOf } from '../auth.ts';
import { CustomerCatalog as CustomerCatalogSchema, Offer, OfferCategory } from '../commerce-schemas.ts';
import { localeOf } from '../errors.ts';
import { pricingOf } from './pricing-schemas.ts';
import { Collection, collection, errorResponses, link } from '../schemas.ts';

const REASON_MESSAGE: Record<UnavailableCode, string> = {
  limitReached: 'order.limitReached',
  suspendedExists: 'order.suspendedExists',
  prerequisiteMissing: 'order.baseNotActive',
  notPurchasable: 'order.notPurchasable',
  trialAlreadyUsed: 'order.trialAlreadyUsed',
  alreadyOwned: 'order.trialProductOwned',
};

/**
 * Fields a catalog imported from Partner Center may carry (R-CAT-3); an offer of Seatwise's own catalog has
 * none of them, and its Partner Center view falls back to what Seatwise knows.
 */
interface ImportedOfferFields {
  rank: number;
  category: { id: string; name: string; rank?: number } | string;
  product: { id: string; name: string; unit: string };
  unitType: string;
  billing: string;
  learnMoreUri: string;
  termUnitOfMeasure: string;
  term: number;
  reselleeQualifications: string[];
  upgradeTargetOffers: string[];
  isMicrosoftProduct: boolean;
  salesGroupId: string;
}

/** What an offer's Partner Center view needs beyond the offer: the request's language and country, the catalog. */
interface OfferViewContext {
  locale: string;
  country: string | undefined;
  /** Each category's rank, in catalog order. */
  categoryRanks: ReadonlyMap<string, number>;
  /** Each offer's rank: its place in the catalog. */
  ranks: ReadonlyMap<string, number>;
}

/** R-CUS-2: the customer qualification each segment needs, as Partner Center names it. */
const QUALIFICATION_OF: Record<Segment, string | undefined> = {
  commercial: undefined,
  education: 'Education',
  government: 'GovernmentCommunityCloud',
  nonprofit: 'Nonprofit',
};

const categoryOf = (offer: CatalogOffer & Partial<ImportedOfferFields>) => {
  const c = offer.category;
  if (c && typeof c === 'object') return { id: c.id, name: c.name, rank: c.rank };
  const name = typeof c === 'string' && c ? c : offer.productFamily;
  return { id: name, name, rank: undefined };
};

function offerViewContext(
  offers: Iterable<CatalogOffer>,
  locale: string,
  country?: string,
): OfferViewContext {
  const all = new Map<string, CatalogOffer>([...offers].map((o) => [o.id, o]));
  const categoryRanks = new Map<string, number>();
  for (const o of all.values()) {
    const { id } = categoryOf(o);
    if (!categoryRanks.has(id)) categoryRanks.set(id, (categoryRanks.size + 1) * 10);
  }
  const ranks = new Map([...all.keys()].map((id, i) => [id, i + 1]));
  return { locale, country, categoryRanks, ranks };
}

/**
 * R-API-1: an offer with every field of Partner Center's Offer as its clients read it (the recorded
 * `GET /v1/offers` answer), plus Seatwise's prices, segments, clouds, countries and service plans.
 */
function partnerCenterOffer(offer: CatalogOffer, ctx: OfferViewContext) {
  const o = offer as CatalogOffer & Partial<ImportedOfferFields>;
  const base = toOfferView(offer, ctx.country);
  const specific = offer.countries.find((c) => c !== '*');
  const country = ctx.country ?? specific ?? 'US';
  const category = categoryOf(o);
  const text = offerText(offer, ctx.locale);
  const annual = offer.billingCycles.includes('annual');
  const segments = offer.segments;
  const qualifications = segments.includes('commercial')
    ? []
    : [...new Set(segments.map((s) => QUALIFICATION_OF[s]).filter((q): q is string => q !== undefined))];
  return {
    ...base,
    name: text.name,
    description: text.description,
    rank: o.rank ?? ctx.ranks.get(offer.id) ?? 0,
    uri: `/v1/offers/${offer.id}`,
    locale: ctx.locale,
    country,
    category: {
      id: category.id,
      name: category.name,
      rank: category.rank ?? ctx.categoryRanks.get(category.id) ?? 0,
      locale: ctx.locale,
      country,
      attributes: { objectType: 'OfferCategory' as const },
    },
    termUnitOfMeasure: o.termUnitOfMeasure ?? (offer.isTrial ? 'Day' : annual ? 'Year' : 'Month'),
    term: o.term ?? (offer.isTrial ? 30 : 1),
    hasAddOns: offer.takesAddOns === true,
    billing: o.billing ?? base.billing,
    isInternal: false,
    isMicrosoftProduct: o.isMicrosoftProduct ?? false,
    reselleeQualifications: o.reselleeQualifications ?? qualifications,
    resellerQualifications: [] as string[],
    upgradeTargetOffers: o.upgradeTargetOffers ?? [],
    salesGroupId: o.salesGroupId ?? 'Default',
    acquisitionType: 'purchase',
    supportedCatalogTypes: ['live'],
    actions: ['Cancel', 'Edit'],
    product: o.product ?? { ...base.product, name: text.name },
    unitType: o.unitType ?? base.unitType,
    links: {
      learnMore: {
        ...(o.learnMoreUri ? { uri: o.learnMoreUri } : {}),
        method: 'GET',
        headers: [] as { key: string; value: string }[],
      },
      self: link(`/v1/offers/${offer.id}?country=${country}`),
    },
  };
}

/** Each entry's reason, in the caller's language, with a link to the subscription it names (R-CAT-2). */
function catalogView(catalog: CustomerCatalog, locale: Locale, offerCtx: OfferViewContext) {
  return {
    customerId: catalog.customerId,
    billingCycle: catalog.billingCycle,
    currency: catalog.currency,
    items: catalog.entries.map((e) => ({
      offer: partnerCenterOffer(e.offer, offerCtx),
      unitPrice: e.unitPrice,
      currency: e.currency,
      purchasable: e.purchasable,
      ...pricingOf(e),
      ...(e.suspendedSubscription ? { suspendedSubscription: e.suspendedSubscription } : {}),
      ...(e.reason
        ? {
            reason: {
              ...e.reason,
              description: formatMessage(
                e.reason.messageKey ??
                  (e.reason.code === 'prerequisiteMissing' && !e.reason.subscriptionId
                    ? 'order.notAPrerequisite'
                    : REASON_MESSAGE[e.reason.code]),
                {
                  offerId: e.offer.id,
                  subscriptionName: e.reason.subscriptionName ?? '',
                  ...e.reason.params,
                },
                locale,
              ),
              ...(e.reason.subscriptionId
                ? {
                    links: {
                      subscription: link(
                        `/v1/customers/${catalog.customerId}/subscriptions/${e.reason.subscriptionId}`,
                      ),
                    },
                  }
                : {}),
            },
          }
        : {}),
    })),
  };
}

/** The catalog: Partner Center's offers by country, and Seatwise's per-customer catalog with availability. */
export const catalogRoutes =
  (seatwise: Seatwise): FastifyPluginAsyncTypebox =>
  async (app) => {
    const deps = () => ({ db: seatwise.db, cloud: seatwise.instance.cloud, now: seatwise.clock.now() });
    const CountryQuery = Type.String({ pattern: '^[A-Za-z]{2}$' });
    /** The catalog and what every offer view needs from it, in the caller's language. */
    const catalogFor = async (req: FastifyRequest, country?: string) => {
      const offers = await loadOffers(seatwise.db);
      const locale = pickLocale(localeOf(req));
      return { offers, ctx: offerViewContext(offers.values(), locale, country), locale };
    };
    const notFound = (id: string) =>
      new DomainError('not_found', 404, 'resource.notFound', { resource: 'offer', id });

    app.get(
      '/v1/offers',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Offers sold in a country on this instance',
          querystring: Type.Object({ country: Type.String({ pattern: '^[A-Za-z]{2}$' }) }),
          response: { 200: Collection(Offer), ...errorResponses },
        },
      },
      async (req) => {
        requirePermission(actorOf(req).role, 'customers.view');
        const country = req.query.country.toUpperCase();
        const catalog = await catalogFor(req, country);
        const offers = offersForCountry(catalog.offers.values(), seatwise.instance.cloud, country);
        return collection(
          offers.map((o) => partnerCenterOffer(o, catalog.ctx)),
          offers.length,
          req.url,
        );
      },
    );

    app.get(
      '/v1/offers/:offerId',
      {
        schema: {
          tags: ['catalog'],
          params: Type.Object({ offerId: Type.String() }),
          querystring: Type.Object({ country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$' })) }),
          response: { 200: Offer, ...errorResponses },
        },
      },
      async (req) => {
        requirePermission(actorOf(req).role, 'customers.view');
        const catalog = await catalogFor(req, req.query.country?.toUpperCase());
        const offer = catalog.offers.get(req.params.offerId);
        if (!offer || !offer.clouds.includes(seatwise.instance.cloud)) throw notFound(req.params.offerId);
        return partnerCenterOffer(offer, catalog.ctx);
      },
    );

    app.get(
      '/v1/offers/:offerId/addons',
      {
        schema: {
          tags: ['catalog'],
          summary:
            'The add-ons that can be bought on a subscription of this offer (R-ADD-1), as Partner Center lists them',
          params: Type.Object({ offerId: Type.String() }),
          querystring: Type.Object({ country: Type.Optional(CountryQuery) }),
          response: { 200: Collection(Offer), ...errorResponses },
        },
      },
      async (req) => {
        requirePermission(actorOf(req).role, 'customers.view');
        const country = req.query.country?.toUpperCase();
        const catalog = await catalogFor(req, country);
        const offer = catalog.offers.get(req.params.offerId);
        if (!offer || !offer.clouds.includes(seatwise.instance.cloud)) throw notFound(req.params.offerId);
        const sold = country
          ? offersForCountry(catalog.offers.values(), seatwise.instance.cloud, country)
          : [...catalog.offers.values()].filter((o) => o.clouds.includes(seatwise.instance.cloud));
        const addOns = sold.filter((o) => o.isAddOn && o.prerequisiteOffers.includes(offer.id));
        return collection(
          addOns.map((o) => partnerCenterOffer(o, catalog.ctx)),
          addOns.length,
          req.url,
        );
      },
    );

    app.get(
      '/v1/offercategories',
      {
        schema: {
          tags: ['catalog'],
          summary: 'The categories of the offers sold in a country on this instance',
          querystring: Type.Object({ country: CountryQuery }),
          response: { 200: Collection(OfferCategory), ...errorResponses },
        },
      },
      async (req) => {
        requirePermission(actorOf(req).role, 'customers.view');
        const country = req.query.country.toUpperCase();
        const catalog = await catalogFor(req, country);
        const byId = new Map<string, ReturnType<typeof partnerCenterOffer>['category']>();
        for (const o of offersForCountry(catalog.offers.values(), seatwise.instance.cloud, country)) {
          const { category } = partnerCenterOffer(o, catalog.ctx);
          if (!byId.has(category.id)) byId.set(category.id, category);
        }
        const items = [...byId.values()].sort((a, b) => a.rank - b.rank || a.id.localeCompare(b.id));
        return collection(items, items.length, req.url);
      },
    );

    app.get(
      '/v1/customers/:customerId/catalog',
      {
        schema: {
          tags: ['catalog'],
          summary:
            "A customer's catalog for a billing cycle, with why each unavailable offer cannot be bought (R-CAT-1, R-CAT-2)",
          params: Type.Object({ customerId: Type.String() }),
          querystring: Type.Object({
            billingCycle: Type.String({ default: 'monthly', examples: ['monthly', 'annual', 'trial'] }),
          }),
          response: { 200: CustomerCatalogSchema, ...errorResponses },
        },
      },
      async (req) => {
        const catalog = await customerCatalog(
          deps(),
          contextOf(req),
          req.params.customerId,
          req.query.billingCycle,
        );
        const offers = await catalogFor(req);
        return catalogView(catalog, offers.locale, offers.ctx);
      },
    );

    app.get(
      '/v1/customers/:customerId/subscriptions/:subscriptionId/addoncatalog',
      {
        schema: {
          tags: ['catalog'],
          summary: 'The add-ons this base subscription can take, with availability (R-ADD-1)',
          params: Type.Object({ customerId: Type.String(), subscriptionId: Type.String() }),
          response: { 200: CustomerCatalogSchema, ...errorResponses },
        },
      },
      async (req) => {
        const catalog = await addOnCatalog(
          deps(),
          contextOf(req),
          req.params.customerId,
          req.params.subscriptionId,
        );
        const offers = await catalogFor(req);
        return catalogView(catalog, offers.locale, offers.ctx);
      },
    );
  };
