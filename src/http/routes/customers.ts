import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { decodeCursor, encodeCursor, listCustomers } from '../../app/customers.ts';
import type { Seatwise } from '../../composition.ts';
import { DomainError } from '../../domain/errors.ts';
import { PartnerScope } from '../../db/scope.ts';
import { contextOf } from '../auth.ts';
import { Collection, collection, errorResponses } from '../schemas.ts';

export const Customer = Type.Object(
  {
    id: Type.String(),
    companyProfile: Type.Object({
      tenantId: Type.String(),
      domain: Type.String(),
      companyName: Type.String(),
      organizationRegistrationNumber: Type.Optional(Type.String()),
      attributes: Type.Object({ objectType: Type.Literal('CustomerCompanyProfile') }),
    }),
    billingProfile: Type.Object({
      id: Type.String(),
      firstName: Type.String(),
      lastName: Type.String(),
      email: Type.String(),
      culture: Type.String(),
      language: Type.String(),
      companyName: Type.String(),
      defaultAddress: Type.Record(Type.String(), Type.Unknown()),
      attributes: Type.Object({ objectType: Type.Literal('CustomerBillingProfile') }),
    }),
    relationshipToPartner: Type.String(),
    segment: Type.String(),
    qualifications: Type.Unknown(),
    accountOpenedAt: Type.String({ format: 'date-time' }),
    firstBillingPeriodStart: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    attributes: Type.Object({ etag: Type.String(), objectType: Type.Literal('Customer') }),
  },
  { $id: 'Customer' },
);

/** Partner Center's customer collection (R-API-1), paged with a continuation token. */
export const customerRoutes =
  (seatwise: Seatwise): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/v1/customers',
      {
        schema: {
          tags: ['customers'],
          summary: "The partner's customers, by company name",
          querystring: Type.Object({
            size: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
            continuationToken: Type.Optional(Type.String()),
          }),
          response: { 200: Collection(Customer), ...errorResponses },
        },
      },
      async (req) => {
        const ctx = contextOf(req);
        const token =
          req.query.continuationToken ?? (req.headers['ms-continuationtoken'] as string | undefined);
        const after = token === undefined ? undefined : decodeCursor(token);
        if (token !== undefined && !after) {
          throw new DomainError(
            'invalid_input',
            2000,
            'request.invalid',
            { detail: 'continuationToken is not valid' },
            [{ field: 'continuationToken' }],
          );
        }
        const scope = new PartnerScope(seatwise.db, ctx.actor.partnerId);
        const page = await listCustomers(scope, ctx, { size: req.query.size, after });
        const next = page.next && encodeCursor(page.next);
        const body = collection(
          page.items,
          page.totalCount,
          req.url,
          next ? `/v1/customers?size=${req.query.size}&continuationToken=${next}` : undefined,
        );
        return next ? { ...body, continuationToken: next } : body;
      },
    );
  };
