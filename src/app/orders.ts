import { requirePermission } from '../domain/access/permissions.ts';
import { currencyFor } from '../domain/catalog/currency.ts';
import type { BillingCycle, Offer, Segment } from '../domain/catalog/offer.ts';
import type { Cloud } from '../domain/cloud.ts';
import { DomainError } from '../domain/errors.ts';
import { isGuid, newId } from '../domain/ids.ts';
import {
  validateAddOnLines,
  validateOrderLines,
  type AddOnLine,
  type LineError,
} from '../domain/order/order-rules.ts';
import { termEnd } from '../domain/subscription/terms.ts';
import { inTransaction, type Db } from '../db/database.ts';
import type { Row } from '../db/schema.ts';
import { PartnerScope } from '../db/scope.ts';
import { recordChange } from './audit.ts';
import { loadOffers } from './catalog.ts';
import type { RequestContext } from './context.ts';
import { getCustomerRow, lockCustomerRow } from './customers.ts';
import {
  customerSubscriptionRows,
  offerNameOf,
  toSubscriptionView,
  toSummary,
  trialOfferIdsEverOwned,
  type SubscriptionView,
} from './subscriptions.ts';

export interface OrderLineItemView {
  lineItemNumber: number;
  offerId: string;
  subscriptionId: string;
  parentSubscriptionId?: string;
  friendlyName: string;
  quantity: number;
  termDuration: string;
  links: { subscription: { uri: string; method: string; headers: [] } };
}

export interface OrderView {
  id: string;
  referenceCustomerId: string;
  billingCycle: BillingCycle;
  currencyCode: string;
  lineItems: OrderLineItemView[];
  creationDate: string;
  status: string;
  transactionType: 'UserPurchase';
  links: { self: { uri: string; method: string; headers: [] } };
  attributes: { objectType: 'Order' };
}

export interface NewLineItem {
  lineItemNumber: number;
  offerId: string;
  quantity: number;
  friendlyName?: string;
  parentSubscriptionId?: string;
  /** Present on the lines an Order resource already has (a PATCH sends the full resource). */
  subscriptionId?: string;
}

const TERM: Record<BillingCycle, string> = { monthly: 'P1M', annual: 'P1Y', none: 'P30D' };
const link = (uri: string) => ({ uri, method: 'GET', headers: [] as [] });

/** `monthly`, `annual`, and `none` (or the console's `trial`), in any case (R-API-1, R-TRI-1). */
export function parseBillingCycle(value: string): BillingCycle {
  const v = value.trim().toLowerCase();
  if (v === 'monthly' || v === 'annual' || v === 'none') return v;
  if (v === 'trial') return 'none';
  throw new DomainError('invalid_input', 2000, 'order.unknownCycle', { value }, [{ field: 'billingCycle' }]);
}

function toOrderView(order: Row<'orders'>, lines: readonly Row<'order_line_items'>[]): OrderView {
  const cycle = order.billing_cycle as BillingCycle;
  return {
    id: order.id,
    referenceCustomerId: order.customer_id,
    billingCycle: cycle,
    currencyCode: order.currency,
    lineItems: lines.map((l) => ({
      lineItemNumber: l.line_item_number,
      offerId: l.offer_id,
      subscriptionId: l.subscription_id,
      ...(l.parent_subscription_id ? { parentSubscriptionId: l.parent_subscription_id } : {}),
      friendlyName: l.friendly_name,
      quantity: l.quantity,
      termDuration: TERM[cycle],
      links: { subscription: link(`/v1/customers/${order.customer_id}/subscriptions/${l.subscription_id}`) },
    })),
    creationDate: order.created_at.toISOString(),
    status: order.status,
    transactionType: 'UserPurchase',
    links: { self: link(`/v1/customers/${order.customer_id}/orders/${order.id}`) },
    attributes: { objectType: 'Order' },
  };
}

function refuseOrder(errors: LineError[]): never {
  const first = errors[0] as LineError;
  // The order's status and code are its first failing line's; `data` carries every failing line (R-ORD-1).
  throw new DomainError(
    first.code === 2000 ? 'invalid_input' : first.code === 27009 ? 'conflict' : 'refused',
    first.code,
    'order.refused',
    { count: errors.length },
    errors,
  );
}

const customerOf = (row: Row<'customers'>, cloud: Cloud) => ({
  segment: row.segment as Segment,
  country: row.country,
  cloud,
});

interface Deps {
  db: Db;
  cloud: Cloud;
  now: Date;
}

/** Writes one subscription row for a validated line; returns the row. */
async function createSubscription(
  scope: PartnerScope,
  input: {
    customerId: string;
    orderId: string;
    offer: Offer;
    line: NewLineItem;
    cycle: BillingCycle;
    currency: string;
    now: Date;
    commitmentEnd: Date;
    parentSubscriptionId: string | null;
  },
): Promise<Row<'subscriptions'>> {
  const { offer, now } = input;
  return scope
    .insertInto('subscriptions', {
      id: newId(),
      customer_id: input.customerId,
      offer_id: offer.id,
      order_id: input.orderId,
      friendly_name: input.line.friendlyName?.trim() || offer.name,
      quantity: input.line.quantity,
      billing_cycle: input.cycle,
      currency: input.currency,
      unit_price: offer.isTrial ? 0 : (offer.prices[input.currency as 'USD' | 'EUR'] ?? 0),
      status: 'active',
      is_trial: offer.isTrial,
      trial_offer_id: offer.isTrial ? offer.id : null,
      converted_at: null,
      parent_subscription_id: input.parentSubscriptionId,
      created_at: now,
      effective_start_date: now,
      commitment_end_date: input.commitmentEnd,
      auto_renew_enabled: offer.isAutoRenewable && !offer.isTrial,
      suspension_reasons: '[]',
      suspension_comment: null,
      suspended_at: null,
      suspended_with_parent: false,
      status_changed_at: now,
      data_retention_end_date: null,
      data_purged_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

async function recordSubscriptionCreated(
  scope: PartnerScope,
  ctx: RequestContext,
  customer: Row<'customers'>,
  row: Row<'subscriptions'>,
  offers: ReadonlyMap<string, Offer>,
  now: Date,
) {
  const view = toSubscriptionView(row, offerNameOf(offers, row.offer_id));
  await recordChange(
    scope,
    ctx,
    {
      resourceType: 'subscription',
      resourceId: row.id,
      operationType: 'create_subscription',
      customerId: customer.id,
      customerName: customer.company_name,
      after: view,
      event: 'subscription.created',
    },
    now,
  );
}

/** R-ORD-5: the first paid subscription starts the customer's first billing period. */
async function startBillingIfFirst(
  scope: PartnerScope,
  customer: Row<'customers'>,
  paid: boolean,
  now: Date,
) {
  if (!paid || customer.first_billing_period_start) return;
  await scope
    .updateTable('customers')
    .set({ first_billing_period_start: now })
    .where('id', '=', customer.id)
    .where('first_billing_period_start', 'is', null)
    .execute();
}

/**
 * Places an order (R-ORD-1..5, R-TRI-1..2): validates every line, then creates the order and one
 * subscription per line in one transaction, or refuses the whole order with each failing line's error.
 */
export async function placeOrder(
  deps: Deps,
  ctx: RequestContext,
  customerId: string,
  input: { billingCycle: string; lineItems: NewLineItem[] },
): Promise<OrderView> {
  requirePermission(ctx.actor.role, 'subscriptions.buy');
  const cycle = parseBillingCycle(input.billingCycle);
  const withParent = input.lineItems.find((l) => l.parentSubscriptionId);
  if (withParent) {
    throw new DomainError('invalid_input', 2000, 'order.parentOnCreate', {}, [
      { field: 'lineItems.parentSubscriptionId', lineItemNumber: withParent.lineItemNumber, rule: 'R-ADD-1' },
    ]);
  }
  const offers = await loadOffers(deps.db, [...new Set(input.lineItems.map((l) => l.offerId))]);
  const { now } = deps;
  return inTransaction(deps.db, async (trx) => {
    const scope = new PartnerScope(trx, ctx.actor.partnerId);
    const customer = await lockCustomerRow(scope, customerId);
    const existing = await customerSubscriptionRows(scope, customerId);
    const errors = validateOrderLines(input.lineItems, {
      customer: customerOf(customer, deps.cloud),
      cycle,
      subscriptions: existing.map(toSummary),
      trialOfferIdsEverOwned: await trialOfferIdsEverOwned(scope, customerId),
      offers,
    });
    if (errors.length > 0) refuseOrder(errors);

    const currency = currencyFor(customer.country, deps.cloud);
    const order = await scope
      .insertInto('orders', {
        id: newId(),
        customer_id: customerId,
        billing_cycle: cycle,
        currency,
        status: 'completed',
        created_at: now,
        created_by: ctx.actor.userName,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const lines: Row<'order_line_items'>[] = [];
    let paid = false;
    for (const line of input.lineItems) {
      const offer = offers.get(line.offerId) as Offer;
      paid ||= !offer.isTrial;
      const sub = await createSubscription(scope, {
        customerId,
        orderId: order.id,
        offer,
        line,
        cycle,
        currency,
        now,
        commitmentEnd: termEnd(now, cycle),
        parentSubscriptionId: null,
      });
      if (offer.isTrial) {
        await scope
          .insertInto('customer_trials', {
            customer_id: customerId,
            offer_id: offer.id,
            subscription_id: sub.id,
            started_at: now,
          })
          .execute();
      }
      lines.push(
        await scope
          .insertInto('order_line_items', {
            order_id: order.id,
            line_item_number: line.lineItemNumber,
            offer_id: offer.id,
            quantity: line.quantity,
            friendly_name: sub.friendly_name,
            subscription_id: sub.id,
            parent_subscription_id: null,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      await recordSubscriptionCreated(scope, ctx, customer, sub, offers, now);
    }
    await startBillingIfFirst(scope, customer, paid, now);
    const view = toOrderView(order, lines);
    await recordChange(
      scope,
      ctx,
      {
        resourceType: 'order',
        resourceId: order.id,
        operationType: 'create_order',
        customerId,
        customerName: customer.company_name,
        after: view,
        event: 'order.created',
      },
      now,
    );
    return view;
  });
}

/**
 * Buys add-ons on a base subscription (R-ADD-1, R-ADD-2), Partner Center's way: PATCH the base's order
 * with the full Order resource; the line items that are new and name a `parentSubscriptionId` are bought.
 * The add-on takes the base's billing cycle and term end.
 */
export async function addAddOnsToOrder(
  deps: Deps,
  ctx: RequestContext,
  customerId: string,
  orderId: string,
  input: { lineItems: NewLineItem[] },
): Promise<OrderView> {
  requirePermission(ctx.actor.role, 'subscriptions.buy');
  const { now } = deps;
  return inTransaction(deps.db, async (trx) => {
    const scope = new PartnerScope(trx, ctx.actor.partnerId);
    const customer = await lockCustomerRow(scope, customerId);
    const order = await getOrderRow(scope, customerId, orderId);
    const existingLines = await orderLines(scope, order.id);
    const known = new Set(existingLines.map((l) => l.line_item_number));
    const knownSubs = new Set(existingLines.map((l) => l.subscription_id));
    // The full resource comes back with its existing lines: only lines it did not have are purchases.
    const fresh = input.lineItems.filter(
      (l) =>
        l.parentSubscriptionId &&
        !(l.subscriptionId && knownSubs.has(l.subscriptionId)) &&
        !(l.subscriptionId === undefined && known.has(l.lineItemNumber) && lineMatches(existingLines, l)),
    );
    if (fresh.length === 0) {
      throw new DomainError('invalid_input', 2000, 'order.noNewAddOn', {}, [
        { field: 'lineItems', rule: 'R-ADD-1' },
      ]);
    }
    const subscriptions = await customerSubscriptionRows(scope, customerId);
    const bases = new Map(
      subscriptions
        .filter((s) => s.order_id === order.id && !s.parent_subscription_id)
        .map((s) => [s.id, { ...toSummary(s), billingCycle: s.billing_cycle as BillingCycle, row: s }]),
    );
    // Inside the transaction, every query goes through trx: on PGlite the outer handle would wait for this
    // transaction to end (one connection), which never happens.
    const offers = await loadOffers(trx, [
      ...new Set([...fresh.map((l) => l.offerId), ...subscriptions.map((s) => s.offer_id)]),
    ]);
    const errors = validateAddOnLines(
      fresh as AddOnLine[],
      {
        customer: customerOf(customer, deps.cloud),
        subscriptions: subscriptions.map(toSummary),
        trialOfferIdsEverOwned: [],
        offers,
      },
      bases,
    );
    if (errors.length > 0) refuseOrder(errors);

    let next = Math.max(-1, ...known) + 1;
    for (const line of fresh) {
      const base = bases.get(line.parentSubscriptionId as string);
      const offer = offers.get(line.offerId) as Offer;
      if (!base) continue; // validated above
      const sub = await createSubscription(scope, {
        customerId,
        orderId: order.id,
        offer,
        line,
        cycle: base.billingCycle,
        currency: base.row.currency,
        now,
        commitmentEnd: base.row.commitment_end_date,
        parentSubscriptionId: base.id,
      });
      await scope
        .insertInto('order_line_items', {
          order_id: order.id,
          line_item_number: next++,
          offer_id: offer.id,
          quantity: line.quantity,
          friendly_name: sub.friendly_name,
          subscription_id: sub.id,
          parent_subscription_id: base.id,
        })
        .execute();
      await recordSubscriptionCreated(scope, ctx, customer, sub, offers, now);
    }
    const view = toOrderView(order, await orderLines(scope, order.id));
    await recordChange(
      scope,
      ctx,
      {
        resourceType: 'order',
        resourceId: order.id,
        operationType: 'update_order',
        customerId,
        customerName: customer.company_name,
        after: view,
        event: 'order.updated',
      },
      now,
    );
    return view;
  });
}

/** A line the order already has, sent back unchanged (without its subscriptionId). */
const lineMatches = (lines: readonly Row<'order_line_items'>[], l: NewLineItem) =>
  lines.some((e) => e.line_item_number === l.lineItemNumber && e.offer_id === l.offerId);

async function getOrderRow(scope: PartnerScope, customerId: string, orderId: string): Promise<Row<'orders'>> {
  const row = isGuid(orderId)
    ? await scope
        .selectFrom('orders')
        .selectAll()
        .where('customer_id', '=', customerId)
        .where('id', '=', orderId)
        .executeTakeFirst()
    : undefined;
  if (!row) throw new DomainError('not_found', 404, 'resource.notFound', { resource: 'order', id: orderId });
  return row;
}

const orderLines = (scope: PartnerScope, orderId: string) =>
  scope
    .selectFrom('order_line_items')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('line_item_number')
    .execute();

export async function getOrder(
  scope: PartnerScope,
  ctx: RequestContext,
  customerId: string,
  orderId: string,
) {
  requirePermission(ctx.actor.role, 'customers.view');
  await getCustomerRow(scope, customerId);
  const order = await getOrderRow(scope, customerId, orderId);
  return toOrderView(order, await orderLines(scope, order.id));
}

/** The customer's orders, newest first. */
export async function listOrders(
  scope: PartnerScope,
  ctx: RequestContext,
  customerId: string,
): Promise<OrderView[]> {
  requirePermission(ctx.actor.role, 'customers.view');
  await getCustomerRow(scope, customerId);
  const orders = await scope
    .selectFrom('orders')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  if (orders.length === 0) return [];
  const lines = await scope
    .selectFrom('order_line_items')
    .selectAll()
    .where(
      'order_id',
      'in',
      orders.map((o) => o.id),
    )
    .orderBy('line_item_number')
    .execute();
  return orders.map((o) =>
    toOrderView(
      o,
      lines.filter((l) => l.order_id === o.id),
    ),
  );
}

export type { SubscriptionView };
