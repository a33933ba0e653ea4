import type { ExpressionBuilder } from 'kysely';
import { requirePermission } from '../domain/access/permissions.ts';
import type { Segment } from '../domain/catalog/offer.ts';
import type { Cloud } from '../domain/cloud.ts';
import {
  initialQualifications,
  qualify,
  readQualifications,
  segmentOf,
  throwIfClosedToNewCustomers,
  throwIfCountryNotAllowed,
  type Qualification,
  type QualificationRecord,
} from '../domain/customer/customer-rules.ts';
import {
  normalizeBillingProfile,
  normalizeDomain,
  throwIfRegistrationNumberMissing,
  type Address,
  type BillingProfile,
  type BillingProfileInput,
} from '../domain/customer/profile.ts';
import { DomainError } from '../domain/errors.ts';
import {
  expectedVersion,
  throwIfStale as throwIfStaleVersion,
  type ExpectedVersion,
} from '../domain/versions.ts';
import { isGuid, newId } from '../domain/ids.ts';
import { storableText } from '../domain/text.ts';
import { inTransaction, type Db } from '../db/database.ts';
import type { Row, Tables } from '../db/schema.ts';
import { PartnerScope } from '../db/scope.ts';
import { recordChange, type SystemContext } from './audit.ts';
import type { RequestContext } from './context.ts';
import { link, type Link } from './links.ts';

/** A partner user (API, console) or the operator (CLI, which may do what no partner may: R-CUS-2 Nonprofit). */
type Ctx = RequestContext | SystemContext;

const self = (uri: string): { self: Link } => ({ self: link(uri) });

/** Partner Center's CustomerCompanyProfile. */
export interface CompanyProfileView {
  tenantId: string;
  domain: string;
  companyName: string;
  /** Partner Center's company address and contact email: the billing profile's (Seatwise keeps one of each). */
  address: Address;
  email: string;
  organizationRegistrationNumber?: string;
  links: { self: Link };
  attributes: { objectType: 'CustomerCompanyProfile' };
}

/** Partner Center's CustomerBillingProfile; its etag is the customer's version (R-API-3). */
export interface BillingProfileView extends BillingProfile {
  id: string;
  links: { self: Link };
  attributes: { etag: string; objectType: 'CustomerBillingProfile' };
}

/** A customer as the API returns it: Partner Center's Customer resource plus Seatwise's segment and dates. */
export interface CustomerView {
  id: string;
  /** Partner Center's commerce account id; Seatwise has one id per customer, the tenant id. */
  commerceId: string;
  companyProfile: CompanyProfileView;
  billingProfile: BillingProfileView;
  relationshipToPartner: string;
  /** The partner administers the tenant on its behalf (customer users and licences, SPEC §1). */
  allowDelegatedAccess: boolean;
  /** An indirect reseller's partner id; Seatwise sells directly, so none. */
  associatedPartnerId: string | null;
  customDomains: string[];
  segment: Segment;
  accountOpenedAt: string;
  firstBillingPeriodStart: string | null;
  links: { self: Link };
  attributes: { etag: string; objectType: 'Customer' };
}

const customerUri = (id: string) => `/v1/customers/${id}`;

export const toCompanyProfileView = (r: Row<'customers'>): CompanyProfileView => ({
  tenantId: r.id,
  domain: r.domain,
  companyName: r.company_name,
  address: { ...(r.address as Omit<Address, 'country'>), country: r.country },
  email: r.billing_email,
  ...(r.organization_registration_number
    ? { organizationRegistrationNumber: r.organization_registration_number }
    : {}),
  links: self(`${customerUri(r.id)}/profiles/company`),
  attributes: { objectType: 'CustomerCompanyProfile' },
});

export const toBillingProfileView = (r: Row<'customers'>): BillingProfileView => ({
  id: r.id,
  firstName: r.billing_first_name,
  lastName: r.billing_last_name,
  email: r.billing_email,
  culture: r.culture,
  language: r.language,
  companyName: r.company_name,
  defaultAddress: { ...(r.address as Omit<Address, 'country'>), country: r.country },
  links: self(`${customerUri(r.id)}/profiles/billing`),
  attributes: { etag: String(r.version), objectType: 'CustomerBillingProfile' },
});

/** The one mapper from a customers row. */
export function toCustomerView(r: Row<'customers'>): CustomerView {
  return {
    id: r.id,
    commerceId: r.id,
    companyProfile: toCompanyProfileView(r),
    billingProfile: toBillingProfileView(r),
    relationshipToPartner: r.relationship_to_partner,
    allowDelegatedAccess: true,
    associatedPartnerId: null,
    customDomains: [],
    segment: r.segment as Segment,
    accountOpenedAt: r.account_opened_at.toISOString(),
    firstBillingPeriodStart: r.first_billing_period_start?.toISOString() ?? null,
    links: self(customerUri(r.id)),
    attributes: { etag: String(r.version), objectType: 'Customer' },
  };
}

export const customerNotFound = (id: string) =>
  new DomainError('not_found', 404, 'resource.notFound', { resource: 'customer', id }, [
    { field: 'customerId', rule: 'R-ROLE-ISO' },
  ]);

/** The partner's customer, or undefined: another partner's id and a malformed one are simply not there. */
export async function findCustomerRow(
  scope: PartnerScope,
  id: string,
): Promise<Row<'customers'> | undefined> {
  if (!isGuid(id)) return undefined;
  return scope.selectFrom('customers').selectAll().where('id', '=', id.toLowerCase()).executeTakeFirst();
}

/** Like findCustomerRow, but 404 when missing (never 403: R-ROLE-ISO). */
export async function getCustomerRow(scope: PartnerScope, id: string): Promise<Row<'customers'>> {
  const row = await findCustomerRow(scope, id);
  if (!row) throw customerNotFound(id);
  return row;
}

/**
 * Takes the customer's row lock inside the caller's transaction, or 404. FOR NO KEY UPDATE, not FOR UPDATE:
 * it orders the customer's writers just the same, but lets other transactions insert rows that reference the
 * customer (a foreign key check takes FOR KEY SHARE): the lifecycle sweeper, which holds subscriptions and
 * then writes audit records naming their customer, would otherwise deadlock with a PATCH that holds the
 * customer and waits for one of those subscriptions.
 */
export async function lockCustomerRow(scope: PartnerScope, id: string): Promise<Row<'customers'>> {
  if (!isGuid(id)) throw customerNotFound(id);
  const row = await lockCustomerQuery(scope, id).executeTakeFirst();
  if (!row) throw customerNotFound(id);
  return row;
}

/** The statement `lockCustomerRow` sends (for `sendTogether`); `id` must be a guid. */
export function lockCustomerQuery(scope: PartnerScope, id: string) {
  return scope.selectFrom('customers').selectAll().where('id', '=', id.toLowerCase()).forNoKeyUpdate();
}

/** One customer of the partner (R-ROLE-ISO: 404 for anyone else's). */
export async function getCustomer(scope: PartnerScope, ctx: Ctx, id: string): Promise<CustomerView> {
  if ('actor' in ctx) requirePermission(ctx.actor.role, 'customers.view');
  return toCustomerView(await getCustomerRow(scope, id));
}

/** What creating a customer takes: Partner Center's Customer body, already checked for shape. */
export interface NewCustomer {
  companyProfile: { domain: string; companyName?: string; organizationRegistrationNumber?: string };
  billingProfile: BillingProfileInput;
  /** Seatwise extension: qualifications given at creation, all-or-nothing with the customer (R-CUS-2). */
  qualifications?: readonly Qualification[];
}

/** What the use cases need to know about where they run. */
export interface Where {
  cloud: Cloud;
  now: Date;
}

/** Whether the instance takes new customers, read at each call so that an operator's change applies at once. */
export async function newCustomersOpen(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('instance_settings')
    .select('new_customers_open')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return row.new_customers_open;
}

/** Opens or closes the instance to new customers (an operator action; germany starts closed, SPEC §6). */
export async function setNewCustomersOpen(db: Db, open: boolean): Promise<void> {
  await db.updateTable('instance_settings').set({ new_customers_open: open }).where('id', '=', 1).execute();
}

/**
 * Creates a customer (POST /v1/customers): its id is a new tenant id; the instance must be open and serve
 * the country (SPEC §6); the domain is claimed in the instance-wide registry (R-CUS-1, 409 if taken); usgov
 * customers start as government entities with the GCC qualification. Audit and event in the same transaction.
 */
export async function createCustomer(
  db: Db,
  partnerId: string,
  ctx: Ctx,
  input: NewCustomer,
  where: Where,
): Promise<CustomerView> {
  if ('actor' in ctx) requirePermission(ctx.actor.role, 'customers.create');
  const billing = normalizeBillingProfile(input.billingProfile);
  const domain = normalizeDomain(input.companyProfile.domain);
  const companyName = input.companyProfile.companyName?.trim() || billing.companyName;
  const registrationNumber = input.companyProfile.organizationRegistrationNumber?.trim() || undefined;
  const { country, ...address } = billing.defaultAddress;
  const id = newId();
  return inTransaction(db, async (trx) => {
    throwIfClosedToNewCustomers(where.cloud, await newCustomersOpen(trx));
    throwIfCountryNotAllowed(where.cloud, country, 'billingProfile.defaultAddress.country');
    throwIfRegistrationNumberMissing(country, registrationNumber);
    const claimed = await trx
      .insertInto('customer_domains')
      .values({ domain, partner_id: partnerId, customer_id: id })
      .onConflict((oc) => oc.column('domain').doNothing())
      .returning('domain')
      .executeTakeFirst();
    if (!claimed) {
      throw new DomainError('conflict', 900111, 'customer.domainTaken', { domain }, [
        { field: 'companyProfile.domain', rule: 'R-CUS-1', domain },
      ]);
    }
    // Each qualification asked for is checked as if added right after creation; a refusal undoes the customer.
    let qualifications = initialQualifications(where.cloud, where.now);
    for (const qualification of input.qualifications ?? []) {
      qualifications = qualify(
        { id, country, qualifications },
        qualification,
        'actor' in ctx ? 'partner' : 'operator',
        where.cloud,
        where.now,
      ).qualifications;
    }
    const scope = new PartnerScope(trx, partnerId);
    const row = await scope
      .insertInto('customers', {
        id,
        company_name: companyName,
        domain,
        organization_registration_number: registrationNumber ?? null,
        billing_first_name: billing.firstName,
        billing_last_name: billing.lastName,
        billing_email: billing.email,
        culture: billing.culture,
        language: billing.language,
        country,
        address: JSON.stringify(address),
        segment: segmentOf(qualifications),
        qualifications: JSON.stringify(qualifications),
        relationship_to_partner: 'reseller',
        account_opened_at: where.now,
        first_billing_period_start: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const customer = toCustomerView(row);
    await recordChange(
      scope,
      ctx,
      {
        resourceType: 'customer',
        resourceId: id,
        operationType: 'add_customer',
        customerId: id,
        customerName: companyName,
        after: customer,
        event: 'customer.created',
      },
      where.now,
    );
    return customer;
  });
}

/** The customer's billing profile (GET …/profiles/billing). */
export async function getBillingProfile(
  scope: PartnerScope,
  ctx: Ctx,
  id: string,
): Promise<BillingProfileView> {
  if ('actor' in ctx) requirePermission(ctx.actor.role, 'customers.view');
  return toBillingProfileView(await getCustomerRow(scope, id));
}

/** The customer's company profile (GET …/profiles/company). */
export async function getCompanyProfile(
  scope: PartnerScope,
  ctx: Ctx,
  id: string,
): Promise<CompanyProfileView> {
  if ('actor' in ctx) requirePermission(ctx.actor.role, 'customers.view');
  return toCompanyProfileView(await getCustomerRow(scope, id));
}

/**
 * R-API-3: a stale ETag is refused (code 2055: 412 from If-Match, 400 from the body's attributes.etag) so that a
 * client never overwrites a change it has not seen; a string is an If-Match header value.
 */
function throwIfStale(row: Row<'customers'>, given: string | ExpectedVersion | undefined): void {
  const expected = typeof given === 'string' ? expectedVersion(given, undefined) : given;
  throwIfStaleVersion(expected, row.version, 'customer.staleEtag', { id: row.id, current: row.version });
}

/**
 * Replaces the customer's billing profile (PUT …/profiles/billing): optional If-Match, the country must stay
 * one the instance serves (SPEC §6), version bumped, audit with before and after, `customer.updated`.
 */
export async function updateBillingProfile(
  db: Db,
  partnerId: string,
  ctx: Ctx,
  customerId: string,
  input: BillingProfileInput,
  where: Where & { ifMatch?: string | ExpectedVersion | undefined },
): Promise<BillingProfileView> {
  if ('actor' in ctx) requirePermission(ctx.actor.role, 'customers.edit');
  const billing = normalizeBillingProfile(input, '');
  const { country, ...address } = billing.defaultAddress;
  return inTransaction(db, async (trx) => {
    const scope = new PartnerScope(trx, partnerId);
    const before = await lockCustomerRow(scope, customerId);
    throwIfStale(before, where.ifMatch);
    if (country !== before.country) throwIfCountryNotAllowed(where.cloud, country, 'defaultAddress.country');
    const after = await scope
      .updateTable('customers')
      .set((eb) => ({
        billing_first_name: billing.firstName,
        billing_last_name: billing.lastName,
        billing_email: billing.email,
        culture: billing.culture,
        language: billing.language,
        company_name: billing.companyName,
        country,
        address: JSON.stringify(address),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = toBillingProfileView(after);
    await recordChange(
      scope,
      ctx,
      {
        resourceType: 'customer',
        resourceId: before.id,
        operationType: 'update_customer_billing_profile',
        customerId: before.id,
        customerName: after.company_name,
        before: toBillingProfileView(before),
        after: view,
        event: 'customer.updated',
        payload: toCustomerView(after),
      },
      where.now,
    );
    return view;
  });
}

/** R-CUS-2: the customer's qualifications (Partner Center's V2 CustomerQualification list). */
export async function listQualifications(
  scope: PartnerScope,
  ctx: Ctx,
  customerId: string,
): Promise<QualificationRecord[]> {
  if ('actor' in ctx) requirePermission(ctx.actor.role, 'customers.view');
  return readQualifications((await getCustomerRow(scope, customerId)).qualifications);
}

/**
 * R-CUS-2: adds a qualification, which may move the customer to another segment. A partner may add
 * Education, GovernmentCommunityCloud and StateOwnedEntity; the operator (CLI) also Nonprofit and None.
 * Adding one the customer already has changes nothing and records nothing.
 */
export async function qualifyCustomer(
  db: Db,
  partnerId: string,
  ctx: Ctx,
  customerId: string,
  qualification: Qualification,
  where: Where,
): Promise<{ record: QualificationRecord; changed: boolean; customer: CustomerView }> {
  if ('actor' in ctx) requirePermission(ctx.actor.role, 'customers.edit');
  return inTransaction(db, async (trx) => {
    const scope = new PartnerScope(trx, partnerId);
    const before = await lockCustomerRow(scope, customerId);
    const current = readQualifications(before.qualifications);
    const result = qualify(
      { id: before.id, country: before.country, qualifications: current },
      qualification,
      'actor' in ctx ? 'partner' : 'operator',
      where.cloud,
      where.now,
    );
    if (!result.changed) return { record: result.record, changed: false, customer: toCustomerView(before) };
    const after = await scope
      .updateTable('customers')
      .set((eb) => ({
        qualifications: JSON.stringify(result.qualifications),
        segment: result.segment,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const customer = toCustomerView(after);
    await recordChange(
      scope,
      ctx,
      {
        resourceType: 'customer',
        resourceId: before.id,
        operationType: 'update_customer_qualification',
        customerId: before.id,
        customerName: after.company_name,
        before: { segment: before.segment, qualifications: current },
        after: { segment: result.segment, qualifications: result.qualifications },
        event: 'customer.updated',
        payload: customer,
      },
      where.now,
    );
    return { record: result.record, changed: true, customer };
  });
}

/** A prefix search over the partner's customers: company name, domain, or either (case-insensitive). */
export interface CustomerSearch {
  prefix: string;
  field: 'any' | 'companyName' | 'domain';
}

/** A page position: after the customer with this name and id (keyset paging stays fast at any depth). */
export interface CustomerCursor {
  companyName: string;
  id: string;
  /** The search the page belongs to, so that a client that sends only the token keeps its filter. */
  search?: CustomerSearch;
}

const SEARCH_FIELDS: readonly CustomerSearch['field'][] = ['any', 'companyName', 'domain'];

/**
 * A token is the client's to send back, so it is checked as fully as any input: a uuid where the id is, text
 * PostgreSQL can compare (no NUL or unpaired surrogate) of a bounded length. It names only a position in the
 * caller's own list, which the query scopes to the partner, so a forged one shows nothing a client could not page to.
 */
const cursorText = (v: unknown): v is string => typeof v === 'string' && v.length <= 1024 && storableText(v);

export const encodeCursor = (c: CustomerCursor): string =>
  Buffer.from(JSON.stringify(c)).toString('base64url');
export function decodeCursor(token: string): CustomerCursor | undefined {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString()) as Partial<CustomerCursor>;
    if (!cursorText(c.companyName) || typeof c.id !== 'string' || !isGuid(c.id)) return undefined;
    const s = c.search as Partial<CustomerSearch> | undefined;
    if (s === undefined) return { companyName: c.companyName, id: c.id };
    if (!cursorText(s.prefix) || !SEARCH_FIELDS.includes(s.field as CustomerSearch['field']))
      return undefined;
    return { companyName: c.companyName, id: c.id, search: { prefix: s.prefix, field: s.field! } };
  } catch {
    return undefined;
  }
}

/** LIKE treats `%`, `_` and `\` specially; a user's prefix must match only itself. */
export const likePrefix = (prefix: string): string => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The search as SQL that the prefix indexes serve: `lower(company_name) LIKE 'con%'` uses
 * customers_by_lower_name and `domain LIKE 'con%'` customers_by_domain (both text_pattern_ops, both led by
 * partner_id); domains are stored in lower case.
 */
export function customerSearchCondition(search: CustomerSearch) {
  const pattern = likePrefix(search.prefix.toLowerCase());
  return (eb: ExpressionBuilder<Tables, 'customers'>) => {
    const byName = eb(eb.fn<string>('lower', ['company_name']), 'like', pattern);
    const byDomain = eb('domain', 'like', pattern);
    if (search.field === 'companyName') return byName;
    if (search.field === 'domain') return byDomain;
    return eb.or([byName, byDomain]);
  };
}

/** The partner's customers by company name, one page at a time, with the total (of the search, if any). */
export async function listCustomers(
  scope: PartnerScope,
  ctx: Ctx,
  page: { size: number; after: CustomerCursor | undefined; search?: CustomerSearch | undefined },
): Promise<{ items: CustomerView[]; totalCount: number; next: CustomerCursor | undefined }> {
  if ('actor' in ctx) requirePermission(ctx.actor.role, 'customers.view');
  const search = page.search?.prefix ? page.search : undefined;
  let query = scope.selectFrom('customers').selectAll();
  let counted = scope.selectFrom('customers');
  if (search) {
    query = query.where(customerSearchCondition(search));
    counted = counted.where(customerSearchCondition(search));
  }
  if (page.after) {
    const { companyName, id } = page.after;
    query = query.where((eb) =>
      eb.or([
        eb('company_name', '>', companyName),
        eb.and([eb('company_name', '=', companyName), eb('id', '>', id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('company_name')
    .orderBy('id')
    .limit(page.size + 1)
    .execute();
  const { count } = await counted
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  const items = rows.slice(0, page.size);
  const last = items.at(-1);
  return {
    items: items.map(toCustomerView),
    totalCount: Number(count),
    next:
      rows.length > page.size && last
        ? { companyName: last.company_name, id: last.id, ...(search ? { search } : {}) }
        : undefined,
  };
}
