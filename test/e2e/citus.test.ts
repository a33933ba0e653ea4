import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migrator, type Migration } from 'kysely/migration';
import { databaseFromUrl, migrate, type Database } from '../../src/db/database.ts';
import {
  COORDINATOR_TABLES,
  distributeSchema,
  DistributionRefused,
  hasCitus,
  migrateDistributed,
  MigrationRefusedOnCitus,
  raisesOnly,
} from '../../src/db/distribute.ts';
import { MIGRATIONS } from '../../src/db/migrations/index.ts';
import { cloneTestDatabase } from '../support/db.ts';
import { runSeatwise } from '../support/process.ts';
import { citusWorkers, dropTestDatabase, serverUrl, urlFor } from '../support/template.ts';

// SPEC §8: the schema spread over a Citus cluster by partner (docs/scale-out.md). The refusals run everywhere;
// the rest needs SEATWISE_TEST_DATABASE_URL pointing at a Citus coordinator with workers.
const workers = serverUrl() ? await citusWorkers() : [];
const onCitus = workers.length > 0;

const SHARED = ['customer_domains', 'instance_settings', 'offers', 'partners', 'sign_in_names'];

interface Placed {
  name: string;
  method: string;
  repmodel: string;
  column: string | null;
  colocation: number;
}

async function placements(database: Database): Promise<Placed[]> {
  const { rows } = await sql<Placed>`
    SELECT logicalrelid::regclass::text AS name, partmethod::text AS method, repmodel::text AS repmodel,
      CASE WHEN partmethod = 'h' THEN column_to_column_name(logicalrelid, partkey) END AS column,
      colocationid AS colocation
    FROM pg_dist_partition ORDER BY 1`.execute(database.db);
  return rows;
}

/** The schema's foreign keys; on Citus, not those of the reference tables' shards on the coordinator. */
async function foreignKeys(database: Database): Promise<string[]> {
  const notAShard = sql.raw(`AND NOT EXISTS (SELECT 1 FROM pg_dist_shard s
    WHERE k.conrelid::regclass::text = s.logicalrelid::regclass::text || '_' || s.shardid)`);
  const { rows } = await sql<{ k: string }>`
    SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS k
    FROM pg_constraint k WHERE contype = 'f' AND connamespace = current_schema()::regnamespace
      ${onCitus ? notAShard : sql``}
    ORDER BY 1`.execute(database.db);
  return rows.map((r) => r.k);
}

/**
 * A fresh database of this name on every node, with the extension and the coordinator's node list, not
 * migrated: what an operator has after steps 2 and 3 of docs/scale-out.md.
 */
async function freshCitusDatabase(name: string): Promise<Database> {
  for (const node of [...workers, urlFor('postgres')]) {
    const admin = new pg.Client({ connectionString: node });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(node);
    url.pathname = `/${name}`;
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    await c.query('create extension citus');
    await c.end();
  }
  const database = databaseFromUrl(urlFor(name), 2);
  const coordinator = new URL(urlFor('postgres'));
  await sql`SELECT citus_set_coordinator_host(${coordinator.hostname}, ${Number(coordinator.port)})`.execute(
    database.db,
  );
  for (const w of workers.map((u) => new URL(u)))
    await sql`SELECT citus_add_node(${w.hostname}, ${Number(w.port)})`.execute(database.db);
  return database;
}

const migratorWith = (database: Database, migrations: Record<string, Migration>) =>
  new Migrator({ db: database.db, provider: { getMigrations: () => Promise.resolve(migrations) } });

describe('distributing the schema by partner (SPEC §8)', () => {
  it('SPEC §8: only a trigger that does nothing but raise an error is taken as safe on a distributed table', () => {
    const invoices = ` BEGIN RAISE EXCEPTION 'issued invoices never change (R-INV-1): % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'check_violation'; END `;
    expect(raisesOnly('plpgsql', invoices)).toBe(true);
    expect(raisesOnly('plpgsql', " BEGIN RAISE EXCEPTION 'no'; END; ")).toBe(true);
    expect(
      raisesOnly('plpgsql', " BEGIN INSERT INTO audit VALUES (NEW.id); RAISE EXCEPTION 'no'; END "),
    ).toBe(false);
    expect(raisesOnly('plpgsql', " BEGIN RAISE EXCEPTION 'no'; UPDATE t SET n = n + 1; END ")).toBe(false);
    expect(raisesOnly('plpgsql', ' BEGIN NEW.total := 0; RETURN NEW; END ')).toBe(false);
    expect(raisesOnly('sql', " BEGIN RAISE EXCEPTION 'no'; END ")).toBe(false);
  });

  it.skipIf(onCitus)(
    'SPEC §8: without the citus extension distributing is refused and nothing changes',
    async () => {
      const database = await cloneTestDatabase();
      try {
        expect(await hasCitus(database.db)).toBe(false);
        const before = await foreignKeys(database);
        expect(before.length).toBeGreaterThan(20);
        await expect(distributeSchema(database.db)).rejects.toThrow(DistributionRefused);
        await expect(distributeSchema(database.db)).rejects.toThrow(/no citus extension/);
        expect(await foreignKeys(database)).toEqual(before);
      } finally {
        await database.close();
      }
    },
  );

  it.skipIf(onCitus)(
    'SPEC §8: seatwise migrate --distribute refuses with exit code 3 and says why',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'seatwise-distribute-'));
      let database: string | undefined;
      try {
        let env: Record<string, string> = { SEATWISE_DATA_DIR: join(dir, 'data'), SEATWISE_DEMO: '0' };
        if (serverUrl()) {
          database = `seatwise_cli_${randomBytes(5).toString('hex')}`;
          const admin = new pg.Client({ connectionString: urlFor('postgres') });
          await admin.connect();
          await admin.query(`create database ${database}`);
          await admin.end();
          env = { DATABASE_URL: urlFor(database), SEATWISE_DEMO: '0' };
        }
        const run = await runSeatwise(['migrate', '--distribute'], env);
        expect(run.code, run.stderr).toBe(3);
        expect(run.stderr).toMatch(/cannot distribute/);
        expect(run.stderr).toMatch(serverUrl() ? /no citus extension/ : /embedded database/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        if (database) await dropTestDatabase(database);
      }
    },
    // The first command of a run may build the CLI bundle; the machine may be busy.
    300_000,
  );

  describe.skipIf(!onCitus)('on a Citus coordinator with workers', () => {
    let database: Database;
    beforeAll(async () => {
      database = await cloneTestDatabase();
    });
    afterAll(() => database?.close());

    it('SPEC §8: partner tables are distributed by partner_id and colocated, shared tables are reference tables', async () => {
      const placed = await placements(database);
      const distributed = placed.filter((p) => p.method === 'h');
      expect(distributed.length).toBeGreaterThanOrEqual(16);
      for (const p of distributed) expect(p.column, p.name).toBe('partner_id');
      expect(new Set(distributed.map((p) => p.colocation)).size).toBe(1);
      const reference = placed.filter((p) => p.method === 'n' && p.repmodel === 't').map((p) => p.name);
      expect(reference.sort()).toEqual(SHARED);
      for (const t of COORDINATOR_TABLES) expect(placed.map((p) => p.name)).not.toContain(t);
      expect(placed.filter((p) => p.method === 'n' && p.repmodel !== 't')).toEqual([]);
    });

    it('SPEC §8: distributing again changes nothing, and a table created afterwards is placed like the others', async () => {
      const before = await placements(database);
      const keys = await foreignKeys(database);
      const again = await distributeSchema(database.db);
      expect(again.tables.filter((t) => t.changed)).toEqual([]);
      expect(again.foreignKeys).toBe(0);
      expect(await placements(database)).toEqual(before);

      // A new partner table references shared tables at once; its foreign keys to partner tables come in a
      // later migration, once it is distributed (docs/scale-out.md).
      await sql`CREATE TABLE later_notes (partner_id uuid NOT NULL REFERENCES partners (id), id uuid NOT NULL,
        customer_id uuid NOT NULL, PRIMARY KEY (partner_id, id))`.execute(database.db);
      const placed = await distributeSchema(database.db);
      expect(placed.tables.filter((t) => t.changed).map((t) => t.name)).toEqual(['later_notes']);
      const later = (await placements(database)).find((p) => p.name === 'later_notes');
      const customers = (await placements(database)).find((p) => p.name === 'customers');
      expect(later?.method).toBe('h');
      expect(later?.colocation).toBe(customers?.colocation);
      await sql`ALTER TABLE later_notes ADD FOREIGN KEY (partner_id, customer_id) REFERENCES customers (partner_id, id)`.execute(
        database.db,
      );
      expect((await foreignKeys(database)).length).toBe(keys.length + 2);
    });
  });

  describe.skipIf(!onCitus)('a database that already holds data', () => {
    const name = `seatwise_t_${randomBytes(6).toString('hex')}`;
    let database: Database;
    beforeAll(async () => {
      database = await freshCitusDatabase(name);
      await migrate(database.db);
    });
    afterAll(async () => {
      await database?.close();
      await dropTestDatabase(name);
    });

    it('SPEC §8: keeps the rows and every constraint, and still refuses a row that breaks one', async () => {
      const partners = [randomUUID(), randomUUID(), randomUUID()];
      const now = new Date();
      const insertCustomer = (partner: string, domain: string) =>
        sql`INSERT INTO customers (partner_id, id, company_name, domain, billing_first_name, billing_last_name,
            billing_email, culture, language, country, address, segment, account_opened_at)
          VALUES (${partner}, ${randomUUID()}, ${domain}, ${domain}, 'A', 'B', ${`a@${domain}`}, 'en-US', 'en',
            'US', '{}'::jsonb, 'commercial', ${now})`.execute(database.db);
      for (const [i, p] of partners.entries()) {
        await sql`INSERT INTO partners (id, name, partner_type, created_at) VALUES (${p}, ${`P${i}`}, 'direct', ${now})`.execute(
          database.db,
        );
        for (let c = 0; c < 5; c++) await insertCustomer(p, `c${c}-${i}.example`);
      }
      const keys = await foreignKeys(database);
      const report = await distributeSchema(database.db);
      expect(report.foreignKeys).toBe(keys.length);
      expect(await foreignKeys(database)).toEqual(keys);
      const { rows } = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM customers`.execute(database.db);
      expect(rows[0]?.n).toBe(15);
      const orphan = insertCustomer(randomUUID(), 'x.example');
      await expect(orphan).rejects.toMatchObject({ code: '23503' });
    });
  });

  describe.skipIf(!onCitus)('migrations that come after distribution', () => {
    const name = `seatwise_t_${randomBytes(6).toString('hex')}`;
    let database: Database;
    beforeAll(async () => {
      // An instance distributed when its schema stopped at 0009, before access_versions, price_rules and the
      // invoice tables existed.
      database = await freshCitusDatabase(name);
      const upTo0009 = await migratorWith(database, MIGRATIONS).migrateTo('0009_sign_in_throttle');
      expect(upTo0009.error).toBeUndefined();
      await distributeSchema(database.db);
    });
    afterAll(async () => {
      await database?.close();
      await dropTestDatabase(name);
    });

    const executed = async () =>
      (await migratorWith(database, MIGRATIONS).getMigrations()).filter((m) => m.executedAt).length;

    it('SPEC §8: migrations run after distribution (0010 onwards on a schema distributed at 0009) distribute what they create, with every key and the invoice triggers', async () => {
      expect(await executed()).toBe(9);
      const result = await migrate(database.db);
      // Every migration after 0009, including any that only alters a distributed table.
      expect(result.results?.map((r) => r.migrationName)).toEqual(Object.keys(MIGRATIONS).slice(9));
      expect(result.results?.slice(0, 3).map((r) => r.migrationName)).toEqual([
        '0010_access_versions',
        '0011_pricing',
        '0012_invoices',
      ]);
      expect(await executed()).toBe(Object.keys(MIGRATIONS).length);

      const placed = await placements(database);
      const anchor = placed.find((p) => p.name === 'customers');
      for (const table of [
        'access_versions',
        'price_rules',
        'invoice_settings',
        'invoice_counters',
        'invoices',
        'invoice_lines',
      ]) {
        const p = placed.find((x) => x.name === table);
        expect(p?.method, table).toBe('h');
        expect(p?.column, table).toBe('partner_id');
        expect(p?.colocation, table).toBe(anchor?.colocation);
      }
      expect(
        placed
          .filter((p) => p.method === 'n' && p.repmodel === 't')
          .map((p) => p.name)
          .sort(),
      ).toEqual(SHARED);

      // The same foreign keys as a database migrated whole and then distributed (the run's template).
      const template = await cloneTestDatabase();
      try {
        expect(await foreignKeys(database)).toEqual(await foreignKeys(template));
      } finally {
        await template.close();
      }

      // Every shard of the invoice tables carries the trigger, and it refuses on the shard.
      for (const table of ['invoices', 'invoice_lines']) {
        const { rows } = await sql<{ result: string }>`
          SELECT result FROM run_command_on_shards(${table},
            'SELECT count(*) FROM pg_trigger WHERE tgrelid = ''%s''::regclass AND NOT tgisinternal')`.execute(
          database.db,
        );
        expect(rows.length).toBeGreaterThan(1);
        for (const r of rows) expect(r.result, table).toBe('1');
      }
      const partner = randomUUID();
      const customer = randomUUID();
      const now = new Date();
      await sql`INSERT INTO partners (id, name, partner_type, created_at) VALUES (${partner}, 'P', 'direct', ${now})`.execute(
        database.db,
      );
      await sql`INSERT INTO customers (partner_id, id, company_name, domain, billing_first_name, billing_last_name,
          billing_email, culture, language, country, address, segment, account_opened_at)
        VALUES (${partner}, ${customer}, 'C', 'c.example', 'A', 'B', 'a@c.example', 'en-US', 'en', 'US', '{}'::jsonb,
          'commercial', ${now})`.execute(database.db);
      await sql`INSERT INTO invoices (partner_id, id, seq, number, kind, customer_id, currency, period_start,
          period_end, issued_at, locale, billing_profile, seller, tax_rate, net, tax, total)
        VALUES (${partner}, ${randomUUID()}, 1, 'INV-1', 'invoice', ${customer}, 'USD', ${now}, ${now}, ${now},
          'en-US', '{}'::jsonb, '{}'::jsonb, 0, 100, 0, 100)`.execute(database.db);
      const update = () =>
        sql`UPDATE invoices SET total = 0 WHERE partner_id = ${partner}`.execute(database.db);
      await expect(update()).rejects.toMatchObject({ code: '23514' });
      await expect(update()).rejects.toThrow(/never change/);
      await expect(
        sql`DELETE FROM invoices WHERE partner_id = ${partner}`.execute(database.db),
      ).rejects.toThrow(/never change/);
    });

    const badTrigger: Record<string, Migration> = {
      '9001_bad_trigger': {
        up: async (db) => {
          await sql`CREATE FUNCTION stamp_customer() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.company_name := upper(NEW.company_name); RETURN NEW; END $$`.execute(
            db,
          );
          await sql`CREATE TRIGGER customers_stamp BEFORE INSERT ON customers FOR EACH ROW EXECUTE FUNCTION stamp_customer()`.execute(
            db,
          );
        },
      },
    };
    const badKey: Record<string, Migration> = {
      '9002_bad_key': {
        up: async (db) => {
          await sql`CREATE TABLE later_bad (partner_id uuid NOT NULL, id uuid PRIMARY KEY)`.execute(db);
        },
      },
    };

    it('SPEC §8: a migration Citus refuses (a trigger on a partner table) rolls back and names the rules', async () => {
      const before = await executed();
      const run = migrateDistributed(database.db, { ...MIGRATIONS, ...badTrigger });
      await expect(run).rejects.toThrow(MigrationRefusedOnCitus);
      await expect(migrateDistributed(database.db, { ...MIGRATIONS, ...badTrigger })).rejects.toThrow(
        /9001_bad_trigger.*Nothing changed.*partner_id in every key/s,
      );
      expect(await executed()).toBe(before);
      const fn = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM pg_proc WHERE proname = 'stamp_customer'`.execute(database.db);
      expect(fn.rows[0]?.n).toBe(0);
    });

    it('SPEC §8: a table a migration creates that cannot be distributed (a key without partner_id) is reported with seatwise migrate --distribute', async () => {
      await expect(migrateDistributed(database.db, { ...MIGRATIONS, ...badKey })).rejects.toThrow(
        /9002_bad_key.*could not be distributed.*seatwise migrate --distribute/s,
      );
      expect((await placements(database)).map((p) => p.name)).not.toContain('later_bad');
      // The migration's author fixes the key; the next run places the table.
      await sql`ALTER TABLE later_bad DROP CONSTRAINT later_bad_pkey, ADD PRIMARY KEY (partner_id, id)`.execute(
        database.db,
      );
      await migrateDistributed(database.db, { ...MIGRATIONS, ...badKey });
      const placed = (await placements(database)).find((p) => p.name === 'later_bad');
      expect(placed?.method).toBe('h');
    });

    it('SPEC §8: a later migration that follows the rules is run by a plain migrate and its table distributed at once', async () => {
      const later: Record<string, Migration> = {
        ...MIGRATIONS,
        ...badKey,
        '9003_later_notes': {
          up: async (db) => {
            await sql`CREATE TABLE later_notes (partner_id uuid NOT NULL REFERENCES partners (id),
              id uuid NOT NULL, customer_id uuid NOT NULL, body text NOT NULL, PRIMARY KEY (partner_id, id),
              FOREIGN KEY (partner_id, customer_id) REFERENCES customers (partner_id, id))`.execute(db);
          },
        },
      };
      const result = await migrateDistributed(database.db, later);
      expect(result.results?.map((r) => r.migrationName)).toEqual(['9003_later_notes']);
      const placed = await placements(database);
      const notes = placed.find((p) => p.name === 'later_notes');
      expect(notes?.method).toBe('h');
      expect(notes?.colocation).toBe(placed.find((p) => p.name === 'customers')?.colocation);
      expect((await foreignKeys(database)).filter((k) => k.startsWith('later_notes '))).toHaveLength(2);
    });
  });
});
