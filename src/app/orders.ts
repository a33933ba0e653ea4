import { can, requirePermission } from '../domain/access/permissions.ts';
import { currencyFor } from '../domain/catalog/currency.ts';
import type { SubscriptionSummary } from '../domain/catalog/availability.ts';
import type { BillingCycle, Currency, Offer, Segment } from '../domain/catalog/offer.ts';
import type { ResolvedPrice } from '../domain/pricing/price-rules.ts';
import type { Cloud } from '../domain/cloud.ts';
import { DomainError, refusal } from '../domain/errors.ts';
import { isGuid, newId } from '../domain/ids.ts';
import {
  validateAddOnLines,
  validateOrderLines,
  type AddOnLine,
  type LineError,
} from '../domain/order/order-rules.ts';
import { openingLine, type LedgerLine } from '../domain/billing/billing-rules.ts';
import { TERM_DURATION, termEnd } from '../domain/subscription/terms.ts';
import { inTransaction, type Db } from '../db/database.ts';
import { sql, type InferResult } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Row } from '../db/schema.ts';
import { isUniqueViolation, PartnerScope, type PartnerRows } from '../db/scope.ts';
import { sendTogether } from '../db/send-together.ts';
import { accessStamp } from './access.ts';
import { changeRows, type Change } from './audit.ts';
import { loadOffers, offersById, offersQuery } from './catalog.ts';
import { link, type Link } from './links.ts';
import { pricesFor, pricesFrom, ruleVersionsQuery } from './pricing.ts';
import type { RequestContext } from './context.ts';
import { customerNotFound, getCustomerRow, lockCustomerQuery, lockCustomerRow } from './customers.ts';
import { billableOf, currentTerms, ledgerRows, lineView, totalOf, type LedgerLineView } from './ledger.ts';
import {
  customerSubscriptionRows,
  toSubscriptionView,
  toSummary,
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
  links: { subscription: Link };
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
  links: { self: Link };
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
      termDuration: TERM_DURATION[cycle],
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
  throw refusal(first.code, 'order.refused', { count: errors.length }, errors);
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

/** One validated line to buy: its offer, the cycle and term it takes, and the base it hangs on (add-ons). */
interface Purchase {
  line: NewLineItem;
  lineItemNumber: number;
  offer: Offer;
  cycle: BillingCycle;
  currency: string;
  /** The term the purchase falls in: its own (a new order), or its base's (an add-on, R-ADD-2). */
  termStart: Date;
  commitmentEnd: Date;
  parentSubscriptionId: string | null;
}

/**
 * The rows validated purchases become on an order: the subscriptions, their line items, the trials they
 * start, one `subscription.created` change each, and what each is charged (R-BIL-1, R-ADD-2; a trial
 * nothing, R-BIL-5). The caller writes them in one statement with the rest of its change (`insertRowsStatement`).
 */
function purchaseRows(
  partnerId: string,
  customer: Row<'customers'>,
  orderId: string,
  purchases: readonly Purchase[],
  now: Date,
  prices: ReadonlyMap<string, ResolvedPrice>,
): {
  rows: PartnerRows[];
  lines: Row<'order_line_items'>[];
  changes: Change[];
  charges: { sub: Row<'subscriptions'>; lines: LedgerLine[]; lineItemNumber: number }[];
} {
  const subscriptions: Row<'subscriptions'>[] = purchases.map((p) => ({
    partner_id: partnerId,
    id: newId(),
    customer_id: customer.id,
    offer_id: p.offer.id,
    order_id: orderId,
    friendly_name: p.line.friendlyName?.trim() || p.offer.name,
    quantity: p.line.quantity,
    billing_cycle: p.cycle,
    currency: p.currency,
    // R-PRC-2: the partner's rules set the price; it and the cost hold for the term (R-REN-1).
    unit_price: prices.get(p.offer.id)?.unitPrice ?? 0,
    unit_cost: prices.get(p.offer.id)?.unitCost ?? null,
    status: 'active',
    is_trial: p.offer.isTrial,
    trial_offer_id: p.offer.isTrial ? p.offer.id : null,
    converted_at: null,
    parent_subscription_id: p.parentSubscriptionId,
    created_at: now,
    effective_start_date: now,
    commitment_end_date: p.commitmentEnd,
    auto_renew_enabled: p.offer.isAutoRenewable && !p.offer.isTrial,
    suspension_reasons: [],
    suspension_comment: null,
    suspended_at: null,
    suspended_with_parent: false,
    status_changed_at: now,
    data_retention_end_date: null,
    data_purged_at: null,
    version: 1,
  }));
  const lines: Row<'order_line_items'>[] = subscriptions.map((sub, i) => ({
    partner_id: partnerId,
    order_id: orderId,
    line_item_number: (purchases[i] as Purchase).lineItemNumber,
    offer_id: sub.offer_id,
    quantity: sub.quantity,
    friendly_name: sub.friendly_name,
    subscription_id: sub.id,
    parent_subscription_id: sub.parent_subscription_id,
  }));
  const trials = subscriptions
    .filter((sub) => sub.is_trial)
    .map((sub) => ({
      partner_id: partnerId,
      customer_id: customer.id,
      offer_id: sub.offer_id,
      subscription_id: sub.id,
      started_at: now,
    }));
  const changes: Change[] = subscriptions.map((sub, i) => ({
    resourceType: 'subscription',
    resourceId: sub.id,
    operationType: 'create_subscription',
    customerId: customer.id,
    customerName: customer.company_name,
    after: toSubscriptionView(sub, (purchases[i] as Purchase).offer),
    event: 'subscription.created',
  }));
  const charges = subscriptions.map((sub, i) => {
    const p = purchases[i] as Purchase;
    return {
      sub,
      lineItemNumber: p.lineItemNumber,
      lines: openingLine(billableOf(sub), now, { start: p.termStart, end: p.commitmentEnd }),
    };
  });
  return {
    charges,
    rows: [
      {
        table: 'subscriptions',
        rows: subscriptions.map((sub) => ({
          ...sub,
          suspension_reasons: JSON.stringify(sub.suspension_reasons),
        })),
      },
      { table: 'order_line_items', rows: lines },
      { table: 'customer_trials', rows: trials },
      ...ledgerRows(
        partnerId,
        charges.map((c) => ({ ...c, postedAt: now })),
      ),
    ],
    lines,
    changes,
  };
}

/**
 * R-ORD-5: the first paid subscription starts the customer's first billing period. The statement, for
 * `sendTogether`; undefined when the order starts nothing.
 */
function billingStart(scope: PartnerScope, customer: Row<'customers'>, paid: boolean, now: Date) {
  if (!paid || customer.first_billing_period_start) return undefined;
  return scope
    .updateTable('customers')
    .set({ first_billing_period_start: now })
    .where('id', '=', customer.id)
    .where('first_billing_period_start', 'is', null);
}

/**
 * The customer an order is for, with what the limits and trial rules need to know (R-ORD-3, R-TRI-2): its
 * subscriptions of the offers the order names and of the products their trials convert to (the catalog's
 * `conversionTargetOffers` of those offers; not every subscription it ever had), and the trial offers it ever
 * held. The statement, for `sendTogether`; `customerFacts` reads its row.
 *
 * An order that will write sends the customer's row lock before this, in a statement of its own, so that two
 * orders for one customer are validated one after the other: under READ COMMITTED a statement reads the rows
 * committed when it began, so a read in the locking statement itself would predate the wait and miss what the
 * order that held the lock had just committed. Sent behind the lock, this statement begins after the wait.
 */
function customerFactsQuery(scope: PartnerScope, customerId: string, offerIds: readonly string[]) {
  const ids = offerIds.length > 0 ? [...offerIds] : [''];
  return scope
    .selectFrom('customers')
    .selectAll('customers')
    .select((eb) => [
      jsonArrayFrom(
        eb
          .selectFrom('subscriptions')
          .select(['id', 'offer_id', 'friendly_name', 'status', 'is_trial'])
          // The partner as a value, not correlated on customers.partner_id: Citus then routes it to one shard.
          .where('subscriptions.partner_id', '=', scope.partnerId)
          .whereRef('subscriptions.customer_id', '=', 'customers.id')
          .where((w) =>
            w.or([
              w('subscriptions.offer_id', 'in', ids),
              w(
                'subscriptions.offer_id',
                'in',
                w
                  .selectFrom('offers')
                  .select(
                    sql<string>`jsonb_array_elements_text(offers.definition -> 'conversionTargetOffers')`.as(
                      'target',
                    ),
                  )
                  .where('offers.id', 'in', ids),
              ),
            ]),
          )
          .orderBy('subscriptions.created_at'),
      ).as('relevant'),
      jsonArrayFrom(
        eb
          .selectFrom('customer_trials')
          .select('customer_trials.offer_id')
          .where('customer_trials.partner_id', '=', scope.partnerId)
          .whereRef('customer_trials.customer_id', '=', 'customers.id'),
      ).as('trials'),
    ])
    .where('customers.id', '=', customerId.toLowerCase());
}

/** `customerFactsQuery`'s row as the order's validation reads it; the customer's 404 when there is none. */
function customerFacts(
  rows: InferResult<ReturnType<typeof customerFactsQuery>>,
  customerId: string,
): { customer: Row<'customers'>; subscriptions: SubscriptionSummary[]; trialOfferIds: string[] } {
  const row = rows[0];
  if (!row) throw customerNotFound(customerId);
  const { relevant, trials, ...customer } = row;
  return {
    customer,
    subscriptions: relevant.map((r) => ({
      id: r.id,
      offerId: r.offer_id,
      friendlyName: r.friendly_name,
      status: r.status as SubscriptionSummary['status'],
      isTrial: r.is_trial,
    })),
    trialOfferIds: trials.map((t) => t.offer_id),
  };
}

/** What an order would charge, line by line, before the partner commits (R-BIL-1, R-ADD-2, R-BIL-5). */
export interface OrderPreview {
  customerId: string;
  billingCycle: BillingCycle;
  currencyCode: string;
  lines: (LedgerLineView & { lineItemNumber: number } & Partial<CostView>)[];
  total: number;
  /** Only for roles that may see billing (R-PRC-3): what the lines cost the partner, and the margin. */
  costTotal?: number | null;
  marginTotal?: number | null;
  attributes: { objectType: 'OrderPreview' };
}

/** A line's cost and margin, shown only to roles with billing.view (R-PRC-3); null when the cost is unknown. */
interface CostView {
  unitCost: number | null;
  costAmount: number | null;
  margin: number | null;
}

function toPreview(
  customerId: string,
  cycle: BillingCycle,
  currency: string,
  charges: ReturnType<typeof purchaseRows>['charges'],
  ctx: RequestContext,
): OrderPreview {
  const showCost = can(ctx.actor.role, 'billing.view');
  const costOf = (l: LedgerLine): CostView => ({
    unitCost: l.unitCost,
    costAmount: l.costAmount,
    margin: l.costAmount === null ? null : l.amount - l.costAmount,
  });
  const lines = charges.flatMap((c) =>
    c.lines.map((l) => ({
      lineItemNumber: c.lineItemNumber,
      ...lineView({ offer_id: c.sub.offer_id, billing_cycle: c.sub.billing_cycle, currency }, l),
      ...(showCost ? costOf(l) : {}),
    })),
  );
  const all = charges.flatMap((c) => c.lines);
  const costKnown = all.every((l) => l.costAmount !== null);
  const costTotal = costKnown ? all.reduce((sum, l) => sum + (l.costAmount ?? 0), 0) : null;
  return {
    customerId,
    billingCycle: cycle,
    currencyCode: currency,
    lines,
    total: totalOf(lines),
    ...(showCost ? { costTotal, marginTotal: costTotal === null ? null : totalOf(lines) - costTotal } : {}),
    attributes: { objectType: 'OrderPreview' },
  };
}

/**
 * Places an order (R-ORD-1, R-ORD-2, R-ORD-3, R-ORD-4, R-ORD-5, R-TRI-1, R-TRI-2): validates every line, then creates the order and one
 * subscription per line in one transaction, with its charges (R-BIL-1), or refuses the whole order with each
 * failing line's error.
 */
export async function placeOrder(
  deps: Deps,
  ctx: RequestContext,
  customerId: string,
  input: { billingCycle: string; lineItems: NewLineItem[] },
): Promise<OrderView> {
  requirePermission(ctx.actor.role, 'subscriptions.buy');
  let trials: Purchase[] = [];
  try {
    return await inTransaction(deps.db, async (trx) => {
      const plan = await planOrder(trx, deps, ctx, customerId, input, true);
      trials = plan.trials;
      // The rows, the first billing period and the access stamp (a first subscription lets the tenant's
      // admins sign in, R-ACC): three writes known in full beforehand, sent together.
      await sendTogether(
        trx,
        plan.scope.insertRowsStatement(plan.rows),
        billingStart(plan.scope, plan.customer, plan.paid, deps.now),
        accessStamp(trx, plan.scope.partnerId, [customerId]),
      );
      return plan.view;
    });
  } catch (e) {
    // The customer's lock orders trial purchases, so this is a writer that did not take it: still R-TRI-2's
    // refusal (the trial's key is the rule), never an unexplained failure.
    if (isUniqueViolation(e, 'customer_trials_pkey') && trials.length > 0) {
      refuseOrder(
        trials.map((p) => ({
          lineItemNumber: p.lineItemNumber,
          code: 27006,
          rule: 'R-TRI-2',
          field: 'offerId',
          messageKey: 'order.trialAlreadyUsed',
          params: { offerId: p.offer.id },
        })),
      );
    }
    throw e;
  }
}

/**
 * What `placeOrder` would charge (R-BIL-1, R-BIL-5): the same validation and the same computation, and
 * nothing written. A refused order is refused here with the same errors.
 */
export async function previewOrder(
  deps: Deps,
  ctx: RequestContext,
  customerId: string,
  input: { billingCycle: string; lineItems: NewLineItem[] },
): Promise<OrderPreview> {
  requirePermission(ctx.actor.role, 'subscriptions.buy');
  return inTransaction(deps.db, async (trx) => {
    const plan = await planOrder(trx, deps, ctx, customerId, input, false);
    return toPreview(customerId, plan.cycle, plan.currency, plan.charges, ctx);
  });
}

async function planOrder(
  trx: Db,
  deps: Deps,
  ctx: RequestContext,
  customerId: string,
  input: { billingCycle: string; lineItems: NewLineItem[] },
  lock: boolean,
) {
  const cycle = parseBillingCycle(input.billingCycle);
  const withParent = input.lineItems.find((l) => l.parentSubscriptionId);
  if (withParent) {
    throw new DomainError('invalid_input', 2000, 'order.parentOnCreate', {}, [
      { field: 'lineItems.parentSubscriptionId', lineItemNumber: withParent.lineItemNumber, rule: 'R-ADD-1' },
    ]);
  }
  const { now } = deps;
  if (!isGuid(customerId)) throw customerNotFound(customerId);
  const scope = new PartnerScope(trx, ctx.actor.partnerId);
  // Everything the order is checked against, in one round trip: every value these reads need is in the
  // request. The lock goes first, so that the customer's facts are read after any wait for it.
  const offerIds = [...new Set(input.lineItems.map((l) => l.offerId))];
  const [offerRows, , facts, rules] = await sendTogether(
    trx,
    offerIds.length > 0 ? offersQuery(trx, offerIds) : undefined,
    lock ? lockCustomerQuery(scope, customerId) : undefined,
    customerFactsQuery(scope, customerId, offerIds),
    ruleVersionsQuery(scope, customerId.toLowerCase()),
  );
  const offers = offersById(offerRows ?? []);
  const { customer, subscriptions, trialOfferIds } = customerFacts(facts, customerId);
  const currency = currencyFor(customer.country, deps.cloud);
  const errors = validateOrderLines(input.lineItems, {
    customer: customerOf(customer, deps.cloud),
    cycle,
    subscriptions,
    trialOfferIdsEverOwned: trialOfferIds,
    offers,
    currency,
  });
  if (errors.length > 0) refuseOrder(errors);

  const order: Row<'orders'> = {
    partner_id: scope.partnerId,
    id: newId(),
    // The customer's own id, not the path's spelling of it (a GUID in capitals is the same customer).
    customer_id: customer.id,
    billing_cycle: cycle,
    currency,
    status: 'completed',
    created_at: now,
    created_by: ctx.actor.userName,
  };
  const purchases: Purchase[] = input.lineItems.map((line) => ({
    line,
    lineItemNumber: line.lineItemNumber,
    offer: offers.get(line.offerId) as Offer,
    cycle,
    currency,
    termStart: now,
    commitmentEnd: termEnd(now, cycle),
    parentSubscriptionId: null,
  }));
  const prices = pricesFrom(rules ?? [], offers.values(), customerId, currency, now);
  const bought = purchaseRows(scope.partnerId, customer, order.id, purchases, now, prices);
  const view = toOrderView(order, bought.lines);
  const orderChange: Change = {
    resourceType: 'order',
    resourceId: order.id,
    operationType: 'create_order',
    customerId: customer.id,
    customerName: customer.company_name,
    after: view,
    event: 'order.created',
  };
  return {
    scope,
    customer,
    cycle,
    currency,
    view,
    charges: bought.charges,
    paid: purchases.some((p) => !p.offer.isTrial),
    trials: purchases.filter((p) => p.offer.isTrial),
    rows: [
      { table: 'orders', rows: [order] },
      ...bought.rows,
      ...changeRows(scope.partnerId, ctx, [...bought.changes, orderChange], now),
    ] as PartnerRows[],
  };
}

/**
 * Buys add-ons on a base subscription (R-ADD-1, R-ADD-2), Partner Center's way: PATCH the base's order
 * with the full Order resource; the line items that are new and name a `parentSubscriptionId` are bought.
 * The add-on takes the base's billing cycle and term end, and is charged to that end (R-ADD-2, R-BIL-2).
 */
export async function addAddOnsToOrder(
  deps: Deps,
  ctx: RequestContext,
  customerId: string,
  orderId: string,
  input: { lineItems: NewLineItem[] },
): Promise<OrderView> {
  requirePermission(ctx.actor.role, 'subscriptions.buy');
  return inTransaction(deps.db, async (trx) => {
    const plan = await planAddOns(trx, deps, ctx, customerId, orderId, input, true);
    // The rows and the access stamp (an add-on's service plans grant access, R-ACC), sent together.
    await sendTogether(
      trx,
      plan.scope.insertRowsStatement(plan.rows),
      accessStamp(trx, ctx.actor.partnerId, [customerId]),
    );
    return plan.view;
  });
}

/** What `addAddOnsToOrder` would charge (R-ADD-2): the same validation and computation, nothing written. */
export async function previewAddOns(
  deps: Deps,
  ctx: RequestContext,
  customerId: string,
  orderId: string,
  input: { lineItems: NewLineItem[] },
): Promise<OrderPreview> {
  requirePermission(ctx.actor.role, 'subscriptions.buy');
  return inTransaction(deps.db, async (trx) => {
    const plan = await planAddOns(trx, deps, ctx, customerId, orderId, input, false);
    return toPreview(customerId, plan.cycle, plan.currency, plan.charges, ctx);
  });
}

async function planAddOns(
  trx: Db,
  deps: Deps,
  ctx: RequestContext,
  customerId: string,
  orderId: string,
  input: { lineItems: NewLineItem[] },
  lock: boolean,
) {
  const { now } = deps;
  const scope = new PartnerScope(trx, ctx.actor.partnerId);
  const customer = lock ? await lockCustomerRow(scope, customerId) : await getCustomerRow(scope, customerId);
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
  // The order's bases are locked before they are read (a statement of their own, as for the customer): the
  // lifecycle sweeper moves subscriptions without the customer's lock, and an add-on must not be bought on a
  // base it is expiring or deleting. Whichever of the two locks the base second waits and reads the other's commit.
  if (lock) {
    await scope
      .selectFrom('subscriptions')
      .select('id')
      .where('customer_id', '=', customerId)
      .where('order_id', '=', order.id)
      .where('parent_subscription_id', 'is', null)
      .orderBy('id')
      .forNoKeyUpdate()
      .execute();
  }
  const subscriptions = await customerSubscriptionRows(scope, customerId);
  const bases = new Map(
    subscriptions
      .filter((s) => s.order_id === order.id && !s.parent_subscription_id)
      .map((s) => [s.id, { ...toSummary(s), billingCycle: s.billing_cycle as BillingCycle, row: s }]),
  );
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
      currency: currencyFor(customer.country, deps.cloud),
    },
    bases,
  );
  if (errors.length > 0) refuseOrder(errors);

  let next = Math.max(-1, ...known) + 1;
  const baseTerms = await currentTerms(
    scope,
    [...bases.values()].map((b) => b.row),
  );
  const purchases: Purchase[] = fresh.map((line) => {
    const base = bases.get(line.parentSubscriptionId as string) as NonNullable<ReturnType<typeof bases.get>>;
    return {
      line,
      lineItemNumber: next++,
      offer: offers.get(line.offerId) as Offer,
      cycle: base.billingCycle,
      currency: base.row.currency,
      termStart: baseTerms.get(base.id)?.start ?? now,
      commitmentEnd: base.row.commitment_end_date,
      parentSubscriptionId: base.id,
    };
  });
  const currency = (purchases[0] as Purchase).currency as Currency;
  const prices = await pricesFor(scope, offers.values(), customerId, currency, now);
  const bought = purchaseRows(scope.partnerId, customer, order.id, purchases, now, prices);
  const view = toOrderView(order, [...existingLines, ...bought.lines]);
  const orderChange: Change = {
    resourceType: 'order',
    resourceId: order.id,
    operationType: 'update_order',
    customerId: customer.id,
    customerName: customer.company_name,
    after: view,
    event: 'order.updated',
  };
  const first = purchases[0] as Purchase;
  return {
    scope,
    view,
    cycle: first.cycle,
    currency: first.currency,
    charges: bought.charges,
    rows: [...bought.rows, ...changeRows(scope.partnerId, ctx, [...bought.changes, orderChange], now)],
  };
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
