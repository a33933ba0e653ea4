import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationResult, type MigrationResultSet } from 'kysely/migration';
import { MIGRATIONS } from './migrations/index.ts';
/* eslint-disable @typescript-eslint/no-explicit-any -- the schema's own tables are read through the catalog, whatever the Tables type says. */

/**
 * Spreads the schema over a Citus cluster, by partner (SPEC §8): every table holding one partner's data is
 * hash-distributed on `partner_id`, all of them colocated, so that one partner's rows of every table live on
 * the same node and a query that names the partner runs on that node alone. The shared tables that partner
 * tables join or reference are copied to every node (Citus reference tables). Two shared tables that no query
 * joins and that change at every request or heartbeat stay plain tables on the coordinator.
 *
 * Citus refuses some orders of doing this: making `partners` a reference table while local tables still
 * reference it silently turns those tables into coordinator-local Citus tables, and every later call fails.
 * So the foreign keys are dropped first, every table is placed, and the same constraints are added back,
 * checked again against the data. Running it again changes nothing.
 */

/**
 * Shared tables that stay on the coordinator as ordinary PostgreSQL tables (no partner data, never joined).
 * `access_cache_processes` exists only in a schema distributed before migration 0010 dropped it.
 */
export const COORDINATOR_TABLES = ['access_cache_processes', 'auth_attempts'] as const;

/**
 * Tables that carry `partner_id` but are shared all the same: a sign-in name and a customer domain are looked
 * up across partners (a person signs in with a name alone; a domain is unique on the instance).
 */
export const SHARED_WITH_PARTNER_COLUMN = ['sign_in_names', 'customer_domains'] as const;

/** The partner table the others are colocated with. */
const ANCHOR = 'customers';

/** The migrator's own bookkeeping: local to the coordinator, never distributed. */
const IGNORED = new Set(['kysely_migration', 'kysely_migration_lock']);

export type Placement = 'distributed' | 'reference' | 'coordinator';

export interface DistributionReport {
  /** Each table of the schema and where it is now. */
  tables: { name: string; placement: Placement; changed: boolean }[];
  /** Foreign keys dropped and added back (0 when nothing had to move). */
  foreignKeys: number;
}

/** Refused before anything changed: the reason, in words an operator can act on. */
export class DistributionRefused extends Error {
  override name = 'DistributionRefused';
}

/** Whether the database runs Citus (the `citus` extension is created in it). */
export async function hasCitus(db: Kysely<any>): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'citus'`.execute(db);
  return (rows[0]?.n ?? 0) > 0;
}

/** Where each table of the schema should go: partner tables distributed, the rest reference or local. */
export function placementOf(table: string, hasPartnerColumn: boolean): Placement {
  if ((COORDINATOR_TABLES as readonly string[]).includes(table)) return 'coordinator';
  if ((SHARED_WITH_PARTNER_COLUMN as readonly string[]).includes(table)) return 'reference';
  return hasPartnerColumn ? 'distributed' : 'reference';
}

interface TableState {
  name: string;
  hasPartnerColumn: boolean;
  /** pg_dist_partition's partmethod and repmodel, null for a table Citus does not know. */
  partmethod: string | null;
  repmodel: string | null;
  distributionColumn: string | null;
  colocationId: number | null;
}

const currentPlacement = (t: TableState): Placement | 'citus-local' | 'other' => {
  if (t.partmethod === null) return 'coordinator';
  if (t.partmethod === 'h') return 'distributed';
  if (t.partmethod === 'n' && t.repmodel === 't') return 'reference';
  if (t.partmethod === 'n') return 'citus-local';
  return 'other';
};

/**
 * A coordinator holds shards too (of the reference tables, in the same schema): they are Citus's business,
 * never a table of the schema.
 */
const notAShard = (alias: string) =>
  sql.raw(
    `NOT EXISTS (SELECT 1 FROM pg_dist_shard s WHERE ${alias}.relname = s.logicalrelid::regclass::text || '_' || s.shardid)`,
  );

async function tableStates(db: Kysely<any>): Promise<TableState[]> {
  const { rows } = await sql<{
    name: string;
    has_partner_column: boolean;
    partmethod: string | null;
    repmodel: string | null;
    distribution_column: string | null;
    colocation_id: number | null;
  }>`
    SELECT c.relname AS name,
      EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'partner_id' AND NOT a.attisdropped)
        AS has_partner_column,
      p.partmethod::text AS partmethod, p.repmodel::text AS repmodel,
      CASE WHEN p.partmethod = 'h' THEN column_to_column_name(p.logicalrelid, p.partkey) END AS distribution_column,
      p.colocationid AS colocation_id
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_dist_partition p ON p.logicalrelid = c.oid
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND ${notAShard('c')}
    ORDER BY c.relname`.execute(db);
  return rows
    .filter((r) => !IGNORED.has(r.name))
    .map((r) => ({
      name: r.name,
      hasPartnerColumn: r.has_partner_column,
      partmethod: r.partmethod,
      repmodel: r.repmodel,
      distributionColumn: r.distribution_column,
      colocationId: r.colocation_id,
    }));
}

/** Whether the schema is already spread as `distributeSchema` leaves it (false without Citus). */
export async function isDistributed(db: Kysely<any>): Promise<boolean> {
  if (!(await hasCitus(db))) return false;
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_dist_partition`.execute(db);
  return (rows[0]?.n ?? 0) > 0;
}

const ident = (name: string) => sql.id(name);

/**
 * Whether a trigger function does nothing but raise an error (the invoice tables' "issued documents never
 * change", migration 0012). Such a trigger reads and writes no other row, so firing on the shard that holds
 * the row is exactly what it does on one PostgreSQL: it is safe on a distributed table. Anything else a
 * trigger might do (write another table, read across partners) is not, and is refused.
 */
export function raisesOnly(language: string, body: string): boolean {
  if (language !== 'plpgsql') return false;
  const code = body.replace(/--[^\n]*/g, ' ').trim();
  return /^BEGIN\s+RAISE\s+EXCEPTION\s+'(?:[^']|'')*'(?:\s*,\s*[A-Za-z_][A-Za-z_0-9.]*)*(?:\s+USING\s+ERRCODE\s*=\s*'[a-z_0-9]+')?\s*;\s*END;?$/i.test(
    code,
  );
}

interface ForeignKey {
  table_name: string;
  name: string;
  definition: string;
}

/** Every foreign key between the schema's tables, with its definition (not those of Citus's shards). */
async function schemaForeignKeys(db: Kysely<any>): Promise<ForeignKey[]> {
  const { rows } = await sql<ForeignKey>`
    SELECT c.relname AS table_name, k.conname AS name, pg_get_constraintdef(k.oid) AS definition
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE k.contype = 'f' AND n.nspname = current_schema() AND ${notAShard('c')}
    ORDER BY c.relname, k.conname`.execute(db);
  return rows.filter((k) => !IGNORED.has(k.table_name));
}

/** Adds the keys back, checked against the data; each failure goes to `failed` and the rest are still added. */
async function addForeignKeysBack(
  db: Kysely<any>,
  keys: ForeignKey[],
  failed: (e: unknown) => void,
): Promise<void> {
  for (const k of keys) {
    try {
      await sql`ALTER TABLE ${ident(k.table_name)} ADD CONSTRAINT ${ident(k.name)} ${sql.raw(k.definition)}`.execute(
        db,
      );
    } catch (e) {
      failed(e);
    }
  }
}

/** Runs `fn` on one session of the pool (a session setting made inside applies to what follows it there). */
function onOneSession<T>(db: Kysely<any>, fn: (session: Kysely<any>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.connection().execute(fn);
}

/**
 * Makes the shared tables reference tables and distributes the partner tables by `partner_id`, colocated,
 * keeping every constraint; the tables may be empty or hold data. Idempotent: tables already in place are
 * left alone, and a table a later migration created is placed like the others. Refuses (DistributionRefused,
 * nothing changed) without the citus extension, with a trigger on a table to place that does more than raise an error, or when a
 * table is distributed in a way this schema does not expect.
 */
export async function distributeSchema(db: Kysely<any>): Promise<DistributionReport> {
  if (!(await hasCitus(db)))
    throw new DistributionRefused(
      'this database has no citus extension: distributing needs a Citus coordinator ' +
        '(CREATE EXTENSION citus, then citus_set_coordinator_host and citus_add_node for each worker; see docs/scale-out.md)',
    );
  const states = await tableStates(db);
  const plan = states.map((t) => ({
    ...t,
    target: placementOf(t.name, t.hasPartnerColumn),
    now: currentPlacement(t),
  }));

  // Everything that can be refused is refused before the first change.
  const anchor = plan.find((t) => t.name === ANCHOR);
  if (!anchor) throw new DistributionRefused(`table ${ANCHOR} is missing: run the migrations first`);
  for (const t of plan) {
    if (t.now === 'distributed' && t.target === 'distributed' && t.distributionColumn !== 'partner_id')
      throw new DistributionRefused(
        `table ${t.name} is distributed by ${t.distributionColumn ?? '?'}, not partner_id: undistribute it first (SELECT undistribute_table('${t.name}'))`,
      );
    if (t.now === 'distributed' && t.target !== 'distributed')
      throw new DistributionRefused(
        `table ${t.name} is distributed but is a shared table here: undistribute it first (SELECT undistribute_table('${t.name}'))`,
      );
    if (t.now === 'other')
      throw new DistributionRefused(`table ${t.name} is distributed by range or append: not supported`);
  }
  const triggers = await sql<{ table_name: string; trigger_name: string; language: string; body: string }>`
    SELECT c.relname AS table_name, t.tgname AS trigger_name, l.lanname AS language, p.prosrc AS body
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_language l ON l.oid = p.prolang
    WHERE NOT t.tgisinternal AND n.nspname = current_schema()`.execute(db);
  const toPlace = (table: string) =>
    plan.some((t) => t.name === table && t.target !== 'coordinator' && t.now !== t.target);
  const unsafe = triggers.rows.filter((r) => toPlace(r.table_name) && !raisesOnly(r.language, r.body));
  if (unsafe.length > 0)
    throw new DistributionRefused(
      `Citus cannot distribute tables with triggers that do more than refuse the change: ${unsafe.map((r) => `${r.trigger_name} on ${r.table_name}`).join(', ')}`,
    );
  /** Tables whose only triggers refuse a change: Citus places them once told they are safe (see raisesOnly). */
  const refusing = new Set(triggers.rows.filter((r) => toPlace(r.table_name)).map((r) => r.table_name));

  const anchorColocation = anchor.now === 'distributed' ? anchor.colocationId : null;
  const misplaced = plan.filter(
    (t) =>
      t.now !== t.target ||
      (t.target === 'distributed' &&
        anchorColocation !== null &&
        t.colocationId !== anchorColocation &&
        t.name !== ANCHOR),
  );
  if (misplaced.length === 0)
    return {
      tables: plan.map((t) => ({ name: t.name, placement: t.target, changed: false })),
      foreignKeys: 0,
    };

  // 1. Drop every foreign key between the schema's tables, keeping their definitions.
  const keys = await schemaForeignKeys(db);
  for (const k of keys)
    await sql`ALTER TABLE ${ident(k.table_name)} DROP CONSTRAINT ${ident(k.name)}`.execute(db);

  let failure: unknown;
  try {
    // 2. A table Citus took in as coordinator-local (an earlier attempt in foreign-key order) goes back to
    // plain PostgreSQL first; so does a partner table distributed apart from the others.
    for (const t of misplaced) {
      if (t.now === 'citus-local' || (t.now === 'distributed' && t.name !== ANCHOR)) {
        // A table Citus took in only for its foreign keys went back by itself when they were dropped.
        const { rows } = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM pg_dist_partition WHERE logicalrelid = ${t.name}::regclass`.execute(
          db,
        );
        if ((rows[0]?.n ?? 0) > 0) await sql`SELECT undistribute_table(${t.name})`.execute(db);
        t.now = 'coordinator';
      }
    }
    // 3. Place every table; the anchor first so that the partner tables colocate with it.
    const order = [
      ...misplaced.filter((t) => t.target === 'reference'),
      ...misplaced.filter((t) => t.target === 'distributed' && t.name === ANCHOR),
      ...misplaced.filter((t) => t.target === 'distributed' && t.name !== ANCHOR),
    ];
    await onOneSession(db, async (session) => {
      for (const t of order) {
        if (t.now === t.target) continue;
        // Citus refuses a table with triggers unless told they are safe; it then creates them on every shard.
        const allowTriggers = refusing.has(t.name);
        if (allowTriggers) await sql`SET citus.enable_unsafe_triggers = on`.execute(session);
        try {
          if (t.target === 'reference') await sql`SELECT create_reference_table(${t.name})`.execute(session);
          else if (t.name === ANCHOR)
            await sql`SELECT create_distributed_table(${t.name}, 'partner_id', colocate_with => 'none')`.execute(
              session,
            );
          else
            await sql`SELECT create_distributed_table(${t.name}, 'partner_id', colocate_with => ${ANCHOR})`.execute(
              session,
            );
        } finally {
          if (allowTriggers) await sql`RESET citus.enable_unsafe_triggers`.execute(session);
        }
        // The rows were copied to the shards; the coordinator's own copy is dead weight.
        await sql`SELECT truncate_local_data_after_distributing_table(${t.name})`.execute(session);
      }
    });
  } catch (e) {
    failure = e;
  }
  // 4. The same constraints again, validated against the data; also after a failed step, so that the
  // constraints are back as they were, and then the step's error is the one reported.
  await addForeignKeysBack(db, keys, (e) => {
    failure ??= e;
  });
  if (failure !== undefined)
    throw failure instanceof Error ? failure : new Error('distribution failed', { cause: failure });
  const changed = new Set(misplaced.map((t) => t.name));
  return {
    tables: plan.map((t) => ({ name: t.name, placement: t.target, changed: changed.has(t.name) })),
    foreignKeys: keys.length,
  };
}

/** A migration Citus refused on a distributed schema, or whose tables could not be placed after it. */
export class MigrationRefusedOnCitus extends Error {
  override name = 'MigrationRefusedOnCitus';
}

const RULES =
  'A migration for a distributed schema keeps partner_id in every key of a partner table and adds no ' +
  'trigger other than one that only raises an error (docs/scale-out.md).';

/**
 * Runs pending migrations on a schema already distributed: one at a time, each followed by `distributeSchema`,
 * so that what one creates is placed before the next runs. A migration runs with
 * `citus.enable_local_reference_table_foreign_keys` off: a table it creates with foreign keys to `partners`
 * and to a partner table then stays a plain table until it is placed (Citus would otherwise turn it into a
 * coordinator-local Citus table, which may not reference a partner table, and refuse the migration). A
 * migration Citus refuses rolls back (each runs in its own transaction) and stops the run with
 * MigrationRefusedOnCitus. With nothing pending, a table left in the wrong place is placed.
 */
export async function migrateDistributed(
  db: Kysely<any>,
  migrations: Record<string, Migration> = MIGRATIONS,
): Promise<MigrationResultSet> {
  const results: MigrationResult[] = [];
  for (;;) {
    const step = await onOneSession(db, async (session) => {
      await sql`SET citus.enable_local_reference_table_foreign_keys = off`.execute(session);
      try {
        const migrator = new Migrator({
          db: session,
          provider: { getMigrations: () => Promise.resolve(migrations) },
        });
        return await migrator.migrateUp();
      } finally {
        await sql`RESET citus.enable_local_reference_table_foreign_keys`.execute(session);
      }
    });
    results.push(...(step.results ?? []));
    const name = step.results?.at(-1)?.migrationName ?? 'a migration';
    if (step.error !== undefined) {
      const why = step.error instanceof Error ? step.error.message : JSON.stringify(step.error);
      throw new MigrationRefusedOnCitus(
        `migration ${name} was refused on this database distributed by partner (Citus): ${why}. Nothing changed. ${RULES}`,
        { cause: step.error },
      );
    }
    try {
      await distributeSchema(db);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new MigrationRefusedOnCitus(
        `after migration ${name}, the tables could not be distributed by partner: ${why}. ` +
          'What the migration created stays on the coordinator until `seatwise migrate --distribute` places it ' +
          `(also tried at every start). ${RULES}`,
        { cause: e },
      );
    }
    if ((step.results ?? []).length === 0) return { results };
  }
}
