import { onTestFinished } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import { assemble, type AssembleOptions, type Seatwise } from '../../src/composition.ts';
import { buildApp, type App } from '../../src/http/app.ts';
import { cloneTestDatabase } from './db.ts';
import { REFERENCE_TIME } from './template.ts';

export { REFERENCE_TIME };
export const BOOTSTRAP_TOKEN = 'test-bootstrap-token';
export const BOOTSTRAP_PASSWORD = 'test-bootstrap-password';

export interface TestSeatwise {
  seatwise: Seatwise;
  app: App;
  /** Headers that authenticate as the bootstrap GlobalAdmin. */
  auth: { authorization: string };
  /** Closes the app and its database; calling it again does nothing. */
  close(): Promise<void>;
}

/** Settings as the environment would give them, over the test defaults. */
export type TestEnv = Record<string, string>;
/** Adapters to replace, such as the host name resolver of webhooks. */
export type TestAdapters = Pick<AssembleOptions, 'resolveHost'>;

/** A setup step that failed, named, with the step's own error as its cause. */
export class TestSetupError extends Error {
  constructor(step: string, cause: unknown) {
    super(`test setup failed while ${step}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'TestSetupError';
  }
}

/** Runs one setup step; on failure undoes what was already built and throws the step's error, named. */
export async function step<T>(name: string, run: () => Promise<T>, undo: () => Promise<unknown>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    await undo().catch(() => {});
    throw new TestSetupError(name, e);
  }
}

export function testConfig(env: TestEnv = {}): Config {
  return loadConfig({
    SEATWISE_BOOTSTRAP_TOKEN: BOOTSTRAP_TOKEN,
    SEATWISE_BOOTSTRAP_PASSWORD: BOOTSTRAP_PASSWORD,
    SEATWISE_LOG_LEVEL: 'silent',
    SEATWISE_DEMO: '0',
    // Dates in tests are exact: time starts at REFERENCE_TIME and moves only when a test moves it.
    SEATWISE_TEST_CLOCK: '1',
    ...env,
  });
}

/**
 * A Seatwise (no HTTP app) on a fresh clone of the template that holds the demo catalog, bootstrapped
 * (R-API-8) with known credentials, its test clock at REFERENCE_TIME. Tests make their own customers.
 */
export async function newCore(env: TestEnv = {}, options: TestAdapters = {}): Promise<Seatwise> {
  const config = await step(
    'reading the settings',
    async () => testConfig(env),
    async () => {},
  );
  const database = await step(
    'cloning the template database',
    () => cloneTestDatabase({ template: 'catalog' }),
    async () => {},
  );
  const seatwise = await step(
    'assembling Seatwise on the clone',
    () => assemble(config, { ...options, database, print: () => {} }),
    () => database.close(),
  );
  await step(
    'setting the test clock',
    async () => {
      if (seatwise.testClock && seatwise.testClock.now() < REFERENCE_TIME)
        await seatwise.testClock.moveTo(REFERENCE_TIME);
    },
    () => seatwise.close(),
  );
  return seatwise;
}

/**
 * A whole Seatwise on a fresh clone of the migrated database with the demo catalog, bootstrapped (R-API-8)
 * with known credentials, its HTTP app ready for `inject`. `env` overrides settings as the environment
 * would. The caller closes it; `buildSeatwise` closes it for you.
 */
export async function newSeatwise(env: TestEnv = {}, options: TestAdapters = {}): Promise<TestSeatwise> {
  const seatwise = await newCore(env, options);
  const app = await step(
    'building the HTTP app',
    () => buildApp(seatwise),
    () => seatwise.close(),
  );
  let closing: Promise<void> | undefined;
  return {
    seatwise,
    app,
    auth: { authorization: `Bearer ${BOOTSTRAP_TOKEN}` },
    close: () =>
      (closing ??= (async () => {
        try {
          await app.close();
        } finally {
          await seatwise.close();
        }
      })()),
  };
}

/**
 * `newSeatwise` for the test that calls it, closed when that test finishes, passed or failed. No shared
 * `let t` and `afterEach(t.close)`: when setup fails, the test fails with the setup's own error, named
 * (TestSetupError), and nothing else runs against a half-built Seatwise.
 *
 *     it('R-XXX-1: …', async () => {
 *       const t = await buildSeatwise();
 *       …
 *     });
 */
export async function buildSeatwise(env: TestEnv = {}, options: TestAdapters = {}): Promise<TestSeatwise> {
  const t = await newSeatwise(env, options);
  onTestFinished(() => t.close());
  return t;
}
