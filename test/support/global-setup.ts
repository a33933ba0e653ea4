import { PGlite } from '@electric-sql/pglite';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { ensureConsoleBuilt } from '../../scripts/build-web.mjs';
import {
  ensurePgliteTemplate,
  PGLITE_TEMPLATE as EMPTY_DATABASE,
} from '../../scripts/build-pglite-template.mjs';
import { DEMO_CATALOG_PATH, importCatalog, readCatalogFile } from '../../src/app/catalog.ts';
import { databaseFromPGlite, databaseFromUrl, migrate, type Database } from '../../src/db/database.ts';
import { distributeSchema } from '../../src/db/distribute.ts';
import {
  PG_TEMPLATE_DBS,
  prepareCitusTemplates,
  PGLITE_TEMPLATE_KEY,
  PGLITE_TEMPLATES,
  REFERENCE_TIME,
  serverUrl,
  urlFor,
} from './template.ts';

const root = join(import.meta.dirname, '..', '..');

/** The demo catalog as every whole-Seatwise test starts with it (tests make their own customers). */
async function importDemoCatalog(database: Database): Promise<void> {
  await importCatalog(database.db, readCatalogFile(DEMO_CATALOG_PATH), REFERENCE_TIME);
}

/**
 * Builds the run's two templates (only migrated; migrated with the demo catalog) that each test clones:
 * two template databases on a PostgreSQL server, two PGlite dumps on the embedded engine.
 */
export default async function setup(): Promise<void> {
  // The browser tests drive the built console: build it first when web/dist is missing or stale.
  await ensureConsoleBuilt({ quiet: true });
  if (serverUrl()) await serverTemplates();
  else await pgliteTemplates();
}

/** Opens `url` with one connection, runs `fn`, and closes it, so that the database can be a template after. */
async function withDatabase(url: string, fn: (database: Database) => Promise<unknown>): Promise<void> {
  const database = databaseFromUrl(url, 1);
  try {
    await fn(database);
  } finally {
    await database.close();
  }
}

async function serverTemplates(): Promise<void> {
  // A Citus coordinator (docs/scale-out.md): both templates on every node, distributed by partner.
  const onCitus = await prepareCitusTemplates(
    (url) => withDatabase(url, (d) => migrate(d.db)),
    (url) => withDatabase(url, (d) => distributeSchema(d.db)),
    (url) => withDatabase(url, importDemoCatalog),
  );
  if (onCitus) return;
  const admin = new pg.Client({ connectionString: urlFor('postgres') });
  await admin.connect();
  const sql = (text: string, values?: unknown[]) => admin.query<{ datname: string }>(text, values);
  try {
    const stale = await sql(
      "select datname from pg_database where datname like 'seatwise_t_%' or datname = any($1)",
      [Object.values(PG_TEMPLATE_DBS)],
    );
    for (const { datname } of stale.rows) await sql(`drop database if exists "${datname}" with (force)`);
    await sql(`create database ${PG_TEMPLATE_DBS.bare}`);
    const bare = databaseFromUrl(urlFor(PG_TEMPLATE_DBS.bare), 1);
    await migrate(bare.db);
    await bare.close();
    // A template cannot be copied while anyone is connected to it: the migration's pool is closed above.
    await sql(`create database ${PG_TEMPLATE_DBS.catalog} template ${PG_TEMPLATE_DBS.bare}`);
    const withCatalog = databaseFromUrl(urlFor(PG_TEMPLATE_DBS.catalog), 1);
    await importDemoCatalog(withCatalog);
    await withCatalog.close();
  } finally {
    await admin.end();
  }
}

/** Every file whose change can change what the embedded templates hold. */
function templateSources(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir)
      .sort()
      .flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? walk(path) : [path];
      });
  return [
    ...walk(join(root, 'src', 'db')),
    join(root, 'src', 'app', 'catalog.ts'),
    DEMO_CATALOG_PATH,
    join(import.meta.dirname, 'global-setup.ts'),
    join(import.meta.dirname, 'template.ts'),
    join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json'),
  ];
}

function templateKey(): string {
  const hash = createHash('sha256');
  for (const path of templateSources()) hash.update(path).update('\0').update(readFileSync(path));
  return hash.digest('hex');
}

/**
 * The embedded templates are rebuilt only when a source they come from changed (the key is a hash of
 * those files), so a targeted run does not spend its first half-minute on initdb and migrations.
 * SEATWISE_TEST_FRESH_TEMPLATE=1 rebuilds them anyway.
 */
async function pgliteTemplates(): Promise<void> {
  const key = templateKey();
  const fresh =
    process.env.SEATWISE_TEST_FRESH_TEMPLATE !== '1' &&
    Object.values(PGLITE_TEMPLATES).every((path) => existsSync(path)) &&
    existsSync(PGLITE_TEMPLATE_KEY) &&
    readFileSync(PGLITE_TEMPLATE_KEY, 'utf8') === key;
  if (fresh) return;
  // Start from the empty database `npm install` made (no initdb), when the installed PGlite made it.
  const empty =
    (await ensurePgliteTemplate().catch(() => 'missing')) !== 'missing' && existsSync(EMPTY_DATABASE);
  const pglite = await PGlite.create(
    empty ? { loadDataDir: new Blob([readFileSync(EMPTY_DATABASE)], { type: 'application/x-gzip' }) } : {},
  );
  const database = databaseFromPGlite(pglite);
  try {
    await migrate(database.db);
    await dump(pglite, PGLITE_TEMPLATES.bare);
    await importDemoCatalog(database);
    await dump(pglite, PGLITE_TEMPLATES.catalog);
    writeFileSync(PGLITE_TEMPLATE_KEY, key);
  } finally {
    await database.close();
  }
}

async function dump(pglite: PGlite, path: string): Promise<void> {
  const data = await pglite.dumpDataDir('gzip');
  mkdirSync(dirname(path), { recursive: true });
  // Written aside and renamed: a run started at the same moment never reads half a file.
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.from(await data.arrayBuffer()));
  renameSync(tmp, path);
}
