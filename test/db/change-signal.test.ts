import { afterEach, describe, expect, it } from 'vitest';
import {
  attachChangeSink,
  insertAtCommit,
  signalChange,
  type ChangeSink,
} from '../../src/db/change-signal.ts';
import { inTransaction, type Database } from '../../src/db/database.ts';
import { cloneTestDatabase } from '../support/db.ts';

let database: Database;
afterEach(async () => {
  await database.close();
});

/** A sink that records what it was told, and when. */
function recorder() {
  const log: string[] = [];
  const sink: ChangeSink = {
    announce: (keys) => {
      log.push(`announce ${keys.join(',')}`);
      return { token: 'token' };
    },
    afterCommit: async (keys, token, wait) => {
      log.push(`after ${keys.join(',')} ${token ?? ''}${wait ? ' wait' : ''}`);
    },
  };
  return { log, sink };
}

describe('changes signalled in a transaction are settled after COMMIT, before the caller answers (SPEC §8)', () => {
  it('announced last inside the transaction, settled once after it, for nested use cases too', async () => {
    database = await cloneTestDatabase();
    const { log, sink } = recorder();
    attachChangeSink(database.db, sink);
    const result = await inTransaction(database.db, async (trx) => {
      await signalChange(trx, ['access:p:c1']);
      await inTransaction(trx, async (inner) => signalChange(inner, ['access:p:c2', 'access:p:c1']));
      log.push('work done');
      return 42;
    });
    log.push('answered');
    expect(result).toBe(42);
    expect(log).toEqual([
      'work done',
      'announce access:p:c1,access:p:c2',
      'after access:p:c1,access:p:c2 token wait',
      'answered',
    ]);
  });

  it('a transaction that rolls back announces and settles nothing', async () => {
    database = await cloneTestDatabase();
    const { log, sink } = recorder();
    attachChangeSink(database.db, sink);
    await expect(
      inTransaction(database.db, async (trx) => {
        await signalChange(trx, ['access:p:c1']);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(log).toEqual([]);
  });

  it('a transaction not opened through inTransaction cannot carry a change: it throws rather than go stale', async () => {
    database = await cloneTestDatabase();
    attachChangeSink(database.db, recorder().sink);
    await expect(
      database.db.transaction().execute((trx) => signalChange(trx, ['access:p:c1'])),
    ).rejects.toThrow('not opened through inTransaction');
  });

  it('outside a transaction (a write already committed) the change is settled at once', async () => {
    database = await cloneTestDatabase();
    const { log, sink } = recorder();
    attachChangeSink(database.db, sink);
    await signalChange(database.db, ['tokens:*']);
    expect(log).toEqual(['announce tokens:*', 'after tokens:* token wait']);
  });

  it('a change that only widens is settled without waiting, unless the same transaction also narrows', async () => {
    database = await cloneTestDatabase();
    const { log, sink } = recorder();
    attachChangeSink(database.db, sink);
    await inTransaction(database.db, (trx) => signalChange(trx, ['access:p:c1'], { wait: false }));
    await inTransaction(database.db, async (trx) => {
      await signalChange(trx, ['access:p:c1'], { wait: false });
      await signalChange(trx, ['access:p:c2']);
    });
    expect(log).toEqual([
      'announce access:p:c1',
      'after access:p:c1 token',
      'announce access:p:c1,access:p:c2',
      'after access:p:c1,access:p:c2 token wait',
    ]);
  });
});

describe('rows queued with insertAtCommit are written by the transaction, all or nothing', () => {
  const offer = (id: string) => ({
    id,
    definition: JSON.stringify({ id }),
    rank: 1000,
    imported_at: new Date('2026-01-01T00:00:00Z'),
  });
  const offerIds = async () =>
    (
      await database.db.selectFrom('offers').select('id').where('id', 'like', 'T-%').orderBy('id').execute()
    ).map((r) => r.id);

  it('written at COMMIT, with the rows the transaction wrote itself', async () => {
    database = await cloneTestDatabase();
    await inTransaction(database.db, async (trx) => {
      await trx.insertInto('offers').values(offer('T-A')).execute();
      insertAtCommit(trx, [{ table: 'offers', rows: [offer('T-B'), offer('T-C')] }]);
      // Not written yet: queued rows go out with the transaction's last statement.
      expect(await trx.selectFrom('offers').select('id').where('id', '=', 'T-B').execute()).toEqual([]);
    });
    expect(await offerIds()).toEqual(['T-A', 'T-B', 'T-C']);
  });

  it('a queued row that breaks a constraint rolls the whole transaction back', async () => {
    database = await cloneTestDatabase();
    await expect(
      inTransaction(database.db, async (trx) => {
        await trx.insertInto('offers').values(offer('T-A')).execute();
        insertAtCommit(trx, [{ table: 'offers', rows: [offer('T-B'), offer('T-B')] }]);
      }),
    ).rejects.toThrow();
    expect(await offerIds()).toEqual([]);
  });

  it('a transaction that fails after queuing writes nothing', async () => {
    database = await cloneTestDatabase();
    await expect(
      inTransaction(database.db, async (trx) => {
        insertAtCommit(trx, [{ table: 'offers', rows: [offer('T-B')] }]);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await offerIds()).toEqual([]);
  });
});
