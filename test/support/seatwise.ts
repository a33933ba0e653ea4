import { DEMO_CATALOG_PATH, importCatalog, readCatalogFile } from '../../src/app/catalog.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { assemble, type AssembleOptions, type Seatwise } from '../../src/composition.ts';
import { buildApp, type App } from '../../src/http/app.ts';
import { cloneTestDatabase } from './db.ts';

export const BOOTSTRAP_TOKEN = 'test-bootstrap-token';
export const BOOTSTRAP_PASSWORD = 'test-bootstrap-password';
export const REFERENCE_TIME = new Date('2027-01-15T09:00:00.000Z');

export interface TestSeatwise {
  seatwise: Seatwise;
  app: App;
  /** Headers that authenticate as the bootstrap GlobalAdmin. */
  auth: { authorization: string };
  close(): Promise<void>;
}

/**
 * A whole Seatwise on a fresh clone of the migrated database, bootstrapped (R-API-8) with known
 * credentials, its HTTP app ready for `inject`. `env` overrides settings as the environment would.
 */
export async function newSeatwise(
  env: Record<string, string> = {},
  /** Adapters to replace, such as the host name resolver of webhooks. */
  options: Pick<AssembleOptions, 'resolveHost'> = {},
): Promise<TestSeatwise> {
  const config: Config = loadConfig({
    SEATWISE_BOOTSTRAP_TOKEN: BOOTSTRAP_TOKEN,
    SEATWISE_BOOTSTRAP_PASSWORD: BOOTSTRAP_PASSWORD,
    SEATWISE_LOG_LEVEL: 'silent',
    SEATWISE_DEMO: '0',
    // Dates in tests are exact: time starts at REFERENCE_TIME and moves only when a test moves it.
    SEATWISE_TEST_CLOCK: '1',
    ...env,
  });
  const database = await cloneTestDatabase();
  const seatwise = await assemble(config, { ...options, database, print: () => {} });
  if (seatwise.testClock && seatwise.testClock.now() < REFERENCE_TIME)
    await seatwise.testClock.moveTo(REFERENCE_TIME);
  // The demo catalog, without the demo partner's data: tests make their own customers.
  await importCatalog(seatwise.db, demoOffers(), REFERENCE_TIME);
  const app = await buildApp(seatwise);
  return {
    seatwise,
    app,
    auth: { authorization: `Bearer ${BOOTSTRAP_TOKEN}` },
    close: async () => {
      await app.close();
      await seatwise.close();
    },
  };
}

let offers: ReturnType<typeof readCatalogFile> | undefined;
const demoOffers = () => (offers ??= readCatalogFile(DEMO_CATALOG_PATH));
