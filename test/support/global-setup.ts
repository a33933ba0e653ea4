import { PGlite } from '@electric-sql/pglite';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import { ensureConsoleBuilt } from '../../scripts/build-web.mjs';
import { databaseFromPGlite, databaseFromUrl, migrate } from '../../src/db/database.ts';
import { distributeSchema } from '../../src/db/distribute.ts';
import { PG_TEMPLATE_DB, PGLITE_TEMPLATE, prepareCitusTemplate, serverUrl, urlFor } from './template.ts';

/**
 * Migrates one template database per run; each test then clones it: a PGlite dump
 * loaded in memory, or `CREATE DATABASE ... TEMPLATE` on a PostgreSQL server.
 */
export default async function setup(): Promise<void> {
  // The browser tests drive the built console: build it first when web/dist is missing or stale.
  await ensureConsoleBuilt({ quiet: true });
  if (serverUrl()) {
    const migrated = async (url: string) => {
      const database = databaseFromUrl(url, 1);
      await migrate(database.db).finally(() => database.close());
    };
    const distributed = async (url: string) => {
      const database = databaseFromUrl(url, 1);
      await distributeSchema(database.db).finally(() => database.close());
    };
    if (await prepareCitusTemplate(migrated, distributed)) return;
    const admin = new pg.Client({ connectionString: urlFor('postgres') });
    await admin.connect();
    try {
      const stale = await admin.query<{ datname: string }>(
        "select datname from pg_database where datname like 'seatwise_t_%' or datname = $1",
        [PG_TEMPLATE_DB],
      );
      for (const { datname } of stale.rows)
        await admin.query(`drop database if exists "${datname}" with (force)`);
      await admin.query(`create database ${PG_TEMPLATE_DB}`);
    } finally {
      await admin.end();
    }
    const database = databaseFromUrl(urlFor(PG_TEMPLATE_DB), 1);
    await migrate(database.db);
    await database.close();
    return;
  }
  const pglite = await PGlite.create();
  const database = databaseFromPGlite(pglite);
  await migrate(database.db);
  const dump = await pglite.dumpDataDir('gzip');
  mkdirSync(dirname(PGLITE_TEMPLATE), { recursive: true });
  writeFileSync(PGLITE_TEMPLATE, Buffer.from(await dump.arrayBuffer()));
  await database.close();
}
