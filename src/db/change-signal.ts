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

// The keys each open transaction changed, by its handle: use cases pass the handle down (directly or in a
// PartnerScope), so the handle finds them. (Not AsyncLocalStorage: on Node 20 it taxes every promise.)
const open = new WeakMap<Db, Set<string>>();

/**
 * Runs `fn` in a new transaction on `root`. Changes signalled inside it (`signalChange`) are announced as the
 * transaction's last statement and settled after COMMIT, before this returns: a request that wrote through
 * here answers only once no process can still serve what it changed from memory (SPEC §8, R-ACC).
 */
export async function runTransaction<T>(root: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  const keys = new Set<string>();
  const sink = sinks.get(root);
  let token: string | undefined;
  const result = await root.transaction().execute(async (trx) => {
    open.set(trx, keys);
    try {
      const value = await fn(trx);
      if (keys.size > 0 && sink) token = await sink.beforeCommit(trx, [...keys]);
      return value;
    } finally {
      open.delete(trx);
    }
  });
  if (keys.size > 0 && sink) await sink.afterCommit([...keys], token);
  return result;
}

/**
 * Says that the data behind these cache keys changed (`access:<partner>:<customer>`, `access:*`, ...). Inside
 * a transaction the keys are settled when it commits; outside one (an autocommit write that already happened)
 * they are settled now. A transaction not opened through `inTransaction` cannot carry them: that is a bug, and
 * it throws rather than let a cache go stale.
 */
export async function signalChange(db: Db, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  if (db.isTransaction) {
    const pending = open.get(db);
    if (!pending) throw new Error('signalChange: the transaction was not opened through inTransaction');
    for (const key of keys) pending.add(key);
    return;
  }
  const sink = sinks.get(db);
  if (!sink) return;
  const token = await sink.beforeCommit(db, keys);
  await sink.afterCommit(keys, token);
}
