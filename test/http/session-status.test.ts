import { afterEach, describe, expect, it } from 'vitest';
import { BOOTSTRAP_PASSWORD, newSeatwise, type TestSeatwise } from '../support/seatwise.ts';

// GET /v1/sessions/current: the console asks it on every page load, so "nobody signed in" is an answer (200),
// not a failure a browser logs.
const open: TestSeatwise[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

describe('the console session status', () => {
  it('R-API-8: answers signedIn false without a cookie, with an unknown one and after sign-out; the user with a live one', async () => {
    const t = await newSeatwise({ SEATWISE_TEST_CLOCK: '1' });
    open.push(t);
    const status = (cookie?: string) =>
      t.app.inject({
        method: 'GET',
        url: '/v1/sessions/current',
        ...(cookie ? { cookies: { seatwise_session: cookie } } : {}),
      });
    const none = await status();
    expect(none.statusCode).toBe(200);
    expect(none.json()).toEqual({ signedIn: false });
    expect((await status('not-a-session')).json()).toEqual({ signedIn: false });

    const signIn = await t.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { userName: 'admin', password: BOOTSTRAP_PASSWORD },
    });
    const cookie = signIn.cookies.find((c) => c.name === 'seatwise_session')?.value ?? '';
    const { csrfToken } = signIn.json<{ csrfToken: string }>();
    const live = await status(cookie);
    expect(live.statusCode).toBe(200);
    expect(live.json()).toMatchObject({ signedIn: true, me: { user: { userName: 'admin' }, csrfToken } });

    const out = await t.app.inject({
      method: 'DELETE',
      url: '/v1/sessions/current',
      cookies: { seatwise_session: cookie },
      headers: { 'x-csrf-token': csrfToken },
    });
    expect(out.statusCode).toBe(204);
    expect((await status(cookie)).json()).toEqual({ signedIn: false });
  });
});
