import { describe, expect, it } from 'vitest';
import { createCustomer, type NewCustomer } from '../../src/app/customers.ts';
import type { Qualification } from '../../src/domain/customer/customer-rules.ts';
import { buildUseCases, refused, type UseCaseTest } from '../support/use-cases.ts';

// Customer creation checked on the use case (R-CUS-1, R-CUS-2); test/http/customers.test.ts and
// customer-create-qualifications.test.ts keep the request's shape (field names, 400 on unknown values).

const input = (domain: string, country: string, qualifications?: Qualification[]): NewCustomer => ({
  companyProfile: { domain },
  billingProfile: {
    culture: 'en-US',
    email: 'it@example.com',
    language: 'en',
    companyName: 'Maple School',
    firstName: 'Ada',
    lastName: 'Lovelace',
    defaultAddress: { addressLine1: '1 Main', city: 'Ottawa', postalCode: 'K1A 0A1', country },
  },
  ...(qualifications ? { qualifications } : {}),
});

const create = (t: UseCaseTest, customer: NewCustomer) =>
  createCustomer(t.db, t.partnerId, t.ctx, customer, t.deps());

const customerCount = async (t: UseCaseTest) =>
  Number(
    (
      await t.db
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const claimed = async (t: UseCaseTest, domain: string) =>
  (await t.db.selectFrom('customer_domains').select('domain').where('domain', '=', domain).execute()).length;

describe('customer creation (R-CUS-1, R-CUS-2)', () => {
  it('R-CUS-2: no qualification means commercial; Education makes the segment education', async () => {
    const t = await buildUseCases();
    expect((await create(t, input('plain.example', 'US'))).segment).toBe('commercial');
    expect((await create(t, input('school.example', 'CA', ['Education']))).segment).toBe('education');
  });

  it('R-CUS-2: a refused qualification creates nothing, not even the domain claim; the domain stays free', async () => {
    const t = await buildUseCases();
    const before = await customerCount(t);
    const error = await create(t, input('maple.example', 'CA', ['GovernmentCommunityCloud'])).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ data: [expect.objectContaining({ field: 'qualification' })] });
    expect(await customerCount(t)).toBe(before);
    expect(await claimed(t, 'maple.example')).toBe(0);
    expect((await create(t, input('maple.example', 'CA', ['Education']))).segment).toBe('education');
    expect(await customerCount(t)).toBe(before + 1);
  });

  it('R-CUS-1: a primary domain is unique within the instance, whatever its case (409, 900111)', async () => {
    const t = await buildUseCases();
    await create(t, input('taken.example', 'US'));
    await refused(create(t, input('TAKEN.example', 'US')), {
      code: 900111,
      rule: 'R-CUS-1',
      field: 'companyProfile.domain',
      kind: 'conflict',
    });
    expect(await customerCount(t)).toBe(1);
  });

  it('R-ROLE: a HelpdeskAgent may not create customers; nothing is written', async () => {
    const t = await buildUseCases();
    const helpdesk = await t.as('HelpdeskAgent');
    await expect(
      createCustomer(t.db, t.partnerId, helpdesk, input('helpdesk.example', 'US'), t.deps()),
    ).rejects.toMatchObject({ kind: 'not_allowed' });
    expect(await customerCount(t)).toBe(0);
    expect(await claimed(t, 'helpdesk.example')).toBe(0);
  });
});
