/**
 * Orders per second through two Seatwise processes on a Citus coordinator (the schema distributed by
 * partner), against two Seatwise processes on one PostgreSQL server started here, in the same run. One machine
 * cannot show what more machines add; it shows what distribution costs. docs/scale-out.md records the figures.
 *
 *   npx tsx bench/citus.ts --citus postgres://postgres@127.0.0.1:9700/postgres
 *   npx tsx bench/citus.ts --citus ... --seconds 30 --connections 16 --customers 200
 *
 * The Citus cluster is the operator's (docs/scale-out.md says how to start one): this creates a database
 * `seatwise_bench_citus` on every node, registers the nodes in it, migrates and distributes it, and drops it
 * at the end. The PostgreSQL server runs with the same fsync setting as given by --fsync (default off).
 */
import autocannon from 'autocannon';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startThrowawayPostgres } from '../scripts/postgres.mjs';
import { databaseFromUrl, migrate } from '../src/db/database.ts';
import { distributeSchema } from '../src/db/distribute.ts';
import {
  createCustomers,
  createDatabase,
  fmt,
  machine,
  orderRequests,
  startSeatwise,
  type Server,
} from './support.ts';

const { values: args } = parseArgs({
  options: {
    citus: { type: 'string' },
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '16' },
    customers: { type: 'string', default: '200' },
    fsync: { type: 'boolean', default: false },
  },
});
if (!args.citus) throw new Error('--citus <URL of the coordinator, postgres database> is required');
const seconds = Number(args.seconds);
const connections = Number(args.connections);
const customerCount = Number(args.customers);
const NAME = 'seatwise_bench_citus';

const withDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

async function onNode(url: string, statements: string[]) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (const s of statements) await c.query(s);
  } finally {
    await c.end();
  }
}

/** The bench database on every node of the cluster, registered, migrated and distributed by partner. */
async function citusDatabase(coordinator: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const c = new pg.Client({ connectionString: coordinator });
  await c.connect();
  const { rows } = await c.query<{ node_name: string; node_port: number }>(
    'select node_name, node_port from citus_get_active_worker_nodes() order by node_port',
  );
  await c.end();
  if (rows.length === 0) throw new Error('the coordinator has no workers (citus_add_node)');
  const workers = rows.map((r) => {
    const u = new URL(coordinator);
    u.hostname = r.node_name;
    u.port = String(r.node_port);
    return u.toString();
  });
  const nodes = [...workers, coordinator];
  const drop = async () => {
    for (const n of nodes) await onNode(n, [`drop database if exists ${NAME} with (force)`]);
  };
  await drop();
  for (const n of nodes) {
    await onNode(n, [`create database ${NAME}`]);
    await onNode(withDatabase(n, NAME), ['create extension citus']);
  }
  const host = new URL(coordinator);
  await onNode(withDatabase(coordinator, NAME), [
    `select citus_set_coordinator_host('${host.hostname}', ${Number(host.port || 5432)})`,
    ...workers.map((w) => {
      const u = new URL(w);
      return `select citus_add_node('${u.hostname}', ${Number(u.port || 5432)})`;
    }),
  ]);
  const url = withDatabase(coordinator, NAME);
  const database = databaseFromUrl(url, 1);
  try {
    await migrate(database.db);
    await distributeSchema(database.db);
  } finally {
    await database.close();
  }
  return { url, drop };
}

/** Orders through both processes at once, half the connections each; orders/s summed. */
async function placeOrders(servers: Server[], customers: string[]) {
  const requests = orderRequests(customers);
  const runs = await Promise.all(
    servers.map((server) =>
      autocannon({
        url: server.url,
        connections: Math.max(1, Math.floor(connections / servers.length)),
        duration: seconds,
        requests,
      }),
    ),
  );
  return {
    ordersPerSecond: runs.reduce((a, r) => a + r.requests.average, 0),
    p50: Math.max(...runs.map((r) => r.latency.p50)),
    p99: Math.max(...runs.map((r) => r.latency.p99)),
    failed: runs.reduce((a, r) => a + r.non2xx + r.errors, 0),
  };
}

async function measure(label: string, url: string) {
  const env = { DATABASE_URL: url, SEATWISE_DEMO: '1' };
  const a = await startSeatwise(env);
  const b = await startSeatwise({ ...env, SEATWISE_DEMO: '0' }).catch(async (e: unknown) => {
    await a.stop();
    throw e;
  });
  try {
    const customers = await createCustomers(a, customerCount);
    console.error(
      `${label}: ${customers.length} customers; orders for ${seconds} s on ${connections} connections`,
    );
    return await placeOrders([a, b], customers);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

const single = await startThrowawayPostgres({ fsync: args.fsync });
if (!single) throw new Error("No PostgreSQL server binaries: install Debian's postgresql package.");
const citus = await citusDatabase(args.citus);
try {
  const plain = await measure('one PostgreSQL', await createDatabase(single.url, 'seatwise_bench'));
  const spread = await measure('Citus', citus.url);
  console.log(`\n${machine()}; ${seconds} s, ${connections} connections over two Seatwise processes`);
  console.table([
    {
      target: 'one PostgreSQL server',
      'orders/s': fmt(plain.ordersPerSecond),
      'p50/p99 ms': `${plain.p50} / ${plain.p99}`,
      failed: plain.failed,
    },
    {
      target: 'Citus: coordinator + workers',
      'orders/s': fmt(spread.ordersPerSecond),
      'p50/p99 ms': `${spread.p50} / ${spread.p99}`,
      failed: spread.failed,
    },
  ]);
  console.log(`ratio Citus / one PostgreSQL: ${(spread.ordersPerSecond / plain.ordersPerSecond).toFixed(2)}`);
} finally {
  single.stop();
  await citus.drop();
}
