import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AUDIT_MAX_RANGE_DAYS, listAuditRecords, type AuditFilter } from '../../app/audit.ts';
import { isGuid } from '../../domain/ids.ts';
import type { Seatwise } from '../../composition.ts';
import { requirePermission } from '../../domain/access/permissions.ts';
import { DAY_MS } from '../../domain/clock.ts';
import { DomainError } from '../../domain/errors.ts';
import { PartnerScope } from '../../db/scope.ts';
import { actorOf } from '../auth.ts';
import { invalidField, parseFilter } from '../filter.ts';
import { Collection, collection, DateTime, errorResponses, Nullable } from '../schemas.ts';

const AuditRecord = Type.Object({
  id: Type.String(),
  partnerId: Type.String(),
  customerId: Nullable(Type.String()),
  customerName: Nullable(Type.String()),
  userPrincipalName: Type.String(),
  applicationId: Nullable(Type.String()),
  resourceType: Type.String(),
  resourceId: Type.String(),
  resourceOldValue: Nullable(Type.String()),
  resourceNewValue: Nullable(Type.String()),
  operationType: Type.String(),
  operationStatus: Type.String(),
  originalCorrelationId: Nullable(Type.String()),
  operationDate: DateTime,
  customizedData: Type.Array(Type.Object({ key: Type.String(), value: Type.String() })),
  attributes: Type.Object({ objectType: Type.Literal('AuditRecord') }),
});

/**
 * Partner Center's audit `filter`: `{"Field":"CustomerId","Value":"<id>","Operator":"substring"}` (Seatwise
 * matches the whole id, as a full id is its only substring that names one customer), or
 * `{"Field":"ResourceType","Value":"subscription","Operator":"equals"}`. Keys and values in any case.
 */
export function parseAuditFilter(filter: string): AuditFilter {
  const { field, operator, value } = parseFilter(filter);
  if (typeof value !== 'string' || value.length === 0 || value.length > 256)
    throw invalidField('filter.Value', 'filter.Value must be a string of 1 to 256 characters');
  if (operator !== 'equals' && operator !== 'substring')
    throw invalidField('filter.Operator', 'filter.Operator must be equals or substring');
  if (field === 'customerid') {
    if (!isGuid(value)) throw invalidField('filter.Value', 'filter.Value must be a customer id');
    return { customerId: value.toLowerCase() };
  }
  if (field === 'resourcetype') return { resourceType: value.toLowerCase() };
  throw invalidField('filter.Field', 'filter.Field must be CustomerId or ResourceType');
}

/** R-AUD: the activity log, as Partner Center's `GET /v1/auditrecords?startDate&endDate&size`. */
export const auditRoutes =
  (seatwise: Seatwise): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/v1/auditrecords',
      {
        schema: {
          tags: ['audit'],
          summary: 'Who did what, with reasons (R-AUD)',
          querystring: Type.Object({
            startDate: DateTime,
            endDate: Type.Optional(DateTime),
            size: Type.Integer({ minimum: 1, maximum: 500, default: 500 }),
            filter: Type.Optional(
              Type.String({
                maxLength: 1024,
                description:
                  'Partner Center\'s filter: {"Field":"CustomerId","Value":"<id>","Operator":"substring"} or {"Field":"ResourceType","Value":"subscription","Operator":"equals"}',
              }),
            ),
          }),
          response: { 200: Collection(AuditRecord), ...errorResponses },
        },
      },
      async (req) => {
        const actor = actorOf(req);
        requirePermission(actor.role, 'customers.view');
        const startDate = new Date(req.query.startDate);
        const endDate = req.query.endDate ? new Date(req.query.endDate) : seatwise.clock.now();
        const span = endDate.getTime() - startDate.getTime();
        if (span <= 0 || span > AUDIT_MAX_RANGE_DAYS * DAY_MS) {
          throw new DomainError('invalid_input', 2000, 'audit.dateRange', { maxDays: AUDIT_MAX_RANGE_DAYS }, [
            { field: 'startDate' },
            { field: 'endDate' },
          ]);
        }
        const scope = new PartnerScope(seatwise.db, actor.partnerId);
        const { items, totalCount } = await listAuditRecords(scope, {
          startDate,
          endDate,
          size: req.query.size,
          ...(req.query.filter === undefined ? {} : { filter: parseAuditFilter(req.query.filter) }),
        });
        return collection(
          items.map((i) => ({ ...i, attributes: { objectType: 'AuditRecord' as const } })),
          totalCount,
          req.url,
        );
      },
    );
  };
