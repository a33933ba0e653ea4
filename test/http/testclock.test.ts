import { afterEach, describe, expect, it } from 'vitest';
import { newSeatwise, REFERENCE_TIME, type TestSeatwise } from '../support/seatwise.ts';

let t: TestSeatwise;
afterEach(async () => {
  await t.close();
});

describe('R-API-7 test clock', () => {
  it('R-API-7: absent unless SEATWISE_TEST_CLOCK=1', async () => {
    t = await newSeatwise({ SEATWISE_TEST_CLOCK: '0' });
    const res = await t.app.inject({ method: 'GET', url: '/v1/testclock', headers: t.auth });
    expect(res.statusCode).toBe(404);
    expect(res.json<{ description: string }>().description).toContain('SEATWISE_TEST_CLOCK');
  });

  it('R-API-7: moves forward by a duration or to a date, never back, and is what the domain reads', async () => {
    t = await newSeatwise();
    const get = await t.app.inject({ method: 'GET', url: '/v1/testclock', headers: t.auth });
    expect(get.json()).toEqual({ now: REFERENCE_TIME.toISOString() });
    const moved = await t.app.inject({
      method: 'POST',
      url: '/v1/testclock',
      headers: t.auth,
      payload: { advanceBy: 'P31D' },
    });
    expect(moved.json()).toMatchObject({ now: '2027-02-15T09:00:00.000Z' });
    expect(t.seatwise.clock.now().toISOString()).toBe('2027-02-15T09:00:00.000Z');
    const to = await t.app.inject({
      method: 'POST',
      url: '/v1/testclock',
      headers: t.auth,
      payload: { now: '2027-06-01T00:00:00Z' },
    });
    expect(to.json()).toMatchObject({ now: '2027-06-01T00:00:00.000Z' });
    const back = await t.app.inject({
      method: 'POST',
      url: '/v1/testclock',
      headers: t.auth,
      payload: { now: '2027-01-01T00:00:00Z' },
    });
    expect(back.statusCode).toBe(400);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/testclock',
      headers: t.auth,
      payload: { advanceBy: 'P1M' },
    });
    expect(bad.json()).toMatchObject({ code: 2000, data: [{ field: 'advanceBy' }] });
    const both = await t.app.inject({ method: 'POST', url: '/v1/testclock', headers: t.auth, payload: {} });
    expect(both.statusCode).toBe(400);
    // Stored: a restart (or the CLI) reads the same time.
    const row = await t.seatwise.db
      .selectFrom('instance_settings')
      .select('test_clock_now')
      .executeTakeFirstOrThrow();
    expect(row.test_clock_now?.toISOString()).toBe('2027-06-01T00:00:00.000Z');
    // Audit uses the same clock: records written "now" are found in a range ending "now".
    const audit = await t.app.inject({
      method: 'GET',
      url: '/v1/auditrecords?startDate=2027-05-01T00:00:00Z',
      headers: t.auth,
    });
    expect(audit.statusCode).toBe(200);
  });
});
