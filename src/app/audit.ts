import { newId } from '../domain/ids.ts';
import type { PartnerRows, PartnerScope } from '../db/scope.ts';
import type { RequestContext } from './context.ts';

/** Audit resource types: Partner Center's (AuditRecord.resourceType) plus Seatwise's own partner users. */
export type AuditResourceType =
  | 'customer'
  | 'customer_user'
  | 'order'
  | 'subscription'
  | 'license'
  | 'partner_user'
  | 'api_token'
  | 'webhook_registration'
  | 'invoice'
  | 'invoice_settings'
  | 'price_rule';

/** Event types delivered to webhooks (SPEC §2, R-EVT). */
export type EventType =
  | 'subscription.created'
  | 'subscription.updated'
  | 'subscription.suspended'
  | 'subscription.reactivated'
  | 'subscription.cancelled'
  | 'subscription.expired'
  | 'subscription.deleted'
  | 'subscription.dataPurged'
  | 'customer.created'
  | 'customer.updated'
  | 'order.created'
  | 'order.updated'
  | 'partnerUser.created'
  | 'apiToken.created'
  | 'apiToken.revoked'
  | 'customerUser.created'
  | 'customerUser.updated'
  | 'customerUser.deleted'
  | 'customerUser.licensesUpdated'
  | 'invoice.issued'
  | 'invoiceSettings.updated'
  | 'priceRule.created'
  | 'priceRule.updated'
  | 'priceRule.retired';

// Every EventType once: `satisfies` fails to compile when the union gains a type this object lacks.
const EVENT_TYPE_SET = {
  'subscription.created': true,
  'subscription.updated': true,
  'subscription.suspended': true,
  'subscription.reactivated': true,
  'subscription.cancelled': true,
  'subscription.expired': true,
  'subscription.deleted': true,
  'subscription.dataPurged': true,
  'customer.created': true,
  'customer.updated': true,
  'order.created': true,
  'order.updated': true,
  'partnerUser.created': true,
  'apiToken.created': true,
  'apiToken.revoked': true,
  'customerUser.created': true,
  'customerUser.updated': true,
  'customerUser.deleted': true,
  'customerUser.licensesUpdated': true,
  'invoice.issued': true,
  'invoiceSettings.updated': true,
  'priceRule.created': true,
  'priceRule.updated': true,
  'priceRule.retired': true,
} satisfies Record<EventType, true>;

/** The event types at run time, for a webhook registration to choose from (R-EVT). */
export const EVENT_TYPES = Object.keys(EVENT_TYPE_SET) as readonly EventType[];

export interface Change {
  resourceType: AuditResourceType;
  resourceId: string;
  /** Partner Center's operation names where one exists (`update_subscription`, `create_order`, ...). */
  operationType: string;
  customerId?: string;
  customerName?: string;
  reason?: string;
  before?: unknown;
  after?: unknown;
  /** The event delivered to webhooks; none for a change that is audited only (a webhook registration). */
  event: EventType | undefined;
  /** The event's payload; by default the resource as it is after the change (read from the audit record). */
  payload?: unknown;
}

/**
 * Records state changes: an audit record and an event for each, written through the caller's transaction so
 * that they exist exactly when the change does (R-EVT, R-AUD). The one way audit, event and ledger rows are
 * written: built by `changeRows` (and `ledgerRows`), stamped with the partner and written by
 * `PartnerScope.insertRows` at the point of the use case where the change happens, with its other rows when
 * it has some, as this does for changes alone (an order sends the same statement, `insertRowsStatement`,
 * with its others; the sweeper's renewal lines take `insertLedgerRows`, the same stamp in column arrays).
 */
export async function recordChanges(
  scope: PartnerScope,
  ctx: RequestContext | SystemContext,
  changes: readonly Change[],
  now: Date,
): Promise<void> {
  await scope.insertRows(changeRows(scope.partnerId, ctx, changes, now));
}

/** The audit and event rows for changes, for a use case that writes them with its own rows (`insertRows`). */
export function changeRows(
  partnerId: string,
  ctx: RequestContext | SystemContext,
  changes: readonly Change[],
  now: Date,
): PartnerRows[] {
  const actorName = 'actor' in ctx ? ctx.actor.userName : ctx.systemName;
  const partner_id = partnerId;
  const audits = changes.map((change) => ({
    partner_id,
    id: newId(),
    customer_id: change.customerId ?? null,
    customer_name: change.customerName ?? null,
    user_principal_name: actorName,
    application_id: ctx.applicationId ?? null,
    resource_type: change.resourceType,
    resource_id: change.resourceId,
    operation_type: change.operationType,
    operation_status: 'succeeded',
    reason: change.reason ?? null,
    old_value: change.before === undefined ? null : JSON.stringify(change.before),
    new_value: change.after === undefined ? null : JSON.stringify(change.after),
    correlation_id: ctx.correlationId ?? null,
    operation_date: now,
  }));
  // An event names its change's audit record; its payload is that record's new value unless it has its own.
  const events = changes.flatMap((change, i) =>
    change.event === undefined
      ? []
      : [
          {
            partner_id,
            id: newId(),
            type: change.event,
            resource_type: change.resourceType,
            resource_id: change.resourceId,
            customer_id: change.customerId ?? null,
            payload: change.payload === undefined ? null : JSON.stringify(change.payload),
            audit_id: audits[i]?.id ?? null,
            occurred_at: now,
          },
        ],
  );
  return [
    { table: 'audit_records', rows: audits },
    { table: 'events', rows: events },
  ];
}

/** Records one state change (see `recordChanges`). */
export const recordChange = (
  scope: PartnerScope,
  ctx: RequestContext | SystemContext,
  change: Change,
  now: Date,
): Promise<void> => recordChanges(scope, ctx, [change], now);

/** A change made by Seatwise itself (the lifecycle sweeper, bootstrap), not by a partner user. */
export interface SystemContext {
  systemName: string;
  correlationId: string | undefined;
  applicationId: string | undefined;
}

export const systemContext = (systemName: string): SystemContext => ({
  systemName,
  correlationId: undefined,
  applicationId: 'seatwise',
});

export interface AuditRecord {
  id: string;
  partnerId: string;
  customerId: string | null;
  customerName: string | null;
  userPrincipalName: string;
  applicationId: string | null;
  resourceType: string;
  resourceId: string;
  resourceOldValue: string | null;
  resourceNewValue: string | null;
  operationType: string;
  operationStatus: string;
  originalCorrelationId: string | null;
  operationDate: string;
  customizedData: { key: string; value: string }[];
}

/** Partner Center keeps 90 days of audit history per query; Seatwise takes the same window (R-AUD). */
export const AUDIT_MAX_RANGE_DAYS = 90;

/** Partner Center's audit filter fields that Seatwise answers: one customer, or one resource type. */
export interface AuditFilter {
  customerId?: string;
  resourceType?: string;
}

/** The partner's audit records in [startDate, endDate), oldest first (R-AUD), optionally filtered. */
export async function listAuditRecords(
  scope: PartnerScope,
  range: { startDate: Date; endDate: Date; size: number; filter?: AuditFilter },
): Promise<{ items: AuditRecord[]; totalCount: number }> {
  let query = scope
    .selectFrom('audit_records')
    .selectAll()
    .where('operation_date', '>=', range.startDate)
    .where('operation_date', '<', range.endDate);
  if (range.filter?.customerId !== undefined)
    query = query.where('customer_id', '=', range.filter.customerId);
  if (range.filter?.resourceType !== undefined)
    query = query.where('resource_type', '=', range.filter.resourceType);
  const rows = await query.orderBy('operation_date').orderBy('id').limit(range.size).execute();
  return {
    totalCount: rows.length,
    items: rows.map((r) => ({
      id: r.id,
      partnerId: r.partner_id,
      customerId: r.customer_id,
      customerName: r.customer_name,
      userPrincipalName: r.user_principal_name,
      applicationId: r.application_id,
      resourceType: r.resource_type,
      resourceId: r.resource_id,
      resourceOldValue: r.old_value === null ? null : JSON.stringify(r.old_value),
      resourceNewValue: r.new_value === null ? null : JSON.stringify(r.new_value),
      operationType: r.operation_type,
      operationStatus: r.operation_status,
      originalCorrelationId: r.correlation_id,
      operationDate: r.operation_date.toISOString(),
      customizedData: [
        { key: 'ResourceId', value: r.resource_id },
        ...(r.reason ? [{ key: 'Reason', value: r.reason }] : []),
      ],
    })),
  };
}
