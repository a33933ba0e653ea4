import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { requirePermission } from '../domain/access/permissions.ts';
import { DomainError } from '../domain/errors.ts';
import { isGuid, newId } from '../domain/ids.ts';
import { inTransaction, type Db } from '../db/database.ts';
import type { Row } from '../db/schema.ts';
import { PartnerScope } from '../db/scope.ts';
import { EVENT_TYPES, recordChange, type EventType } from './audit.ts';
import type { RequestContext } from './context.ts';
import { TargetRefused, type WebhookTargets } from './webhook-targets.ts';
import { newSecret } from './secrets.ts';

/** A registration's events: event types (R-EVT), or `*` for every one. */
export type WebhookEventFilter = EventType | '*';

/** A partner's webhook endpoint, as Partner Center's WebhookRegistration knows it plus Seatwise's id. */
export interface WebhookEndpoint {
  id: string;
  partnerId: string;
  webhookUrl: string;
  webhookEvents: WebhookEventFilter[];
  createdAt: Date;
  createdBy: string;
  lastModifiedAt: Date;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One event for one endpoint: the delivery log entry (R-EVT). */
export interface DeliveryLogEntry {
  eventId: string;
  eventName: string;
  status: DeliveryStatus;
  attempts: number;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  failedAt: Date | null;
  createdAt: Date;
}

export const toWebhookEndpoint = (r: Row<'webhook_endpoints'>): WebhookEndpoint => ({
  id: r.id,
  partnerId: r.partner_id,
  webhookUrl: r.webhook_url,
  webhookEvents: r.webhook_events as WebhookEventFilter[],
  createdAt: r.created_at,
  createdBy: r.created_by,
  lastModifiedAt: r.last_modified_at,
});

export const toDeliveryLogEntry = (r: Row<'webhook_deliveries'>): DeliveryLogEntry => ({
  eventId: r.event_id,
  eventName: r.event_type,
  status: r.delivered_at ? 'delivered' : r.failed_at ? 'failed' : 'pending',
  attempts: r.attempts,
  lastAttemptAt: r.last_attempt_at,
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  nextAttemptAt: r.next_attempt_at,
  deliveredAt: r.delivered_at,
  failedAt: r.failed_at,
  createdAt: r.created_at,
});

const notFound = (id: string) =>
  new DomainError('not_found', 404, 'resource.notFound', { resource: 'webhook', id }, [
    { field: 'id', rule: 'R-ROLE-ISO' },
  ]);

/** R-EVT: an absolute http(s) URL; anything else would never be delivered. */
function parseWebhookUrl(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new DomainError('invalid_input', 2000, 'webhook.invalidUrl', { url: text.slice(0, 200) }, [
      { field: 'webhookUrl', rule: 'R-EVT' },
    ]);
  }
  return url.toString();
}

/** R-SEC-2: the URL's host must be, and resolve only to, public addresses; `https` unless the operator allows. */
async function checkTarget(targets: WebhookTargets, webhookUrl: string): Promise<void> {
  const url = new URL(webhookUrl);
  try {
    await targets.check(url);
  } catch (e) {
    if (!(e instanceof TargetRefused)) throw e;
    throw new DomainError(
      'invalid_input',
      2000,
      `webhook.${e.reason}`,
      { host: url.hostname.slice(0, 200) },
      [{ field: 'webhookUrl', rule: 'R-SEC-2' }],
    );
  }
}

/** R-EVT: known event types or `*`, each once; `*` alone when it is among them. */
function parseWebhookEvents(names: readonly string[]): WebhookEventFilter[] {
  const known = EVENT_TYPES as readonly string[];
  names.forEach((name, i) => {
    if (name !== '*' && !known.includes(name)) {
      throw new DomainError(
        'invalid_input',
        2000,
        'webhook.unknownEvent',
        { event: name.slice(0, 100), known: EVENT_TYPES.join(', ') },
        [{ field: `webhookEvents.${i}`, rule: 'R-EVT' }],
      );
    }
  });
  if (names.includes('*')) return ['*'];
  return [...new Set(names)] as EventType[];
}

/** Registration changes are audited (R-AUD); they raise no event, since no EventType names them. */
async function auditWebhookChange(
  scope: PartnerScope,
  ctx: RequestContext,
  change: { operationType: string; endpoint: WebhookEndpoint; before?: unknown; after?: unknown },
  now: Date,
): Promise<void> {
  await recordChange(
    scope,
    ctx,
    {
      resourceType: 'webhook_registration',
      resourceId: change.endpoint.id,
      operationType: change.operationType,
      before: change.before,
      after: change.after,
      // A registration is audited, not delivered: no event.
      event: undefined,
    },
    now,
  );
}

const auditView = (e: WebhookEndpoint) => ({ webhookUrl: e.webhookUrl, webhookEvents: e.webhookEvents });

const checkedRegistrations = new WeakSet<object>();

/** A registration whose URL and events were checked (`checkWebhookRegistration`), ready to be written. */
export interface CheckedRegistration {
  readonly webhookUrl: string;
  readonly webhookEvents: WebhookEventFilter[];
}

/**
 * Checks a registration before anything is written (R-EVT, R-SEC-2, GlobalAdmin only): its URL, its events, and
 * where its host resolves. Called outside any transaction: a slow DNS answer must not hold one open (on the
 * embedded database it would hold up every other request).
 */
export async function checkWebhookRegistration(
  ctx: RequestContext,
  input: { webhookUrl: string; webhookEvents: readonly string[] },
  targets: WebhookTargets,
): Promise<CheckedRegistration> {
  requirePermission(ctx.actor.role, 'webhooks.manage');
  const webhookUrl = parseWebhookUrl(input.webhookUrl);
  const webhookEvents = parseWebhookEvents(input.webhookEvents);
  await checkTarget(targets, webhookUrl);
  const checked = { webhookUrl, webhookEvents };
  checkedRegistrations.add(checked);
  return checked;
}

/**
 * Registers a checked webhook endpoint (R-EVT, GlobalAdmin only) and returns it with its signing secret, which
 * the caller sees in this answer only. It receives the partner's events from now on, not earlier ones.
 */
export async function createWebhookEndpoint(
  db: Db,
  ctx: RequestContext,
  registration: CheckedRegistration,
  now: Date,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  requirePermission(ctx.actor.role, 'webhooks.manage');
  // Only what checkWebhookRegistration returned: a registration cannot skip the address check.
  if (!checkedRegistrations.has(registration)) throw new Error('webhook registration was not checked');
  const { webhookUrl, webhookEvents } = registration;
  const secret = `whsec_${newSecret()}`;
  return inTransaction(db, async (trx) => {
    const scope = new PartnerScope(trx, ctx.actor.partnerId);
    // The endpoint starts after the partner's latest event: it is sent what happens from now on.
    const { last } = await scope
      .selectFrom('events')
      .select(sql<string>`coalesce(max(seq), 0)::text`.as('last'))
      .executeTakeFirstOrThrow();
    const row = await scope
      .insertInto('webhook_endpoints', {
        id: newId(),
        webhook_url: webhookUrl,
        webhook_events: JSON.stringify(webhookEvents),
        // Stored as is, not hashed: unlike a password or an API token, the server itself needs the secret
        // back to sign every delivery (HMAC-SHA256, R-EVT). It is shown to the partner once, at creation.
        secret,
        created_at: now,
        created_by: ctx.actor.userName,
        last_modified_at: now,
        fanned_out_seq: last,
        horizon_seq: last,
        // Nothing is pending at creation (horizon = fanned out), so the first pass may move on at once.
        horizon_seen_at: new Date(0),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const endpoint = toWebhookEndpoint(row);
    await auditWebhookChange(
      scope,
      ctx,
      { operationType: 'create_webhook_registration', endpoint, after: auditView(endpoint) },
      now,
    );
    return { endpoint, secret };
  });
}

/** The partner's webhook endpoints, oldest first (R-EVT, GlobalAdmin only). */
export async function listWebhookEndpoints(
  scope: PartnerScope,
  ctx: RequestContext,
): Promise<WebhookEndpoint[]> {
  requirePermission(ctx.actor.role, 'webhooks.manage');
  const rows = await scope
    .selectFrom('webhook_endpoints')
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toWebhookEndpoint);
}

async function findEndpointRow(scope: PartnerScope, id: string) {
  if (!isGuid(id)) return undefined;
  return scope.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
}

/** One of the partner's webhook endpoints; another partner's is not found (R-ROLE-ISO). */
export async function getWebhookEndpoint(
  scope: PartnerScope,
  ctx: RequestContext,
  id: string,
): Promise<WebhookEndpoint> {
  requirePermission(ctx.actor.role, 'webhooks.manage');
  const row = await findEndpointRow(scope, id);
  if (!row) throw notFound(id);
  return toWebhookEndpoint(row);
}

/** Removes an endpoint and its delivery log; deliveries not yet made are dropped (R-EVT, GlobalAdmin only). */
export async function deleteWebhookEndpoint(
  db: Db,
  ctx: RequestContext,
  id: string,
  now: Date,
): Promise<void> {
  requirePermission(ctx.actor.role, 'webhooks.manage');
  if (!isGuid(id)) throw notFound(id);
  await inTransaction(db, async (trx) => {
    const scope = new PartnerScope(trx, ctx.actor.partnerId);
    const row = await scope
      .deleteFrom('webhook_endpoints')
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound(id);
    const endpoint = toWebhookEndpoint(row);
    await auditWebhookChange(
      scope,
      ctx,
      { operationType: 'delete_webhook_registration', endpoint, before: auditView(endpoint) },
      now,
    );
  });
}

/** An endpoint's delivery log, newest event first (R-EVT, GlobalAdmin only): status and times, no answer body. */
export async function listWebhookDeliveries(
  scope: PartnerScope,
  ctx: RequestContext,
  endpointId: string,
  size: number,
): Promise<DeliveryLogEntry[]> {
  requirePermission(ctx.actor.role, 'webhooks.manage');
  if (!(await findEndpointRow(scope, endpointId))) throw notFound(endpointId);
  const rows = await scope
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .orderBy('event_seq', 'desc')
    .limit(size)
    .execute();
  return rows.map(toDeliveryLogEntry);
}

/** `X-Seatwise-Signature`: `sha256=` and the hex HMAC-SHA256 of the exact body with the endpoint's secret. */
export const webhookSignature = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
