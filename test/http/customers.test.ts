import { CompiledQuery, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/app/audit.ts';
import { customerSearchCondition, qualifyCustomer, setNewCustomersOpen } from '../../src/app/customers.ts';
import { createPartner, createPartnerUser, issueApiToken } from '../../src/app/partners.ts';
import type { PartnerRole } from '../../src/domain/access/permissions.ts';
import { PartnerScope } from '../../src/db/scope.ts';
import { newSeatwise, REFERENCE_TIME, type TestSeatwise } from '../support/seatwise.ts';

const open: TestSeatwise[] = [];
const start = async (env: Record<string, string> = {}) => {
  const t = await newSeatwise({ SEATWISE_TEST_CLOCK: '1', ...env });
  open.push(t);
  return t;
};
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

type Headers = Record<string, string>;

/** Partner Center's own sample body for POST /v1/customers, PascalCase and odd casing included. */
const sampleBody = (
  domain = 'contoso.onmicrosoft.com',
  over: { country?: string; companyName?: string } = {},
) => ({
  CompanyProfile: { Domain: domain },
  BillingProfile: {
    Culture: 'EN-US',
    Email: 'x@y.com',
    Language: 'En',
    CompanyName: over.companyName ?? 'Contoso',
    DefaultAddress: {
      FirstName: 'A',
      LastName: 'B',
      AddressLine1: '1 Main',
      City: 'Redmond',
      State: 'WA',
      PostalCode: '98052',
      Country: over.country ?? 'US',
      PhoneNumber: '4255550101',
    },
  },
});

interface CustomerJson {
  id: string;
  segment: string;
  companyProfile: { tenantId: string; domain: string; companyName: string };
  billingProfile: { attributes: { etag: string }; defaultAddress: { country: string } };
  attributes: { etag: string; objectType: string };
}
interface ErrorJson {
  code: number;
  description: string;
  data: Record<string, unknown>[];
}
interface Page {
  totalCount: number;
  items: CustomerJson[];
  continuationToken?: string;
  links: { next?: { uri: string } };
}

const create = (t: TestSeatwise, headers: Headers, body: object = sampleBody()) =>
  t.app.inject({ method: 'POST', url: '/v1/customers', headers, payload: body });

const createOk = async (t: TestSeatwise, body: object = sampleBody(), headers: Headers = t.auth) => {
  const res = await create(t, headers, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json<CustomerJson>();
};

const partnerIdOf = async (t: TestSeatwise) =>
  (await t.app.inject({ method: 'GET', url: '/v1/me', headers: t.auth })).json<{ partner: { id: string } }>()
    .partner.id;

/** A user of the given role with an API token, in the bootstrap partner or in `partnerId`. */
async function userWithRole(t: TestSeatwise, role: PartnerRole, partnerId?: string): Promise<Headers> {
  const { db } = t.seatwise;
  const pid = partnerId ?? (await partnerIdOf(t));
  const user = await createPartnerUser(
    db,
    pid,
    systemContext('test'),
    { userName: `${role.toLowerCase()}-${pid.slice(0, 8)}`, role },
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

async function otherPartner(t: TestSeatwise): Promise<{ partnerId: string; auth: Headers }> {
  const other = await createPartner(t.seatwise.db, { name: 'Other Reseller' }, REFERENCE_TIME);
  return { partnerId: other.id, auth: await userWithRole(t, 'GlobalAdmin', other.id) };
}

describe('customers (R-CUS-1, R-CUS-2, R-API-1, R-API-2, R-API-3, R-API-4, SPEC §6)', () => {
  it("R-API-1: Partner Center's sample body is accepted unchanged and normalized", async () => {
    const t = await start();
    const res = await create(t, t.auth);
    expect(res.statusCode).toBe(201);
    const c = res.json<CustomerJson & Record<string, unknown>>();
    expect(c).toMatchObject({
      companyProfile: {
        tenantId: c.id,
        domain: 'contoso.onmicrosoft.com',
        companyName: 'Contoso',
        attributes: { objectType: 'CustomerCompanyProfile' },
      },
      billingProfile: {
        id: c.id,
        firstName: 'A',
        lastName: 'B',
        email: 'x@y.com',
        culture: 'en-US',
        language: 'en',
        companyName: 'Contoso',
        defaultAddress: {
          firstName: 'A',
          lastName: 'B',
          addressLine1: '1 Main',
          city: 'Redmond',
          state: 'WA',
          postalCode: '98052',
          country: 'US',
          phoneNumber: '4255550101',
        },
        attributes: { etag: '1', objectType: 'CustomerBillingProfile' },
      },
      relationshipToPartner: 'reseller',
      segment: 'commercial',
      accountOpenedAt: REFERENCE_TIME.toISOString(),
      firstBillingPeriodStart: null,
      attributes: { etag: '1', objectType: 'Customer' },
    });
    expect(c.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(res.headers.etag).toBe('"1"');
    expect(res.headers.location).toBe(`/v1/customers/${c.id}`);

    const read = await t.app.inject({ method: 'GET', url: `/v1/customers/${c.id}`, headers: t.auth });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(c);
    const company = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${c.id}/profiles/company`,
      headers: t.auth,
    });
    expect(company.json()).toEqual(c.companyProfile);

    const claimed = await t.seatwise.db.selectFrom('customer_domains').selectAll().execute();
    expect(claimed).toEqual([
      { domain: 'contoso.onmicrosoft.com', partner_id: await partnerIdOf(t), customer_id: c.id },
    ]);
    const events = await t.seatwise.db.selectFrom('events').select(['type', 'resource_id']).execute();
    expect(events).toContainEqual({ type: 'customer.created', resource_id: c.id });
  });

  it('R-API-4: malformed input is 400/2000 naming each field', async () => {
    const t = await start();
    const res = await create(t, t.auth, {
      companyProfile: { domain: 'not a domain' },
      billingProfile: { email: 'nope', culture: 'en-US', companyName: 'X', defaultAddress: {} },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<ErrorJson>();
    expect(body.code).toBe(2000);
    expect(body.data.map((d) => d.field)).toEqual(
      expect.arrayContaining([
        'body.companyProfile.domain',
        'body.billingProfile.email',
        'body.billingProfile.language',
        'body.billingProfile.defaultAddress.country',
      ]),
    );
    const body2 = sampleBody('noname.example.com');
    delete (body2.BillingProfile.DefaultAddress as Partial<typeof body2.BillingProfile.DefaultAddress>)
      .LastName;
    const noName = await create(t, t.auth, body2);
    expect(noName.statusCode).toBe(400);
    expect(noName.json()).toMatchObject({ code: 2000, data: [{ field: 'billingProfile.lastName' }] });
    const count = await t.seatwise.db.selectFrom('customers').select('id').execute();
    expect(count).toEqual([]);
  });

  it('R-CUS-1: a domain claimed by another partner is 409/900111, in any case, and nothing is written', async () => {
    const t = await start();
    const first = await createOk(t, sampleBody('contoso.example.com'));
    const other = await otherPartner(t);
    const before = {
      audit: await t.seatwise.db.selectFrom('audit_records').select('id').execute(),
      events: await t.seatwise.db.selectFrom('events').select('id').execute(),
    };
    const dup = await create(t, other.auth, sampleBody('CONTOSO.Example.com'));
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({
      code: 900111,
      data: [{ field: 'companyProfile.domain', rule: 'R-CUS-1', domain: 'contoso.example.com' }],
    });
    const rows = await t.seatwise.db.selectFrom('customers').select(['id', 'partner_id']).execute();
    expect(rows).toEqual([{ id: first.id, partner_id: await partnerIdOf(t) }]);
    expect(await t.seatwise.db.selectFrom('customer_domains').select('customer_id').execute()).toEqual([
      { customer_id: first.id },
    ]);
    expect(await t.seatwise.db.selectFrom('audit_records').select('id').execute()).toEqual(before.audit);
    expect(await t.seatwise.db.selectFrom('events').select('id').execute()).toEqual(before.events);
    // The same partner cannot take it twice either.
    expect((await create(t, t.auth, sampleBody('contoso.example.com'))).statusCode).toBe(409);
  });

  it("R-ROLE-ISO: another partner's customer, and a malformed id, answer 404, never 403", async () => {
    const t = await start();
    const mine = await createOk(t);
    const other = await otherPartner(t);
    const urls = [
      ['GET', `/v1/customers/${mine.id}`],
      ['GET', `/v1/customers/${mine.id}/profiles/billing`],
      ['GET', `/v1/customers/${mine.id}/profiles/company`],
      ['GET', `/v1/customers/${mine.id}/qualifications`],
      ['POST', `/v1/customers/${mine.id}/qualifications`],
      ['PUT', `/v1/customers/${mine.id}/profiles/billing`],
      ['GET', '/v1/customers/not-a-guid'],
      ['GET', '/v1/customers/00000000-0000-0000-0000-000000000000'],
    ] as const;
    const billing = { ...sampleBody().BillingProfile, FirstName: 'Mallory' };
    for (const [method, url] of urls) {
      const res = await t.app.inject({
        method,
        url,
        headers: other.auth,
        ...(method === 'PUT'
          ? { payload: billing }
          : method === 'POST'
            ? { payload: { qualification: 'Education' } }
            : {}),
      });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/customers/not-a-guid', headers: t.auth })).statusCode,
    ).toBe(404);
    const theirs = await t.app.inject({
      method: 'GET',
      url: '/v1/customers?search=con',
      headers: other.auth,
    });
    expect(theirs.json()).toMatchObject({ totalCount: 0, items: [] });
    const unchanged = await t.app.inject({ method: 'GET', url: `/v1/customers/${mine.id}`, headers: t.auth });
    expect(unchanged.json()).toMatchObject({ billingProfile: { firstName: 'A' }, segment: 'commercial' });
  });

  it('R-API-1: search by name prefix and by domain prefix, paged with continuationToken, no duplicates or gaps', async () => {
    const t = await start();
    const made: CustomerJson[] = [];
    for (let i = 0; i < 15; i++) {
      const n = String(i).padStart(2, '0');
      made.push(await createOk(t, sampleBody(`tenant${n}.onmicrosoft.com`, { companyName: `Contoso ${n}` })));
      made.push(await createOk(t, sampleBody(`fab${n}.example.com`, { companyName: `Fabrikam ${n}` })));
    }
    // Another partner's Contoso must never show up.
    const other = await otherPartner(t);
    await createOk(t, sampleBody('contoso-other.example.com', { companyName: 'Contoso Other' }), other.auth);

    /** Follows continuation tokens from the first page; checks every page's total. */
    const pageThrough = async (query: string, size: number, useLinks = false) => {
      const seen: CustomerJson[] = [];
      let url = `/v1/customers?size=${size}${query}`;
      let pages = 0;
      let total = -1;
      for (;;) {
        const res = await t.app.inject({ method: 'GET', url, headers: t.auth });
        expect(res.statusCode, res.body).toBe(200);
        const page = res.json<Page>();
        if (total === -1) total = page.totalCount;
        expect(page.totalCount).toBe(total);
        expect(page.items.length).toBeLessThanOrEqual(size);
        seen.push(...page.items);
        pages++;
        if (!page.continuationToken) break;
        url = useLinks
          ? (page.links.next?.uri ?? '')
          : `/v1/customers?size=${size}${query}&continuationToken=${page.continuationToken}`;
      }
      return { seen, total, pages };
    };
    const names = (cs: CustomerJson[]) => cs.map((c) => c.companyProfile.companyName);

    const all = await pageThrough('', 7);
    expect(all.total).toBe(30);
    expect(all.pages).toBe(5);
    expect(new Set(all.seen.map((c) => c.id)).size).toBe(30);
    expect(names(all.seen)).toEqual(names(made).sort());

    const byName = await pageThrough('&search=CON', 4);
    expect(byName.total).toBe(15);
    expect(byName.pages).toBe(4);
    expect(new Set(byName.seen.map((c) => c.id)).size).toBe(15);
    expect(names(byName.seen)).toEqual(
      Array.from({ length: 15 }, (_, i) => `Contoso ${String(i).padStart(2, '0')}`),
    );
    // The next link carries the search in its token.
    expect(names((await pageThrough('&search=con', 4, true)).seen)).toEqual(names(byName.seen));

    const byDomain = await pageThrough('&search=Tenant1', 2);
    expect(byDomain.total).toBe(5);
    expect(names(byDomain.seen)).toEqual([
      'Contoso 10',
      'Contoso 11',
      'Contoso 12',
      'Contoso 13',
      'Contoso 14',
    ]);

    // "fab" matches the Fabrikam names and their fab… domains: each customer once.
    const both = await pageThrough('&search=fab', 6);
    expect(both.total).toBe(15);
    expect(new Set(both.seen.map((c) => c.id)).size).toBe(15);

    const filter = (field: string, value: string) =>
      `&filter=${encodeURIComponent(JSON.stringify({ Field: field, Value: value, Operator: 'starts_with' }))}`;
    expect((await pageThrough(filter('CompanyName', 'contoso 0'), 3)).total).toBe(10);
    expect((await pageThrough(filter('Domain', 'FAB1'), 3)).total).toBe(5);
    expect((await pageThrough(filter('CompanyName', 'FABRIKAM 1'), 3)).total).toBe(5);
    expect((await pageThrough(filter('CompanyName', 'tenant'), 3)).total).toBe(0);

    const badFilter = await t.app.inject({
      method: 'GET',
      url: `/v1/customers?filter=${encodeURIComponent('{"Field":"CompanyName","Value":"x","Operator":"equals"}')}`,
      headers: t.auth,
    });
    expect(badFilter.json()).toMatchObject({ code: 2000, data: [{ field: 'filter.Operator' }] });
    const first = (
      await t.app.inject({ method: 'GET', url: '/v1/customers?size=2&search=con', headers: t.auth })
    ).json<Page>();
    const mixed = await t.app.inject({
      method: 'GET',
      url: `/v1/customers?size=2&search=fab&continuationToken=${first.continuationToken ?? ''}`,
      headers: t.auth,
    });
    expect(mixed.statusCode).toBe(400);
  });

  it('R-API-1: a search matches % _ and \\ literally', async () => {
    const t = await start();
    for (const [name, domain] of [
      ['100% Pure', 'pure.example.com'],
      ['1000 Pure', 'thousand.example.com'],
      ['a_c Ltd', 'ac.example.com'],
      ['abc Ltd', 'abc.example.com'],
      ['back\\slash', 'back.example.com'],
      ['backXslash', 'backx.example.com'],
    ] as const)
      await createOk(t, sampleBody(domain, { companyName: name }));
    const search = async (s: string) =>
      names(
        (
          await t.app.inject({
            method: 'GET',
            url: `/v1/customers?search=${encodeURIComponent(s)}`,
            headers: t.auth,
          })
        ).json<Page>().items,
      );
    const names = (cs: CustomerJson[]) => cs.map((c) => c.companyProfile.companyName);
    expect(await search('100%')).toEqual(['100% Pure']);
    expect(await search('100')).toEqual(['100% Pure', '1000 Pure']);
    expect(await search('a_')).toEqual(['a_c Ltd']);
    expect(await search('back\\')).toEqual(['back\\slash']);
    expect(await search('%')).toEqual([]);
  });

  it('R-API-1: the search is served by the prefix indexes customers_by_lower_name and customers_by_domain', async () => {
    const t = await start();
    const { db } = t.seatwise;
    const partnerId = await partnerIdOf(t);
    // Enough customers for the planner to prefer the indexes to a scan of the partner's rows.
    await sql`
      insert into customers (partner_id, id, company_name, domain, billing_first_name, billing_last_name,
        billing_email, culture, language, country, address, segment, account_opened_at)
      select ${partnerId}::uuid, gen_random_uuid(), 'Company ' || g, 'd' || g || '.example.com', 'A', 'B',
        'a@b.c', 'en-US', 'en', 'US', '{}'::jsonb, 'commercial', now()
      from generate_series(1, 5000) g`.execute(db);
    await sql`analyze customers`.execute(db);
    const query = new PartnerScope(db, partnerId)
      .selectFrom('customers')
      .select('id')
      .where(customerSearchCondition({ prefix: 'Con', field: 'any' }))
      .compile();
    const res = await db.executeQuery<{ 'QUERY PLAN': string }>(
      CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]),
    );
    const plan = res.rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toContain('customers_by_lower_name');
    expect(plan).toContain('customers_by_domain');
    expect(plan).not.toContain('Seq Scan');
  });

  it('SPEC §6: usgov refuses a non-US customer (900114) and creates a US one as a government entity with GCC', async () => {
    const t = await start({ SEATWISE_CLOUD: 'usgov' });
    const refused = await create(t, t.auth, sampleBody('ottawa.example.ca', { country: 'ca' }));
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      code: 900114,
      data: [{ field: 'billingProfile.defaultAddress.country', rule: 'SPEC §6', country: 'CA' }],
    });
    const c = await createOk(t, sampleBody('agency.example.gov'));
    expect(c.segment).toBe('government');
    const quals = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${c.id}/qualifications`,
      headers: t.auth,
    });
    expect(quals.json()).toEqual([
      {
        qualification: 'GovernmentCommunityCloud',
        vettingStatus: 'Approved',
        vettingCreateDate: REFERENCE_TIME.toISOString(),
      },
    ]);
    // Nor can its country be changed away from the US afterwards, nor its segment.
    const moved = await t.app.inject({
      method: 'PUT',
      url: `/v1/customers/${c.id}/profiles/billing`,
      headers: t.auth,
      payload: {
        ...sampleBody().BillingProfile,
        DefaultAddress: { FirstName: 'A', LastName: 'B', Country: 'MX' },
      },
    });
    expect(moved.json()).toMatchObject({ code: 900114 });
    const edu = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${c.id}/qualifications`,
      headers: t.auth,
      payload: { qualification: 'Education' },
    });
    expect(edu.statusCode).toBe(400);
  });

  it('SPEC §6: germany refuses new customers while closed (900112), then accepts an EU country and refuses a US one (900110)', async () => {
    const t = await start({ SEATWISE_CLOUD: 'germany' });
    const closed = await create(t, t.auth, sampleBody('gmbh.example.de', { country: 'de' }));
    expect(closed.statusCode).toBe(403);
    expect(closed.json()).toMatchObject({ code: 900112, data: [{ rule: 'SPEC §6', cloud: 'germany' }] });

    // The operator opens it (seatwise instance open-customers); the running server sees it at once.
    await setNewCustomersOpen(t.seatwise.db, true);
    const de = await createOk(t, sampleBody('gmbh.example.de', { country: 'de' }));
    expect(de).toMatchObject({
      segment: 'commercial',
      billingProfile: { defaultAddress: { country: 'DE' } },
    });
    await createOk(t, sampleBody('as.example.no', { country: 'NO' }));
    const us = await create(t, t.auth, sampleBody('inc.example.com', { country: 'US' }));
    expect(us.statusCode).toBe(400);
    expect(us.json()).toMatchObject({
      code: 900110,
      data: [
        { field: 'billingProfile.defaultAddress.country', rule: 'R-CUS-1', cloud: 'germany', country: 'US' },
      ],
    });
    const fr = await t.app.inject({
      method: 'GET',
      url: '/v1/customers',
      headers: { ...t.auth, 'X-Locale': 'fr-FR' },
    });
    expect(fr.statusCode).toBe(200);
    const localized = await create(t, { ...t.auth, 'X-Locale': 'de-DE' }, sampleBody('x.example.com'));
    expect(localized.json<ErrorJson>().description).toContain('nimmt keine Kunden im Land US an');

    await setNewCustomersOpen(t.seatwise.db, false);
    expect((await create(t, t.auth, sampleBody('later.example.de', { country: 'DE' }))).statusCode).toBe(403);
    // Germany is commercial only: no Education there.
    const edu = await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${de.id}/qualifications`,
      headers: t.auth,
      payload: { qualification: 'education' },
    });
    expect(edu.json()).toMatchObject({ code: 900115 });
  });

  it('R-CUS-2: a partner qualifies Education, GCC and StateOwnedEntity; Nonprofit and None are refused (900113)', async () => {
    const t = await start();
    const qualify = (id: string, qualification: string, headers: Headers = t.auth) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/customers/${id}/qualifications`,
        headers,
        payload: { Qualification: qualification },
      });
    const segmentOf = async (id: string) =>
      (
        await t.app.inject({ method: 'GET', url: `/v1/customers/${id}`, headers: t.auth })
      ).json<CustomerJson>().segment;

    const school = await createOk(t, sampleBody('school.example.edu'));
    const edu = await qualify(school.id, 'EDUCATION');
    expect(edu.statusCode).toBe(201);
    expect(edu.json()).toEqual({
      qualification: 'Education',
      vettingStatus: 'Approved',
      vettingCreateDate: REFERENCE_TIME.toISOString(),
    });
    expect(await segmentOf(school.id)).toBe('education');
    expect((await qualify(school.id, 'education')).statusCode).toBe(200); // already has it: nothing changes

    const agency = await createOk(t, sampleBody('agency.example.com'));
    expect((await qualify(agency.id, 'GovernmentCommunityCloud')).statusCode).toBe(201);
    expect(await segmentOf(agency.id)).toBe('government');

    const soe = await createOk(t, sampleBody('soe.example.com'));
    expect((await qualify(soe.id, 'stateownedentity')).statusCode).toBe(201);
    expect(await segmentOf(soe.id)).toBe('commercial');
    const marks = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${soe.id}/qualifications`,
      headers: t.auth,
    });
    expect(marks.json()).toMatchObject([{ qualification: 'StateOwnedEntity', vettingStatus: 'Approved' }]);

    const charity = await createOk(t, sampleBody('charity.example.org'));
    for (const q of ['Nonprofit', 'none']) {
      const refused = await qualify(charity.id, q);
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({
        code: 900113,
        data: [{ field: 'qualification', rule: 'R-CUS-2', customerId: charity.id }],
      });
    }
    expect(await segmentOf(charity.id)).toBe('commercial');
    const conflict = await qualify(school.id, 'GovernmentCommunityCloud');
    expect(conflict.json()).toMatchObject({ code: 900115, data: [{ segment: 'education' }] });
    const unknown = await qualify(charity.id, 'Academic');
    expect(unknown.json()).toMatchObject({ code: 2000, data: [{ field: 'qualification' }] });

    // The operator may set Nonprofit (seatwise customer qualify), and it is audited as the operator.
    const pid = await partnerIdOf(t);
    const byOperator = await qualifyCustomer(
      t.seatwise.db,
      pid,
      systemContext('operator'),
      charity.id,
      'Nonprofit',
      {
        cloud: 'global',
        now: REFERENCE_TIME,
      },
    );
    expect(byOperator.customer.segment).toBe('nonprofit');
    expect(await segmentOf(charity.id)).toBe('nonprofit');
    const audit = await t.seatwise.db
      .selectFrom('audit_records')
      .select(['user_principal_name', 'customer_id'])
      .where('operation_type', '=', 'update_customer_qualification')
      .execute();
    expect(audit).toHaveLength(4);
    expect(audit).toContainEqual({ user_principal_name: 'operator', customer_id: charity.id });
  });

  it('R-API-3: a billing profile PUT with a stale If-Match is 412/2055, a stale attributes.etag 400/2055, and changes nothing; a current one bumps the etag', async () => {
    const t = await start();
    const c = await createOk(t);
    const url = `/v1/customers/${c.id}/profiles/billing`;
    const got = await t.app.inject({ method: 'GET', url, headers: t.auth });
    expect(got.headers.etag).toBe('"1"');
    const profile = got.json<Record<string, unknown>>();
    const edited = {
      ...profile,
      FirstName: 'Ada',
      Email: 'ada@contoso.com',
      Culture: 'FR-fr',
      Language: 'FR',
      DefaultAddress: { Country: 'fr', City: 'Paris' },
    };
    const ok = await t.app.inject({
      method: 'PUT',
      url,
      headers: { ...t.auth, 'If-Match': '"1"' },
      payload: edited,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.headers.etag).toBe('"2"');
    expect(ok.json()).toMatchObject({
      firstName: 'Ada',
      lastName: 'B',
      email: 'ada@contoso.com',
      culture: 'fr-FR',
      language: 'fr',
      defaultAddress: { country: 'FR', city: 'Paris' },
      attributes: { etag: '2' },
    });
    const stale = await t.app.inject({
      method: 'PUT',
      url,
      headers: { ...t.auth, 'If-Match': '"1"' },
      payload: { ...edited, FirstName: 'Eve' },
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.json()).toMatchObject({
      code: 2055,
      data: [{ field: 'If-Match', rule: 'R-API-3', current: '2' }],
    });
    const after = await t.app.inject({ method: 'GET', url: `/v1/customers/${c.id}`, headers: t.auth });
    expect(after.json()).toMatchObject({ billingProfile: { firstName: 'Ada' }, attributes: { etag: '2' } });
    // Without If-Match, the profile read earlier carries its version in attributes.etag: stale, 400/2055.
    const staleBody = await t.app.inject({ method: 'PUT', url, headers: t.auth, payload: edited });
    expect(staleBody.statusCode).toBe(400);
    expect(staleBody.json()).toMatchObject({ code: 2055, data: [{ field: 'attributes.etag' }] });
    // Without any version the last writer wins (Partner Center makes it optional here).
    const blind = await t.app.inject({
      method: 'PUT',
      url,
      headers: t.auth,
      payload: { ...edited, attributes: { objectType: 'CustomerBillingProfile' }, FirstName: 'Bo' },
    });
    expect(blind.json()).toMatchObject({ firstName: 'Bo', attributes: { etag: '3' } });
    const audit = await t.seatwise.db
      .selectFrom('audit_records')
      .select(['old_value', 'new_value'])
      .where('operation_type', '=', 'update_customer_billing_profile')
      .orderBy('new_value')
      .execute();
    expect(audit).toHaveLength(2);
    expect(audit.map((a) => (a.old_value as { firstName: string }).firstName).sort()).toEqual(['A', 'Ada']);
    const events = await t.seatwise.db
      .selectFrom('events')
      .select('type')
      .where('type', '=', 'customer.updated')
      .execute();
    expect(events).toHaveLength(2);
  });

  it('R-ROLE: a SalesAgent may create, a HelpdeskAgent may edit but not create, a BillingAdmin may do neither', async () => {
    const t = await start();
    const sales = await userWithRole(t, 'SalesAgent');
    const helpdesk = await userWithRole(t, 'HelpdeskAgent');
    const billing = await userWithRole(t, 'BillingAdmin');

    const c = await createOk(t, sampleBody('sales.example.com'), sales);
    const helpdeskCreate = await create(t, helpdesk, sampleBody('helpdesk.example.com'));
    expect(helpdeskCreate.statusCode).toBe(403);
    expect(helpdeskCreate.json()).toMatchObject({ data: [{ rule: 'R-ROLE', action: 'customers.create' }] });
    expect((await create(t, billing, sampleBody('billing.example.com'))).statusCode).toBe(403);

    const put = (headers: Headers) =>
      t.app.inject({
        method: 'PUT',
        url: `/v1/customers/${c.id}/profiles/billing`,
        headers,
        payload: { ...sampleBody().BillingProfile, Email: 'new@contoso.com' },
      });
    const qualify = (headers: Headers) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/customers/${c.id}/qualifications`,
        headers,
        payload: { qualification: 'StateOwnedEntity' },
      });
    expect((await put(helpdesk)).statusCode).toBe(200);
    expect((await qualify(helpdesk)).statusCode).toBe(201);
    const refused = await put(billing);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({
      data: [{ rule: 'R-ROLE', role: 'BillingAdmin', action: 'customers.edit' }],
    });
    expect((await qualify(billing)).statusCode).toBe(403);
    // Everyone may look.
    for (const h of [sales, helpdesk, billing]) {
      expect(
        (await t.app.inject({ method: 'GET', url: `/v1/customers/${c.id}`, headers: h })).statusCode,
      ).toBe(200);
    }
    expect(await t.seatwise.db.selectFrom('customers').select('domain').execute()).toEqual([
      { domain: 'sales.example.com' },
    ]);
  });

  it('R-AUD, R-EVT: creating, editing and qualifying a customer appear in GET /v1/auditrecords with their events', async () => {
    const t = await start();
    const c = await createOk(t, sampleBody('audited.example.com', { companyName: 'Audited' }), {
      ...t.auth,
      'MS-CorrelationId': 'corr-42',
    });
    const later = (minutes: number) =>
      t.seatwise.testClock?.moveTo(new Date(REFERENCE_TIME.getTime() + minutes * 60_000));
    await later(1);
    await t.app.inject({
      method: 'PUT',
      url: `/v1/customers/${c.id}/profiles/billing`,
      headers: t.auth,
      payload: {
        ...sampleBody('', { companyName: 'Audited' }).BillingProfile,
        Email: 'billing@audited.example.com',
      },
    });
    await later(2);
    await t.app.inject({
      method: 'POST',
      url: `/v1/customers/${c.id}/qualifications`,
      headers: t.auth,
      payload: { qualification: 'Education' },
    });
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/auditrecords?startDate=2027-01-01T00:00:00Z&endDate=2027-02-01T00:00:00Z',
      headers: t.auth,
    });
    const records = res
      .json<{
        items: {
          operationType: string;
          resourceType: string;
          customerId: string;
          customerName: string;
          originalCorrelationId: string | null;
          resourceOldValue: string | null;
        }[];
      }>()
      .items.filter((i) => i.resourceType === 'customer');
    expect(records.map((r) => r.operationType)).toEqual([
      'add_customer',
      'update_customer_billing_profile',
      'update_customer_qualification',
    ]);
    for (const r of records) expect(r).toMatchObject({ customerId: c.id, customerName: 'Audited' });
    expect(records[0]?.originalCorrelationId).toBe('corr-42');
    expect(records[1]?.resourceOldValue).toContain('x@y.com');
    const events = await new PartnerScope(t.seatwise.db, await partnerIdOf(t))
      .selectFrom('events')
      .select(['type', 'customer_id'])
      .where('resource_type', '=', 'customer')
      .orderBy('seq')
      .execute();
    expect(events).toEqual([
      { type: 'customer.created', customer_id: c.id },
      { type: 'customer.updated', customer_id: c.id },
      { type: 'customer.updated', customer_id: c.id },
    ]);
  });

  it('R-API-2: a POST /v1/customers retried with the same MS-RequestId creates one customer', async () => {
    const t = await start();
    const headers = { ...t.auth, 'MS-RequestId': 'create-1' };
    const first = await create(t, headers, sampleBody('once.example.com'));
    const retry = await create(t, headers, sampleBody('once.example.com'));
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(first.json());
    expect(await t.seatwise.db.selectFrom('customers').select('id').execute()).toHaveLength(1);
  });
});
