import { Type } from 'typebox';
import { Subscription } from './commerce-schemas.ts';
import { DateTime, Minor, Nullable } from './schemas.ts';

const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', examples: ['2027-01'] });

/** A ledger line as a preview shows it (R-BIL): what would be charged (> 0) or credited (< 0). */
const LedgerLineFields = {
  offerId: Type.String(),
  reason: Type.String({
    description:
      'purchase, addOnPurchase, conversion, renewal, quantityIncrease, quantityDecrease, suspension, reactivation or cancellation',
  }),
  rule: Type.String({ description: 'the SPEC rule that produced the line (R-BIL-1, R-QTY-3, ...)' }),
  billingCycle: Type.String(),
  quantity: Type.Integer(),
  unitPrice: Minor('price per licence per month'),
  days: Nullable(Type.Integer({ description: 'days prorated; null for a whole term or a 100% credit' })),
  periodStart: DateTime,
  periodEnd: DateTime,
  termStart: DateTime,
  termEnd: DateTime,
  amount: Minor('signed: a charge is positive, a credit negative'),
  currency: Type.String(),
};

export const LedgerLine = Type.Object({
  subscriptionId: Type.Optional(Type.String()),
  ...LedgerLineFields,
});

export const OrderPreview = Type.Object(
  {
    customerId: Type.String(),
    billingCycle: Type.String(),
    currencyCode: Type.String(),
    lines: Type.Array(
      Type.Object({
        lineItemNumber: Type.Integer(),
        ...LedgerLineFields,
        // R-PRC-3: only for roles with billing.view; null when the cost is unknown.
        unitCost: Type.Optional(Nullable(Minor('cost per licence per month'))),
        costAmount: Type.Optional(Nullable(Minor('the line at cost'))),
        margin: Type.Optional(Nullable(Minor('amount − costAmount'))),
      }),
    ),
    total: Minor('what the order would charge'),
    costTotal: Type.Optional(Nullable(Minor('what the lines cost the partner; billing.view only'))),
    marginTotal: Type.Optional(Nullable(Minor('total − costTotal; billing.view only'))),
    attributes: Type.Object({ objectType: Type.Literal('OrderPreview') }),
  },
  { $id: 'OrderPreview' },
);

export const SubscriptionChangePreview = Type.Object(
  {
    subscriptionId: Type.String(),
    currency: Type.String(),
    subscriptions: Type.Array(Subscription, {
      description: 'the subscription, then each add-on the change takes along, as they would be after it',
    }),
    lines: Type.Array(LedgerLine),
    total: Minor('charges minus credits; negative is money back'),
    attributes: Type.Object({ objectType: Type.Literal('SubscriptionChangePreview') }),
  },
  { $id: 'SubscriptionChangePreview' },
);

export const CurrencyTotals = Type.Object({
  currency: Type.String(),
  charges: Minor('sum of charges'),
  credits: Minor('sum of credits (zero or negative)'),
  net: Minor('charges plus credits'),
  lineCount: Type.Integer(),
});

export const StatementLine = Type.Object({
  id: Type.String(),
  postedAt: DateTime,
  customerId: Type.String(),
  customerName: Type.String(),
  subscriptionId: Type.String(),
  subscriptionName: Type.String(),
  offerName: Type.String(),
  description: Type.String(),
  ...LedgerLineFields,
});

export const Statement = Type.Object(
  {
    month: Month,
    periodStart: DateTime,
    periodEnd: DateTime,
    customerId: Nullable(Type.String()),
    customerName: Nullable(Type.String()),
    totals: Type.Array(CurrencyTotals),
    lines: Type.Array(StatementLine),
    attributes: Type.Object({ objectType: Type.Literal('Statement') }),
  },
  { $id: 'Statement' },
);

export const MonthlyTotals = Type.Object({
  month: Month,
  totals: Type.Array(CurrencyTotals, {
    description: 'one entry per currency billed that month; empty if none',
  }),
});

export const StatementQuery = Type.Object({
  format: Type.Optional(
    Type.String({ description: 'json (default) or csv; `Accept: text/csv` also asks for CSV' }),
  ),
});

export const MonthParam = Month;
