import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEMO_CATALOG_PATH, readCatalogFile } from '../../src/app/catalog.ts';
import { cloneTestDatabase } from './db.ts';

// A test database must be the template and nothing else, however the previous test left its own: on
// PGlite the same instance is handed out again after a reset, so these tests check that reset.
describe('test databases', () => {
  const counts = async (db: Awaited<ReturnType<typeof cloneTestDatabase>>['db']) => {
    const { rows } = await sql<{ offers: number; partners: number; events: number }>`
      select (select count(*)::int from offers) as offers, (select count(*)::int from partners) as partners,
             (select count(*)::int from events) as events`.execute(db);
    return rows[0];
  };

  it('the catalog template holds the demo catalog and nothing a test makes', async () => {
    const database = await cloneTestDatabase({ template: 'catalog' });
    try {
      expect(await counts(database.db)).toEqual({
        offers: readCatalogFile(DEMO_CATALOG_PATH).length,
        partners: 0,
        events: 0,
      });
    } finally {
      await database.close();
    }
  });

  it('what one test wrote, deleted and changed in a session is gone for the next, identities restart', async () => {
    const first = await cloneTestDatabase({ template: 'catalog' });
    const before = await counts(first.db);
    await sql`insert into partners (id, name, partner_type, created_at)
              values ('00000000-0000-4000-8000-000000000001', 'Leftover', 'direct', now())`.execute(first.db);
    await sql`delete from offers where id in (select id from offers order by id limit 3)`.execute(first.db);
    await sql`update offers set rank = rank + 1000`.execute(first.db);
    const { rows: seq } = await sql<{ seq: string }>`
      select nextval(pg_get_serial_sequence('events', 'seq'))::text as seq`.execute(first.db);
    await sql`set timezone = 'Pacific/Kiritimati'`.execute(first.db);
    await first.close();

    const second = await cloneTestDatabase({ template: 'catalog' });
    try {
      expect(await counts(second.db)).toEqual(before);
      const { rows: ranks } = await sql<{ high: number }>`
        select count(*)::int as high from offers where rank >= 1000`.execute(second.db);
      expect(ranks[0]?.high).toBe(0);
      const { rows: again } = await sql<{ seq: string }>`
        select nextval(pg_get_serial_sequence('events', 'seq'))::text as seq`.execute(second.db);
      expect(again[0]?.seq).toBe(seq[0]?.seq);
      const { rows: tz } = await sql<{ tz: string }>`select current_setting('timezone') as tz`.execute(
        second.db,
      );
      expect(tz[0]?.tz).not.toBe('Pacific/Kiritimati');
    } finally {
      await second.close();
    }
  });

  it('a schema a test changed is not handed to the next test', async () => {
    const first = await cloneTestDatabase();
    await sql`create function leftover() returns int language sql as 'select 1'`.execute(first.db);
    await first.close();
    const second = await cloneTestDatabase();
    try {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_proc where proname = 'leftover'`.execute(second.db);
      expect(rows[0]?.n).toBe(0);
    } finally {
      await second.close();
    }
  });

  it('two clones open at once are two databases', async () => {
    const a = await cloneTestDatabase();
    const b = await cloneTestDatabase();
    try {
      await sql`insert into partners (id, name, partner_type, created_at)
                values ('00000000-0000-4000-8000-000000000002', 'Only in a', 'direct', now())`.execute(a.db);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from partners`.execute(b.db);
      expect(rows[0]?.n).toBe(0);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a closed clone refuses queries instead of reaching the next test', async () => {
    const first = await cloneTestDatabase();
    const { db } = first;
    await first.close();
    const second = await cloneTestDatabase();
    try {
      await expect(sql`select 1`.execute(db)).rejects.toThrow();
    } finally {
      await second.close();
    }
  });
});
