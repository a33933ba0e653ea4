import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { marginCsv, marginFileName, marginReport } from '../../app/margin.ts';
import {
  addRuleVersion,
  createRule,
  getRule,
  listRules,
  listRuleVersions,
  previewPrices,
  retireRule,
  type RuleInput,
} from '../../app/pricing.ts';
import type { Seatwise } from '../../composition.ts';
import { parseMonth } from '../../domain/billing/statement-month.ts';
import { DomainError } from '../../domain/errors.ts';
import { percentToBasisPoints, pricesByCurrency, type RuleKind } from '../../domain/pricing/price-rules.ts';
import { PartnerScope } from '../../db/scope.ts';
import { contextOf } from '../auth.ts';
import { Collection, collection, errorResponses } from '../schemas.ts';
import {
  MarginReport,
  NewPriceRule,
  NewPriceRuleVersion,
  PricePreview,
  PriceRule,
  PriceRuleVersion,
  Retirement,
} from './pricing-schemas.ts';

const RuleParams = Type.Object({ ruleId: Type.String() });

function dateOf(value: string | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) {
    throw new DomainError('invalid_input', 2000, 'pricing.badDate', { field, value }, [{ field }]);
  }
  return d;
}

/** The terms of a version as the API sends them: percent in percent, at most two decimals. */
function termsOf(body: {
  kind: string;
  percent?: number;
  prices?: Record<string, number>;
  allowBelowCost?: boolean;
  effectiveFrom?: string;
}): RuleInput {
  const bp = percentToBasisPoints(body.percent ?? 0);
  if (bp === undefined) {
    throw new DomainError('invalid_input', 2000, 'pricing.badPercent', { field: 'percent' }, [
      { field: 'percent', rule: 'R-PRC-2' },
    ]);
  }
  const effectiveFrom = dateOf(body.effectiveFrom, 'effectiveFrom');
  return {
    kind: body.kind as RuleKind,
    basisPoints: bp,
    prices: pricesByCurrency(body.prices ?? {}),
    allowBelowCost: body.allowBelowCost ?? false,
    ...(effectiveFrom ? { effectiveFrom } : {}),
  };
}

const csvWanted = (format: string | undefined, accept: string | undefined): boolean => {
  if (format !== undefined) {
    const f = format.trim().toLowerCase();
    if (f === 'csv') return true;
    if (f === 'json') return false;
    throw new DomainError('invalid_input', 2000, 'billing.unknownFormat', { value: format }, [
      { field: 'format' },
    ]);
  }
  return /\btext\/csv\b/i.test(accept ?? '');
};

/**
 * Price rules (R-PRC-2): list, write (a new rule or a new version of its target's rule), versions, retire;
 * the preview of what a customer would pay per offer; and the margin report (R-PRC-3). Reading needs
 * billing.view; writing rules also pricing.manage.
 */
export const pricingRoutes =
  (seatwise: Seatwise): FastifyPluginAsyncTypebox =>
  async (app) => {
    const deps = () => ({ db: seatwise.db, cloud: seatwise.instance.cloud, now: seatwise.clock.now() });
    const scopeOf = (partnerId: string) => new PartnerScope(seatwise.db, partnerId);

    app.get(
      '/v1/pricing/rules',
      {
        schema: {
          tags: ['pricing'],
          summary:
            "The partner's price rules as they stand now (R-PRC-2), the default first; retired ones with includeRetired=true",
          querystring: Type.Object({ includeRetired: Type.Optional(Type.Boolean()) }),
          response: { 200: Collection(PriceRule), ...errorResponses },
        },
      },
      async (req) => {
        const ctx = contextOf(req);
        const items = await listRules(scopeOf(ctx.actor.partnerId), ctx, seatwise.clock.now(), {
          includeRetired: req.query.includeRetired ?? false,
        });
        return collection(items, items.length, req.url);
      },
    );

    app.post(
      '/v1/pricing/rules',
      {
        schema: {
          tags: ['pricing'],
          summary:
            'Writes a price rule (R-PRC-2); a target that has a rule gets a new version of it. Refused below cost unless allowBelowCost',
          body: NewPriceRule,
          response: { 200: PriceRule, 201: PriceRule, ...errorResponses },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const { rule, created } = await createRule(deps(), contextOf(req), {
          scope: b.scope,
          ...(b.category !== undefined ? { category: b.category } : {}),
          ...(b.offerId !== undefined ? { offerId: b.offerId } : {}),
          ...(b.customerId !== undefined ? { customerId: b.customerId } : {}),
          ...termsOf(b),
        });
        return reply.status(created ? 201 : 200).send(rule);
      },
    );

    app.get(
      '/v1/pricing/rules/:ruleId',
      {
        schema: {
          tags: ['pricing'],
          summary: 'One price rule as it stands now',
          params: RuleParams,
          response: { 200: PriceRule, ...errorResponses },
        },
      },
      async (req) => {
        const ctx = contextOf(req);
        return getRule(scopeOf(ctx.actor.partnerId), ctx, req.params.ruleId, seatwise.clock.now());
      },
    );

    app.get(
      '/v1/pricing/rules/:ruleId/versions',
      {
        schema: {
          tags: ['pricing'],
          summary: 'Every version of a rule, oldest first; versions never change (R-PRC-2)',
          params: RuleParams,
          response: { 200: Collection(PriceRuleVersion), ...errorResponses },
        },
      },
      async (req) => {
        const ctx = contextOf(req);
        const items = await listRuleVersions(scopeOf(ctx.actor.partnerId), ctx, req.params.ruleId);
        return collection(items, items.length, req.url);
      },
    );

    app.post(
      '/v1/pricing/rules/:ruleId/versions',
      {
        schema: {
          tags: ['pricing'],
          summary: 'A new version of a rule, effective from its date (now by default)',
          params: RuleParams,
          body: NewPriceRuleVersion,
          response: { 201: PriceRule, ...errorResponses },
        },
      },
      async (req, reply) =>
        reply
          .status(201)
          .send(await addRuleVersion(deps(), contextOf(req), req.params.ruleId, termsOf(req.body))),
    );

    app.post(
      '/v1/pricing/rules/:ruleId/retire',
      {
        schema: {
          tags: ['pricing'],
          summary: 'Retires a rule from a date (now by default): a last version that says so',
          params: RuleParams,
          body: Type.Optional(Retirement),
          response: { 201: PriceRule, ...errorResponses },
        },
      },
      async (req, reply) => {
        const at = dateOf(req.body?.effectiveFrom, 'effectiveFrom');
        return reply.status(201).send(await retireRule(deps(), contextOf(req), req.params.ruleId, at));
      },
    );

    app.get(
      '/v1/pricing/preview',
      {
        schema: {
          tags: ['pricing'],
          summary:
            'What a customer would pay per licence per month for each offer it may buy, and which rule sets each price (R-PRC-2)',
          querystring: Type.Object({
            customerId: Type.String(),
            at: Type.Optional(Type.String({ description: 'a date and time; now by default' })),
          }),
          response: { 200: PricePreview, ...errorResponses },
        },
      },
      async (req) => {
        const at = dateOf(req.query.at, 'at');
        return previewPrices(deps(), contextOf(req), req.query.customerId, at);
      },
    );

    app.get(
      '/v1/billing/margin',
      {
        schema: {
          tags: ['billing'],
          summary:
            'Revenue, cost and margin of a month by customer, by offer and in total (R-PRC-3), as JSON or CSV',
          querystring: Type.Object({
            month: Type.String({ description: 'YYYY-MM' }),
            format: Type.Optional(Type.String({ description: 'json (default) or csv' })),
          }),
          response: {
            200: {
              description: 'the report; CSV when asked for',
              content: {
                'application/json': { schema: MarginReport },
                'text/csv': { schema: Type.String() },
              },
            },
            ...errorResponses,
          },
        },
      },
      async (req, reply) => {
        const csv = csvWanted(req.query.format, req.headers.accept);
        const report = await marginReport(seatwise.db, contextOf(req), parseMonth(req.query.month));
        if (!csv) return report;
        return reply
          .type('text/csv; charset=utf-8')
          .header('Content-Disposition', `attachment; filename="${marginFileName(report)}"`)
          .send(marginCsv(report));
      },
    );
  };
