/* eslint-disable @typescript-eslint/no-unnecessary-type-assertion -- as in scope.ts: typescript-eslint resolves
   these generic builders differently from tsc, which needs the casts. */
import { sql, type Insertable, type Kysely } from 'kysely';
import type { Tables } from './schema.ts';

/** Rows for one table, to be written by `insertAll`. */
export type Rows = { [T in keyof Tables]: { table: T; rows: Insertable<Tables[T]>[] } }[keyof Tables];

/** A NOTIFY to send with the rows (`pg_notify(channel, payload)`). */
export interface Notify {
  channel: string;
  payload: string;
}

/**
 * Writes rows into several tables in one statement: every insert is a data-modifying CTE but the last, or all
 * of them when the statement ends with a NOTIFY (`pg_notify`, delivered at COMMIT like any NOTIFY). A use case
 * that creates an order, its subscriptions, their line items, audit records and events pays one round trip
 * instead of six. Foreign keys are checked at the end of the statement, so the parts may refer to each other.
 * The caller puts rows with partner_id already set (PartnerScope's helpers do not apply here).
 */
export async function insertAll(db: Kysely<Tables>, parts: readonly Rows[], notify?: Notify): Promise<void> {
  const nonEmpty = parts.filter((p) => p.rows.length > 0);
  const last = notify ? undefined : nonEmpty.at(-1);
  const ctes = last ? nonEmpty.slice(0, -1) : nonEmpty;
  if (!last && !notify) return;
  // Kysely cannot type a chain of CTEs built in a loop; the shapes were checked by the Rows type above.
  let query = db as unknown as Kysely<Tables>;
  ctes.forEach((part, i) => {
    query = query.with(`part${i}`, (c) =>
      c.insertInto(part.table).values(part.rows as never),
    ) as unknown as Kysely<Tables>;
  });
  if (last) {
    await query
      .insertInto(last.table)
      .values(last.rows as never)
      .execute();
  } else if (notify) {
    await query.selectNoFrom(sql`pg_notify(${notify.channel}, ${notify.payload})`.as('notified')).execute();
  }
}
