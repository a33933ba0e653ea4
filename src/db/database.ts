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

/** What pg reads on a Query it is given (not in its type declarations): the statement's name and the answer's callback. */
type Submitted = pg.Query & {
  name?: string;
  callback: (e: Error | null, result: pg.QueryResult) => void;
};

const done = (command: string): Partial<pg.QueryResult> => ({
  command,
  rowCount: null,
  rows: [],
  fields: [],
});

/**
 * pg's client, as Kysely uses it (one statement at a time, awaited), with two savings:
 *
 * - Kysely's parameterised statements go as named prepared statements. When a migration run by another
 *   process changes a table under a prepared `SELECT *`, that statement fails once with PostgreSQL's "cached
 *   plan must not change result type"; the connection then prepares every statement afresh under new names,
 *   so the next request succeeds (test/db/prepared-statements.test.ts).
 * - A transaction's BEGIN is held back and written together with its first statement (the connection runs in
 *   pg's pipeline mode), so a transaction costs one round trip less; one with no statement sends nothing. The
 *   answers come back in order: should BEGIN itself fail, the statement written behind it fails with BEGIN's
 *   error, so the use case stops there as it would have at BEGIN.
 * - Statements handed over together (`sendTogether`) are written together, in one socket write.
 */
class PreparingClient extends pg.Client {
  #generation = 0;
  #corked = false;
  #beginHeld = false;
  #beginFailure: Error | undefined;

  // @ts-expect-error pg's overloads: Kysely calls query(text, values) and awaits the promise.
  override query(config: unknown, values?: unknown, callback?: unknown) {
    if (
      typeof config !== 'string' ||
      callback !== undefined ||
      (values !== undefined && !Array.isArray(values))
    ) {
      // @ts-expect-error passed on as given
      return super.query(config, values, callback);
    }
    const params = (values ?? []) as unknown[];
    // BEGIN, COMMIT and ROLLBACK as Kysely sends them: short texts without values.
    const command = params.length === 0 && config.length <= 8 ? config.toUpperCase() : '';
    if (command === 'BEGIN') {
      this.#beginHeld = true;
      return Promise.resolve(done(command));
    }
    if (this.#beginHeld) {
      this.#beginHeld = false;
      if (command === 'COMMIT' || command === 'ROLLBACK') return Promise.resolve(done(command));
      this.#beginFailure = undefined;
      this.#submit('begin', [], undefined, (e) => (this.#beginFailure = e ?? undefined));
    }
    const n = params.length > 0 ? statementNumber(config) : undefined;
    const name = n === undefined ? undefined : `sw${n}_${this.#generation}`;
    return new Promise<pg.QueryResult>((resolve, reject) => {
      this.#submit(config, params, name, (e, result) => {
        const failure = this.#beginFailure ?? e;
        this.#beginFailure = undefined;
        if (failure && isStalePlan(failure)) this.#generation += 1;
        if (failure) reject(failure);
        else resolve(result);
      });
    }).catch((e: unknown) => {
      // As pg does: the stack then leads back to the statement's caller, not to the socket's read.
      if (e instanceof Error) Error.captureStackTrace(e);
      throw e;
    });
  }

  /**
   * Hands pg a Query made from the text, named afterwards: pg copies a config object that carries a name
   * property by property (Object.defineProperties), a fiftieth of an order's server CPU.
   */
  #submit(text: string, params: unknown[], name: string | undefined, callback: Submitted['callback']): void {
    const query = new pg.Query(text, params) as Submitted;
    if (name !== undefined) query.name = name;
    query.callback = callback;
    this.#holdWrites();
    super.query(query);
  }

  /**
   * Statements handed over in one turn of the event loop (a held BEGIN and its statement, `sendTogether`)
   * leave in one socket write: the socket is corked until the turn ends.
   */
  #holdWrites(): void {
    if (this.#corked) return;
    const { stream } = this.connection;
    this.#corked = true;
    stream.cork();
    process.nextTick(() => {
      this.#corked = false;
      stream.uncork();
    });
  }
}

export function databaseFromUrl(url: string, poolSize = 10): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // Statements written before the previous one's answer came back: a held BEGIN (PreparingClient) and the
    // statements handed over together (sendTogether).
    pipeline: true,
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
