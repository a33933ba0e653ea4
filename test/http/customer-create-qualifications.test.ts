import { afterEach, describe, expect, it } from 'vitest';
import { newSeatwise, type TestSeatwise } from '../support/seatwise.ts';

// POST /v1/customers with `qualifications` in the body (a Seatwise extension): the customer and its
// qualifications are one act, so a refused qualification leaves no customer and no claimed domain.
const open: TestSeatwise[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

const body = (domain: string, country: string, qualifications?: string[]) => ({
  companyProfile: { domain },
  billingProfile: {
    culture: 'en-US',
    email: 'it@example.com',
    language: 'en',
    companyName: 'Maple School',
    firstName: 'A',
    lastName: 'B',
    defaultAddress: { addressLine1: '1 Main', city: 'Ottawa', postalCode: 'K1A 0A1', country },
  },
  ...(qualifications ? { qualifications } : {}),
});

const countCustomers = async (t: TestSeatwise) =>
  (await t.app.inject({ method: 'GET', url: '/v1/customers', headers: t.auth })).json<{
    totalCount: number;
  }>().totalCount;

describe('POST /v1/customers with qualifications', () => {
  it('R-CUS-2: a refused qualification creates nothing; the same domain then succeeds with an allowed one', async () => {
    const t = await newSeatwise({ SEATWISE_TEST_CLOCK: '1' });
    open.push(t);
    const before = await countCustomers(t);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: t.auth,
      payload: body('maple-school.example', 'CA', ['GovernmentCommunityCloud']),
    });
    expect(refused.statusCode, refused.body).toBeGreaterThanOrEqual(400);
    expect(refused.statusCode).toBeLessThan(500);
    expect(refused.json<{ data: { field?: string }[] }>().data[0]?.field).toBe('qualification');
    expect(await countCustomers(t)).toBe(before);

    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: t.auth,
      payload: body('maple-school.example', 'CA', ['Education']),
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id, segment } = created.json<{ id: string; segment: string }>();
    expect(segment).toBe('education');
    const q = await t.app.inject({
      method: 'GET',
      url: `/v1/customers/${id}/qualifications`,
      headers: t.auth,
    });
    expect(q.body).toContain('Education');
    expect(await countCustomers(t)).toBe(before + 1);
  });

  it('R-CUS-2: an unknown qualification is refused with 400 naming the field, before anything is written', async () => {
    const t = await newSeatwise({ SEATWISE_TEST_CLOCK: '1' });
    open.push(t);
    const before = await countCustomers(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: t.auth,
      payload: body('other.example', 'US', ['Education', 'Pirates']),
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json<{ data: { field?: string }[] }>().data[0]?.field).toBe('qualifications.1');
    expect(await countCustomers(t)).toBe(before);
  });
});
