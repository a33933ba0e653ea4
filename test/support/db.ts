import { PGlite } from '@electric-sql/pglite';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../../src/db/schema.ts';
import { databaseFromPGlite, databaseFromUrl, type Database } from '../../src/db/database.ts';
import {
  citusWorkers,
  createTestDatabase,
  dropTestDatabase,
  PG_TEMPLATE_DBS,
  PGLITE_TEMPLATES,
  serverUrl,
  urlFor,
  type TemplateKind,
} from './template.ts';

export interface CloneOptions {
  /** `catalog` starts with the demo catalog imported; `bare` (the default) is only migrated. */
  template?: TemplateKind;
}

/**
 * A fresh, migrated database for one test: a clone of the run's template. Close it when done.
 *
 * On a PostgreSQL server each clone is `CREATE DATABASE … TEMPLATE`. On PGlite, starting an instance from
 * a dump costs seconds of WebAssembly work on a busy machine (most of a whole-Seatwise test's time), so a
 * test process keeps one instance per template and, when a test closes its clone, puts that instance back
 * into the template's state (see `EmbeddedClone.reset`); a clone asked for while that instance is lent out,
 * or after a test changed the schema, is a new instance.
 */
export async function cloneTestDatabase(options: CloneOptions = {}): Promise<Database> {
  const kind = options.template ?? 'bare';
  if (serverUrl()) return serverClone(kind);
  return embeddedClone(kind);
}

export const onServer = (): boolean => serverUrl() !== undefined;

async function serverClone(kind: TemplateKind): Promise<Database> {
  const name = `seatwise_t_${randomBytes(6).toString('hex')}`;
  await createTestDatabase(name, PG_TEMPLATE_DBS[kind]);
  const database = databaseFromUrl(urlFor(name), 4);
  return {
    ...database,
    close: async () => {
      try {
        await database.close();
      } finally {
        await dropTestDatabase(name);
      }
    },
  };
}

const templateBytes = new Map<TemplateKind, Buffer>();

async function loadEmbedded(kind: TemplateKind): Promise<PGlite> {
  let bytes = templateBytes.get(kind);
  if (!bytes) {
    bytes = readFileSync(PGLITE_TEMPLATES[kind]);
    templateBytes.set(kind, bytes);
  }
  return PGlite.create({ loadDataDir: new Blob([bytes], { type: 'application/x-gzip' }) });
}

/** The instance this process keeps per template, and whether a test holds it now. */
const kept = new Map<TemplateKind, { clone: EmbeddedClone; lent: boolean }>();

async function embeddedClone(kind: TemplateKind): Promise<Database> {
  const slot = kept.get(kind);
  if (slot && !slot.lent) {
    slot.lent = true;
    return slot.clone.lend(() => returned(kind, slot.clone));
  }
  const clone = await EmbeddedClone.start(kind);
  if (slot) return clone.lend(() => clone.pglite.close()); // the kept one is lent: this one is not kept
  kept.set(kind, { clone, lent: true });
  return clone.lend(() => returned(kind, clone));
}

async function returned(kind: TemplateKind, clone: EmbeddedClone): Promise<void> {
  const slot = kept.get(kind);
  if (slot?.clone !== clone) return clone.pglite.close();
  if (await clone.reset()) {
    slot.lent = false;
    return;
  }
  // The test changed something a reset does not undo (its schema): the next test gets a new instance.
  kept.delete(kind);
  await clone.pglite.close();
}

/**
 * What a reset cannot put back is a changed schema. Every DDL statement that creates, alters or drops
 * something (and commits) leaves a row in `test_support.schema_changes`, written by these event triggers;
 * a reset that finds one gives up the instance. They live outside the public schema, which is the
 * application's.
 */
const WATCH_SCHEMA = `
  create schema test_support;
  create table test_support.schema_changes (command text);
  create function test_support.note_schema_change() returns event_trigger language plpgsql as $$
  begin
    if tg_event = 'sql_drop' then
      insert into test_support.schema_changes values (tg_tag);
    elsif exists (select from pg_event_trigger_ddl_commands()) then
      insert into test_support.schema_changes values (tg_tag);
    end if;
  end $$;
  create event trigger test_support_ddl on ddl_command_end execute function test_support.note_schema_change();
  create event trigger test_support_drop on sql_drop execute function test_support.note_schema_change();`;

/** One PGlite instance loaded from a template dump, with what it needs to be put back into that state. */
class EmbeddedClone {
  private lease = 0;

  private constructor(
    readonly pglite: PGlite,
    /** Every table of the public schema but the migrations' own. */
    private readonly tables: string[],
    /** The tables that hold rows in the template, copied into session-private tables. */
    private readonly seeded: string[],
    private readonly sequences: { name: string; last: string; called: boolean }[],
  ) {}

  static async start(kind: TemplateKind): Promise<EmbeddedClone> {
    const pglite = await loadEmbedded(kind);
    const one = async <R>(text: string) => (await pglite.query<R>(text)).rows;
    const tables = (
      await one<{ name: string }>(
        "select quote_ident(tablename) as name from pg_tables where schemaname = 'public' and tablename not like 'kysely_migration%' order by 1",
      )
    ).map((r) => r.name);
    const seeded: string[] = [];
    for (const table of tables) {
      const [row] = await one<{ any: boolean }>(`select exists (select from ${table}) as any`);
      if (!row?.any) continue;
      // PGlite is one session for the instance's life, so its temporary tables outlive every test.
      await pglite.exec(`create temporary table ${seedOf(table)} as select * from ${table}`);
      seeded.push(table);
    }
    const sequences = await one<{ name: string; last: string; called: boolean }>(
      `select quote_ident(schemaname) || '.' || quote_ident(sequencename) as name,
              coalesce(last_value, start_value)::text as last, last_value is not null as called
         from pg_sequences where schemaname = 'public'`,
    );
    // Last, so that building the seeds above is not taken for a test's schema change.
    await pglite.exec(WATCH_SCHEMA);
    return new EmbeddedClone(pglite, tables, seeded, sequences);
  }

  /**
   * A Database over this instance for one test. Closing it (or Kysely's destroy) does not close the
   * instance but hands it back through `onReturn`; a query sent through it after that fails loudly
   * rather than reaching the next test's data.
   */
  lend(onReturn: () => Promise<void>): Database {
    const lease = ++this.lease;
    const target = this.pglite;
    let closed = false;
    const view = new Proxy(target, {
      get: (obj, prop) => {
        if (prop === 'close') return async () => {};
        if (prop === 'closed') return closed || obj.closed;
        const value: unknown = Reflect.get(obj, prop, obj);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (closed || this.lease !== lease) throw new Error('this test database was already closed');
          return (value as (...a: unknown[]) => unknown).apply(obj, args);
        };
      },
    });
    let closing: Promise<void> | undefined;
    const database = databaseFromPGlite(view);
    return {
      ...database,
      close: () =>
        (closing ??= (async () => {
          try {
            await database.close();
          } finally {
            closed = true;
            await onReturn();
          }
        })()),
    };
  }

  /** Puts the instance back into its template's state; false when the schema changed and it cannot. */
  async reset(): Promise<boolean> {
    const pglite = this.pglite;
    try {
      // A test that ended inside a transaction (a failed one) leaves it open: end it first.
      if (pglite.isInTransaction()) await pglite.exec('rollback');
      const [changed] = (
        await pglite.query<{ any: boolean }>('select exists (select from test_support.schema_changes) as any')
      ).rows;
      if (changed?.any !== false) return false;
      // Deleting a test's few rows is much cheaper on PGlite than TRUNCATE, which makes new files for
      // every table; with replication role `replica` no trigger or foreign key runs meanwhile.
      await pglite.exec(
        [
          'close all',
          'deallocate all',
          'unlisten *',
          'select pg_advisory_unlock_all()',
          'reset all',
          'discard plans',
          'discard sequences',
          'begin',
          'set local session_replication_role = replica',
          ...this.tables.map((table) => `delete from ${table}`),
          ...this.seeded.map(
            (table) => `insert into ${table} overriding system value select * from ${seedOf(table)}`,
          ),
          ...this.sequences.map(
            (s) =>
              `select setval('${s.name.replace(/'/g, "''")}', ${s.last}, ${s.called ? 'true' : 'false'})`,
          ),
          'commit',
        ].join(';\n'),
      );
      return true;
    } catch {
      return false;
    }
  }
}

const seedOf = (table: string) => `"seed ${table.replace(/"/g, '')}"`;

/**
 * How many sessions of this test's database wait on a lock. On one PostgreSQL that is pg_stat_activity; on
 * a Citus coordinator a blocked statement waits on the worker that holds the row, and the coordinator's
 * session only waits for the worker's answer, so every node's sessions are counted (citus_stat_activity).
 */
export async function sessionsWaitingOnALock(db: Kysely<Tables>): Promise<number> {
  const onCitus = serverUrl() !== undefined && (await citusWorkers()).length > 0;
  const view = sql.raw(onCitus ? 'citus_stat_activity' : 'pg_stat_activity');
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from ${view}
    where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
  return rows[0]?.n ?? 0;
}
