import { requirePermission } from '../domain/access/permissions.ts';
import type { SubscriptionSummary } from '../domain/catalog/availability.ts';
import type { BillingCycle, Offer } from '../domain/catalog/offer.ts';
import {
  allowedActions,
  type PartnerAction,
  type SubscriptionStatus,
} from '../domain/subscription/subscription-rules.ts';
import { TERM_DURATION } from '../domain/subscription/terms.ts';
import { DomainError } from '../domain/errors.ts';
import { isGuid } from '../domain/ids.ts';
import type { Row } from '../db/schema.ts';
import type { PartnerScope } from '../db/scope.ts';
import type { RequestContext } from './context.ts';
import { getCustomerRow } from './customers.ts';
import { link, type Link } from './links.ts';

/**
 * A subscription as the API returns it: every field of Partner Center's Subscription as its clients read it
 * (R-API-1), plus Seatwise's lifecycle dates, price and customer.
 */
export interface SubscriptionView {
  id: string;
  customerId: string;
  offerId: string;
  /** Partner Center's entitlement id; for a licence-based subscription it is the subscription's id. */
  entitlementId: string;
  offerName: string;
  friendlyName: string;
  quantity: number;
  unitType: 'Licenses';
  /** Whether any add-on of the catalog may be bought on this subscription's offer (R-ADD-1). */
  hasPurchasableAddons: boolean;
  parentSubscriptionId: string | null;
  creationDate: string;
  effectiveStartDate: string;
  commitmentEndDate: string;
  status: SubscriptionStatus;
  autoRenewEnabled: boolean;
  isTrial: boolean;
  trialOfferId: string | null;
  billingType: 'license';
  billingCycle: BillingCycle;
  termDuration: string;
  /** What a partner may still do with it (Partner Center's `Cancel`, `Edit`); none once deleted. */
  actions: SubscriptionAction[];
  /**
   * Seatwise's finer answer: the PATCH moves this subscription accepts now (the transition table and the guards
   * that read only the subscription and its offer). The console offers exactly these.
   */
  allowedActions: PartnerAction[];
  attentionNeeded: boolean;
  actionTaken: boolean;
  contractType: 'subscription';
  orderId: string;
  currency: string;
  /** Price per licence per month in minor units (cents), as fixed at purchase or renewal. */
  unitPrice: number;
  suspensionReasons: string[];
  suspendedAt: string | null;
  dataRetentionEndDate: string | null;
  dataPurgedAt: string | null;
  links: { self: Link; offer: Link; parentSubscription?: Link };
  attributes: { etag: string; objectType: 'Subscription' };
}

export type SubscriptionAction = 'Cancel' | 'Edit';

/** Partner Center's coarse `actions`, from the allowed moves: `Edit` while its state or quantity can change. */
const partnerCenterActions = (allowed: readonly PartnerAction[]): SubscriptionAction[] => [
  ...(allowed.includes('cancel') ? ['Cancel' as const] : []),
  ...(allowed.some((a) => a === 'suspend' || a === 'reactivate' || a === 'changeQuantity')
    ? ['Edit' as const]
    : []),
];
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The subscription's version as an ETag (R-API-3). */
export const etagOf = (version: number): string => String(version);

/**
 * The one mapper from a subscriptions row to the API's view, with its offer as stored (`loadOffers`): its
 * name, whether it renews (R-REN-1, for `allowedActions`) and whether add-ons are sold on it (R-ADD-1). The
 * same view answers a GET, a PATCH and an order, and is what audit records and events carry. An offer gone
 * from the catalog shows its id for a name.
 */
export function toSubscriptionView(r: Row<'subscriptions'>, offer: Offer | undefined): SubscriptionView {
  const base = `/v1/customers/${r.customer_id}/subscriptions`;
  const status = r.status as SubscriptionStatus;
  const allowed = allowedActions({ status, isTrial: r.is_trial, offerRenews: offer?.isAutoRenewable });
  return {
    id: r.id,
    customerId: r.customer_id,
    offerId: r.offer_id,
    entitlementId: r.id,
    offerName: offer?.name ?? r.offer_id,
    friendlyName: r.friendly_name,
    quantity: r.quantity,
    unitType: 'Licenses',
    hasPurchasableAddons: r.parent_subscription_id === null && !r.is_trial && offer?.takesAddOns === true,
    parentSubscriptionId: r.parent_subscription_id,
    creationDate: r.created_at.toISOString(),
    effectiveStartDate: r.effective_start_date.toISOString(),
    commitmentEndDate: r.commitment_end_date.toISOString(),
    status,
    autoRenewEnabled: r.auto_renew_enabled,
    isTrial: r.is_trial,
    trialOfferId: r.trial_offer_id,
    billingType: 'license',
    billingCycle: r.billing_cycle as BillingCycle,
    termDuration: TERM_DURATION[r.billing_cycle as BillingCycle],
    actions: partnerCenterActions(allowed),
    allowedActions: allowed,
    attentionNeeded: false,
    actionTaken: false,
    contractType: 'subscription',
    orderId: r.order_id,
    currency: r.currency,
    unitPrice: r.unit_price,
    suspensionReasons: r.suspension_reasons as string[],
    suspendedAt: iso(r.suspended_at),
    dataRetentionEndDate: iso(r.data_retention_end_date),
    dataPurgedAt: iso(r.data_purged_at),
    links: {
      self: link(`${base}/${r.id}`),
      offer: link(`/v1/offers/${r.offer_id}`),
      ...(r.parent_subscription_id
        ? { parentSubscription: link(`${base}/${r.parent_subscription_id}`) }
        : {}),
    },
    attributes: { etag: etagOf(r.version), objectType: 'Subscription' },
  };
}

export const toSummary = (r: Row<'subscriptions'>): SubscriptionSummary => ({
  id: r.id,
  offerId: r.offer_id,
  friendlyName: r.friendly_name,
  status: r.status as SubscriptionStatus,
  isTrial: r.is_trial,
});

export const offerNameOf = (offers: ReadonlyMap<string, Offer>, id: string): string =>
  offers.get(id)?.name ?? id;

const notFound = (resource: string, id: string) =>
  new DomainError('not_found', 404, 'resource.notFound', { resource, id });

/** The customer's subscription, or undefined; with `lock`, held FOR NO KEY UPDATE (see lockCustomerRow) in the caller's transaction. */
export async function findSubscriptionRow(
  scope: PartnerScope,
  customerId: string,
  subscriptionId: string,
  lock = false,
): Promise<Row<'subscriptions'> | undefined> {
  if (!isGuid(subscriptionId)) return undefined;
  const query = scope
    .selectFrom('subscriptions')
    .selectAll()
    .where('customer_id', '=', customerId)
    .where('id', '=', subscriptionId);
  return (lock ? query.forNoKeyUpdate() : query).executeTakeFirst();
}

export async function getSubscriptionRow(scope: PartnerScope, customerId: string, subscriptionId: string) {
  const row = await findSubscriptionRow(scope, customerId, subscriptionId);
  if (!row) throw notFound('subscription', subscriptionId);
  return row;
}

/** Like getSubscriptionRow, locked FOR NO KEY UPDATE in the caller's transaction. */
export async function lockSubscriptionRow(scope: PartnerScope, customerId: string, subscriptionId: string) {
  const row = await findSubscriptionRow(scope, customerId, subscriptionId, true);
  if (!row) throw notFound('subscription', subscriptionId);
  return row;
}

/** Every subscription the customer ever had, deleted ones included (LifeTime limits count them). */
export async function customerSubscriptionRows(scope: PartnerScope, customerId: string) {
  return scope
    .selectFrom('subscriptions')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function trialOfferIdsEverOwned(scope: PartnerScope, customerId: string): Promise<string[]> {
  const rows = await scope
    .selectFrom('customer_trials')
    .select('offer_id')
    .where('customer_id', '=', customerId)
    .execute();
  return rows.map((r) => r.offer_id);
}

export interface SubscriptionFilter {
  orderId?: string;
  parentSubscriptionId?: string;
}

/** The customer's subscriptions (R-API-1), optionally those of one order or the add-ons of one base. */
export async function listSubscriptions(
  scope: PartnerScope,
  ctx: RequestContext,
  customerId: string,
  offers: ReadonlyMap<string, Offer>,
  filter: SubscriptionFilter = {},
): Promise<SubscriptionView[]> {
  requirePermission(ctx.actor.role, 'customers.view');
  await getCustomerRow(scope, customerId);
  let query = scope.selectFrom('subscriptions').selectAll().where('customer_id', '=', customerId);
  if (filter.orderId !== undefined) {
    if (!isGuid(filter.orderId)) return [];
    query = query.where('order_id', '=', filter.orderId);
  }
  if (filter.parentSubscriptionId !== undefined) {
    query = query.where('parent_subscription_id', '=', filter.parentSubscriptionId);
  }
  const rows = await query.orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => toSubscriptionView(r, offers.get(r.offer_id)));
}

export async function getSubscription(
  scope: PartnerScope,
  ctx: RequestContext,
  customerId: string,
  subscriptionId: string,
  offers: ReadonlyMap<string, Offer>,
): Promise<SubscriptionView> {
  requirePermission(ctx.actor.role, 'customers.view');
  await getCustomerRow(scope, customerId);
  const row = await getSubscriptionRow(scope, customerId, subscriptionId);
  return toSubscriptionView(row, offers.get(row.offer_id));
}
