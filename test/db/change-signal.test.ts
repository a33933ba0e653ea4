import { afterEach, describe, expect, it } from 'vitest';
import { attachChangeSink, signalChange, type ChangeSink } from '../../src/db/change-signal.ts';
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
    beforeCommit: async (trx, keys) => {
      log.push(`before ${trx.isTransaction ? 'in' : 'out of'} a transaction ${keys.join(',')}`);
      return 'token';
    },
    afterCommit: async (keys, token) => {
      log.push(`after ${keys.join(',')} ${token ?? ''}`);
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
      'before in a transaction access:p:c1,access:p:c2',
      'after access:p:c1,access:p:c2 token',
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
    expect(log).toEqual(['before out of a transaction tokens:*', 'after tokens:* token']);
  });
});
