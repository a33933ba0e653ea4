import { afterEach, describe, expect, it } from 'vitest';
import { assemble } from '../../src/composition.ts';
import { loadConfig } from '../../src/config.ts';
import { InstanceMismatchError } from '../../src/app/instance.ts';
import type { Database } from '../../src/db/database.ts';
import { cloneTestDatabase } from '../support/db.ts';

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

describe('cloud instance (SPEC §6)', () => {
  it('SPEC §6: the instance is recorded at first start; the same database under another cloud is refused', async () => {
    database = await cloneTestDatabase();
    const keep = { ...database, close: async () => {} };
    const first = await assemble(loadConfig({ SEATWISE_CLOUD: 'germany' }), {
      database: keep,
      print: () => {},
    });
    expect(first.instance.cloud).toBe('germany');
    expect(first.instance.newCustomersOpen).toBe(false);
    await expect(
      assemble(loadConfig({ SEATWISE_CLOUD: 'global' }), { database: keep, print: () => {} }),
    ).rejects.toBeInstanceOf(InstanceMismatchError);
    const again = await assemble(loadConfig({ SEATWISE_CLOUD: 'germany' }), {
      database: keep,
      print: () => {},
    });
    expect(again.instance.instanceId).toBe(first.instance.instanceId);
  });

  it('R-API-8: bootstrap prints what it generated, once', async () => {
    database = await cloneTestDatabase();
    const keep = { ...database, close: async () => {} };
    const lines: string[] = [];
    await assemble(loadConfig({}), { database: keep, print: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/console password for admin: \S{12,}/);
    expect(lines.join('\n')).toMatch(/API token for admin: sw_global_\S+/);
    const second: string[] = [];
    await assemble(loadConfig({}), { database: keep, print: (l) => second.push(l) });
    expect(second).toEqual([]);
  });
});
