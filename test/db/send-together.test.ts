import { CompiledQuery, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import type { Tables } from '../../src/db/schema.ts';
import { sendTogether } from '../../src/db/send-together.ts';
import { cloneTestDatabase } from '../support/db.ts';

// Statements written one behind the other without waiting (a pipeline on the PostgreSQL server, one session
// on PGlite): each answer must still be its own statement's, in order, and a failure must leave nothing.
describe('sendTogether', () => {
  let database: Database;
  let db: Kysely<Tables>;
  const raw = (text: string, ...params: unknown[]) => CompiledQuery.raw(text, params);
  const ids = async () =>
    (await sql<{ id: number }>`select id from st_item order by id`.execute(db)).rows.map((r) => r.id);

  beforeAll(async () => {
    database = await cloneTestDatabase();
    db = database.db;
    await sql`create table st_item (id int primary key, name text not null)`.execute(db);
  });
  afterAll(() => database?.close());

  it("answers each statement's own rows, in the order given, and undefined for a statement not sent", async () => {
    const [one, skipped, two] = await sendTogether(
      db,
      raw('select $1::int as n', 1),
      undefined,
      raw("select $1::text as s union all select 'b'", 'a'),
    );
    expect(one).toEqual([{ n: 1 }]);
    expect(skipped).toBeUndefined();
    expect(two).toEqual([{ s: 'a' }, { s: 'b' }]);
  });

  it('runs the statements one after the other: a later one reads what an earlier one wrote', async () => {
    const read = await db.transaction().execute(async (trx) => {
      const [, rows] = await sendTogether(
        trx,
        raw("insert into st_item (id, name) values (1, 'first')"),
        raw('select name from st_item where id = $1', 1),
      );
      return rows;
    });
    expect(read).toEqual([{ name: 'first' }]);
    expect(await ids()).toEqual([1]);
  });

  it("throws the first failing statement's own error, and the transaction keeps none of the statements' rows", async () => {
    const failure = await db
      .transaction()
      .execute(async (trx) => {
        await sendTogether(
          trx,
          raw("insert into st_item (id, name) values (2, 'kept only if all succeed')"),
          raw("insert into st_item (id, name) values (1, 'a duplicate')"),
          raw("insert into st_item (id, name) values (3, 'behind the failure')"),
        );
      })
      .catch((e: unknown) => e as { code?: string; constraint?: string });
    expect(failure).toMatchObject({ code: '23505' });
    expect(await ids()).toEqual([1]);
  });

  it('inside a transaction, the statements and the ones after them share its connection and its outcome', async () => {
    await db.transaction().execute(async (trx) => {
      await sendTogether(
        trx,
        raw("insert into st_item (id, name) values (4, 'four')"),
        raw("insert into st_item (id, name) values (5, 'five')"),
      );
      await sql`update st_item set name = 'four, renamed' where id = 4`.execute(trx);
    });
    const rows = (
      await sql<{ id: number; name: string }>`select id, name from st_item where id >= 4 order by id`.execute(
        db,
      )
    ).rows;
    expect(rows).toEqual([
      { id: 4, name: 'four, renamed' },
      { id: 5, name: 'five' },
    ]);
  });

  it('statements behind one that waits on a row lock wait with it, and then see what the lock holder committed', async () => {
    await sql`insert into st_item (id, name) values (10, 'before')`.execute(db);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // The lock holder (a second connection on the server; PGlite's one session runs it first anyway).
    const holder = db.transaction().execute(async (trx) => {
      await sql`select id from st_item where id = 10 for update`.execute(trx);
      locked();
      await held;
      await sql`update st_item set name = 'after' where id = 10`.execute(trx);
    });
    await isLocked;
    const waiter = db
      .transaction()
      .execute((trx) =>
        sendTogether(
          trx,
          raw('select id from st_item where id = $1 for no key update', 10),
          raw('select name from st_item where id = $1', 10),
        ),
      );
    if (database.engine === 'postgres') {
      // The waiter's statements have reached the server and the first waits on the lock.
      await expect
        .poll(async () => {
          const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
            where wait_event_type = 'Lock' and query like 'select id from st_item%'`.execute(db);
          return rows[0]?.n;
        })
        .toBe(1);
    }
    release();
    await holder;
    const [, seen] = await waiter;
    expect(seen).toEqual([{ name: 'after' }]);
  });
});
