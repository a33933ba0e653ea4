import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import { Migrator, type MigrationResultSet } from 'kysely/migration';
import pg from 'pg';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lockDataDir } from './data-dir-lock.ts';
import { isDistributed, migrateDistributed } from './distribute.ts';
import { MIGRATIONS } from './migrations/index.ts';
import type { Tables } from './schema.ts';

export type Db = Kysely<Tables>;
export type Engine = 'pglite' | 'postgres';

export interface Database {
  db: Db;
  engine: Engine;
  close(): Promise<void>;
}

/** Wraps an open PGlite instance (a data directory, or a clone loaded in memory for a test). */
export function databaseFromPGlite(pglite: PGlite, onClose: () => void = () => {}): Database {
  // PGlite is one session: a query sent while another caller's transaction is open would run inside it.
  // Kysely's PGliteDialect declares a single connection, so Kysely hands it to one caller at a time and a transaction holds it from BEGIN to COMMIT; test/db/database.test.ts checks it.
  const db = new Kysely<Tables>({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    engine: 'pglite',
    close: async () => {
      try {
        await db.destroy();
        if (!pglite.closed) await pglite.close();
      } finally {
        onClose();
      }
    },
  };
}

export function databaseFromUrl(url: string, poolSize = 10): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its server must not crash the process; the next query reports the error.
  pool.on('error', () => {});
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  return { db, engine: 'postgres', close: () => db.destroy() };
}

const root = join(import.meta.dirname, '..', '..');
const PGLITE_PACKAGE = join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json');

/** The empty database `npm install` made (scripts/build-pglite-template.mjs), made by the installed PGlite. */
const PGLITE_TEMPLATE = join(root, 'dist', 'pglite-template.tar.gz');

/**
 * For a data directory with no database yet: the template to unpack instead of running initdb, which is
 * most of a first start's time. Without a template (or one another PGlite version made), PGlite runs initdb.
 */
function emptyDatabaseTemplate(pgdata: string): { loadDataDir?: Blob } {
  if (existsSync(join(pgdata, 'PG_VERSION')) || !existsSync(PGLITE_TEMPLATE)) return {};
  try {
    const version = readFileSync(`${PGLITE_TEMPLATE}.version`, 'utf8');
    const installed = (JSON.parse(readFileSync(PGLITE_PACKAGE, 'utf8')) as { version: string }).version;
    if (version !== installed) return {};
    return { loadDataDir: new Blob([readFileSync(PGLITE_TEMPLATE)], { type: 'application/x-gzip' }) };
  } catch {
    return {};
  }
}

export interface OpenOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  /** Named in the lock file, so that a refused second process knows who holds the directory. */
  command: string;
}

/**
 * Opens the configured database: the PostgreSQL server when DATABASE_URL is set, otherwise the embedded
 * one in the data directory, which this process then owns exclusively until `close()`.
 */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) return databaseFromUrl(options.databaseUrl);
  const release = lockDataDir(options.dataDir, options.command);
  const onExit = () => release();
  process.once('exit', onExit);
  try {
    const pgdata = join(options.dataDir, 'pgdata');
    const pglite = await PGlite.create({ dataDir: pgdata, ...emptyDatabaseTemplate(pgdata) });
    return databaseFromPGlite(pglite, () => {
      process.off('exit', onExit);
      release();
    });
  } catch (e) {
    process.off('exit', onExit);
    release();
    throw e;
  }
}

/** Brings the schema up to date. Running it again is a no-op. */
export async function migrate(db: Db): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
  });
  // On a Citus cluster already spread by partner, migrations run one by one, each one's tables placed.
  if (await isDistributed(db)) return migrateDistributed(db);
  const result = await migrator.migrateToLatest();
  if (result.error)
    throw result.error instanceof Error
      ? result.error
      : new Error('migration failed', { cause: result.error });
  return result;
}

/**
 * Runs `fn` in a transaction: a new one, or the caller's when `db` already is one (a use case composed into a
 * larger change, or run inside the transaction that records its MS-RequestId, `src/http/idempotency.ts`).
 * Everything the change writes is an explicit statement inside `fn`, in the order it happens; nothing is
 * queued, and nothing runs after COMMIT.
 */
export function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
