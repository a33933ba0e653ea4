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

/**
 * Statement texts and the names they are prepared under, for the whole process: the same text has the same
 * name on every connection. Kysely builds a statement's text from the query's shape and sends the values
 * apart, so a route sends the same few texts again and again; PostgreSQL then parses and plans each one once
 * per connection instead of on every call (an order's PostgreSQL CPU fell by about 30 %, docs/benchmarks.md).
 * Texts past the cap (a bulk insert's row count makes a new text) run unnamed, as every statement did before.
 */
const statementNames = new Map<string, number>();
// A statement prepared on a connection holds about 20 KB of the server's memory (measured for a two-table
// insert with pg_backend_memory_contexts): the cap keeps that under about 10 MB per connection. Placing orders
// used 78 texts in all.
const MAX_NAMED_STATEMENTS = 500;
const MAX_NAMED_TEXT = 8_000;

function statementNumber(text: string): number | undefined {
  // Checked first: looking a long text up hashes all of it.
  if (text.length > MAX_NAMED_TEXT) return undefined;
  let n = statementNames.get(text);
  if (n === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
    n = statementNames.size;
    statementNames.set(text, n);
  }
  return n;
}

/** PostgreSQL refuses a prepared `SELECT *` once its table gained or lost a column (another process migrated). */
const isStalePlan = (e: unknown) =>
  (e as { code?: string }).code === '0A000' && String((e as Error).message).includes('cached plan');

/**
 * pg's client, sending Kysely's parameterised statements as named prepared statements. When a migration run
 * by another process changes a table under a prepared `SELECT *`, that statement fails once with PostgreSQL's
 * "cached plan must not change result type"; the connection then prepares every statement afresh under new
 * names, so the next request succeeds (test/db/prepared-statements.test.ts).
 */
class PreparingClient extends pg.Client {
  #generation = 0;

  // @ts-expect-error pg's overloads: Kysely calls query(text, values) and awaits the promise.
  override query(config: unknown, values?: unknown, callback?: unknown) {
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined) {
      const n = statementNumber(config);
      if (n !== undefined) {
        const name = `sw${n}_${this.#generation}`;
        return super.query({ name, text: config, values }).catch((e: unknown) => {
          if (isStalePlan(e)) this.#generation += 1;
          throw e;
        });
      }
    }
    // @ts-expect-error passed on as given
    return super.query(config, values, callback);
  }
}

export function databaseFromUrl(url: string, poolSize = 10): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    Client: PreparingClient as unknown as typeof pg.Client,
  });
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
