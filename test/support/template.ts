import { join } from 'node:path';

const dir = join(import.meta.dirname, '..', '..', '.test-template');

/**
 * The two templates a test database is cloned from, built by the `db` project's global setup:
 * `bare` is only migrated; `catalog` also holds the demo catalog, imported at REFERENCE_TIME, so that a
 * whole-Seatwise test does not import it again.
 */
export type TemplateKind = 'bare' | 'catalog';

/** Where the embedded templates are dumped, and the key of the sources they were built from. */
export const PGLITE_TEMPLATES: Record<TemplateKind, string> = {
  bare: join(dir, 'pglite.tar.gz'),
  catalog: join(dir, 'pglite-catalog.tar.gz'),
};
export const PGLITE_TEMPLATE = PGLITE_TEMPLATES.bare;
export const PGLITE_TEMPLATE_KEY = join(dir, 'key');

export const PG_TEMPLATE_DB = 'seatwise_template';
export const PG_TEMPLATE_DBS: Record<TemplateKind, string> = {
  bare: PG_TEMPLATE_DB,
  catalog: 'seatwise_template_catalog',
};

/** Where test time starts: the catalog template's offers are imported at this instant. */
export const REFERENCE_TIME = new Date('2027-01-15T09:00:00.000Z');

/** Set by `npm test` (scripts/test.mjs) to run the suite on a PostgreSQL server instead of PGlite. */
export const serverUrl = (): string | undefined => process.env.SEATWISE_TEST_DATABASE_URL || undefined;

/** The same server URL pointing at another database. */
export function urlFor(database: string): string {
  const url = new URL(serverUrl() as string);
  url.pathname = `/${database}`;
  return url.toString();
}
