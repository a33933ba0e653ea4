import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AUDIT_MAX_RANGE_DAYS, listAuditRecords } from '../../app/audit.ts';
import type { Seatwise } from '../../composition.ts';
import { requirePermission } from '../../domain/access/permissions.ts';
import { DAY_MS } from '../../domain/clock.ts';
import { DomainError } from '../../domain/errors.ts';
import { PartnerScope } from '../../db/scope.ts';
import { actorOf } from '../auth.ts';
import { Collection, collection, errorResponses } from '../schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

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
  operationDate: Type.String({ format: 'date-time' }),
  customizedData: Type.Array(Type.Object({ key: Type.String(), value: Type.String() })),
  attributes: Type.Object({ objectType: Type.Literal('AuditRecord') }),
});

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
            startDate: Type.String({ format: 'date-time' }),
            endDate: Type.Optional(Type.String({ format: 'date-time' })),
            size: Type.Integer({ minimum: 1, maximum: 500, default: 500 }),
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
        });
        return collection(
          items.map((i) => ({ ...i, attributes: { objectType: 'AuditRecord' as const } })),
          totalCount,
          req.url,
        );
      },
    );
  };
