import { Type } from 'typebox';
import type { PricedEntry } from '../../app/customer-catalog.ts';
import { DateTime, Minor, Nullable } from '../schemas.ts';

const Scope = Type.Union(
  ['partner', 'category', 'offer', 'customer', 'customerOffer'].map((s) => Type.Literal(s)),
  {
    description:
      'what the rule applies to; the most specific wins: customerOffer, customer, offer, category, partner',
  },
);
const Kind = Type.Union(
  ['erp', 'markup', 'discount', 'fixed'].map((k) => Type.Literal(k)),
  {
    description:
      'erp: the suggested retail price; markup: cost + percent; discount: ERP − percent; fixed: prices',
  },
);
// Request property names are read case-insensitively (R-API-1), which lowers an all-capitals key: a price
// list's currency arrives as `usd`. The route turns the keys back to currency codes and refuses others.
const PricesInput = Type.Record(
  Type.String({ pattern: '^[A-Za-z]{3}$' }),
  Type.Integer({ minimum: 0, maximum: 2147483647 }),
  {
    description: 'fixed prices per licence per month in minor units, per currency (USD or EUR, in any case)',
  },
);
const Prices = Type.Record(
  Type.String({ pattern: '^(USD|EUR)$' }),
  Type.Integer({ minimum: 0, maximum: 2147483647 }),
  {
    description: 'fixed prices per licence per month in minor units, per currency',
  },
);

/** Which rule set a price (R-PRC-2); `scope: erp` and a null rule when no rule applies (R-PRC-1). */
export const PriceSource = Type.Object({
  ruleId: Nullable(Type.String()),
  version: Nullable(Type.Integer()),
  scope: Type.String(),
  kind: Type.String(),
  heldAtCost: Type.Boolean({
    description: 'the rule asked less than the cost without allowing it: the price is the cost',
  }),
});

/** What a catalog entry adds: the rule behind its price, and for billing roles only, cost and margin. */
export const CatalogPricingFields = {
  priceSource: Type.Optional(PriceSource),
  unitCost: Type.Optional(
    Nullable(Minor('the partner’s cost per licence for the cycle; only for roles with billing.view')),
  ),
  margin: Type.Optional(Nullable(Minor('unitPrice − unitCost; only for roles with billing.view'))),
};

/** The pricing fields of a catalog entry, as the route shows them. */
export const pricingOf = (e: PricedEntry) => ({
  ...(e.priceSource ? { priceSource: e.priceSource } : {}),
  ...(e.unitCost !== undefined ? { unitCost: e.unitCost } : {}),
  ...(e.margin !== undefined ? { margin: e.margin } : {}),
});

const RuleTerms = {
  kind: Kind,
  percent: Type.Optional(
    Type.Number({
      minimum: -99.99,
      maximum: 1000,
      description: 'for markup (on cost) and discount (on ERP): at most two decimals',
    }),
  ),
  prices: Type.Optional(PricesInput),
  allowBelowCost: Type.Optional(
    Type.Boolean({ description: 'a promotion: the rule may sell below cost (R-PRC-2); false by default' }),
  ),
  effectiveFrom: Type.Optional(
    Type.String({
      format: 'date-time',
      description: 'when this version takes effect; now by default, never in the past',
    }),
  ),
};

export const NewPriceRule = Type.Object({
  scope: Scope,
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  offerId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  customerId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  ...RuleTerms,
});

export const NewPriceRuleVersion = Type.Object(RuleTerms);

export const Retirement = Type.Object({
  effectiveFrom: Type.Optional(Type.String({ format: 'date-time', description: 'now by default' })),
});

export const PriceRule = Type.Object(
  {
    id: Type.String(),
    scope: Type.String(),
    category: Nullable(Type.String()),
    offerId: Nullable(Type.String()),
    customerId: Nullable(Type.String()),
    version: Type.Integer({ description: 'the version in force now' }),
    kind: Type.String(),
    percent: Nullable(Type.Number()),
    prices: Prices,
    allowBelowCost: Type.Boolean(),
    effectiveFrom: DateTime,
    retired: Type.Boolean(),
    pending: Nullable(
      Type.Object({ version: Type.Integer(), effectiveFrom: DateTime, retired: Type.Boolean() }),
    ),
    versions: Type.Integer(),
    createdBy: Type.String(),
    attributes: Type.Object({ objectType: Type.Literal('PriceRule') }),
  },
  { $id: 'PriceRule' },
);

export const PriceRuleVersion = Type.Object(
  {
    ruleId: Type.String(),
    version: Type.Integer(),
    kind: Type.String(),
    percent: Nullable(Type.Number()),
    prices: Prices,
    allowBelowCost: Type.Boolean(),
    effectiveFrom: DateTime,
    retired: Type.Boolean(),
    createdAt: DateTime,
    createdBy: Type.String(),
    attributes: Type.Object({ objectType: Type.Literal('PriceRuleVersion') }),
  },
  { $id: 'PriceRuleVersion' },
);

export const PricePreview = Type.Object(
  {
    customerId: Type.String(),
    currency: Type.String(),
    asOf: DateTime,
    items: Type.Array(
      Type.Object({
        offerId: Type.String(),
        offerName: Type.String(),
        category: Type.String(),
        erp: Minor('the suggested retail price per licence per month'),
        cost: Nullable(Minor('the partner’s cost per licence per month')),
        price: Minor('what the customer would pay per licence per month'),
        margin: Nullable(Minor('price − cost')),
        source: PriceSource,
      }),
    ),
    attributes: Type.Object({ objectType: Type.Literal('PricePreview') }),
  },
  { $id: 'PricePreview' },
);

const Figures = {
  currency: Type.String(),
  revenue: Minor('the sale amounts: charges minus credits'),
  cost: Minor('the cost amounts of the lines whose cost is known'),
  margin: Minor('revenue of the costed lines minus their cost'),
  lineCount: Type.Integer(),
  uncostedLines: Type.Integer({ description: 'lines written before costs were kept' }),
  uncostedRevenue: Minor('revenue of those lines'),
};

export const MarginReport = Type.Object(
  {
    month: Type.String(),
    periodStart: DateTime,
    periodEnd: DateTime,
    totals: Type.Array(Type.Object(Figures)),
    byCustomer: Type.Array(
      Type.Object({ customerId: Type.String(), customerName: Type.String(), ...Figures }),
    ),
    byOffer: Type.Array(Type.Object({ offerId: Type.String(), offerName: Type.String(), ...Figures })),
    attributes: Type.Object({ objectType: Type.Literal('MarginReport') }),
  },
  { $id: 'MarginReport' },
);
