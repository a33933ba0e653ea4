import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AccessQuestion as Question } from '../../app/access.ts';
import type { Seatwise } from '../../composition.ts';
import { DomainError } from '../../domain/errors.ts';
import { AccessBatchBody, AccessDecision, AccessQuestion } from '../access-schemas.ts';
import { contextOf } from '../auth.ts';
import { Collection, collection, errorResponses } from '../schemas.ts';

/** A question names its user by id or by principal name: exactly one. */
function question(
  body: { tenantId: string; userId?: string; userPrincipalName?: string; servicePlan?: string },
  at = '',
): Question {
  if ((body.userId === undefined) === (body.userPrincipalName === undefined)) {
    throw new DomainError(
      'invalid_input',
      2000,
      'request.invalid',
      { detail: `${at}send exactly one of userId and userPrincipalName` },
      [{ field: `${at}userId`, problem: 'send exactly one of userId and userPrincipalName' }],
    );
  }
  return {
    tenantId: body.tenantId,
    ...(body.userId === undefined ? {} : { userId: body.userId }),
    ...(body.userPrincipalName === undefined ? {} : { userPrincipalName: body.userPrincipalName }),
    ...(body.servicePlan === undefined ? {} : { servicePlan: body.servicePlan }),
  };
}

/**
 * Access decisions (R-ACC), Seatwise's own call where Partner Center has none: may this customer user sign in,
 * use a service, reach the tenant's data, and which subscription and rule decided. Fresh across processes as
 * soon as a change's request has answered (SPEC §8).
 */
export const accessRoutes =
  (seatwise: Seatwise): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/v1/accessdecisions',
      {
        schema: {
          tags: ['access decisions'],
          summary:
            'Decide sign-in, service use and data access for one customer user (by userId or userPrincipalName), optionally for one service plan',
          body: AccessQuestion,
          response: { 200: AccessDecision, ...errorResponses },
        },
      },
      async (req) => seatwise.access.decideOne(contextOf(req), question(req.body)),
    );

    app.post(
      '/v1/accessdecisions/batch',
      {
        schema: {
          tags: ['access decisions'],
          summary:
            'Decide for up to 1,000 users at once; each answer in the order asked (unknownTenant or unknownUser when not found)',
          body: AccessBatchBody,
          response: { 200: Collection(AccessDecision), ...errorResponses },
        },
      },
      async (req) => {
        const questions = req.body.requests.map((q, i) => question(q, `requests[${i}].`));
        const items = await seatwise.access.decide(contextOf(req), questions);
        return collection(items, items.length, req.url);
      },
    );
  };
