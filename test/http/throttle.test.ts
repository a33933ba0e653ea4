import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/app/audit.ts';
import { addressKey } from '../../src/app/guessing.ts';
import { createPartnerUser, issueApiToken } from '../../src/app/partners.ts';
import { assemble } from '../../src/composition.ts';
import { loadConfig } from '../../src/config.ts';
import { databaseFromUrl } from '../../src/db/database.ts';
import { buildApp, type App } from '../../src/http/app.ts';
import { onServer } from '../support/db.ts';
import { partnerIdOf } from '../support/factories.ts';
import { BOOTSTRAP_PASSWORD, newSeatwise, REFERENCE_TIME, type TestSeatwise } from '../support/seatwise.ts';
import { urlFor } from '../support/template.ts';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});
const start = async (env: Record<string, string> = {}) => {
  const t = await newSeatwise(env);
  open.push(t);
  return t;
};

const ATTACKER = '203.0.113.66';
const OFFICE = '198.51.100.7';
const WINDOW_MS = 900_000;

const signIn = (app: App, userName: string, password: string, remoteAddress = ATTACKER) =>
  app.inject({ method: 'POST', url: '/v1/sessions', payload: { userName, password }, remoteAddress });

const withToken = (app: App, token: string, remoteAddress = ATTACKER) =>
  app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` }, remoteAddress });

const statuses = (answers: { statusCode: number }[]) => answers.map((a) => a.statusCode);

async function refusals(t: TestSeatwise, credential: string, outcome: string): Promise<number> {
  const metric = await t.seatwise.metrics.getSingleMetric('seatwise_auth_refusals_total')?.get();
  return (
    metric?.values.find((v) => v.labels.credential === credential && v.labels.outcome === outcome)?.value ?? 0
  );
}

async function signInAudit(t: TestSeatwise) {
  return t.seatwise.db
    .selectFrom('audit_records')
    .select(['operation_type', 'operation_status', 'user_principal_name', 'resource_type', 'reason'])
    .where('operation_type', 'in', ['sign_in_failed', 'sign_in_throttled'])
    .orderBy('operation_date')
    .execute();
}

const moveClock = async (t: TestSeatwise, ms: number) => {
  const clock = t.seatwise.testClock;
  if (!clock) throw new Error('the test clock is off');
  await clock.moveTo(new Date(clock.now().getTime() + ms));
};

describe('guessing passwords is throttled (R-SEC-1)', () => {
  it('R-SEC-1: after 10 wrong passwords for a name from one address, the 11th attempt is a 429 with Retry-After, even with the right password, until the window has passed', async () => {
    const t = await start();
    const wrong = [];
    for (let i = 0; i < 10; i++) wrong.push(await signIn(t.app, 'admin', `guess-${i}`));
    expect(statuses(wrong)).toEqual(Array(10).fill(401));

    const right = await signIn(t.app, 'admin', BOOTSTRAP_PASSWORD);
    expect(right.statusCode).toBe(429);
    expect(right.cookies).toEqual([]);
    expect(Number(right.headers['retry-after'])).toBe(WINDOW_MS / 1000);
    expect(right.json()).toMatchObject({
      code: 429,
      data: [{ rule: 'R-SEC-1', retryAfterSeconds: WINDOW_MS / 1000 }],
    });
    expect(right.json<{ description: string }>().description).toContain('900 seconds');

    // Recorded: each failure and the start of the throttle in the partner's audit log, and in the metric.
    const audit = await signInAudit(t);
    expect(audit.map((a) => a.operation_type)).toEqual([
      ...Array<string>(10).fill('sign_in_failed'),
      'sign_in_throttled',
    ]);
    expect(audit.every((a) => a.operation_status === 'failed' && a.user_principal_name === 'admin')).toBe(
      true,
    );
    expect(audit.at(-1)?.reason).toContain(ATTACKER);
    expect(await refusals(t, 'password', 'invalid')).toBe(10);
    expect(await refusals(t, 'password', 'throttled')).toBe(1);
    // Later refusals are counted, but the audit log records the throttle once.
    expect((await signIn(t.app, 'admin', 'guess-11')).statusCode).toBe(429);
    expect(await signInAudit(t)).toHaveLength(11);
    expect(await refusals(t, 'password', 'throttled')).toBe(2);

    // Time passes on the test clock: the name may be tried again, and the right password works.
    await moveClock(t, WINDOW_MS - 60_000);
    expect(Number((await signIn(t.app, 'admin', BOOTSTRAP_PASSWORD)).headers['retry-after'])).toBe(60);
    await moveClock(t, 60_000);
    expect((await signIn(t.app, 'admin', BOOTSTRAP_PASSWORD)).statusCode).toBe(201);
  });

  it('R-SEC-1: the throttle holds that name from that address: the user signs in from another address, and the attacker may still try another name', async () => {
    const t = await start();
    const partnerId = await partnerIdOf(t);
    await createPartnerUser(
      t.seatwise.db,
      partnerId,
      systemContext('test'),
      { userName: 'sales', role: 'SalesAgent', password: 'sales-password' },
      REFERENCE_TIME,
    );
    for (let i = 0; i < 10; i++) await signIn(t.app, 'ADMIN', `guess-${i}`); // names compare without case
    expect((await signIn(t.app, 'admin', BOOTSTRAP_PASSWORD)).statusCode).toBe(429);
    expect((await signIn(t.app, 'admin', BOOTSTRAP_PASSWORD, OFFICE)).statusCode).toBe(201);
    expect((await signIn(t.app, 'sales', 'sales-password')).statusCode).toBe(201);
  });

  it('R-SEC-1: a successful sign-in starts the name count again, so a user who mistypes now and then is never throttled', async () => {
    const t = await start();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 9; i++) expect((await signIn(t.app, 'admin', 'typo', OFFICE)).statusCode).toBe(401);
      expect((await signIn(t.app, 'admin', BOOTSTRAP_PASSWORD, OFFICE)).statusCode).toBe(201);
    }
  });

  it('R-SEC-1: one address trying many names is throttled at the address limit; names that are nobody are counted alike', async () => {
    const t = await start({ SEATWISE_SIGN_IN_ADDRESS_LIMIT: '12' });
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await signIn(t.app, `nobody-${i}`, 'guess'));
    expect(statuses(answers)).toEqual(Array(12).fill(401));
    const next = await signIn(t.app, 'admin', BOOTSTRAP_PASSWORD);
    expect(next.statusCode).toBe(429);
    expect(Number(next.headers['retry-after'])).toBeGreaterThan(0);
    // The attempt on a real name that began the throttle is in that partner's audit log.
    expect((await signInAudit(t)).map((a) => a.operation_type)).toEqual(['sign_in_throttled']);
    expect((await signIn(t.app, 'admin', BOOTSTRAP_PASSWORD, OFFICE)).statusCode).toBe(201);
  });

  it('R-SEC-1: concurrent guesses cannot slip in before the count: of 30 at once, 10 are checked and 20 refused unseen', async () => {
    const t = await start();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        signIn(t.app, 'admin', i === 29 ? BOOTSTRAP_PASSWORD : `guess-${i}`),
      ),
    );
    const counts = statuses(answers).reduce<Record<number, number>>(
      (m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }),
      {},
    );
    expect(counts[429]).toBeGreaterThanOrEqual(19);
    expect((counts[401] ?? 0) + (counts[201] ?? 0)).toBe(10);
    expect((await signIn(t.app, 'admin', BOOTSTRAP_PASSWORD)).statusCode).toBe(429);
  });

  it.skipIf(!onServer())(
    'R-SEC-1: two server processes on one PostgreSQL count the same attempts',
    async () => {
      const t = await start();
      const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(t.seatwise.db);
      const config = loadConfig({
        SEATWISE_LOG_LEVEL: 'silent',
        SEATWISE_DEMO: '0',
        SEATWISE_TEST_CLOCK: '1',
      });
      const other = await assemble(config, {
        database: databaseFromUrl(urlFor(rows[0]?.name ?? ''), 4),
        bootstrap: false,
        print: () => {},
      });
      const otherApp = await buildApp(other);
      open.push({ close: async () => (await otherApp.close(), await other.close()) });
      const apps = [t.app, otherApp];
      const answers = [];
      for (let i = 0; i < 10; i++) answers.push(await signIn(apps[i % 2] as App, 'admin', `guess-${i}`));
      expect(statuses(answers)).toEqual(Array(10).fill(401));
      expect((await signIn(otherApp, 'admin', BOOTSTRAP_PASSWORD)).statusCode).toBe(429);
      expect((await signIn(t.app, 'admin', BOOTSTRAP_PASSWORD)).statusCode).toBe(429);
      const stored = await t.seatwise.db.selectFrom('auth_attempts').selectAll().execute();
      // Only hashes are kept: neither the name nor the address.
      expect(JSON.stringify(stored)).not.toMatch(/admin|203\.0\.113/);
    },
  );
});

describe('guessing bearer tokens is throttled (R-SEC-1)', () => {
  it('R-SEC-1: after 50 invalid tokens from one address, tokens from it are refused with 429 and Retry-After until the window has passed; other addresses are not', async () => {
    const t = await start();
    const answers = [];
    for (let i = 0; i < 50; i++) answers.push(await withToken(t.app, `sw_global_guess${i}`));
    expect(statuses(answers)).toEqual(Array(50).fill(401));
    const refused = await withToken(t.app, 'sw_global_guess50');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBe(WINDOW_MS / 1000);
    expect(refused.json()).toMatchObject({ code: 429, data: [{ rule: 'R-SEC-1' }] });
    expect(await refusals(t, 'token', 'invalid')).toBe(50);
    expect(await refusals(t, 'token', 'throttled')).toBe(1);

    // A good token this process has not seen yet is looked up, so it is refused from that address too...
    const partnerId = await partnerIdOf(t);
    const user = await createPartnerUser(
      t.seatwise.db,
      partnerId,
      systemContext('test'),
      { userName: 'robot', role: 'AdminAgent' },
      REFERENCE_TIME,
    );
    const good = await issueApiToken(
      t.seatwise.db,
      partnerId,
      systemContext('test'),
      { userId: user.id, name: 'ci', cloud: 'global' },
      REFERENCE_TIME,
    );
    expect((await withToken(t.app, good.token)).statusCode).toBe(429);
    // ...while other addresses are served, and a malformed Authorization header counts as a refusal too.
    expect((await withToken(t.app, good.token, OFFICE)).statusCode).toBe(200);
    const malformed = await t.app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { authorization: 'Basic abc' },
      remoteAddress: ATTACKER,
    });
    expect(malformed.statusCode).toBe(429);

    await moveClock(t, WINDOW_MS);
    expect((await withToken(t.app, 'sw_global_guess51')).statusCode).toBe(401);
    expect((await withToken(t.app, good.token)).statusCode).toBe(200);
  });

  it('R-SEC-1: the token limit is a setting, and an IPv6 client is counted by its /64', async () => {
    const t = await start({ SEATWISE_TOKEN_FAILURE_LIMIT: '3' });
    const net = '2001:db8:1:2';
    for (let i = 0; i < 3; i++) {
      expect((await withToken(t.app, `sw_global_x${i}`, `${net}::${i + 1}`)).statusCode).toBe(401);
    }
    expect((await withToken(t.app, 'sw_global_x3', `${net}:ffff::9`)).statusCode).toBe(429);
    expect((await withToken(t.app, 'sw_global_x4', '2001:db8:1:3::1')).statusCode).toBe(401);
  });

  it('R-SEC-1: addresses are counted as the client holds them', () => {
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::')).toBe(addressKey('2001:db8:1:2:ffff::1'));
    expect(addressKey('not an address')).toBe('not an address');
  });
});
