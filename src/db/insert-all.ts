/* eslint-disable @typescript-eslint/no-unnecessary-type-assertion -- as in scope.ts: typescript-eslint resolves
   these generic builders differently from tsc, which needs the casts. */
import { CompiledQuery, type Insertable, type Kysely } from 'kysely';
import type { Tables } from './schema.ts';

/** Rows for one table (of `T`), to be written by `insertAllStatement`. */
export type Rows<T extends keyof Tables = keyof Tables> = {
  [K in T]: { table: K; rows: Insertable<Tables[K]>[] };
}[T];

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * `INSERT INTO table (columns) VALUES (...), (...)`, its values appended to `params`. The columns are every
 * key some row gives a value (first seen, first listed); a row without one gets the column's DEFAULT, as
 * Kysely's own insert does. Undefined when a row holds a SQL expression rather than a value.
 */
function insertStatement(table: string, rows: readonly object[], params: unknown[]): string | undefined {
  const columns: string[] = [];
  const listed = new Set<string>();
  for (const row of rows) {
    for (const [column, value] of Object.entries(row)) {
      if (value === undefined || listed.has(column)) continue;
      if (typeof value === 'object' && value !== null && 'toOperationNode' in value) return undefined;
      listed.add(column);
      columns.push(column);
    }
  }
  if (columns.length === 0) return undefined;
  const tuples = rows.map((row) => {
    const values = row as Record<string, unknown>;
    return `(${columns
      .map((column) => {
        const value = values[column];
        if (value === undefined) return 'default';
        params.push(value);
        return `$${params.length}`;
      })
      .join(', ')})`;
  });
  return `insert into ${quoted(table)} (${columns.map(quoted).join(', ')}) values ${tuples.join(', ')}`;
}

/**
 * One statement that writes rows into several tables: every insert but the last is a data-modifying CTE. A
 * use case that creates an order, its subscriptions, their line items, audit records and events pays one
 * round trip instead of six. Foreign keys are checked at the end of the statement, so the parts may refer to
 * each other. Use cases write partner rows through `PartnerScope.insertRows`, which stamps the partner on each
 * row and sends this statement; undefined when there is no row to write.
 *
 * The statement's text is written here rather than built as Kysely's query tree: the tree of a batch of rows
 * (a node per value, each frozen, then visited to compile) was a fifth of an order's server CPU
 * (docs/benchmarks.md). The values go as parameters, exactly as Kysely sends them.
 */
export function insertAllStatement(db: Kysely<Tables>, parts: readonly Rows[]): CompiledQuery | undefined {
  const nonEmpty = parts.filter((p) => p.rows.length > 0);
  if (nonEmpty.length === 0) return undefined;
  const params: unknown[] = [];
  const statements = nonEmpty.map((p) => insertStatement(p.table, p.rows, params));
  if (statements.some((s) => s === undefined)) return insertWithKysely(db, nonEmpty);
  const ctes = statements.slice(0, -1).map((s, i) => `"part${i}" as (${s})`);
  const text = `${ctes.length > 0 ? `with ${ctes.join(', ')} ` : ''}${statements.at(-1)}`;
  return CompiledQuery.raw(text, params);
}

/** The same statement built by Kysely: for rows that hold a SQL expression. */
function insertWithKysely(db: Kysely<Tables>, parts: readonly Rows[]): CompiledQuery {
  const last = parts.at(-1) as Rows;
  // Kysely cannot type a chain of CTEs built in a loop; the shapes were checked by the Rows type above.
  let query = db;
  parts.slice(0, -1).forEach((part, i) => {
    query = query.with(`part${i}`, (c) => c.insertInto(part.table).values(part.rows as never)) as never;
  });
  return query
    .insertInto(last.table)
    .values(last.rows as never)
    .compile();
}
