import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { insertAllStatement, type Rows } from '../../src/db/insert-all.ts';
import type { Tables } from '../../src/db/schema.ts';
import { cloneTestDatabase } from '../support/db.ts';

// insertAllStatement writes its statement's text itself; these tables stand for any two, one referring to the
// other.
const parts = (...p: { table: string; rows: object[] }[]) => p as unknown as Rows[];
const insertAll = async (db: Kysely<Tables>, p: readonly Rows[]) => {
  const statement = insertAllStatement(db, p);
  if (statement) await db.executeQuery(statement);
};

describe('insertAllStatement', () => {
  let database: Database;
  let db: Kysely<Tables>;
  const rows = async (table: string) =>
    (await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by id`.execute(db)).rows;

  beforeAll(async () => {
    database = await cloneTestDatabase();
    db = database.db;
    await sql`create table ia_parent (id int primary key, name text not null default 'unnamed', doc jsonb, at timestamptz, "odd ""name""" text)`.execute(
      db,
    );
    await sql`create table ia_child (id int primary key, parent_id int not null references ia_parent (id), tags text[])`.execute(
      db,
    );
  });
  afterAll(() => database?.close());

  it('writes every part in one statement, later parts referring to earlier ones; a missing or undefined value takes the default', async () => {
    const at = new Date('2027-01-15T09:00:00.000Z');
    await insertAll(
      db,
      parts(
        {
          table: 'ia_parent',
          rows: [
            { id: 1, name: 'one', doc: { a: [1, 2], b: 'x"y' }, at },
            { id: 2, doc: null, at: undefined },
            { id: 3, 'odd "name"': 'quoted', name: undefined },
          ],
        },
        {
          table: 'ia_child',
          rows: [
            { id: 10, parent_id: 1, tags: ['a', 'b'] },
            { id: 11, parent_id: 3 },
          ],
        },
      ),
    );
    expect(await rows('ia_parent')).toEqual([
      { id: 1, name: 'one', doc: { a: [1, 2], b: 'x"y' }, at, 'odd "name"': null },
      { id: 2, name: 'unnamed', doc: null, at: null, 'odd "name"': null },
      { id: 3, name: 'unnamed', doc: null, at: null, 'odd "name"': 'quoted' },
    ]);
    expect(await rows('ia_child')).toEqual([
      { id: 10, parent_id: 1, tags: ['a', 'b'] },
      { id: 11, parent_id: 3, tags: null },
    ]);
  });

  it('writes nothing when one part fails (a child naming no parent)', async () => {
    await expect(
      insertAll(
        db,
        parts(
          { table: 'ia_parent', rows: [{ id: 20 }] },
          { table: 'ia_child', rows: [{ id: 21, parent_id: 99 }] },
        ),
      ),
    ).rejects.toThrow(/foreign key/);
    expect((await rows('ia_parent')).map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('takes a SQL expression as a value (built by Kysely then), and skips empty parts', async () => {
    await insertAll(
      db,
      parts(
        { table: 'ia_child', rows: [] },
        { table: 'ia_parent', rows: [{ id: 30, name: sql`upper('thirty')` }] },
      ),
    );
    expect((await rows('ia_parent')).find((r) => r.id === 30)?.name).toBe('THIRTY');
    await insertAll(db, parts({ table: 'ia_parent', rows: [] }));
  });
});
