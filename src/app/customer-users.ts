import { requirePermission } from '../domain/access/permissions.ts';
import {
  normalizeUsageLocation,
  normalizeUserPrincipalName,
  parseCustomerUserRole,
  throwIfCannotAssignFrom,
  throwIfNoFreeLicense,
  throwIfUserManagementUnavailable,
} from '../domain/access/customer-users.ts';
import type { CustomerUserRole } from '../domain/access/decisions.ts';
import type { Offer } from '../domain/catalog/offer.ts';
import type { Cloud } from '../domain/cloud.ts';
import { DomainError } from '../domain/errors.ts';
import { isGuid, newId } from '../domain/ids.ts';
import { storableText } from '../domain/text.ts';
import { inTransaction, type Db } from '../db/database.ts';
import { link } from './links.ts';
import type { Row } from '../db/schema.ts';
import { isUniqueViolation, PartnerScope } from '../db/scope.ts';
import { accessChanged } from './access.ts';
import { recordChange, type SystemContext } from './audit.ts';
import { loadOffers } from './catalog.ts';
import type { RequestContext } from './context.ts';
import { getCustomerRow } from './customers.ts';

/** A partner user (API, console) or the operator (demo data, directory sync on germany). */
type Ctx = RequestContext | SystemContext;
interface Deps {
  db: Db;
  cloud: Cloud;
  now: Date;
}

/** Partner Center's CustomerUser, plus Seatwise's `role` (admin: holds the company administrator role). */
export interface CustomerUserView {
  id: string;
  userPrincipalName: string;
  firstName?: string;
  lastName?: string;
  displayName: string;
  usageLocation?: string;
  role: CustomerUserRole;
  state: 'active';
  creationDate: string;
  lastModifiedDate: string;
  links: { self: ReturnType<typeof link>; licenses: ReturnType<typeof link> };
  attributes: { etag: string; objectType: 'CustomerUser' };
}

const usersUri = (customerId: string) => `/v1/customers/${customerId}/users`;

/** The one mapper from a customer_users row. */
export function toCustomerUserView(r: Row<'customer_users'>): CustomerUserView {
  const self = `${usersUri(r.customer_id)}/${r.id}`;
  return {
    id: r.id,
    userPrincipalName: r.user_principal_name,
    ...(r.first_name ? { firstName: r.first_name } : {}),
    ...(r.last_name ? { lastName: r.last_name } : {}),
    displayName: r.display_name,
    ...(r.usage_location ? { usageLocation: r.usage_location } : {}),
    role: r.role as CustomerUserRole,
    state: 'active',
    creationDate: r.created_at.toISOString(),
    lastModifiedDate: r.last_modified_at.toISOString(),
    links: { self: link(self), licenses: link(`${self}/licenses`) },
    attributes: { etag: String(r.version), objectType: 'CustomerUser' },
  };
}

const userNotFound = (id: string) =>
  new DomainError('not_found', 404, 'resource.notFound', { resource: 'user', id }, [{ field: 'userId' }]);

async function findUserRow(scope: PartnerScope, customerId: string, userId: string, lock = false) {
  if (!isGuid(userId)) return undefined;
  const q = scope
    .selectFrom('customer_users')
    .selectAll()
    .where('customer_id', '=', customerId)
    .where('id', '=', userId.toLowerCase());
  return (lock ? q.forUpdate() : q).executeTakeFirst();
}

async function getUserRow(scope: PartnerScope, customerId: string, userId: string, lock = false) {
  const row = await findUserRow(scope, customerId, userId, lock);
  if (!row) throw userNotFound(userId);
  return row;
}

const actorKind = (ctx: Ctx) => ('actor' in ctx ? 'partner' : 'operator');

function authorize(ctx: Ctx, cloud: Cloud, access: 'read' | 'write') {
  if ('actor' in ctx)
    requirePermission(ctx.actor.role, access === 'read' ? 'customers.view' : 'customerUsers.manage');
  throwIfUserManagementUnavailable(cloud, access, actorKind(ctx));
}

/** The unique index on a tenant's user principal names. */
const UPN_KEY = 'customer_users_partner_id_customer_id_user_principal_name_key';

const upnTaken = (userPrincipalName: string) =>
  new DomainError('conflict', 900135, 'customerUser.upnTaken', { userPrincipalName }, [
    { field: 'userPrincipalName' },
  ]);

export interface NewCustomerUser {
  userPrincipalName: string;
  displayName: string;
  firstName?: string;
  lastName?: string;
  usageLocation?: string;
  role?: string;
}

/** Creates a customer user (Partner Center's POST /customers/{id}/users); role `user` unless told `admin`. */
export async function createCustomerUser(
  deps: Deps,
  ctx: Ctx,
  partnerId: string,
  customerId: string,
  input: NewCustomerUser,
): Promise<CustomerUserView> {
  authorize(ctx, deps.cloud, 'write');
  return inTransaction(deps.db, async (trx) => {
    const scope = new PartnerScope(trx, partnerId);
    const customer = await getCustomerRow(scope, customerId);
    const upn = normalizeUserPrincipalName(input.userPrincipalName, customer.domain);
    const usageLocation = normalizeUsageLocation(input.usageLocation);
    const values = {
      customer_id: customer.id,
      id: newId(),
      user_principal_name: upn,
      first_name: input.firstName?.trim() || null,
      last_name: input.lastName?.trim() || null,
      display_name: input.displayName.trim(),
      usage_location: usageLocation ?? null,
      role: input.role === undefined ? 'user' : parseCustomerUserRole(input.role),
      created_at: deps.now,
      last_modified_at: deps.now,
      version: 1,
    };
    const row: Row<'customer_users'> = { partner_id: partnerId, ...values };
    const inserted = await scope
      .insertInto('customer_users', values)
      .onConflict((oc) => oc.columns(['partner_id', 'customer_id', 'user_principal_name']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) throw upnTaken(upn);
    const view = toCustomerUserView(row);
    await recordChange(
      scope,
      ctx,
      {
        resourceType: 'customer_user',
        resourceId: row.id,
        operationType: 'create_customer_user',
        customerId: customer.id,
        customerName: customer.company_name,
        after: view,
        event: 'customerUser.created',
      },
      deps.now,
    );
    await accessChanged(trx, partnerId, [customer.id]);
    return view;
  });
}

export interface CustomerUserCursor {
  userPrincipalName: string;
}
export const encodeUserCursor = (c: CustomerUserCursor): string =>
  Buffer.from(JSON.stringify(c)).toString('base64url');
export function decodeUserCursor(token: string): CustomerUserCursor | undefined {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString()) as Partial<CustomerUserCursor>;
    // Checked like any input: text PostgreSQL can compare, of a bounded length.
    const upn = c.userPrincipalName;
    return typeof upn === 'string' && upn.length <= 1024 && storableText(upn)
      ? { userPrincipalName: upn }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The customer's users by principal name, a page at a time (keyset on the unique principal name). */
export async function listCustomerUsers(
  scope: PartnerScope,
  ctx: Ctx,
  cloud: Cloud,
  customerId: string,
  page: { size: number; after: CustomerUserCursor | undefined },
): Promise<{ items: CustomerUserView[]; totalCount: number; next: CustomerUserCursor | undefined }> {
  authorize(ctx, cloud, 'read');
  const customer = await getCustomerRow(scope, customerId);
  let query = scope.selectFrom('customer_users').selectAll().where('customer_id', '=', customer.id);
  if (page.after) query = query.where('user_principal_name', '>', page.after.userPrincipalName);
  const rows = await query
    .orderBy('user_principal_name')
    .limit(page.size + 1)
    .execute();
  const { count } = await scope
    .selectFrom('customer_users')
    .where('customer_id', '=', customer.id)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  const items = rows.slice(0, page.size);
  const last = items.at(-1);
  return {
    items: items.map(toCustomerUserView),
    totalCount: Number(count),
    next: rows.length > page.size && last ? { userPrincipalName: last.user_principal_name } : undefined,
  };
}

export async function getCustomerUser(
  scope: PartnerScope,
  ctx: Ctx,
  cloud: Cloud,
  customerId: string,
  userId: string,
): Promise<CustomerUserView> {
  authorize(ctx, cloud, 'read');
  const customer = await getCustomerRow(scope, customerId);
  return toCustomerUserView(await getUserRow(scope, customer.id, userId));
}

export type CustomerUserPatch = Partial<NewCustomerUser>;

/** Updates a customer user (Partner Center's PATCH): the fields sent change, the others stay. */
export async function updateCustomerUser(
  deps: Deps,
  ctx: Ctx,
  partnerId: string,
  customerId: string,
  userId: string,
  patch: CustomerUserPatch,
): Promise<CustomerUserView> {
  authorize(ctx, deps.cloud, 'write');
  return inTransaction(deps.db, async (trx) => {
    const scope = new PartnerScope(trx, partnerId);
    const customer = await getCustomerRow(scope, customerId);
    const before = await getUserRow(scope, customer.id, userId, true);
    const after: Row<'customer_users'> = { ...before };
    if (patch.userPrincipalName !== undefined)
      after.user_principal_name = normalizeUserPrincipalName(patch.userPrincipalName, customer.domain);
    if (patch.displayName !== undefined) after.display_name = patch.displayName.trim();
    if (patch.firstName !== undefined) after.first_name = patch.firstName.trim() || null;
    if (patch.lastName !== undefined) after.last_name = patch.lastName.trim() || null;
    if (patch.usageLocation !== undefined)
      after.usage_location = normalizeUsageLocation(patch.usageLocation) ?? null;
    if (patch.role !== undefined) after.role = parseCustomerUserRole(patch.role);
    const same = JSON.stringify(after) === JSON.stringify(before);
    if (same) return toCustomerUserView(before);
    if (after.user_principal_name !== before.user_principal_name) {
      const taken = await scope
        .selectFrom('customer_users')
        .select('id')
        .where('customer_id', '=', customer.id)
        .where('user_principal_name', '=', after.user_principal_name)
        .executeTakeFirst();
      if (taken) throw upnTaken(after.user_principal_name);
    }
    after.last_modified_at = deps.now;
    after.version = before.version + 1;
    // The check above reads what was committed; a name another request is taking at the same moment is
    // caught by the unique index, and refused the same way.
    await scope
      .updateTable('customer_users')
      .set({
        user_principal_name: after.user_principal_name,
        display_name: after.display_name,
        first_name: after.first_name,
        last_name: after.last_name,
        usage_location: after.usage_location,
        role: after.role,
        last_modified_at: after.last_modified_at,
        version: after.version,
      })
      .where('id', '=', before.id)
      .execute()
      .catch((e: unknown) => {
        if (isUniqueViolation(e, UPN_KEY)) throw upnTaken(after.user_principal_name);
        throw e;
      });
    const view = toCustomerUserView(after);
    await recordChange(
      scope,
      ctx,
      {
        resourceType: 'customer_user',
        resourceId: before.id,
        operationType: 'update_customer_user',
        customerId: customer.id,
        customerName: customer.company_name,
        before: toCustomerUserView(before),
        after: view,
        event: 'customerUser.updated',
      },
      deps.now,
    );
    if (after.role !== before.role || after.user_principal_name !== before.user_principal_name) {
      await accessChanged(trx, partnerId, [customer.id]);
    }
    return view;
  });
}

/** Deletes a customer user and the licences they held (the seats become free). */
export async function deleteCustomerUser(
  deps: Deps,
  ctx: Ctx,
  partnerId: string,
  customerId: string,
  userId: string,
): Promise<void> {
  authorize(ctx, deps.cloud, 'write');
  await inTransaction(deps.db, async (trx) => {
    const scope = new PartnerScope(trx, partnerId);
    const customer = await getCustomerRow(scope, customerId);
    const user = await getUserRow(scope, customer.id, userId, true);
    const held = await scope
      .selectFrom('license_assignments')
      .select('subscription_id')
      .where('user_id', '=', user.id)
      .execute();
    await scope.deleteFrom('license_assignments').where('user_id', '=', user.id).execute();
    await scope.deleteFrom('customer_users').where('id', '=', user.id).execute();
    await recordChange(
      scope,
      ctx,
      {
        resourceType: 'customer_user',
        resourceId: user.id,
        operationType: 'delete_customer_user',
        customerId: customer.id,
        customerName: customer.company_name,
        before: { ...toCustomerUserView(user), licenses: held.map((h) => h.subscription_id) },
        event: 'customerUser.deleted',
        payload: { id: user.id, customerId: customer.id, userPrincipalName: user.user_principal_name },
      },
      deps.now,
    );
    await accessChanged(trx, partnerId, [customer.id]);
  });
}

/** One licence a user holds, in Partner Center's License shape, with the subscription it comes from. */
export interface LicenseView {
  productSku: { id: string; name: string; skuPartNumber: string; targetType: 'User' };
  servicePlans: {
    serviceName: string;
    displayName: string;
    capabilityStatus: 'Enabled' | 'Excluded';
    targetType: 'User';
  }[];
  subscriptionId: string;
  subscriptionStatus: string;
  assignedAt: string;
  attributes: { objectType: 'License' };
}

function toLicenseView(
  a: { subscription_id: string; excluded_plans: unknown; assigned_at: Date },
  sub: { offer_id: string; status: string },
  offers: ReadonlyMap<string, Offer>,
): LicenseView {
  const offer = offers.get(sub.offer_id);
  const excluded = a.excluded_plans as string[];
  return {
    productSku: {
      id: sub.offer_id,
      name: offer?.name ?? sub.offer_id,
      skuPartNumber: sub.offer_id,
      targetType: 'User',
    },
    servicePlans: (offer?.servicePlans ?? []).map((plan) => ({
      serviceName: plan,
      displayName: plan,
      capabilityStatus: excluded.includes(plan) ? 'Excluded' : 'Enabled',
      targetType: 'User',
    })),
    subscriptionId: a.subscription_id,
    subscriptionStatus: sub.status,
    assignedAt: a.assigned_at.toISOString(),
    attributes: { objectType: 'License' },
  };
}

/** The licences a user holds (Partner Center's GET /customers/{id}/users/{id}/licenses). */
export async function listLicenses(
  scope: PartnerScope,
  ctx: Ctx,
  cloud: Cloud,
  customerId: string,
  userId: string,
): Promise<LicenseView[]> {
  authorize(ctx, cloud, 'read');
  const customer = await getCustomerRow(scope, customerId);
  const user = await getUserRow(scope, customer.id, userId);
  const rows = await scope
    .selectFrom('license_assignments')
    .innerJoin('subscriptions', (j) =>
      j
        .onRef('subscriptions.partner_id', '=', 'license_assignments.partner_id')
        .onRef('subscriptions.id', '=', 'license_assignments.subscription_id'),
    )
    .select([
      'license_assignments.subscription_id',
      'license_assignments.excluded_plans',
      'license_assignments.assigned_at',
      'subscriptions.offer_id',
      'subscriptions.status',
    ])
    .where('license_assignments.user_id', '=', user.id)
    .orderBy('license_assignments.assigned_at')
    .orderBy('license_assignments.subscription_id')
    .execute();
  const offers = await loadOffers(scope.db, [...new Set(rows.map((r) => r.offer_id))]);
  return rows.map((r) => toLicenseView(r, r, offers));
}

/**
 * What a licence update names: a SKU is an offer id (Partner Center's product SKU; the customer's
 * subscriptions of that offer provide the seats, oldest first) or, to choose one, a subscription id.
 */
export interface LicenseUpdateInput {
  licensesToAssign: { skuId: string; excludedPlans?: string[] }[];
  licensesToRemove: string[];
}

export interface LicenseUpdateView {
  licensesToAssign: { skuId: string; excludedPlans: string[]; subscriptionId: string }[];
  licensesToRemove: { skuId: string; subscriptionIds: string[] }[];
  licenseWarnings: { code: string; message: string; servicePlans: string[] }[];
  attributes: { objectType: 'LicenseUpdate' };
}

const skuMatches = (sku: string, sub: { id: string; offer_id: string }) =>
  isGuid(sku) ? sub.id === sku.toLowerCase() : sub.offer_id.toLowerCase() === sku.toLowerCase();

/**
 * Assigns and removes a user's licences in one transaction (Partner Center's POST …/licenseupdates): removals
 * first, so that a swap within a full subscription works; each assignment takes a free seat of an active
 * subscription (never more assigned than its quantity); a SKU the user already holds only has its excluded
 * plans updated. Any failing item refuses the whole update.
 */
export async function updateLicenses(
  deps: Deps,
  ctx: Ctx,
  partnerId: string,
  customerId: string,
  userId: string,
  input: LicenseUpdateInput,
): Promise<LicenseUpdateView> {
  authorize(ctx, deps.cloud, 'write');
  return inTransaction(deps.db, async (trx) => {
    const scope = new PartnerScope(trx, partnerId);
    const customer = await getCustomerRow(scope, customerId);
    const user = await getUserRow(scope, customer.id, userId, true);
    const named = [...input.licensesToAssign.map((l) => l.skuId), ...input.licensesToRemove];
    // The customer's subscriptions that a SKU names, locked so that seats are counted and taken one at a time.
    const subIds = named.filter(isGuid).map((sku) => sku.toLowerCase());
    const offerIds = named.filter((sku) => !isGuid(sku)).map((sku) => sku.toLowerCase());
    const subs =
      named.length === 0
        ? []
        : await scope
            .selectFrom('subscriptions')
            .select(['id', 'offer_id', 'status', 'quantity', 'created_at'])
            .where('customer_id', '=', customer.id)
            .where((eb) =>
              eb.or([
                ...(subIds.length > 0 ? [eb('id', 'in', subIds)] : []),
                ...(offerIds.length > 0 ? [eb(eb.fn<string>('lower', ['offer_id']), 'in', offerIds)] : []),
              ]),
            )
            .orderBy('created_at')
            .orderBy('id')
            .forNoKeyUpdate()
            .execute();
    const held = await scope
      .selectFrom('license_assignments')
      .select(['subscription_id', 'excluded_plans', 'assigned_at'])
      .where('user_id', '=', user.id)
      .execute();
    const heldIds = new Set(held.map((h) => h.subscription_id));
    const before = held.map((h) => h.subscription_id).sort();

    const removed: LicenseUpdateView['licensesToRemove'] = [];
    input.licensesToRemove.forEach((sku, i) => {
      const ids = subs.filter((s) => skuMatches(sku, s) && heldIds.has(s.id)).map((s) => s.id);
      if (ids.length === 0) {
        throw new DomainError('invalid_input', 900134, 'license.notAssigned', { skuId: sku }, [
          { field: `licensesToRemove[${i}]` },
        ]);
      }
      for (const id of ids) heldIds.delete(id);
      removed.push({ skuId: sku, subscriptionIds: ids });
    });

    const offers = await loadOffers(trx, [...new Set(subs.map((s) => s.offer_id))]);
    const counts = new Map<string, number>();
    if (subs.length > 0) {
      const rows = await scope
        .selectFrom('license_assignments')
        .select(['subscription_id', (eb) => eb.fn.countAll<string>().as('n')])
        .where(
          'subscription_id',
          'in',
          subs.map((s) => s.id),
        )
        .groupBy('subscription_id')
        .execute();
      for (const r of rows) counts.set(r.subscription_id, Number(r.n));
    }
    for (const r of removed) for (const id of r.subscriptionIds) counts.set(id, (counts.get(id) ?? 1) - 1);

    const assigned: LicenseUpdateView['licensesToAssign'] = [];
    const inserts: { subscriptionId: string; excluded: string[] }[] = [];
    const updates: { subscriptionId: string; excluded: string[] }[] = [];
    input.licensesToAssign.forEach((wanted, i) => {
      const field = `licensesToAssign[${i}].skuId`;
      const candidates = subs.filter((s) => skuMatches(wanted.skuId, s));
      const first = candidates[0];
      if (!first) {
        throw new DomainError('invalid_input', 900133, 'license.unknownSku', { skuId: wanted.skuId }, [
          { field },
        ]);
      }
      const offer = offers.get(first.offer_id);
      const excluded = [...new Set(wanted.excludedPlans ?? [])];
      for (const plan of excluded) {
        if (!offer?.servicePlans.includes(plan)) {
          throw new DomainError('invalid_input', 2000, 'license.unknownPlan', { plan, skuId: wanted.skuId }, [
            { field: `licensesToAssign[${i}].excludedPlans`, allowed: offer?.servicePlans.join(', ') ?? '' },
          ]);
        }
      }
      const already = candidates.find((s) => heldIds.has(s.id));
      if (already) {
        updates.push({ subscriptionId: already.id, excluded });
        assigned.push({ skuId: wanted.skuId, excludedPlans: excluded, subscriptionId: already.id });
        return;
      }
      const active = candidates.filter((s) => s.status === 'active');
      if (active.length === 0) throwIfCannotAssignFrom(first, field);
      const free = active.find((s) => (counts.get(s.id) ?? 0) < s.quantity);
      if (!free) {
        const full = active[0] as (typeof active)[number];
        throwIfNoFreeLicense(full, counts.get(full.id) ?? 0, field);
        return;
      }
      counts.set(free.id, (counts.get(free.id) ?? 0) + 1);
      heldIds.add(free.id);
      inserts.push({ subscriptionId: free.id, excluded });
      assigned.push({ skuId: wanted.skuId, excludedPlans: excluded, subscriptionId: free.id });
    });

    const removeIds = removed.flatMap((r) => r.subscriptionIds);
    if (removeIds.length > 0) {
      await scope
        .deleteFrom('license_assignments')
        .where('user_id', '=', user.id)
        .where('subscription_id', 'in', removeIds)
        .execute();
    }
    if (inserts.length > 0) {
      await scope.insertRows([
        {
          table: 'license_assignments',
          rows: inserts.map((a) => ({
            partner_id: partnerId,
            customer_id: customer.id,
            user_id: user.id,
            subscription_id: a.subscriptionId,
            excluded_plans: JSON.stringify(a.excluded),
            assigned_at: deps.now,
          })),
        },
      ]);
    }
    for (const u of updates) {
      await scope
        .updateTable('license_assignments')
        .set({ excluded_plans: JSON.stringify(u.excluded) })
        .where('user_id', '=', user.id)
        .where('subscription_id', '=', u.subscriptionId)
        .execute();
    }
    const after = [...heldIds].sort();
    const view: LicenseUpdateView = {
      licensesToAssign: assigned,
      licensesToRemove: removed,
      licenseWarnings: [],
      attributes: { objectType: 'LicenseUpdate' },
    };
    await recordChange(
      scope,
      ctx,
      {
        resourceType: 'license',
        resourceId: user.id,
        operationType: 'update_user_licenses',
        customerId: customer.id,
        customerName: customer.company_name,
        before: { userId: user.id, subscriptionIds: before },
        after: { userId: user.id, subscriptionIds: after, ...view },
        event: 'customerUser.licensesUpdated',
      },
      deps.now,
    );
    await accessChanged(trx, partnerId, [customer.id]);
    return view;
  });
}

/** Partner Center's SubscribedSku: for each offer the customer holds, its seats and how many are assigned. */
export interface SubscribedSkuView {
  productSku: { id: string; name: string; skuPartNumber: string; targetType: 'User' };
  servicePlans: { serviceName: string; displayName: string; targetType: 'User' }[];
  capabilityStatus: 'Enabled' | 'Suspended' | 'Warning' | 'Deleted';
  totalUnits: number;
  activeUnits: number;
  suspendedUnits: number;
  warningUnits: number;
  consumedUnits: number;
  availableUnits: number;
  subscriptionIds: string[];
  attributes: { objectType: 'SubscribedSku' };
}

/** The customer's SKUs (offers it holds, not purged) with their seats: what the licence screen shows. */
export async function listSubscribedSkus(
  scope: PartnerScope,
  ctx: Ctx,
  cloud: Cloud,
  customerId: string,
): Promise<SubscribedSkuView[]> {
  authorize(ctx, cloud, 'read');
  const customer = await getCustomerRow(scope, customerId);
  const subs = await scope
    .selectFrom('subscriptions')
    .select(['id', 'offer_id', 'status', 'quantity'])
    .where('customer_id', '=', customer.id)
    .where('data_purged_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const consumed = await scope
    .selectFrom('license_assignments')
    .select(['subscription_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('customer_id', '=', customer.id)
    .groupBy('subscription_id')
    .execute();
  const used = new Map(consumed.map((c) => [c.subscription_id, Number(c.n)]));
  const offers = await loadOffers(scope.db, [...new Set(subs.map((s) => s.offer_id))]);
  const byOffer = new Map<string, typeof subs>();
  for (const s of subs) byOffer.set(s.offer_id, [...(byOffer.get(s.offer_id) ?? []), s]);
  return [...byOffer].map(([offerId, list]) => {
    const offer = offers.get(offerId);
    const sum = (status: string[]) =>
      list.filter((s) => status.includes(s.status)).reduce((n, s) => n + s.quantity, 0);
    const activeUnits = sum(['active']);
    const suspendedUnits = sum(['suspended']);
    const warningUnits = sum(['expired']);
    const consumedUnits = list.reduce((n, s) => n + (used.get(s.id) ?? 0), 0);
    const consumedActive = list
      .filter((s) => s.status === 'active')
      .reduce((n, s) => n + (used.get(s.id) ?? 0), 0);
    return {
      productSku: { id: offerId, name: offer?.name ?? offerId, skuPartNumber: offerId, targetType: 'User' },
      servicePlans: (offer?.servicePlans ?? []).map((p) => ({
        serviceName: p,
        displayName: p,
        targetType: 'User',
      })),
      capabilityStatus:
        activeUnits > 0
          ? 'Enabled'
          : suspendedUnits > 0
            ? 'Suspended'
            : warningUnits > 0
              ? 'Warning'
              : 'Deleted',
      totalUnits: activeUnits + suspendedUnits + warningUnits,
      activeUnits,
      suspendedUnits,
      warningUnits,
      consumedUnits,
      availableUnits: Math.max(0, activeUnits - consumedActive),
      subscriptionIds: list.map((s) => s.id),
      attributes: { objectType: 'SubscribedSku' },
    };
  });
}

/** How many licences are assigned from a subscription; the caller holds its row lock. */
export async function assignedCount(scope: PartnerScope, subscriptionId: string): Promise<number> {
  const row = await scope
    .selectFrom('license_assignments')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('subscription_id', '=', subscriptionId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
