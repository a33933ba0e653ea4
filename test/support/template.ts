import pg from 'pg';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '..', '..', '.test-template');

/**
 * The two templates a test database is cloned from, built by the `db` project's global setup:
 * `bare` is only migrated; `catalog` also holds the demo catalog, imported at REFERENCE_TIME, so that a
 * whole-Seatwise test does not import it again.
 */
export type TemplateKind = 'bare' | 'catalog';

/** Where the embedded templates are dumped, and the key of the sources they were built from. */
export const PGLITE_TEMPLATES: Record<TemplateKind, string> = {
  bare: join(dir, 'pglite.tar.gz'),
  catalog: join(dir, 'pglite-catalog.tar.gz'),
};
export const PGLITE_TEMPLATE = PGLITE_TEMPLATES.bare;
export const PGLITE_TEMPLATE_KEY = join(dir, 'key');

export const PG_TEMPLATE_DB = 'seatwise_template';
export const PG_TEMPLATE_DBS: Record<TemplateKind, string> = {
  bare: PG_TEMPLATE_DB,
  catalog: 'seatwise_template_catalog',
};

/** Where test time starts: the catalog template's offers are imported at this instant. */
export const REFERENCE_TIME = new Date('2027-01-15T09:00:00.000Z');

/** Set by `npm test` (scripts/test.mjs) to run the suite on a PostgreSQL server instead of PGlite. */
export const serverUrl = (): string | undefined => process.env.SEATWISE_TEST_DATABASE_URL || undefined;

/** The same server URL pointing at another database. */
export function urlFor(database: string): string {
  const url = new URL(serverUrl() as string);
  url.pathname = `/${database}`;
  return url.toString();
}

// A Citus coordinator (SPEC §8, docs/scale-out.md): every database lives on every node. The template is made
// on the workers too, with the citus extension and the coordinator's node list, then migrated and distributed
// by partner; a clone is made on every node, workers first, and dropped from every node.

/** The workers' `postgres` databases when the server is a Citus coordinator with workers; [] otherwise. */
let workers: Promise<string[]> | undefined;
export function citusWorkers(): Promise<string[]> {
  workers ??= (async () => {
    const client = new pg.Client({ connectionString: urlFor('postgres') });
    await client.connect();
    try {
      const ext = await client.query("select 1 from pg_extension where extname = 'citus'");
      if (ext.rowCount === 0) return [];
      const nodes = await client.query<{ node_name: string; node_port: number }>(
        'select node_name, node_port from citus_get_active_worker_nodes() order by node_port',
      );
      return nodes.rows.map((n) => {
        const url = new URL(urlFor('postgres'));
        url.hostname = n.node_name;
        url.port = String(n.node_port);
        return url.toString();
      });
    } finally {
      await client.end();
    }
  })();
  return workers;
}

async function onNode<T>(nodeUrl: string, database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(nodeUrl);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Citus keeps a maintenance session on every database that has the extension, and `CREATE DATABASE ...
 * TEMPLATE` refuses a template with sessions: the template stops taking connections and its sessions end.
 */
async function freezeTemplate(nodeUrl: string, template: string): Promise<void> {
  await onNode(nodeUrl, 'postgres', async (c) => {
    await c.query(`alter database ${template} with allow_connections false`);
    for (let i = 0; i < 100; i++) {
      const { rowCount } = await c.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [template],
      );
      if (rowCount === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`sessions on ${template} did not end`);
  });
}

/** Drops `database` on every node (the coordinator last), whatever is connected to it. */
export async function dropTestDatabase(database: string): Promise<void> {
  for (const node of [...(await citusWorkers()), urlFor('postgres')])
    await onNode(node, 'postgres', (c) => c.query(`drop database if exists "${database}" with (force)`));
}

/** Clones the template as `database`: on every Citus node, workers first, or on the one server. */
export async function createTestDatabase(database: string, template = PG_TEMPLATE_DB): Promise<void> {
  for (const node of [...(await citusWorkers()), urlFor('postgres')])
    await onNode(node, 'postgres', async (c) => {
      // A Citus background worker may still hold a session on the frozen template (it is not bound by
      // allow_connections): end it and copy again.
      for (let attempt = 1; ; attempt++) {
        try {
          return await c.query(`create database ${database} template ${template}`);
        } catch (e) {
          if ((e as { code?: string }).code !== '55006' || attempt === 20) throw e;
          await c.query(
            'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
            [template],
          );
          await new Promise((r) => setTimeout(r, 100 * attempt));
        }
      }
    });
}

/**
 * On a Citus coordinator: drops what an earlier run left on every node, creates the `bare` template on every
 * node with the extension and the node list, then `migrate` (the caller's: the migrations) and distribute it;
 * then clones it on every node as the `catalog` template and `fill`s that one through the coordinator. Both
 * are distributed by partner, as `seatwise migrate --distribute` leaves a database. Returns false, doing
 * nothing, on a plain PostgreSQL server.
 */
export async function prepareCitusTemplates(
  migrate: (url: string) => Promise<void>,
  distribute: (url: string) => Promise<void>,
  fill: (url: string) => Promise<void>,
): Promise<boolean> {
  const nodes = await citusWorkers();
  if (nodes.length === 0) return false;
  const coordinator = urlFor('postgres');
  for (const node of [...nodes, coordinator]) {
    const stale = await onNode(node, 'postgres', (c) =>
      c.query<{ datname: string }>(
        "select datname from pg_database where datname like 'seatwise_%' and datname <> 'seatwise'",
      ),
    );
    for (const { datname } of stale.rows) await dropTestDatabase(datname);
  }
  for (const node of [...nodes, coordinator]) {
    await onNode(node, 'postgres', (c) => c.query(`create database ${PG_TEMPLATE_DB}`));
    await onNode(node, PG_TEMPLATE_DB, (c) => c.query('create extension citus'));
  }
  await onNode(coordinator, PG_TEMPLATE_DB, async (c) => {
    const host = new URL(coordinator);
    await c.query('select citus_set_coordinator_host($1, $2)', [host.hostname, Number(host.port || 5432)]);
    for (const node of nodes) {
      const w = new URL(node);
      await c.query('select citus_add_node($1, $2)', [w.hostname, Number(w.port || 5432)]);
    }
  });
  await migrate(urlFor(PG_TEMPLATE_DB));
  await distribute(urlFor(PG_TEMPLATE_DB));
  for (const node of [...nodes, coordinator]) await freezeTemplate(node, PG_TEMPLATE_DB);
  await createTestDatabase(PG_TEMPLATE_DBS.catalog, PG_TEMPLATE_DB);
  await fill(urlFor(PG_TEMPLATE_DBS.catalog));
  for (const node of [...nodes, coordinator]) await freezeTemplate(node, PG_TEMPLATE_DBS.catalog);
  return true;
}
