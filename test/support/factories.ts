import { systemContext } from '../../src/app/audit.ts';
import { createPartner, createPartnerUser, issueApiToken } from '../../src/app/partners.ts';
import type { PartnerRole } from '../../src/domain/access/permissions.ts';
import { newId } from '../../src/domain/ids.ts';
import { PartnerScope } from '../../src/db/scope.ts';
import { REFERENCE_TIME, type TestSeatwise } from './seatwise.ts';

/** The bootstrap partner's id. */
export async function partnerIdOf(t: Pick<TestSeatwise, 'seatwise'>): Promise<string> {
  const row = await t.seatwise.db
    .selectFrom('partners')
    .select('id')
    .orderBy('created_at')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface CustomerFixture {
  companyName?: string;
  country?: string;
  segment?: 'commercial' | 'education' | 'government' | 'nonprofit';
  partnerId?: string;
}

/** A customer written straight into the database, for tests of what comes after customer creation. */
export async function newCustomer(
  t: Pick<TestSeatwise, 'seatwise'>,
  fixture: CustomerFixture = {},
): Promise<string> {
  const id = newId();
  const partnerId = fixture.partnerId ?? (await partnerIdOf(t));
  const country = fixture.country ?? 'US';
  await new PartnerScope(t.seatwise.db, partnerId)
    .insertInto('customers', {
      id,
      company_name: fixture.companyName ?? `Customer ${id.slice(0, 8)}`,
      domain: `c${id.slice(0, 8)}.onmicrosoft.com`,
      organization_registration_number: null,
      billing_first_name: 'Ada',
      billing_last_name: 'Lovelace',
      billing_email: `ada@c${id.slice(0, 8)}.example`,
      culture: 'en-US',
      language: 'en',
      country,
      address: JSON.stringify({ country, city: 'Somewhere', addressLine1: '1 Main St', postalCode: '00000' }),
      segment: fixture.segment ?? 'commercial',
      qualifications: '[]',
      relationship_to_partner: 'reseller',
      account_opened_at: REFERENCE_TIME,
      first_billing_period_start: null,
    })
    .execute();
  return id;
}

/** An API token for a new partner user with `role` (of the bootstrap partner unless one is named). */
export async function headersForRole(
  t: TestSeatwise,
  role: PartnerRole,
  partnerId?: string,
): Promise<{ authorization: string }> {
  const { db } = t.seatwise;
  const pid = partnerId ?? (await partnerIdOf(t));
  const user = await createPartnerUser(
    db,
    pid,
    systemContext('test'),
    { userName: `${role.toLowerCase()}-${newId().slice(0, 8)}`, role },
    REFERENCE_TIME,
  );
  const issued = await issueApiToken(
    db,
    pid,
    systemContext('test'),
    { userId: user.id, name: 't', cloud: t.seatwise.instance.cloud },
    REFERENCE_TIME,
  );
  return { authorization: `Bearer ${issued.token}` };
}

/** Another partner on the instance, with a GlobalAdmin's token. */
export async function newPartner(
  t: TestSeatwise,
): Promise<{ partnerId: string; auth: { authorization: string } }> {
  const other = await createPartner(t.seatwise.db, { name: `Other ${newId().slice(0, 8)}` }, REFERENCE_TIME);
  return { partnerId: other.id, auth: await headersForRole(t, 'GlobalAdmin', other.id) };
}
