import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFromUrl, type Database } from '../../src/db/database.ts';
import { sendTogether } from '../../src/db/send-together.ts';
import { createTestDatabase, dropTestDatabase, serverUrl, urlFor } from '../support/template.ts';

interface T {
  t: { id: number; a: string; b?: number | null };
}

// The PostgreSQL server's pool sends Kysely's statements as named prepared statements, and a transaction's
// BEGIN together with its first statement (src/db/database.ts). PGlite has no pool and sends them as they come.
describe.skipIf(!serverUrl())('prepared statements on a PostgreSQL server', () => {
  const name = `seatwise_t_${randomBytes(6).toString('hex')}`;
  let reader: Database;
  let migrator: Database;
  const readerDb = () => reader.db as unknown as Kysely<T>;
  const byId = (id: number) => readerDb().selectFrom('t').selectAll().where('id', '=', id).execute();

  beforeAll(async () => {
    await createTestDatabase(name, 'template0');
    // One connection each, so that every read below runs on the connection that prepared it.
    reader = databaseFromUrl(urlFor(name), 1);
    migrator = databaseFromUrl(urlFor(name), 1);
    await sql`create table t (id int primary key, a text not null)`.execute(migrator.db);
    await sql`insert into t values (1, 'one'), (2, 'two')`.execute(migrator.db);
  });
  afterAll(async () => {
    await reader?.close();
    await migrator?.close();
    await dropTestDatabase(name);
  });

  const prepared = async () =>
    (
      await sql<{
        statement: string;
      }>`select statement from pg_prepared_statements where statement like '%from "t"%'`.execute(reader.db)
    ).rows.map((r) => r.statement);

  it('prepares a statement once per connection and runs it again with other values', async () => {
    expect(await byId(1)).toEqual([{ id: 1, a: 'one' }]);
    expect(await byId(2)).toEqual([{ id: 2, a: 'two' }]);
    expect(await byId(3)).toEqual([]);
    expect(await prepared()).toEqual(['select * from "t" where "id" = $1']);
  });

  it('recovers on the next call when another process adds a column under a prepared SELECT *', async () => {
    expect(await byId(1)).toEqual([{ id: 1, a: 'one' }]);
    await sql`alter table t add column b int`.execute(migrator.db);
    // PostgreSQL refuses the prepared statement once; the connection prepares afresh from then on.
    await expect(byId(1)).rejects.toThrow(/cached plan must not change result type/);
    expect(await byId(1)).toEqual([{ id: 1, a: 'one', b: null }]);
    expect(await byId(2)).toEqual([{ id: 2, a: 'two', b: null }]);
  });

  it('sends a statement without values unprepared, and a bad value fails that call only', async () => {
    expect((await sql<{ n: number }>`select 1 as n`.execute(reader.db)).rows).toEqual([{ n: 1 }]);
    await expect(
      readerDb()
        .selectFrom('t')
        .selectAll()
        .where('id', '=', 'x' as unknown as number)
        .execute(),
    ).rejects.toThrow(/invalid input syntax for type integer/);
    expect(await byId(2)).toEqual([{ id: 2, a: 'two', b: null }]);
  });

  it('writes a held BEGIN with the first statement of a transaction: that statement rolls back with the rest', async () => {
    const visibleToOthers = async (id: number) =>
      (
        await (migrator.db as unknown as Kysely<T>)
          .selectFrom('t')
          .select('id')
          .where('id', '=', id)
          .execute()
      ).length > 0;
    await expect(
      readerDb()
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto('t').values({ id: 10, a: 'ten' }).execute();
          // Had the insert run before BEGIN took effect, it would have committed on its own.
          expect(await visibleToOthers(10)).toBe(false);
          throw new Error('refused after the first statement');
        }),
    ).rejects.toThrow('refused after the first statement');
    expect(await visibleToOthers(10)).toBe(false);

    await readerDb()
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('t').values({ id: 11, a: 'eleven' }).execute();
        expect(await visibleToOthers(11)).toBe(false);
      });
    expect(await visibleToOthers(11)).toBe(true);
  });

  it('sends nothing for a transaction without a statement, and the connection goes on outside any transaction', async () => {
    expect(
      await readerDb()
        .transaction()
        .execute(() => Promise.resolve('nothing written')),
    ).toBe('nothing written');
    await readerDb().insertInto('t').values({ id: 12, a: 'twelve' }).execute();
    // Committed at once: the held BEGIN did not stay behind to open a transaction around it.
    expect(
      await (migrator.db as unknown as Kysely<T>).selectFrom('t').select('a').where('id', '=', 12).execute(),
    ).toEqual([{ a: 'twelve' }]);
    const status = await sql<{
      open: boolean;
    }>`select txid_current_if_assigned() is not null as open`.execute(reader.db);
    expect(status.rows).toEqual([{ open: false }]);
  });

  it('writes a held BEGIN and statements handed over together in one socket write', async () => {
    await byId(1); // connected and prepared, so that only the statements below write
    const writes: number[] = [];
    const { _write, _writev } = Socket.prototype as unknown as Record<
      '_write' | '_writev',
      (...a: unknown[]) => void
    >;
    const proto = Socket.prototype as unknown as Record<string, unknown>;
    proto._write = function (this: Socket, ...a: unknown[]) {
      writes.push(1);
      _write.apply(this, a);
    };
    proto._writev = function (this: Socket, chunks: unknown[], ...a: unknown[]) {
      writes.push(chunks.length);
      _writev.apply(this, [chunks, ...a]);
    };
    try {
      const answers = await readerDb()
        .transaction()
        .execute((trx) =>
          sendTogether(
            trx,
            trx.selectFrom('t').select('a').where('id', '=', 1),
            trx.selectFrom('t').select('a').where('id', '=', 2),
          ),
        );
      expect(answers).toEqual([[{ a: 'one' }], [{ a: 'two' }]]);
    } finally {
      proto._write = _write;
      proto._writev = _writev;
    }
    // BEGIN and the two statements in the first write (several buffers, one system call); COMMIT in the second.
    expect(writes.length).toBe(2);
    expect(writes[0]).toBeGreaterThan(1);
  });
});
