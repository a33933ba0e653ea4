import { requirePermission } from '../domain/access/permissions.ts';
import type { Row } from '../db/schema.ts';
import type { PartnerScope } from '../db/scope.ts';
import type { RequestContext } from './context.ts';

/** A customer as the API returns it: Partner Center's Customer resource plus Seatwise's segment and dates. */
export interface CustomerView {
  id: string;
  companyProfile: {
    tenantId: string;
    domain: string;
    companyName: string;
    organizationRegistrationNumber?: string;
    attributes: { objectType: 'CustomerCompanyProfile' };
  };
  billingProfile: {
    id: string;
    firstName: string;
    lastName: string;
    email: string;
    culture: string;
    language: string;
    companyName: string;
    defaultAddress: Record<string, unknown>;
    attributes: { objectType: 'CustomerBillingProfile' };
  };
  relationshipToPartner: string;
  segment: string;
  qualifications: unknown;
  accountOpenedAt: string;
  firstBillingPeriodStart: string | null;
  attributes: { etag: string; objectType: 'Customer' };
}

export function toCustomerView(r: Row<'customers'>): CustomerView {
  return {
    id: r.id,
    companyProfile: {
      tenantId: r.id,
      domain: r.domain,
      companyName: r.company_name,
      ...(r.organization_registration_number
        ? { organizationRegistrationNumber: r.organization_registration_number }
        : {}),
      attributes: { objectType: 'CustomerCompanyProfile' },
    },
    billingProfile: {
      id: r.id,
      firstName: r.billing_first_name,
      lastName: r.billing_last_name,
      email: r.billing_email,
      culture: r.culture,
      language: r.language,
      companyName: r.company_name,
      defaultAddress: r.address as Record<string, unknown>,
      attributes: { objectType: 'CustomerBillingProfile' },
    },
    relationshipToPartner: r.relationship_to_partner,
    segment: r.segment,
    qualifications: r.qualifications,
    accountOpenedAt: r.account_opened_at.toISOString(),
    firstBillingPeriodStart: r.first_billing_period_start?.toISOString() ?? null,
    attributes: { etag: String(r.version), objectType: 'Customer' },
  };
}

/** A page position: after the customer with this name and id (keyset paging stays fast at any depth). */
export interface CustomerCursor {
  companyName: string;
  id: string;
}

export const encodeCursor = (c: CustomerCursor): string =>
  Buffer.from(JSON.stringify(c)).toString('base64url');
export function decodeCursor(token: string): CustomerCursor | undefined {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString()) as Partial<CustomerCursor>;
    return typeof c.companyName === 'string' && typeof c.id === 'string'
      ? { companyName: c.companyName, id: c.id }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The partner's customers by company name, one page at a time, with the total. */
export async function listCustomers(
  scope: PartnerScope,
  ctx: RequestContext,
  page: { size: number; after: CustomerCursor | undefined },
): Promise<{ items: CustomerView[]; totalCount: number; next: CustomerCursor | undefined }> {
  requirePermission(ctx.actor.role, 'customers.view');
  let query = scope.selectFrom('customers').selectAll();
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
  const { count } = await scope
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  const items = rows.slice(0, page.size);
  const last = items.at(-1);
  return {
    items: items.map(toCustomerView),
    totalCount: Number(count),
    next: rows.length > page.size && last ? { companyName: last.company_name, id: last.id } : undefined,
  };
}
