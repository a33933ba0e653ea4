import { join } from 'node:path';

/** Where the migrated template of the embedded database is dumped once per run. */
export const PGLITE_TEMPLATE = join(import.meta.dirname, '..', '..', '.test-template', 'pglite.tar.gz');
export const PG_TEMPLATE_DB = 'seatwise_template';

/** Set by `npm test` (scripts/test.mjs) to run the suite on a PostgreSQL server instead of PGlite. */
export const serverUrl = (): string | undefined => process.env.SEATWISE_TEST_DATABASE_URL || undefined;

/** The same server URL pointing at another database. */
export function urlFor(database: string): string {
  const url = new URL(serverUrl() as string);
  url.pathname = `/${database}`;
  return url.toString();
}
