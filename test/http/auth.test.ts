import { afterEach, describe, expect, it } from 'vitest';
import { createPartner, createPartnerUser, issueApiToken } from '../../src/app/partners.ts';
import { systemContext } from '../../src/app/audit.ts';
import { PartnerScope } from '../../src/db/scope.ts';
import { BOOTSTRAP_PASSWORD, newSeatwise, REFERENCE_TIME, type TestSeatwise } from '../support/seatwise.ts';

const open: TestSeatwise[] = [];
const start = async (env: Record<string, string> = {}) => {
  const t = await newSeatwise(env);
  open.push(t);
  return t;
};
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

const signIn = async (t: TestSeatwise, userName = 'admin', password = BOOTSTRAP_PASSWORD) => {
  const res = await t.app.inject({ method: 'POST', url: '/v1/sessions', payload: { userName, password } });
  const cookie = res.cookies.find((c) => c.name === 'seatwise_session');
  return { res, cookie, csrf: res.statusCode === 201 ? res.json<{ csrfToken: string }>().csrfToken : '' };
};

describe('partner users, tokens and sessions (R-ROLE, R-API-8)', () => {
  it('R-API-8: bootstrap creates a partner and its GlobalAdmin "admin" with the configured token and password', async () => {
    const t = await start();
    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: t.auth });
    expect(me.json()).toMatchObject({
      user: { userName: 'admin', role: 'GlobalAdmin' },
      partner: { name: 'Seatwise Partner' },
      instance: { cloud: 'global' },
    });
    const stored = await t.seatwise.db
      .selectFrom('api_tokens')
      .select(['token_hash', 'token_hint'])
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.token_hash).not.toContain('test-bootstrap-token');
    const users = await t.seatwise.db.selectFrom('partner_users').select('password_hash').execute();
    expect(users[0]?.password_hash).toMatch(/^scrypt\$/);
  });

  it('a session cookie is httpOnly and SameSite=Strict; changes through it need the CSRF header', async () => {
    const t = await start();
    const { res, cookie, csrf } = await signIn(t);
    expect(res.statusCode).toBe(201);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    const cookies = { seatwise_session: cookie?.value ?? '' };
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', cookies })).statusCode).toBe(200);
    const payload = { userName: 'sales1', role: 'SalesAgent', password: 'sales-password' };
    const noCsrf = await t.app.inject({ method: 'POST', url: '/v1/partnerusers', cookies, payload });
    expect(noCsrf.statusCode).toBe(403);
    const withCsrf = await t.app.inject({
      method: 'POST',
      url: '/v1/partnerusers',
      cookies,
      payload,
      headers: { 'x-csrf-token': csrf },
    });
    expect(withCsrf.statusCode).toBe(201);
    const out = await t.app.inject({
      method: 'DELETE',
      url: '/v1/sessions/current',
      cookies,
      headers: { 'x-csrf-token': csrf },
    });
    expect(out.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', cookies })).statusCode).toBe(401);
  });

  it('a wrong password and an unknown user are refused alike', async () => {
    const t = await start();
    const a = await signIn(t, 'admin', 'wrong-password');
    const b = await signIn(t, 'nobody', 'wrong-password');
    expect(a.res.statusCode).toBe(401);
    expect(b.res.json()).toEqual(a.res.json());
  });

  it('R-ROLE: only a GlobalAdmin manages partner users and tokens', async () => {
    const t = await start();
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/partnerusers',
      headers: t.auth,
      payload: { userName: 'agent', role: 'AdminAgent' },
    });
    expect(created.statusCode).toBe(201);
    const agentId = created.json<{ id: string }>().id;
    const issued = await t.app.inject({
      method: 'POST',
      url: `/v1/partnerusers/${agentId}/tokens`,
      headers: t.auth,
      payload: { name: 'integration' },
    });
    expect(issued.statusCode).toBe(201);
    const token = issued.json<{ token: string }>().token;
    expect(token).toMatch(/^sw_global_/);
    const agent = { authorization: `Bearer ${token}` };
    expect((await t.app.inject({ method: 'GET', url: '/v1/customers', headers: agent })).statusCode).toBe(
      200,
    );
    const refused = await t.app.inject({ method: 'GET', url: '/v1/partnerusers', headers: agent });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({
      code: 403,
      data: [{ rule: 'R-ROLE', role: 'AdminAgent', action: 'partnerUsers.manage' }],
    });
    // The token is shown once: only its hash is stored.
    const rows = await t.seatwise.db.selectFrom('api_tokens').select('token_hash').execute();
    expect(rows.map((r) => r.token_hash)).not.toContain(token);
  });

  it('R-ROLE-ISO: another partner sees none of this partner data', async () => {
    const t = await start();
    const { db } = t.seatwise;
    const other = await createPartner(db, { name: 'Other Reseller' }, REFERENCE_TIME);
    const otherAdmin = await createPartnerUser(
      db,
      other.id,
      systemContext('test'),
      { userName: 'other-admin', role: 'GlobalAdmin' },
      REFERENCE_TIME,
    );
    const otherToken = await issueApiToken(
      db,
      other.id,
      systemContext('test'),
      { userId: otherAdmin.id, name: 't', cloud: 'global' },
      REFERENCE_TIME,
    );
    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: t.auth });
    const mine = me.json<{ partner: { id: string } }>().partner.id;
    await new PartnerScope(db, mine)
      .insertInto('customers', {
        id: '11111111-1111-4111-8111-111111111111',
        company_name: 'Mine Ltd',
        domain: 'mine.example',
        organization_registration_number: null,
        billing_first_name: 'A',
        billing_last_name: 'B',
        billing_email: 'a@mine.example',
        culture: 'en-US',
        language: 'en',
        country: 'US',
        address: JSON.stringify({ country: 'US' }),
        segment: 'commercial',
        qualifications: '[]',
        relationship_to_partner: 'reseller',
        account_opened_at: REFERENCE_TIME,
        first_billing_period_start: null,
      })
      .execute();
    const auth = { authorization: `Bearer ${otherToken.token}` };
    const theirs = await t.app.inject({ method: 'GET', url: '/v1/customers', headers: auth });
    expect(theirs.json()).toMatchObject({ totalCount: 0, items: [] });
    const ours = await t.app.inject({ method: 'GET', url: '/v1/customers', headers: t.auth });
    expect(ours.json()).toMatchObject({
      totalCount: 1,
      items: [{ companyProfile: { companyName: 'Mine Ltd' } }],
    });
    const audit = await t.app.inject({
      method: 'GET',
      url: '/v1/auditrecords?startDate=2027-01-01T00:00:00Z&endDate=2027-02-01T00:00:00Z',
      headers: auth,
    });
    const names = audit
      .json<{ items: { resourceNewValue: string }[] }>()
      .items.map((i) => i.resourceNewValue);
    expect(names.join()).toContain('other-admin');
    expect(names.join()).not.toContain('"admin"');
  });

  it('SPEC §6: a token issued by another instance is refused, and says which instance issued it', async () => {
    const global = await start();
    const usgov = await start({ SEATWISE_CLOUD: 'usgov' });
    const me = await global.app.inject({ method: 'GET', url: '/v1/me', headers: global.auth });
    const adminId = me.json<{ user: { id: string } }>().user.id;
    const issued = await global.app.inject({
      method: 'POST',
      url: `/v1/partnerusers/${adminId}/tokens`,
      headers: global.auth,
      payload: { name: 'x' },
    });
    const token = issued.json<{ token: string }>().token;
    const res = await usgov.app.inject({
      method: 'GET',
      url: '/v1/customers',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json<{ description: string }>().description).toContain('issued by the global instance');
  });
});
