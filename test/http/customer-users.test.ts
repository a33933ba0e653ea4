import { afterEach, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/app/audit.ts';
import { createCustomerUser } from '../../src/app/customer-users.ts';
import { commerce, type ErrorBody } from '../support/commerce.ts';
import { headersForRole, newCustomer, newPartner, partnerIdOf } from '../support/factories.ts';
import { newSeatwise, REFERENCE_TIME, type TestSeatwise } from '../support/seatwise.ts';

let t: TestSeatwise;
afterEach(async () => {
  await t.close();
});

interface User {
  id: string;
  userPrincipalName: string;
  displayName: string;
  firstName?: string;
  role: string;
  usageLocation?: string;
  attributes: { objectType: string; etag: string };
}
interface License {
  productSku: { id: string };
  subscriptionId: string;
  servicePlans: { serviceName: string; capabilityStatus: string }[];
}
interface Collection<T> {
  totalCount: number;
  items: T[];
  continuationToken?: string;
}

const usersUrl = (c: string) => `/v1/customers/${c}/users`;

describe('customer users (Partner Center /customers/{id}/users)', () => {
  it('create, read, list a page at a time, update and delete, in Partner Center shapes', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const domain = await commerce(t).domainOf(c);
    const created = await t.app.inject({
      method: 'POST',
      url: usersUrl(c),
      headers: t.auth,
      payload: {
        UsageLocation: 'us',
        UserPrincipalName: `Ada@${domain.toUpperCase()}`,
        FirstName: 'Ada',
        LastName: 'Lovelace',
        DisplayName: 'Ada Lovelace',
        PasswordProfile: { ForceChangePassword: true, Password: 'Pa55w0rd!' },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const ada = created.json<User>();
    expect(ada).toMatchObject({
      userPrincipalName: `ada@${domain}`,
      displayName: 'Ada Lovelace',
      usageLocation: 'US',
      role: 'user',
      attributes: { objectType: 'CustomerUser' },
    });
    expect(created.body).not.toContain('Pa55w0rd');
    expect(created.headers.location).toBe(`${usersUrl(c)}/${ada.id}`);

    for (const name of ['bob', 'cy', 'dee']) await commerce(t).addUser(c, name);
    const first = await t.app.inject({ method: 'GET', url: `${usersUrl(c)}?size=3`, headers: t.auth });
    const page1 = first.json<Collection<User>>();
    expect(page1.totalCount).toBe(4);
    expect(page1.items.map((u) => u.userPrincipalName.split('@')[0])).toEqual(['ada', 'bob', 'cy']);
    const second = await t.app.inject({
      method: 'GET',
      url: `${usersUrl(c)}?size=3&continuationToken=${page1.continuationToken ?? ''}`,
      headers: t.auth,
    });
    expect(second.json<Collection<User>>().items.map((u) => u.displayName)).toEqual(['dee']);

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `${usersUrl(c)}/${ada.id}`,
      headers: t.auth,
      payload: { ...ada, DisplayName: 'Countess Lovelace', Role: 'Company Administrator' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json<User>()).toMatchObject({
      displayName: 'Countess Lovelace',
      role: 'admin',
      firstName: 'Ada',
    });
    expect(patched.json<User>().attributes.etag).not.toBe(ada.attributes.etag);
    const roles = await t.app.inject({
      method: 'GET',
      url: `${usersUrl(c)}/${ada.id}/directoryroles`,
      headers: t.auth,
    });
    expect(roles.json<Collection<{ name: string }>>().items.map((r) => r.name)).toEqual([
      'Company Administrator',
    ]);

    const gone = await t.app.inject({ method: 'DELETE', url: `${usersUrl(c)}/${ada.id}`, headers: t.auth });
    expect(gone.statusCode).toBe(204);
    const missing = await t.app.inject({ method: 'GET', url: `${usersUrl(c)}/${ada.id}`, headers: t.auth });
    expect(missing.statusCode).toBe(404);
  });

  it("a user principal name is name@the customer's domain (900136), unique in the tenant (900135); a role is admin or user (2000)", async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const domain = await commerce(t).domainOf(c);
    const post = (payload: object) =>
      t.app.inject({ method: 'POST', url: usersUrl(c), headers: t.auth, payload });
    const elsewhere = await post({ userPrincipalName: 'ada@other.example', displayName: 'Ada' });
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json<ErrorBody>()).toMatchObject({
      code: 900136,
      data: [{ field: 'userPrincipalName' }],
    });
    expect((await post({ userPrincipalName: `ada@${domain}`, displayName: 'Ada' })).statusCode).toBe(201);
    const twice = await post({ userPrincipalName: `ADA@${domain}`, displayName: 'Ada again' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json<ErrorBody>().code).toBe(900135);
    const badRole = await post({ userPrincipalName: `bob@${domain}`, displayName: 'Bob', role: 'owner' });
    expect(badRole.statusCode).toBe(400);
    expect(badRole.json<ErrorBody>()).toMatchObject({ code: 2000, data: [{ field: 'role' }] });
    const noName = await post({ userPrincipalName: `bob@${domain}` });
    expect(noName.statusCode).toBe(400);
    expect(JSON.stringify(noName.json<ErrorBody>().data)).toContain('displayName');
  });

  it('R-ROLE: every role reads customer users; only GlobalAdmin, AdminAgent and HelpdeskAgent change them', async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const domain = await commerce(t).domainOf(c);
    for (const [role, may] of [
      ['AdminAgent', true],
      ['HelpdeskAgent', true],
      ['SalesAgent', false],
      ['BillingAdmin', false],
    ] as const) {
      const headers = await headersForRole(t, role);
      const res = await t.app.inject({
        method: 'POST',
        url: usersUrl(c),
        headers,
        payload: { userPrincipalName: `${role.toLowerCase()}@${domain}`, displayName: role },
      });
      expect(res.statusCode, role).toBe(may ? 201 : 403);
      if (!may)
        expect(res.json<ErrorBody>().data).toEqual([
          { rule: 'R-ROLE', role, action: 'customerUsers.manage' },
        ]);
      const read = await t.app.inject({ method: 'GET', url: usersUrl(c), headers });
      expect(read.statusCode).toBe(200);
    }
  });

  it("R-ROLE-ISO: another partner's customer, users and licences answer 404", async () => {
    t = await newSeatwise();
    const c = await newCustomer(t);
    const u = await commerce(t).addUser(c, 'ada');
    const other = await newPartner(t);
    for (const url of [usersUrl(c), `${usersUrl(c)}/${u}`, `${usersUrl(c)}/${u}/licenses`]) {
      const res = await t.app.inject({ method: 'GET', url, headers: other.auth });
      expect(res.statusCode, url).toBe(404);
    }
    const write = await t.app.inject({
      method: 'POST',
      url: `${usersUrl(c)}/${u}/licenseupdates`,
      headers: other.auth,
      payload: { licensesToAssign: [{ skuId: 'CN-365-E3' }] },
    });
    expect(write.statusCode).toBe(404);
  });

  it('SPEC §6: usgov has no customer user management (900137); germany reads but refuses partner writes (900138)', async () => {
    t = await newSeatwise({ SEATWISE_CLOUD: 'usgov' });
    const gov = await newCustomer(t, { segment: 'government' });
    for (const [method, url] of [
      ['GET', usersUrl(gov)],
      ['POST', usersUrl(gov)],
      ['GET', `/v1/customers/${gov}/subscribedskus`],
    ] as const) {
      const res = await t.app.inject({
        method,
        url,
        headers: t.auth,
        ...(method === 'POST' ? { payload: { userPrincipalName: 'a@b.example', displayName: 'A' } } : {}),
      });
      expect(res.statusCode, url).toBe(403);
      expect(res.json<ErrorBody>()).toMatchObject({ code: 900137, data: [{ rule: 'SPEC §6' }] });
    }
    await t.close();

    t = await newSeatwise({ SEATWISE_CLOUD: 'germany' });
    const de = await newCustomer(t, { country: 'DE' });
    const domain = await commerce(t).domainOf(de);
    // Users arrive from the tenant's own directory (the operator's sync; here the use case as the operator).
    await createCustomerUser(
      { db: t.seatwise.db, cloud: 'germany', now: REFERENCE_TIME },
      systemContext('directory-sync'),
      await partnerIdOf(t),
      de,
      { userPrincipalName: `anna@${domain}`, displayName: 'Anna' },
    );
    const list = await t.app.inject({ method: 'GET', url: usersUrl(de), headers: t.auth });
    expect(list.json<Collection<User>>().items.map((u) => u.displayName)).toEqual(['Anna']);
    const write = await t.app.inject({
      method: 'POST',
      url: usersUrl(de),
      headers: { ...t.auth, 'X-Locale': 'de-DE' },
      payload: { userPrincipalName: `max@${domain}`, displayName: 'Max' },
    });
    expect(write.statusCode).toBe(403);
    expect(write.json<ErrorBody>()).toMatchObject({ code: 900138 });
    expect(write.json<ErrorBody>().description).toContain('gelesen, aber nicht geändert');
  });
});

describe('licences (Partner Center licenseupdates; never more assigned than the quantity)', () => {
  it('assign by offer id or subscription id, list with service plans; a full subscription refuses the next (900130)', async () => {
    t = await newSeatwise();
    const { buy, addUser, licenseUpdate, assign } = commerce(t);
    const c = await newCustomer(t);
    const e3 = await buy(c, 'annual', 'CN-365-E3', 2);
    const mail = await buy(c, 'monthly', 'CN-MAIL-P1', 1);
    const [ada, bob, cy] = [await addUser(c, 'ada'), await addUser(c, 'bob'), await addUser(c, 'cy')];
    const first = await licenseUpdate(c, ada, {
      LicensesToAssign: [{ SkuId: 'cn-365-e3', ExcludedPlans: ['chat'] }, { SkuId: mail.id }],
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      licensesToAssign: [
        { skuId: 'cn-365-e3', subscriptionId: e3.id, excludedPlans: ['chat'] },
        { skuId: mail.id, subscriptionId: mail.id },
      ],
      attributes: { objectType: 'LicenseUpdate' },
    });
    const listed = await t.app.inject({
      method: 'GET',
      url: `${usersUrl(c)}/${ada}/licenses`,
      headers: t.auth,
    });
    const licenses = listed.json<Collection<License>>().items;
    expect(licenses.map((l) => l.productSku.id).sort()).toEqual(['CN-365-E3', 'CN-MAIL-P1']);
    const e3License = licenses.find((l) => l.subscriptionId === e3.id);
    expect(e3License?.servicePlans.find((p) => p.serviceName === 'chat')?.capabilityStatus).toBe('Excluded');
    expect(e3License?.servicePlans.find((p) => p.serviceName === 'mail')?.capabilityStatus).toBe('Enabled');

    await assign(c, bob, 'CN-365-E3');
    const full = await licenseUpdate(c, cy, { licensesToAssign: [{ skuId: 'CN-365-E3' }] });
    expect(full.statusCode).toBe(409);
    expect(full.json<ErrorBody>()).toMatchObject({
      code: 900130,
      data: [{ field: 'licensesToAssign[0].skuId', subscriptionId: e3.id, quantity: 2, assigned: 2 }],
    });
    // Assigning again what a user holds only updates its excluded plans: no second seat.
    await assign(c, ada, 'CN-365-E3');
    const skus = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${c}/subscribedskus`,
      headers: t.auth,
    });
    const seats = skus
      .json<Collection<{ productSku: { id: string }; consumedUnits: number; availableUnits: number }>>()
      .items.map((k) => [k.productSku.id, k.consumedUnits, k.availableUnits]);
    expect(seats.sort()).toEqual([
      ['CN-365-E3', 2, 0],
      ['CN-MAIL-P1', 1, 0],
    ]);
    // Deleting a user frees the seats they held.
    await t.app.inject({ method: 'DELETE', url: `${usersUrl(c)}/${bob}`, headers: t.auth });
    await assign(c, cy, 'CN-365-E3');
  });

  it('licences come from an active subscription (900132) of this customer (900133); removing what is not held is 900134', async () => {
    t = await newSeatwise();
    const { buy, addUser, licenseUpdate, patch } = commerce(t);
    const c = await newCustomer(t);
    const e3 = await buy(c, 'annual', 'CN-365-E3', 5);
    const ada = await addUser(c, 'ada');
    const unknown = await licenseUpdate(c, ada, { licensesToAssign: [{ skuId: 'CN-365-E5' }] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<ErrorBody>()).toMatchObject({
      code: 900133,
      data: [{ field: 'licensesToAssign[0].skuId' }],
    });
    const badPlan = await licenseUpdate(c, ada, {
      licensesToAssign: [{ skuId: 'CN-365-E3', excludedPlans: ['phone-system'] }],
    });
    expect(badPlan.statusCode).toBe(400);
    expect(badPlan.json<ErrorBody>()).toMatchObject({
      code: 2000,
      data: [{ field: 'licensesToAssign[0].excludedPlans' }],
    });
    const notHeld = await licenseUpdate(c, ada, { licensesToRemove: ['CN-365-E3'] });
    expect(notHeld.statusCode).toBe(400);
    expect(notHeld.json<ErrorBody>()).toMatchObject({
      code: 900134,
      data: [{ field: 'licensesToRemove[0]' }],
    });

    expect(
      (await patch(c, e3.id, { status: 'suspended', suspensionReasons: ['nonPayment'] })).statusCode,
    ).toBe(200);
    const suspended = await licenseUpdate(c, ada, { licensesToAssign: [{ skuId: e3.id }] });
    expect(suspended.statusCode).toBe(409);
    expect(suspended.json<ErrorBody>()).toMatchObject({
      code: 900132,
      data: [{ subscriptionId: e3.id, status: 'suspended' }],
    });
  });

  it('a swap in one update fits a full subscription (removals first); a failing item changes nothing', async () => {
    t = await newSeatwise();
    const { buy, addUser, licenseUpdate, assign } = commerce(t);
    const c = await newCustomer(t);
    const bb = await buy(c, 'monthly', 'CN-365-BB', 1);
    const e3 = await buy(c, 'annual', 'CN-365-E3', 1);
    const ada = await addUser(c, 'ada');
    await assign(c, ada, 'CN-365-BB');
    const swap = await licenseUpdate(c, ada, {
      licensesToRemove: ['CN-365-BB'],
      licensesToAssign: [{ skuId: 'CN-365-E3' }],
    });
    expect(swap.statusCode, swap.body).toBe(201);
    expect(swap.json()).toMatchObject({
      licensesToRemove: [{ skuId: 'CN-365-BB', subscriptionIds: [bb.id] }],
    });
    const failing = await licenseUpdate(c, ada, {
      licensesToRemove: ['CN-365-E3'],
      licensesToAssign: [{ skuId: 'CN-365-BB' }, { skuId: 'CN-NOPE' }],
    });
    expect(failing.statusCode).toBe(400);
    const listed = await t.app.inject({
      method: 'GET',
      url: `${usersUrl(c)}/${ada}/licenses`,
      headers: t.auth,
    });
    expect(listed.json<Collection<License>>().items.map((l) => l.subscriptionId)).toEqual([e3.id]);
  });

  it('R-QTY-1 (Seatwise refuses): a quantity decrease below the assigned licences is 409/900131 in every language; down to the count is allowed', async () => {
    t = await newSeatwise();
    const { buy, addUser, assign, get } = commerce(t);
    const c = await newCustomer(t);
    const e3 = await buy(c, 'annual', 'CN-365-E3', 5);
    for (const name of ['ada', 'bob', 'cy']) await assign(c, await addUser(c, name), 'CN-365-E3');
    const current = await get(c, e3.id);
    const below = (locale: string) =>
      t.app.inject({
        method: 'PATCH',
        url: `/v1/customers/${c}/subscriptions/${e3.id}`,
        headers: { ...t.auth, 'If-Match': `"${current.attributes.etag}"`, 'X-Locale': locale },
        payload: { ...current, quantity: 2 },
      });
    const en = await below('en-US');
    expect(en.statusCode).toBe(409);
    expect(en.json<ErrorBody>()).toMatchObject({
      code: 900131,
      data: [{ field: 'quantity', rule: 'R-QTY-1', subscriptionId: e3.id, assigned: 3 }],
    });
    expect(en.json<ErrorBody>().description).toContain('3 are assigned');
    expect((await below('fr-FR')).json<ErrorBody>().description).toContain('3 sont attribuées');
    expect((await below('de-DE')).json<ErrorBody>().description).toContain('3 sind Benutzern zugewiesen');
    expect((await get(c, e3.id)).quantity).toBe(5);
    const toCount = await t.app.inject({
      method: 'PATCH',
      url: `/v1/customers/${c}/subscriptions/${e3.id}`,
      headers: { ...t.auth, 'If-Match': `"${current.attributes.etag}"` },
      payload: { ...current, quantity: 3 },
    });
    expect(toCount.statusCode, toCount.body).toBe(200);
  });

  it('R-TRI-3: a trial converted to fewer licences than are assigned is refused; converted, it keeps them (same id)', async () => {
    t = await newSeatwise();
    const { buy, addUser, assign } = commerce(t);
    const c = await newCustomer(t);
    const trial = await buy(c, 'none', 'CN-365-E3-TRIAL', 25);
    const users = [await addUser(c, 'ada'), await addUser(c, 'bob')];
    for (const u of users) await assign(c, u, 'CN-365-E3-TRIAL');
    const convert = (quantity: number) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/customers/${c}/subscriptions/${trial.id}/conversions`,
        headers: t.auth,
        payload: { targetOfferId: 'CN-365-E3', billingCycle: 'annual', quantity },
      });
    const few = await convert(1);
    expect(few.statusCode).toBe(409);
    expect(few.json<ErrorBody>().code).toBe(900131);
    expect((await convert(10)).statusCode).toBe(200);
    const listed = await t.app.inject({
      method: 'GET',
      url: `${usersUrl(c)}/${users[0] ?? ''}/licenses`,
      headers: t.auth,
    });
    expect(listed.json<Collection<License>>().items).toMatchObject([
      { subscriptionId: trial.id, productSku: { id: 'CN-365-E3' } },
    ]);
  });

  it('R-RET-2: the purge removes the licence assignments the subscription held (cancelled, then 90 days)', async () => {
    t = await newSeatwise();
    const { buy, addUser, assign, patch, advance, get } = commerce(t);
    const c = await newCustomer(t);
    const e3 = await buy(c, 'annual', 'CN-365-E3', 5);
    const mail = await buy(c, 'monthly', 'CN-MAIL-P1', 5);
    const ada = await addUser(c, 'ada');
    await assign(c, ada, 'CN-365-E3', 'CN-MAIL-P1');
    expect((await patch(c, e3.id, { status: 'deleted' })).statusCode).toBe(200);
    await advance('P89D');
    const held = async () =>
      (await t.app.inject({ method: 'GET', url: `${usersUrl(c)}/${ada}/licenses`, headers: t.auth }))
        .json<Collection<License>>()
        .items.map((l) => l.subscriptionId);
    expect((await held()).sort()).toEqual([e3.id, mail.id].sort());
    await advance('P2D');
    expect((await get(c, e3.id)).dataPurgedAt).not.toBeNull();
    expect(await held()).toEqual([mail.id]);
    const audit = await t.seatwise.db
      .selectFrom('audit_records')
      .select(['operation_type', 'new_value'])
      .where('resource_id', '=', e3.id)
      .where('operation_type', '=', 'purge_subscription')
      .executeTakeFirstOrThrow();
    expect(audit.new_value).toMatchObject({ licensesRemoved: 1 });
  });

  it('R-API-2, R-EVT: a licence update under MS-RequestId runs once; user and licence changes are audited with events', async () => {
    t = await newSeatwise();
    const { buy, addUser, licenseUpdate } = commerce(t);
    const c = await newCustomer(t);
    await buy(c, 'annual', 'CN-365-E3', 5);
    const ada = await addUser(c, 'ada');
    const body = { licensesToAssign: [{ skuId: 'CN-365-E3' }] };
    const once = await licenseUpdate(c, ada, body, { 'MS-RequestId': 'licence-1' });
    const again = await licenseUpdate(c, ada, body, { 'MS-RequestId': 'licence-1' });
    expect(again.statusCode).toBe(201);
    expect(again.headers['ms-idempotent-replay']).toBe('true');
    expect(again.json()).toEqual(once.json());
    const events = await t.seatwise.db
      .selectFrom('events')
      .select(['type', 'resource_id'])
      .orderBy('seq')
      .execute();
    expect(events.filter((e) => e.resource_id === ada).map((e) => e.type)).toEqual([
      'customerUser.created',
      'customerUser.licensesUpdated',
    ]);
    const audits = await t.seatwise.db
      .selectFrom('audit_records')
      .select(['resource_type', 'operation_type'])
      .where('resource_id', '=', ada)
      .orderBy('operation_date')
      .execute();
    expect(audits.map((a) => `${a.resource_type}/${a.operation_type}`).sort()).toEqual([
      'customer_user/create_customer_user',
      'license/update_user_licenses',
    ]);
  });
});
