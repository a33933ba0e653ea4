/**
 * Orders per second through HTTP, with MS-RequestId, against pgbench TPC-B on the same PostgreSQL server in
 * the same run (issue 4's target: orders/s ≥ 0.5 × pgbench TPS). Also runs the embedded database.
 *
 *   npm run bench:orders                       # both engines, 20 s each
 *   npm run bench:orders -- --seconds 60 --connections 16 --engine postgres
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
import { startThrowawayPostgres } from '../scripts/postgres.mjs';
import {
  BENCH_TOKEN,
  createDatabase,
  fmt,
  machine,
  pgbenchTpcb,
  startSeatwise,
  type Server,
} from './support.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '16' },
    customers: { type: 'string', default: '500' },
    engine: { type: 'string', default: 'both' },
  },
});
const seconds = Number(args.seconds);
const connections = Number(args.connections);
const customerCount = Number(args.customers);
const auth = { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' };

async function createCustomers(server: Server, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${server.url}/v1/customers`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        companyProfile: { domain: `bench-${i}-${randomUUID().slice(0, 8)}.onmicrosoft.com` },
        billingProfile: {
          email: `it@bench-${i}.example`,
          culture: 'en-US',
          language: 'en',
          companyName: `Bench Customer ${i}`,
          defaultAddress: {
            firstName: 'Bench',
            lastName: 'Mark',
            addressLine1: '1 Main St',
            city: 'Redmond',
            state: 'WA',
            postalCode: '98052',
            country: 'US',
          },
        },
      }),
    });
    if (res.status !== 201) throw new Error(`creating a customer failed: ${res.status} ${await res.text()}`);
    ids.push(((await res.json()) as { id: string }).id);
  }
  return ids;
}

interface OrderRun {
  ordersPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function placeOrders(server: Server, customers: string[]): Promise<OrderRun> {
  let n = 0;
  const result = await autocannon({
    url: server.url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const customer = customers[n++ % customers.length] as string;
          return {
            ...req,
            path: `/v1/customers/${customer}/orders`,
            headers: { ...auth, 'MS-RequestId': randomUUID() },
            body: JSON.stringify({
              billingCycle: 'monthly',
              lineItems: [{ lineItemNumber: 0, offerId: 'CN-365-BB', quantity: 1 + (n % 5) }],
            }),
          };
        },
      },
    ],
  });
  return {
    ordersPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function run(engine: 'postgres' | 'pglite', env: Record<string, string>): Promise<OrderRun> {
  const server = await startSeatwise({ SEATWISE_DEMO: '0', ...env });
  try {
    const customers = await createCustomers(server, customerCount);
    console.error(
      `${engine}: ${customers.length} customers created; placing orders for ${seconds} s on ${connections} connections`,
    );
    return await placeOrders(server, customers);
  } finally {
    await server.stop();
  }
}

const pgServer = await startThrowawayPostgres({ fsync: true });
if (!pgServer) throw new Error("No PostgreSQL server binaries: install Debian's postgresql package.");
const rows: string[][] = [];
try {
  const baseline = await pgbenchTpcb(pgServer.bin, pgServer.url, { clients: 4, seconds, scale: 10 });
  console.error(`pgbench TPC-B: ${fmt(baseline.tps)} TPS`);
  const engines =
    args.engine === 'both' ? (['postgres', 'pglite'] as const) : ([args.engine] as ('postgres' | 'pglite')[]);
  for (const engine of engines) {
    let result: OrderRun;
    if (engine === 'postgres') {
      const url = await createDatabase(pgServer.url, 'seatwise_bench');
      result = await run(engine, { DATABASE_URL: url, SEATWISE_DEMO: '1' });
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'seatwise-bench-'));
      try {
        result = await run(engine, { SEATWISE_DATA_DIR: dir, SEATWISE_DEMO: '1' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    rows.push([
      engine === 'postgres' ? 'PostgreSQL server (fsync on)' : 'embedded PGlite',
      fmt(result.ordersPerSecond),
      `${fmt(result.p50, 1)} / ${fmt(result.p99, 1)}`,
      String(result.non2xx + result.errors),
      fmt(baseline.tps),
      (result.ordersPerSecond / baseline.tps).toFixed(2),
    ]);
  }
} finally {
  pgServer.stop();
}

console.log(`\nSeatwise orders benchmark — ${new Date().toISOString()}`);
console.log(`machine: ${machine()}`);
console.log(
  `load: ${connections} connections, ${seconds} s, single-line orders with MS-RequestId, ${customerCount} customers`,
);
console.log('baseline: pgbench TPC-B, 4 clients, scale 10, same server, same run\n');
const header = ['database', 'orders/s', 'p50 / p99 ms', 'failed', 'pgbench TPS', 'ratio'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
