import { Type } from 'typebox';
import { DateTime, Link, Nullable } from './schemas.ts';
import { PARTNER_ACTIONS } from '../domain/subscription/subscription-rules.ts';
import { CatalogPricingFields } from './routes/pricing-schemas.ts';

/** Partner Center's OfferCategory (`GET /v1/offercategories`, and each offer's `category`). */
export const OfferCategory = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    rank: Type.Integer(),
    locale: Type.String(),
    country: Type.String(),
    attributes: Type.Object({ objectType: Type.Literal('OfferCategory') }),
  },
  { $id: 'OfferCategory' },
);

/** A link Partner Center may give without its `uri` (an offer's `learnMore` where none is known). */
const OptionalLink = Type.Object({
  uri: Type.Optional(Type.String()),
  method: Type.String(),
  headers: Type.Array(Type.Object({ key: Type.String(), value: Type.String() })),
});

/**
 * R-API-1: Partner Center's Offer with every field its clients read (as recorded from `GET /v1/offers`), plus
 * Seatwise's prices (minor units per licence per month), segments, clouds, countries and service plans.
 */
export const Offer = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    minimumQuantity: Type.Integer(),
    maximumQuantity: Type.Integer(),
    rank: Type.Integer(),
    uri: Type.String(),
    locale: Type.String(),
    country: Type.String(),
    category: OfferCategory,
    limitUnitOfMeasure: Type.String(),
    limit: Type.Integer(),
    termUnitOfMeasure: Type.String(),
    term: Type.Integer(),
    prerequisiteOffers: Type.Array(Type.String()),
    isAddOn: Type.Boolean(),
    hasAddOns: Type.Boolean(),
    isAvailableForPurchase: Type.Boolean(),
    billing: Type.String(),
    supportedBillingCycles: Type.Array(Type.String()),
    isAutoRenewable: Type.Boolean(),
    isInternal: Type.Boolean(),
    isMicrosoftProduct: Type.Boolean(),
    conversionTargetOffers: Type.Array(Type.String()),
    reselleeQualifications: Type.Array(Type.String()),
    resellerQualifications: Type.Array(Type.String()),
    upgradeTargetOffers: Type.Array(Type.String()),
    salesGroupId: Type.String(),
    isTrial: Type.Boolean(),
    acquisitionType: Type.String(),
    supportedCatalogTypes: Type.Array(Type.String()),
    actions: Type.Array(Type.String()),
    product: Type.Object({ id: Type.String(), name: Type.String(), unit: Type.String() }),
    unitType: Type.String(),
    prices: Type.Object({ USD: Type.Optional(Type.Integer()), EUR: Type.Optional(Type.Integer()) }),
    segments: Type.Array(Type.String()),
    clouds: Type.Array(Type.String()),
    countries: Type.Array(Type.String()),
    servicePlans: Type.Array(Type.String()),
    links: Type.Object({ learnMore: OptionalLink, self: Link }),
    attributes: Type.Object({ objectType: Type.Literal('Offer') }),
  },
  { $id: 'Offer' },
);

export const CatalogEntry = Type.Object({
  offer: Offer,
  unitPrice: Type.Integer({ description: 'minor units per licence for the cycle (annual = 12 months)' }),
  currency: Type.String(),
  purchasable: Type.Boolean(),
  ...CatalogPricingFields,
  reason: Type.Optional(
    Type.Object({
      code: Type.String(),
      rule: Type.String(),
      description: Type.String(),
      subscriptionId: Type.Optional(Type.String()),
      subscriptionName: Type.Optional(Type.String()),
      links: Type.Optional(Type.Object({ subscription: Link })),
    }),
  ),
  suspendedSubscription: Type.Optional(
    Type.Object(
      { subscriptionId: Type.String(), subscriptionName: Type.String() },
      {
        description:
          'a suspended subscription of this offer the customer has, when the offer can still be bought: reactivating it is the alternative to buying (R-CAT-2, R-SUS-4)',
      },
    ),
  ),
});

export const CustomerCatalog = Type.Object({
  customerId: Type.String(),
  billingCycle: Type.String(),
  currency: Type.String(),
  items: Type.Array(CatalogEntry),
});

export const Subscription = Type.Object(
  {
    id: Type.String(),
    customerId: Type.String(),
    offerId: Type.String(),
    entitlementId: Type.String(),
    offerName: Type.String(),
    friendlyName: Type.String(),
    quantity: Type.Integer(),
    unitType: Type.String(),
    hasPurchasableAddons: Type.Boolean(),
    parentSubscriptionId: Nullable(Type.String()),
    creationDate: DateTime,
    effectiveStartDate: DateTime,
    commitmentEndDate: DateTime,
    status: Type.String(),
    autoRenewEnabled: Type.Boolean(),
    isTrial: Type.Boolean(),
    trialOfferId: Nullable(Type.String()),
    billingType: Type.Literal('license'),
    billingCycle: Type.String(),
    termDuration: Type.String(),
    actions: Type.Array(Type.String()),
    allowedActions: Type.Array(Type.Enum(PARTNER_ACTIONS), {
      description:
        'Seatwise extension: the PATCH moves this subscription accepts now (transition table and guards).',
    }),
    attentionNeeded: Type.Boolean(),
    actionTaken: Type.Boolean(),
    contractType: Type.Literal('subscription'),
    orderId: Type.String(),
    currency: Type.String(),
    unitPrice: Type.Integer(),
    suspensionReasons: Type.Array(Type.String()),
    suspendedAt: Nullable(DateTime),
    dataRetentionEndDate: Nullable(DateTime),
    dataPurgedAt: Nullable(DateTime),
    links: Type.Object({ self: Link, offer: Link, parentSubscription: Type.Optional(Link) }),
    attributes: Type.Object({ etag: Type.String(), objectType: Type.Literal('Subscription') }),
  },
  { $id: 'Subscription' },
);

const LineItemIn = Type.Object({
  lineItemNumber: Type.Integer({ minimum: 0 }),
  offerId: Type.String({ minLength: 1 }),
  quantity: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
  friendlyName: Type.Optional(Type.String({ maxLength: 200 })),
  parentSubscriptionId: Type.Optional(Nullable(Type.String())),
  subscriptionId: Type.Optional(Nullable(Type.String())),
});

/** The Order resource a client sends; read-only fields it may carry back (a PATCH sends the full resource) are allowed. */
export const OrderIn = Type.Object({
  id: Type.Optional(Type.String()),
  referenceCustomerId: Type.Optional(Type.String()),
  billingCycle: Type.Optional(Type.String({ default: 'monthly' })),
  lineItems: Type.Array(LineItemIn, { minItems: 1, maxItems: 100 }),
});

export const Order = Type.Object(
  {
    id: Type.String(),
    referenceCustomerId: Type.String(),
    billingCycle: Type.String(),
    currencyCode: Type.String(),
    lineItems: Type.Array(
      Type.Object({
        lineItemNumber: Type.Integer(),
        offerId: Type.String(),
        subscriptionId: Type.String(),
        parentSubscriptionId: Nullable(Type.String()),
        provisioningContext: Nullable(Type.Record(Type.String(), Type.String())),
        friendlyName: Type.String(),
        quantity: Type.Integer(),
        termDuration: Type.String(),
        partnerIdOnRecord: Nullable(Type.String()),
        links: Type.Object({ subscription: Link }),
      }),
    ),
    creationDate: DateTime,
    status: Type.String(),
    transactionType: Type.String(),
    links: Type.Object({ self: Link }),
    attributes: Type.Object({ etag: Type.String(), objectType: Type.Literal('Order') }),
  },
  { $id: 'Order' },
);

export const Conversion = Type.Object({
  offerId: Type.String(),
  targetOfferId: Type.String(),
  targetOfferName: Type.String(),
  orderId: Type.String(),
  quantity: Type.Integer(),
  billingCycle: Type.String(),
});

export const ConversionIn = Type.Object({
  offerId: Type.Optional(Type.String()),
  targetOfferId: Type.String({ minLength: 1 }),
  orderId: Type.Optional(Type.String()),
  billingCycle: Type.String({ minLength: 1 }),
  quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
});

export const ConversionResult = Type.Object({
  subscriptionId: Type.String(),
  offerId: Type.String(),
  targetOfferId: Type.String(),
  billingCycle: Type.String(),
  quantity: Type.Integer(),
});

/**
 * A subscription PATCH: Partner Center's clients send the full resource they read, in camelCase or PascalCase,
 * with links and dates in whatever shape their serializer gives; only these fields are read, the rest is
 * ignored. `attributes.etag` is the version the client read (R-API-3).
 */
export const SubscriptionPatch = Type.Object(
  {
    attributes: Type.Optional(
      Nullable(Type.Object({ etag: Type.Optional(Nullable(Type.String())) }, { additionalProperties: true })),
    ),
    status: Type.Optional(Nullable(Type.String())),
    quantity: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000 }))),
    friendlyName: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    autoRenewEnabled: Type.Optional(Nullable(Type.Boolean())),
    suspensionReasons: Type.Optional(Nullable(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 10 }))),
    suspensionComment: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  },
  { additionalProperties: true },
);
