import { PGlite } from '@electric-sql/pglite';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { databaseFromPGlite, databaseFromUrl, type Database } from '../../src/db/database.ts';
import { createTestDatabase, dropTestDatabase, PGLITE_TEMPLATE, serverUrl, urlFor } from './template.ts';

let templateBytes: Buffer | undefined;

/** A fresh, migrated database for one test: a clone of the run's template. Close it when done. */
export async function cloneTestDatabase(): Promise<Database> {
  if (serverUrl()) {
    const name = `seatwise_t_${randomBytes(6).toString('hex')}`;
    await createTestDatabase(name);
    const database = databaseFromUrl(urlFor(name), 4);
    return {
      ...database,
      close: async () => {
        await database.close();
        await dropTestDatabase(name);
      },
    };
  }
  templateBytes ??= readFileSync(PGLITE_TEMPLATE);
  const pglite = await PGlite.create({
    loadDataDir: new Blob([templateBytes], { type: 'application/x-gzip' }),
  });
  return databaseFromPGlite(pglite);
}

export const onServer = (): boolean => serverUrl() !== undefined;
