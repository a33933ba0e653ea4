import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFromUrl, migrate, type Database } from '../../src/db/database.ts';
import {
  COORDINATOR_TABLES,
  distributeSchema,
  DistributionRefused,
  hasCitus,
} from '../../src/db/distribute.ts';
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

describe('distributing the schema by partner (SPEC §8)', () => {
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
      // A fresh database on every node with the extension and the node list, migrated but not distributed.
      const nodes = [...workers, urlFor('postgres')];
      for (const node of nodes) {
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
      database = databaseFromUrl(urlFor(name), 2);
      const coordinator = new URL(urlFor('postgres'));
      await sql`SELECT citus_set_coordinator_host(${coordinator.hostname}, ${Number(coordinator.port)})`.execute(
        database.db,
      );
      for (const w of workers.map((u) => new URL(u)))
        await sql`SELECT citus_add_node(${w.hostname}, ${Number(w.port)})`.execute(database.db);
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
});
