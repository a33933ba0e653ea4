import { randomBytes } from 'node:crypto';
import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFromUrl, type Database } from '../../src/db/database.ts';
import { createTestDatabase, dropTestDatabase, serverUrl, urlFor } from '../support/template.ts';

interface T {
  t: { id: number; a: string; b?: number | null };
}

// The PostgreSQL server's pool sends Kysely's statements as named prepared statements (src/db/database.ts).
// PGlite has no pool and sends them as before.
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
});
