import type { Compilable, CompiledQuery, QueryExecutor } from 'kysely';

/** A statement to send: a Kysely query, or one already compiled (`insertAllStatement`). */
export type Statement<O = unknown> = Compilable<O> | CompiledQuery<O>;

type RowsOf<S> = S extends Statement<infer O> ? O[] : undefined;

const compiled = <O>(s: Statement<O>): CompiledQuery<O> => ('compile' in s ? s.compile() : s);

/**
 * Sends statements on one connection without waiting for each answer before writing the next (PostgreSQL's
 * pipeline, as pgx's `SendBatch` does), and answers each one's rows, in order; an `undefined` statement is not
 * sent and answers `undefined`. On a PostgreSQL server the statements leave in one socket write
 * (`PreparingClient`), so an order's reads cost one round trip instead of four (docs/benchmarks.md).
 *
 * PostgreSQL still runs them one after the other, each one starting when the one before has finished: a
 * statement behind a lock waits with it, and a statement reads what the ones before it wrote. So this is only
 * for statements whose values are all known before the first is sent. If one fails, the ones behind it in a
 * transaction fail too (the transaction is aborted), and the first failure is thrown once every answer is in.
 */
export async function sendTogether<const S extends readonly (Statement | undefined)[]>(
  /** A Kysely, or a transaction to send them in. */
  db: { getExecutor(): QueryExecutor },
  ...statements: S
): Promise<{ [K in keyof S]: RowsOf<S[K]> }> {
  const queries = statements.map((s) => (s === undefined ? undefined : compiled(s)));
  const answers = await db.getExecutor().provideConnection((connection) =>
    // Every executeQuery hands its statement to the driver before its first await, so all are written at once.
    Promise.allSettled(
      queries.map((q) => (q === undefined ? Promise.resolve(undefined) : connection.executeQuery(q))),
    ),
  );
  const failed = answers.find((a) => a.status === 'rejected');
  if (failed) throw failed.reason;
  return answers.map((a) => (a.status === 'fulfilled' ? a.value?.rows : undefined)) as never;
}
