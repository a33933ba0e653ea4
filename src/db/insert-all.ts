/* eslint-disable @typescript-eslint/no-unnecessary-type-assertion -- as in scope.ts: typescript-eslint resolves
   these generic builders differently from tsc, which needs the casts. */
import type { Insertable, Kysely } from 'kysely';
import type { Tables } from './schema.ts';

/** Rows for one table (of `T`), to be written by `insertAll`. */
export type Rows<T extends keyof Tables = keyof Tables> = {
  [K in T]: { table: K; rows: Insertable<Tables[K]>[] };
}[T];

/**
 * Writes rows into several tables in one statement: every insert but the last is a data-modifying CTE. A use
 * case that creates an order, its subscriptions, their line items, audit records and events pays one round
 * trip instead of six. Foreign keys are checked at the end of the statement, so the parts may refer to each
 * other. Use cases write partner rows through `PartnerScope.insertRows`, which stamps the partner on each row
 * and calls this.
 */
export async function insertAll(db: Kysely<Tables>, parts: readonly Rows[]): Promise<void> {
  const nonEmpty = parts.filter((p) => p.rows.length > 0);
  const last = nonEmpty.at(-1);
  if (!last) return;
  // Kysely cannot type a chain of CTEs built in a loop; the shapes were checked by the Rows type above.
  let query = db as unknown as Kysely<Tables>;
  nonEmpty.slice(0, -1).forEach((part, i) => {
    query = query.with(`part${i}`, (c) =>
      c.insertInto(part.table).values(part.rows as never),
    ) as unknown as Kysely<Tables>;
  });
  await query
    .insertInto(last.table)
    .values(last.rows as never)
    .execute();
}
