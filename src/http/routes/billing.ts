import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { previewSubscriptionChange } from '../../app/lifecycle.ts';
import { previewAddOns, previewOrder } from '../../app/orders.ts';
import {
  customerStatement,
  monthlyTotals,
  partnerStatement,
  statementCsv,
  statementFileName,
  type Statement as StatementView,
} from '../../app/statements.ts';
import type { Seatwise } from '../../composition.ts';
import { parseMonth } from '../../domain/billing/statement-month.ts';
import { DomainError } from '../../domain/errors.ts';
import { PartnerScope } from '../../db/scope.ts';
import { contextOf } from '../auth.ts';
import {
  MonthParam,
  MonthlyTotals,
  OrderPreview,
  Statement,
  StatementQuery,
  SubscriptionChangePreview,
} from '../billing-schemas.ts';
import { OrderIn, SubscriptionPatch } from '../commerce-schemas.ts';
import { toLines } from './orders.ts';
import { toSubscriptionPatch } from './subscriptions.ts';
import { Collection, collection, errorResponses } from '../schemas.ts';
import { expectedVersion } from '../../domain/versions.ts';

const Params = Type.Object({ customerId: Type.String() });
const OrderParams = Type.Object({ customerId: Type.String(), orderId: Type.String() });
const SubParams = Type.Object({ customerId: Type.String(), subscriptionId: Type.String() });

/** A statement answers JSON, or CSV for `?format=csv` or `Accept: text/csv` (R-BIL-6). */
function wantsCsv(req: FastifyRequest, format: string | undefined): boolean {
  if (format !== undefined) {
    const f = format.trim().toLowerCase();
    if (f === 'csv') return true;
    if (f === 'json') return false;
    throw new DomainError('invalid_input', 2000, 'billing.unknownFormat', { value: format }, [
      { field: 'format' },
    ]);
  }
  return /\btext\/csv\b/i.test(req.headers.accept ?? '');
}

function sendStatement(reply: FastifyReply, statement: StatementView, csv: boolean) {
  if (!csv) return statement;
  return reply
    .type('text/csv; charset=utf-8')
    .header('Content-Disposition', `attachment; filename="${statementFileName(statement)}"`)
    .send(statementCsv(statement));
}

const statementResponse = {
  200: {
    description: 'the statement; as CSV (a header row, UTF-8 with a byte order mark) when asked for',
    content: {
      'application/json': { schema: Statement },
      'text/csv': { schema: Type.String() },
    },
  },
  ...errorResponses,
};

/**
 * Billing (R-BIL): previews of what an order or a subscription change would charge or credit, computed by
 * the same code that writes the ledger; statements per customer and per partner per month, as JSON or CSV;
 * and monthly totals over a range, for a chart.
 */
export const billingRoutes =
  (seatwise: Seatwise): FastifyPluginAsyncTypebox =>
  async (app) => {
    const deps = () => ({ db: seatwise.db, cloud: seatwise.instance.cloud, now: seatwise.clock.now() });

    app.post(
      '/v1/customers/:customerId/orders/preview',
      {
        schema: {
          tags: ['billing'],
          summary:
            'What an order would charge (R-BIL-1, R-BIL-5): validated like the order, nothing is written',
          params: Params,
          body: OrderIn,
          response: { 200: OrderPreview, ...errorResponses },
        },
      },
      async (req) =>
        previewOrder(deps(), contextOf(req), req.params.customerId, {
          billingCycle: req.body.billingCycle ?? 'monthly',
          lineItems: toLines(req.body.lineItems),
        }),
    );

    app.post(
      '/v1/customers/:customerId/orders/:orderId/preview',
      {
        schema: {
          tags: ['billing'],
          summary:
            "What buying add-ons would charge (R-ADD-2): the body of the order PATCH, prorated to the base's term end; nothing is written",
          params: OrderParams,
          body: OrderIn,
          response: { 200: OrderPreview, ...errorResponses },
        },
      },
      async (req) =>
        previewAddOns(deps(), contextOf(req), req.params.customerId, req.params.orderId, {
          lineItems: toLines(req.body.lineItems),
        }),
    );

    app.post(
      '/v1/customers/:customerId/subscriptions/:subscriptionId/preview',
      {
        schema: {
          tags: ['billing'],
          summary:
            'What a subscription PATCH with this body would charge or credit (R-BIL-2, R-BIL-3, R-BIL-4, R-CAN-2), and the dates it would set (dataRetentionEndDate); nothing is written',
          params: SubParams,
          headers: Type.Object({ 'if-match': Type.Optional(Type.String()) }),
          body: SubscriptionPatch,
          response: { 200: SubscriptionChangePreview, ...errorResponses },
        },
      },
      async (req) => {
        return previewSubscriptionChange(
          { db: seatwise.db, now: seatwise.clock.now() },
          contextOf(req),
          req.params.customerId,
          req.params.subscriptionId,
          // The same version rule as the PATCH it previews: If-Match, else the body's attributes.etag (R-API-3).
          expectedVersion(req.headers['if-match'], req.body.attributes?.etag),
          toSubscriptionPatch(req.body),
        );
      },
    );

    app.get(
      '/v1/customers/:customerId/statements/:month',
      {
        schema: {
          tags: ['billing'],
          summary: "A customer's charges and credits posted in a month (R-BIL-6), as JSON or CSV",
          params: Type.Object({ customerId: Type.String(), month: Type.String() }),
          querystring: StatementQuery,
          response: statementResponse,
        },
      },
      async (req, reply) => {
        const ctx = contextOf(req);
        const csv = wantsCsv(req, req.query.format);
        const statement = await customerStatement(
          seatwise.db,
          new PartnerScope(seatwise.db, ctx.actor.partnerId),
          ctx,
          req.params.customerId,
          parseMonth(req.params.month),
        );
        return sendStatement(reply, statement, csv);
      },
    );

    app.get(
      '/v1/statements/:month',
      {
        schema: {
          tags: ['billing'],
          summary: "The partner's charges and credits posted in a month, across customers (R-BIL-6)",
          params: Type.Object({ month: Type.String() }),
          querystring: StatementQuery,
          response: statementResponse,
        },
      },
      async (req, reply) => {
        const ctx = contextOf(req);
        const csv = wantsCsv(req, req.query.format);
        const statement = await partnerStatement(
          seatwise.db,
          new PartnerScope(seatwise.db, ctx.actor.partnerId),
          ctx,
          parseMonth(req.params.month),
        );
        return sendStatement(reply, statement, csv);
      },
    );

    app.get(
      '/v1/statements',
      {
        schema: {
          tags: ['billing'],
          summary:
            "The partner's (or one customer's) charges, credits and net per month from `from` to `to`, every month listed, for a chart",
          querystring: Type.Object({
            from: MonthParam,
            to: MonthParam,
            customerId: Type.Optional(Type.String()),
          }),
          response: { 200: Collection(MonthlyTotals), ...errorResponses },
        },
      },
      async (req) => {
        const ctx = contextOf(req);
        const items = await monthlyTotals(
          new PartnerScope(seatwise.db, ctx.actor.partnerId),
          ctx,
          parseMonth(req.query.from, 'from'),
          parseMonth(req.query.to, 'to'),
          req.query.customerId,
        );
        return collection(items, items.length, req.url);
      },
    );
  };
