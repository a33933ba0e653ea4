/**
 * Orders per second through HTTP, with MS-RequestId, against two baselines on the same PostgreSQL server in
 * the same run: pgbench TPC-B, and pgbench sending the statements of one order as Seatwise sent them (recorded
 * from the server's log, see order-statements.ts; the target: orders/s ≥ 0.6 × that). Also runs the embedded
 * database.
 *
 *   npm run bench:orders                       # both engines, 20 s each
 *   npm run bench:orders -- --seconds 60 --connections 16 --engine postgres
 *   npm run bench:orders -- --engine postgres --profile /tmp/prof   # plus a V8 CPU profile of the server
 *   npm run bench:orders -- --engine postgres --statements          # plus PostgreSQL's costliest statements
 *   npm run bench:orders -- --compare /tmp/seatwise-main  # another checkout's server first, same run, same baseline
 *
 * Each order is one line (CN-365-BB, an offer without a limit) for one of many customers, so that orders do
 * not queue on one customer's lock. Prints a table; docs/benchmarks.md records what it printed.
 */
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startThrowawayPostgres } from '../scripts/postgres.mjs';
import {
  lastTransaction,
  logStatements,
  pgbenchScript,
  pgbenchScripts,
  serverLog,
  type LoggedStatement,
} from './order-statements.ts';
import {
  BENCH_TOKEN,
  cpuByProcess,
  cpuSpent,
  createCustomers,
  createDatabase,
  fmt,
  machine,
  orderRequests,
  pgbenchTpcb,
  ROOT,
  startSeatwise,
  type PgbenchResult,
  type Server,
} from './support.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '16' },
    customers: { type: 'string', default: '500' },
    engine: { type: 'string', default: 'both' },
    /** Writes a V8 CPU profile of each server process into this folder (for finding where the time goes). */
    profile: { type: 'string' },
    /** Loads pg_stat_statements and prints the statements that took PostgreSQL the longest. */
    statements: { type: 'boolean', default: false },
    /** Another checkout whose server places the same orders first, against the same baseline. */
    compare: { type: 'string' },
  },
});
const seconds = Number(args.seconds);
const connections = Number(args.connections);
const customerCount = Number(args.customers);
const auth = { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' };

interface OrderRun {
  ordersPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** CPU ms per order: the server process, PostgreSQL's processes (none on the embedded one), the load generator. */
  cpu: { server: number; postgres: number; client: number };
}

async function placeOrders(server: Server, customers: string[]): Promise<OrderRun> {
  const before = cpuByProcess();
  const clientBefore = process.cpuUsage();
  const result = await autocannon({
    url: server.url,
    connections,
    duration: seconds,
    requests: orderRequests(customers),
  });
  const client = process.cpuUsage(clientBefore);
  const spent = cpuSpent(before, cpuByProcess(), [server.child.pid as number]);
  const orders = result.requests.total;
  return {
    ordersPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    cpu: {
      server: spent.pids / orders,
      postgres: spent.postgres / orders,
      client: (client.user + client.system) / 1000 / orders,
    },
  };
}

/** What pg_stat_statements saw on the orders database: execution and planning time per statement. */
async function printStatements(serverUrl: string) {
  const client = new pg.Client({ connectionString: serverUrl.replace(/\/postgres$/, '/seatwise_bench') });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const r = await client.query<Record<string, string>>(
      `SELECT calls, round(total_exec_time::numeric / nullif(calls, 0), 3) AS exec_ms,
              round(total_plan_time::numeric / nullif(calls, 0), 3) AS plan_ms,
              left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS statement
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       ORDER BY total_exec_time + total_plan_time DESC LIMIT 15`,
    );
    console.log('\nPostgreSQL, per call (ms), costliest first:');
    console.table(r.rows);
  } finally {
    await client.end();
  }
}

/** One order placed with the server's statement log on: the statements of its transaction. */
async function recordOrder(server: Server, customer: string): Promise<LoggedStatement[]> {
  await logStatements(pgServer.url, true);
  try {
    const res = await fetch(`${server.url}/v1/customers/${customer}/orders`, {
      method: 'POST',
      headers: { ...auth, 'MS-RequestId': randomUUID() },
      body: JSON.stringify({
        billingCycle: 'monthly',
        lineItems: [{ lineItemNumber: 0, offerId: 'CN-365-BB', quantity: 1 }],
      }),
    });
    if (res.status !== 201) throw new Error(`the recorded order failed: ${res.status} ${await res.text()}`);
  } finally {
    await logStatements(pgServer.url, false);
  }
  return lastTransaction(serverLog(pgServer.socketDir));
}

async function run(
  engine: 'postgres' | 'pglite',
  env: Record<string, string>,
  root: string,
): Promise<OrderRun & { customers: string[]; recorded: LoggedStatement[] | undefined }> {
  const nodeArgs = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : [];
  const server = await startSeatwise({ SEATWISE_DEMO: '0', ...env }, nodeArgs, root);
  try {
    const customers = await createCustomers(server, customerCount);
    const recorded = engine === 'postgres' ? await recordOrder(server, customers[0] as string) : undefined;
    console.error(
      `${engine}: ${customers.length} customers created; placing orders for ${seconds} s on ${connections} connections`,
    );
    return { ...(await placeOrders(server, customers)), customers, recorded };
  } finally {
    await server.stop();
  }
}

/** pgbench sending the recorded order's statements, for up to 100 of the run's customers. */
async function replayOrders(url: string, customers: string[], recorded: LoggedStatement[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const partners = (await client.query<{ id: string }>('select id from partners')).rows.map((r) => r.id);
  await client.end();
  const scripts = customers
    .slice(0, 100)
    .map((c) => pgbenchScript(recorded, { customer: customers[0] as string, kept: partners }, c));
  return pgbenchScripts(pgServer.bin, url, scripts, { clients: POOL, seconds });
}

const started = await startThrowawayPostgres({
  fsync: true,
  settings: args.statements
    ? ['shared_preload_libraries=pg_stat_statements', 'pg_stat_statements.track_planning=on']
    : [],
});
if (!started) throw new Error("No PostgreSQL server binaries: install Debian's postgresql package.");
// PostgreSQL on the same machine is reached through its Unix socket, by Seatwise and pgbench alike: what an
// operator running both on one machine would configure (loopback TCP costs both sides CPU, docs/benchmarks.md).
const pgServer = { ...started, url: started.socketUrl };
const rows: string[][] = [];
let baseline: PgbenchResult;
/** Seatwise's pool: the replayed orders use as many connections as the server does. */
const POOL = 10;
const replays: string[] = [];
try {
  baseline = await pgbenchTpcb(pgServer.bin, pgServer.url, { clients: 4, seconds, scale: 10 });
  console.error(`pgbench TPC-B: ${fmt(baseline.tps)} TPS`);
  const engines =
    args.engine === 'both' ? (['postgres', 'pglite'] as const) : ([args.engine] as ('postgres' | 'pglite')[]);
  const trees: [string, string][] = args.compare
    ? [
        [`compared (${args.compare}): `, args.compare],
        ['this tree: ', ROOT],
      ]
    : [['', ROOT]];
  for (const engine of engines)
    for (const [prefix, root] of trees) {
      let result: OrderRun;
      let own: PgbenchResult | undefined;
      if (engine === 'postgres') {
        const url = await createDatabase(pgServer.url, 'seatwise_bench');
        const done = await run(engine, { DATABASE_URL: url, SEATWISE_DEMO: '1' }, root);
        result = done;
        own = await replayOrders(url, done.customers, done.recorded ?? []);
        replays.push(
          `${prefix}${fmt(own.tps)} TPS, PostgreSQL CPU ${own.cpuPerTx.postgres.toFixed(2)} ms per order, ` +
            `${done.recorded?.length ?? 0} statements per order (BEGIN and COMMIT included)`,
        );
      } else {
        const dir = mkdtempSync(join(tmpdir(), 'seatwise-bench-'));
        try {
          result = await run(engine, { SEATWISE_DATA_DIR: dir, SEATWISE_DEMO: '1' }, root);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      rows.push([
        prefix + (engine === 'postgres' ? 'PostgreSQL server (fsync on)' : 'embedded PGlite'),
        fmt(result.ordersPerSecond),
        `${fmt(result.p50, 1)} / ${fmt(result.p99, 1)}`,
        String(result.non2xx + result.errors),
        fmt(baseline.tps),
        (result.ordersPerSecond / baseline.tps).toFixed(2),
        own ? fmt(own.tps) : '',
        own ? (result.ordersPerSecond / own.tps).toFixed(2) : '',
        [result.cpu.server, result.cpu.postgres, result.cpu.client].map((ms) => ms.toFixed(2)).join(' / '),
      ]);
    }
} finally {
  if (args.statements) await printStatements(pgServer.url);
  pgServer.stop();
}

console.log(`\nSeatwise orders benchmark — ${new Date().toISOString()}`);
console.log(`machine: ${machine()}`);
console.log(
  `load: ${connections} connections, ${seconds} s, single-line orders with MS-RequestId, ${customerCount} customers`,
);
console.log('baseline: pgbench TPC-B, 4 clients, scale 10, same server, same run');
console.log(
  `baseline 2: pgbench sending one recorded order's statements, ${POOL} clients (Seatwise's pool), one script per customer (up to 100), after the HTTP run on its database`,
);
for (const r of replays) console.log(`  ${r}`);
console.log(
  `pgbench CPU ms per transaction: PostgreSQL ${baseline.cpuPerTx.postgres.toFixed(2)}, pgbench ${baseline.cpuPerTx.client.toFixed(2)}\n`,
);
const header = [
  'database',
  'orders/s',
  'p50 / p99 ms',
  'failed',
  'pgbench TPS',
  'ratio',
  "order's statements TPS",
  'ratio',
  'CPU ms/order: server / PostgreSQL / load',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
