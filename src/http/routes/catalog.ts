import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { loadOffers, offersForCountry, toOfferView } from '../../app/catalog.ts';
import { addOnCatalog, customerCatalog, type CustomerCatalog } from '../../app/customer-catalog.ts';
import type { Seatwise } from '../../composition.ts';
import { requirePermission } from '../../domain/access/permissions.ts';
import type { UnavailableCode } from '../../domain/catalog/availability.ts';
import { DomainError } from '../../domain/errors.ts';
import { formatMessage, pickLocale, type Locale } from '../../domain/messages/index.ts';
import { actorOf, contextOf } from '../auth.ts';
import { CustomerCatalog as CustomerCatalogSchema, Offer } from '../commerce-schemas.ts';
import { localeOf } from '../errors.ts';
import { Collection, collection, errorResponses, link } from '../schemas.ts';

const REASON_MESSAGE: Record<UnavailableCode, string> = {
  limitReached: 'order.limitReached',
  suspendedExists: 'order.suspendedExists',
  prerequisiteMissing: 'order.baseNotActive',
  notPurchasable: 'order.notPurchasable',
  trialAlreadyUsed: 'order.trialAlreadyUsed',
  alreadyOwned: 'order.trialProductOwned',
};

/** Each entry's reason, in the caller's language, with a link to the subscription it names (R-CAT-2). */
function catalogView(catalog: CustomerCatalog, locale: Locale) {
  return {
    customerId: catalog.customerId,
    billingCycle: catalog.billingCycle,
    currency: catalog.currency,
    items: catalog.entries.map((e) => ({
      offer: toOfferView(e.offer),
      unitPrice: e.unitPrice,
      currency: e.currency,
      purchasable: e.purchasable,
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
    const deps = () => ({ db: seatwise.db, cloud: seatwise.instance.cloud });

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
        const offers = offersForCountry(
          (await loadOffers(seatwise.db)).values(),
          seatwise.instance.cloud,
          country,
        );
        return collection(
          offers.map((o) => toOfferView(o, country)),
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
        const offer = (await loadOffers(seatwise.db, [req.params.offerId])).get(req.params.offerId);
        if (!offer || !offer.clouds.includes(seatwise.instance.cloud)) {
          throw new DomainError('not_found', 404, 'resource.notFound', {
            resource: 'offer',
            id: req.params.offerId,
          });
        }
        return toOfferView(offer, req.query.country?.toUpperCase());
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
        return catalogView(catalog, pickLocale(localeOf(req)));
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
        return catalogView(catalog, pickLocale(localeOf(req)));
      },
    );
  };
