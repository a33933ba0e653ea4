import type { Kysely } from 'kysely';
import { insertAll, type Notify, type Rows } from './insert-all.ts';
import type { Tables } from './schema.ts';

type Db = Kysely<Tables>;

/** How a process announces a change to the others: a token to wait on, and the NOTIFY that carries it. */
export interface Announcement {
  token?: string;
  /** Sent by the committing transaction as part of its last statement: PostgreSQL delivers it at COMMIT. */
  notify?: Notify;
}

/**
 * What a process does with the changes it commits to data that some process may hold in memory (access
 * decisions, tokens, the catalog). Implemented by the cache coherence of `cache-coherence.ts`; attached to the
 * root database handle by the composition root.
 */
export interface ChangeSink {
  /** Prepares the announcement of these keys (runs inside the committing transaction, before its last write). */
  announce(keys: readonly string[]): Announcement;
  /**
   * Runs after COMMIT and before the caller answers: drops this process's copies and, when `wait`, waits until
   * no other process can still serve the old data. Without `wait` the others drop it when they hear the NOTIFY.
   */
  afterCommit(keys: readonly string[], token: string | undefined, wait: boolean): Promise<void>;
}

const sinks = new WeakMap<Db, ChangeSink>();

/** Makes `sink` hear every change signalled through `root` (or a transaction opened on it). */
export function attachChangeSink(root: Db, sink: ChangeSink): () => void {
  sinks.set(root, sink);
  return () => {
    if (sinks.get(root) === sink) sinks.delete(root);
  };
}

/** What an open transaction carries until it commits. */
interface Pending {
  root: Db;
  keys: Set<string>;
  /** Whether any of the keys needs every process to have dropped it before the writer answers. */
  wait: boolean;
  /** Rows written by the transaction's last statement (`insertAtCommit`). */
  rows: Rows[];
}

// By transaction handle: use cases pass the handle down (directly or in a PartnerScope), so the handle finds
// them. (Not AsyncLocalStorage: on Node 20 it taxes every promise.)
const open = new WeakMap<Db, Pending>();

/**
 * Runs `fn` in a new transaction on `root`. Its last statement writes the rows queued with `insertAtCommit`
 * and announces the changes signalled inside it (`signalChange`); they are settled after COMMIT, before this
 * returns: a request that wrote through here answers only once no process can still serve from memory what
 * it took away (SPEC §8, R-ACC).
 */
export async function runTransaction<T>(root: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  const pending: Pending = { root, keys: new Set(), wait: false, rows: [] };
  const sink = sinks.get(root);
  let announced: Announcement = {};
  const result = await root.transaction().execute(async (trx) => {
    open.set(trx, pending);
    try {
      const value = await fn(trx);
      if (pending.keys.size > 0 && sink) announced = sink.announce([...pending.keys]);
      await insertAll(trx, pending.rows, announced.notify);
      return value;
    } finally {
      open.delete(trx);
    }
  });
  if (pending.keys.size > 0 && sink) await sink.afterCommit([...pending.keys], announced.token, pending.wait);
  return result;
}

/**
 * Queues rows to be written by the transaction's last statement, with the other queued rows and its change
 * announcement: one round trip for all of a use case's inserts. Only for rows the use case does not read back
 * itself; when it is composed into a larger transaction they are written as it ends (`inTransaction`), for
 * the next part to read. A constraint they break fails that statement, and the transaction rolls back as with
 * any write.
 */
export function insertAtCommit(trx: Db, parts: readonly Rows[]): void {
  const pending = open.get(trx);
  if (!pending) throw new Error('insertAtCommit: the transaction was not opened through inTransaction');
  pending.rows.push(...parts);
}

/** Writes the rows queued so far in the open transaction `trx` (a composed use case has ended). */
export async function writeQueuedRows(trx: Db): Promise<void> {
  const pending = open.get(trx);
  if (!pending || pending.rows.length === 0) return;
  const rows = pending.rows.splice(0);
  await insertAll(trx, rows);
}

/** The root handle a transaction was opened on (the handle itself when it is not a transaction). */
export function rootOf(db: Db): Db {
  return open.get(db)?.root ?? db;
}

/** Whether the open transaction `db` has signalled a change to any of these keys (false outside one). */
export function changedHere(db: Db, keys: readonly string[]): boolean {
  const pending = open.get(db);
  return !!pending && keys.some((k) => pending.keys.has(k));
}

export interface SignalOptions {
  /**
   * False for a change that only widens what cached data allows (a new subscription): the other processes
   * drop it when they hear of it, and the writer does not wait for them. Default true: the writer answers only
   * once no process can still allow what the change took away.
   */
  wait?: boolean;
}

/**
 * Says that the data behind these cache keys changed (`access:<partner>:<customer>`, `access:*`, ...). Inside
 * a transaction the keys are settled when it commits; outside one (an autocommit write that already happened)
 * they are settled now. A transaction not opened through `inTransaction` cannot carry them: that is a bug, and
 * it throws rather than let a cache go stale.
 */
export async function signalChange(
  db: Db,
  keys: readonly string[],
  options: SignalOptions = {},
): Promise<void> {
  if (keys.length === 0) return;
  const wait = options.wait ?? true;
  if (db.isTransaction) {
    const pending = open.get(db);
    if (!pending) throw new Error('signalChange: the transaction was not opened through inTransaction');
    for (const key of keys) pending.keys.add(key);
    pending.wait ||= wait;
    return;
  }
  const sink = sinks.get(db);
  if (!sink) return;
  const announced = sink.announce(keys);
  await insertAll(db, [], announced.notify);
  await sink.afterCommit(keys, announced.token, wait);
}
