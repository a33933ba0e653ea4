import { Type } from 'typebox';
import { Link } from './schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });

/** R-API-1: Partner Center's Offer, plus Seatwise's prices (minor units per licence per month). */
export const Offer = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    minimumQuantity: Type.Integer(),
    maximumQuantity: Type.Integer(),
    country: Type.Optional(Type.String()),
    category: Type.Object({ id: Type.String(), name: Type.String() }),
    limitUnitOfMeasure: Type.String(),
    limit: Type.Integer(),
    prerequisiteOffers: Type.Array(Type.String()),
    isAddOn: Type.Boolean(),
    isAvailableForPurchase: Type.Boolean(),
    billing: Type.Literal('license'),
    supportedBillingCycles: Type.Array(Type.String()),
    isAutoRenewable: Type.Boolean(),
    conversionTargetOffers: Type.Array(Type.String()),
    isTrial: Type.Boolean(),
    product: Type.Object({ id: Type.String(), name: Type.String(), unit: Type.String() }),
    unitType: Type.Literal('Licenses'),
    prices: Type.Object({ USD: Type.Optional(Type.Integer()), EUR: Type.Optional(Type.Integer()) }),
    segments: Type.Array(Type.String()),
    clouds: Type.Array(Type.String()),
    countries: Type.Array(Type.String()),
    servicePlans: Type.Array(Type.String()),
    links: Type.Object({ self: Link }),
    attributes: Type.Object({ objectType: Type.Literal('Offer') }),
  },
  { $id: 'Offer' },
);

export const CatalogEntry = Type.Object({
  offer: Offer,
  unitPrice: Type.Integer({ description: 'minor units per licence for the cycle (annual = 12 months)' }),
  currency: Type.String(),
  purchasable: Type.Boolean(),
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
    offerName: Type.String(),
    friendlyName: Type.String(),
    quantity: Type.Integer(),
    unitType: Type.Literal('Licenses'),
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
        parentSubscriptionId: Type.Optional(Type.String()),
        friendlyName: Type.String(),
        quantity: Type.Integer(),
        termDuration: Type.String(),
        links: Type.Object({ subscription: Link }),
      }),
    ),
    creationDate: DateTime,
    status: Type.String(),
    transactionType: Type.String(),
    links: Type.Object({ self: Link }),
    attributes: Type.Object({ objectType: Type.Literal('Order') }),
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
