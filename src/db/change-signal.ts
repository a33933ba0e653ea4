import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';
import type { Tables } from './schema.ts';

type Db = Kysely<Tables>;

/**
 * What a process does with the changes it commits to data that some process may hold in memory (access
 * decisions, tokens). Implemented by the cache coherence of `cache-coherence.ts`; attached to the root database
 * handle by the composition root.
 */
export interface ChangeSink {
  /**
   * Runs last inside the committing transaction, through its handle: announces the change so that the other
   * processes hear of it when, and only if, it commits (PostgreSQL delivers a NOTIFY at COMMIT). Returns a token
   * that `afterCommit` waits on.
   */
  beforeCommit(trx: Db, keys: readonly string[]): Promise<string | undefined>;
  /** Runs after COMMIT and before the caller answers: drops this process's copies, waits for the others'. */
  afterCommit(keys: readonly string[], token: string | undefined): Promise<void>;
}

const sinks = new WeakMap<Db, ChangeSink>();

/** Makes `sink` hear every change signalled through `root` (or a transaction opened on it). */
export function attachChangeSink(root: Db, sink: ChangeSink): () => void {
  sinks.set(root, sink);
  return () => {
    if (sinks.get(root) === sink) sinks.delete(root);
  };
}

interface TransactionNotes {
  root: Db;
  keys: Set<string>;
}
const open = new AsyncLocalStorage<TransactionNotes>();

/**
 * Runs `fn` in a new transaction on `root`. Changes signalled inside it (`signalChange`) are announced as the
 * transaction's last statement and settled after COMMIT, before this returns: a request that wrote through
 * here answers only once no process can still serve what it changed from memory (SPEC §8, R-ACC).
 */
export async function runTransaction<T>(root: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  const notes: TransactionNotes = { root, keys: new Set() };
  const sink = sinks.get(root);
  let token: string | undefined;
  const result = await open.run(notes, () =>
    root.transaction().execute(async (trx) => {
      const value = await fn(trx);
      if (notes.keys.size > 0 && sink) token = await sink.beforeCommit(trx, [...notes.keys]);
      return value;
    }),
  );
  if (notes.keys.size > 0 && sink) await sink.afterCommit([...notes.keys], token);
  return result;
}

/**
 * Says that the data behind these cache keys changed (`access:<partner>:<customer>`, `tokens:*`, ...). Inside a
 * transaction the keys are settled when it commits; outside one (an autocommit write that already happened)
 * they are settled now. A transaction not opened through `inTransaction` cannot carry them: that is a bug, and
 * it throws rather than let a cache go stale.
 */
export async function signalChange(db: Db, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  if (db.isTransaction) {
    const notes = open.getStore();
    if (!notes) throw new Error('signalChange: the transaction was not opened through inTransaction');
    for (const key of keys) notes.keys.add(key);
    return;
  }
  const sink = sinks.get(db);
  if (!sink) return;
  const token = await sink.beforeCommit(db, keys);
  await sink.afterCommit(keys, token);
}
