/**
 * Access decisions through HTTP against a bare node:http server that answers a fixed JSON, a bare Fastify
 * route, and bare node:http reading the tenant's stamp from PostgreSQL before it answers (the round trip every
 * fresh decision makes), measured in the same run, at 50 connections on a tenant with 10,000 users. Aims: the
 * server's CPU per decision at most 2.5 times bare node:http's (a CPU ratio of at least 0.4), p99 within twice
 * bare's (printed against bare with the stamp read as well). In the
 * middle of the run a subscription half of the users hold is suspended; every decision asked after that
 * PATCH returned must forbid (target: zero that allow). A second phase runs two server processes on the same
 * PostgreSQL, asks B and suspends through A. Then every server, left running, takes turns under the same load
 * for the CPU per request, and turns again at a fixed offered rate (`--rate`, 5,000/s) for the latencies the
 * p99 aim compares: at full load a closed loop's latency is its throughput again. `--compare DIR` runs the
 * same phases, in the same run, on the server of another checkout (DIR, with its node_modules): how
 * docs/benchmarks.md compares a design with the one it replaces.
 *
 *   npm run bench:access
 *   npm run bench:access -- --seconds 30 --connections 50 --users 10000 --rate 5000
 *   npm run bench:access -- --compare /tmp/seatwise-main
 *
 * Prints a table; docs/benchmarks.md records what it printed.
 */
import autocannon from 'autocannon';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startThrowawayPostgres } from '../scripts/postgres.mjs';
import {
  BENCH_TOKEN,
  createDatabase,
  fmt,
  machine,
  onCpus,
  pacedLoad,
  ROOT,
  type Paced,
  pooled,
  startSeatwise,
  type Server,
} from './support.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '50' },
    users: { type: 'string', default: '10000' },
    warmup: { type: 'string', default: '5' },
    /** The offered rate (requests per second in all) at which every server's latency is compared. */
    rate: { type: 'string', default: '5000' },
    /** Writes a V8 CPU profile of each server process into this folder (for finding where the time goes). */
    profile: { type: 'string' },
    /** Another checkout whose server runs the same phases first, in the same run. */
    compare: { type: 'string' },
  },
});
const seconds = Number(args.seconds);
const connections = Number(args.connections);
const userCount = Number(args.users);
const warmup = Number(args.warmup);
const rate = Number(args.rate);
/**
 * Where each process runs: every server under test alone on the last CPU, this process (the load generator)
 * and PostgreSQL, started after, on the others. Sharing the two CPUs of a small machine with the load as the
 * scheduler pleased, the same tree's CPU per decision moved by a third between runs. Without taskset, or on
 * one CPU, everything shares.
 */
function placeProcesses(): { servers?: string; note: string } {
  const n = availableParallelism();
  if (n < 2 || spawnSync('taskset', ['-V']).error)
    return { note: 'all processes share the CPUs (no taskset)' };
  const others = n === 2 ? '0' : `0-${n - 2}`;
  const pinned = spawnSync('taskset', ['-a', '-p', '-c', others, String(process.pid)]);
  if (pinned.status !== 0) return { note: 'all processes share the CPUs (taskset refused)' };
  return {
    servers: String(n - 1),
    note: `each server alone on CPU ${n - 1}; load generator and PostgreSQL on CPU ${others}`,
  };
}
const placement = placeProcesses();

const headers = { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' };

interface Tenant {
  partnerId: string;
  customerId: string;
  /** Held by the first half of the users: the one the run suspends. */
  suspended: string;
  userIds: string[];
}

async function api<T>(server: Server, method: string, path: string, body?: unknown, extra = {}): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...headers, ...extra },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/**
 * One customer with two E3 subscriptions of 5,000 seats (annual), and 10,000 users, the first half holding a
 * licence of the first subscription, the rest of the second. The users and licences are written with one
 * INSERT … SELECT each (10,000 POSTs would take minutes); the API path for them is what the tests cover.
 */
async function setUp(server: Server, url: string): Promise<Tenant> {
  const customer = await api<{ id: string }>(server, 'POST', '/v1/customers', {
    companyProfile: { domain: 'bench-access.onmicrosoft.com' },
    billingProfile: {
      firstName: 'Bench',
      lastName: 'Mark',
      email: 'it@bench-access.example',
      culture: 'en-US',
      language: 'en',
      companyName: 'Bench Access Ltd',
      defaultAddress: {
        addressLine1: '1 Main St',
        city: 'Redmond',
        state: 'WA',
        postalCode: '98052',
        country: 'US',
      },
    },
  });
  const half = Math.ceil(userCount / 2);
  const order = await api<{ lineItems: { subscriptionId: string }[] }>(
    server,
    'POST',
    `/v1/customers/${customer.id}/orders`,
    {
      billingCycle: 'annual',
      lineItems: [
        { lineItemNumber: 0, offerId: 'CN-365-E3', quantity: half },
        { lineItemNumber: 1, offerId: 'CN-365-E5', quantity: half },
      ],
    },
  );
  const [first, second] = order.lineItems.map((l) => l.subscriptionId) as [string, string];
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ partner_id: string }>(
      'select partner_id from customers where id = $1',
      [customer.id],
    );
    const partnerId = rows[0]?.partner_id ?? '';
    await client.query(
      `insert into customer_users (partner_id, customer_id, id, user_principal_name, display_name, role,
         created_at, last_modified_at)
       select $1, $2, gen_random_uuid(), 'user' || n || '@bench-access.onmicrosoft.com', 'User ' || n,
         case when n % 500 = 0 then 'admin' else 'user' end, now(), now()
       from generate_series(1, $3) n`,
      [partnerId, customer.id, userCount],
    );
    await client.query(
      `insert into license_assignments (partner_id, customer_id, user_id, subscription_id, assigned_at)
       select partner_id, customer_id, id,
         case when row_number() over (order by user_principal_name) <= $3 then $4::uuid else $5::uuid end, now()
       from customer_users where partner_id = $1 and customer_id = $2 and role = 'user'`,
      [partnerId, customer.id, half, first, second],
    );
    const users = await client.query<{ id: string; subscription_id: string }>(
      `select u.id, a.subscription_id from customer_users u
       join license_assignments a on a.partner_id = u.partner_id and a.user_id = u.id
       where u.customer_id = $1 order by u.user_principal_name`,
      [customer.id],
    );
    // The questions the run asks: users of the first subscription first, so that "which half" is an index test.
    const onFirst = users.rows.filter((r) => r.subscription_id === first).map((r) => r.id);
    const onSecond = users.rows.filter((r) => r.subscription_id === second).map((r) => r.id);
    firstHalf = onFirst.length;
    return { partnerId, customerId: customer.id, suspended: first, userIds: [...onFirst, ...onSecond] };
  } finally {
    await client.end();
  }
}
let firstHalf = 0;

async function setStatus(server: Server, tenant: Tenant, status: 'suspended' | 'active'): Promise<void> {
  const path = `/v1/customers/${tenant.customerId}/subscriptions/${tenant.suspended}`;
  const res = await fetch(`${server.url}${path}`, { headers });
  const current = (await res.json()) as { attributes: { etag: string } };
  await api(
    server,
    'PATCH',
    path,
    { ...current, status, ...(status === 'suspended' ? { suspensionReasons: ['nonPayment'] } : {}) },
    { 'If-Match': `"${current.attributes.etag}"` },
  );
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Decisions asked after the suspension returned, for a user of the suspended subscription. */
  askedAfter: number;
  /** Of those, the ones that still allowed sign-in: the target is zero. */
  staleAllowed: number;
  suspendMs: number;
  requests: number;
  /** The server's CPU time (user + system) during the run, in µs. */
  cpu: number;
}

const cpuPerRequest = (r: Run) => r.cpu / Math.max(1, r.requests);

interface Ctx {
  /** When the request after the one just answered went out (autocannon sends it right after the answer). */
  nextSentAt?: number;
}

const PREBUILT = 2000;

/**
 * PREBUILT questions about random users (the same users in the same order in every run), each answer handed to
 * what `check` returns for the user's index when given.
 */
function questions(
  tenant: Tenant,
  check?: (user: number) => (status: number, body: string, context: Ctx) => void,
): autocannon.Request[] {
  let seed = 12345;
  return Array.from({ length: PREBUILT }, () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const user = seed % tenant.userIds.length;
    return {
      method: 'POST' as const,
      path: '/v1/accessdecisions',
      headers,
      body: JSON.stringify({ tenantId: tenant.customerId, userId: tenant.userIds[user] }),
      ...(check ? { onResponse: check(user) } : {}),
    };
  });
}

/**
 * Asks `target` for decisions on random users for `duration` s on `connections` connections, from prebuilt
 * requests (a client that builds nothing per request leaves the most CPU to the server, for both servers
 * alike). When `suspend` is given it runs at mid-time, and every answer to a question sent after it returned
 * is checked: a request goes out right after the previous answer on its connection, so the time of that
 * answer is a lower bound of its sending time (the check can only miss, never invent, a late request).
 */
async function decisions(
  target: Server,
  tenant: Tenant,
  duration: number,
  cpu: () => Promise<number>,
  suspend?: () => Promise<void>,
): Promise<Run> {
  let suspendedAt = Number.POSITIVE_INFINITY;
  let askedAfter = 0;
  let staleAllowed = 0;
  let suspendMs = 0;
  const timer = suspend
    ? setTimeout(
        () => {
          const started = performance.now();
          void suspend().then(() => {
            suspendedAt = performance.now();
            suspendMs = suspendedAt - started;
          });
        },
        (duration * 1000) / 2,
      )
    : undefined;
  const requests = questions(tenant, (user) => (status: number, body: string, context: Ctx) => {
    const sentAt = context.nextSentAt;
    context.nextSentAt = performance.now();
    if (status !== 200 || user >= firstHalf || sentAt === undefined || sentAt <= suspendedAt) return;
    askedAfter++;
    // The first "allowed" in the body is signIn's (the response schema fixes the order).
    const at = body.indexOf('"allowed":');
    if (body.startsWith('true', at + 10)) staleAllowed++;
  });
  const cpuBefore = await cpu();
  const result = await autocannon({ url: target.url, connections, duration, requests });
  const cpuAfter = await cpu();
  if (timer) clearTimeout(timer);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    askedAfter,
    staleAllowed,
    suspendMs,
    requests: result.requests.total,
    cpu: cpuAfter - cpuBefore,
  };
}

/**
 * Where a server's decisions came from (seatwise_access_decisions_total): memory, or the database; and how many
 * statements read the stamps (seatwise_access_stamp_reads_total), one per batch.
 */
async function sources(server: Server): Promise<string> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const count = (name: string) =>
    Number(new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\S+)`, 'm').exec(text)?.[1] ?? 0);
  const memory = count('seatwise_access_decisions_total{source="memory"}');
  const database = count('seatwise_access_decisions_total{source="database"}');
  const reads = count('seatwise_access_stamp_reads_total');
  return `decisions from memory ${fmt(memory)}, from the database ${fmt(database)}; stamp reads ${fmt(reads)} (${fmt((memory + database) / Math.max(1, reads), 1)} decisions per read)`;
}

/** CPU µs the bare server has used (its /cpu answers process.cpuUsage()). */
const bareCpu = (server: Server) => async () => {
  const u = (await (await fetch(`${server.url}/cpu`)).json()) as { user: number; system: number };
  return u.user + u.system;
};

/** CPU µs a Seatwise process has used, from its /metrics (process_cpu_seconds_total). */
const seatwiseCpu = (server: Server) => async () => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = /^process_cpu_seconds_total (\S+)/m.exec(text);
  return Number(m?.[1] ?? 0) * 1e6;
};

/** The fixed decision-sized JSON the two reference servers answer. */
const FIXED_BODY = `JSON.stringify({ tenantId: '00000000-0000-4000-8000-000000000000', userId: '00000000-0000-4000-8000-000000000001',
      userPrincipalName: 'user1@bench-access.onmicrosoft.com', role: 'user', servicePlan: null, decidedAt: new Date().toISOString(),
      signIn: { allowed: true, subscriptionId: '00000000-0000-4000-8000-000000000002', offerId: 'CN-365-E3', reason: 'active', rule: 'R-ACC', until: null },
      service: { allowed: true, subscriptionId: '00000000-0000-4000-8000-000000000002', offerId: 'CN-365-E3', reason: 'active', rule: 'R-ACC', until: null },
      data: { allowed: true, subscriptionId: '00000000-0000-4000-8000-000000000002', offerId: 'CN-365-E3', reason: 'active', rule: 'R-ACC', until: null },
      attributes: { objectType: 'AccessDecision' } })`;

/** A bare node:http server answering the fixed JSON: the baseline. */
const BARE_NODE = `
    const http = require('node:http');
    const body = ${FIXED_BODY};
    http.createServer((req, res) => { if (req.url === '/cpu') return res.end(JSON.stringify(process.cpuUsage()));
      req.resume(); req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body); }); }).listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); });`;

/**
 * Fastify with one route that parses the JSON body and answers the fixed JSON, no plugin and no hook: the floor
 * any Fastify route stands on, to read Seatwise's ratio against (what the framework costs before any of ours).
 */
const BARE_FASTIFY = `
    const app = require('fastify')({ logger: false });
    const decision = JSON.parse(${FIXED_BODY});
    app.get('/cpu', async () => process.cpuUsage());
    app.post('/v1/accessdecisions', async () => decision);
    app.listen({ port: 0, host: '127.0.0.1' }).then((address) => console.log('listening on ' + address));`;

/**
 * bare node:http that, before answering the fixed JSON, reads the tenant's stamp as a Seatwise decision must
 * (R-ACC: a change whose request returned is seen, so every decision waits for a read sent after it came in):
 * the statement `readAccessStamps` sends, named, one read per turn of the event loop for every question of
 * that turn, and the questions that come in while it is under way wait for the next. Its latency is the floor
 * any fresh decision on this machine stands on: the round trip to PostgreSQL, which bare node:http never makes.
 */
const BARE_STAMP_READ = `
    const http = require('node:http');
    const pg = require('pg');
    const body = ${FIXED_BODY};
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
    const text = 'SELECT NULL::uuid AS partner_id, NULL::uuid AS customer_id, s.offers_version::text AS version' +
      ' FROM instance_settings s WHERE s.id = 1 UNION ALL SELECT v.partner_id, v.customer_id, v.version::text' +
      ' FROM access_versions v WHERE v.partner_id = ANY($1::uuid[]) AND v.customer_id = ANY($2::uuid[])';
    let next = [];
    let busy = false;
    async function drain() {
      while (next.length > 0) {
        const batch = next;
        next = [];
        const customers = [...new Set(batch.map((q) => q.customerId))];
        const read = await pool.query({ name: 'stamps', text, values: [[process.env.PARTNER_ID], customers] }).then(() => true, () => false);
        for (const q of batch) q.answer(read);
        if (next.length > 0) await new Promise((turnEnd) => setImmediate(turnEnd));
      }
      busy = false;
    }
    http.createServer((req, res) => { if (req.url === '/cpu') return res.end(JSON.stringify(process.cpuUsage()));
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const answer = (read) => { if (!read) { res.writeHead(503); return res.end(); }
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
          res.end(body); };
        next.push({ customerId: JSON.parse(Buffer.concat(chunks).toString()).tenantId, answer });
        if (!busy) { busy = true; setImmediate(drain); }
      }); }).listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); });`;

/** One of the reference servers in its own process. */
function startBare(
  code: string,
  env: Record<string, string> = {},
): Promise<{ server: Server; child: ChildProcess }> {
  const child = spawn(...onCpus(placement.servers, process.execPath, ['-e', code]), {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(c.toString());
      if (m?.[1])
        resolve({
          child,
          server: {
            url: m[1],
            child,
            stop: () =>
              new Promise((done) => {
                child.once('exit', () => done());
                child.kill('SIGTERM');
              }),
          },
        });
    });
    child.once('exit', (c) => reject(new Error(`reference server exited with ${c}`)));
  });
}

/** A server kept running after its own phases, for the interleaved CPU measurement. */
interface Running {
  server: Server;
  tenant: Tenant;
  cpu: () => Promise<number>;
}

interface TreeRuns {
  name: string;
  one: Run;
  two: Run;
  a: Running;
  b: Running;
}

/**
 * The two Seatwise phases for the checkout at `root`, on a database of its own: one process (suspension
 * through the same process), then two (ask B, suspend through A). Both processes are left running, the
 * suspended subscription active again; `stop` is pushed for the end.
 */
async function measureTree(
  name: string,
  root: string,
  serverUrl: string,
  database: string,
  notes: string[],
  stops: (() => Promise<void>)[],
  baseline: (tenant: Tenant, database: string) => Promise<void>,
): Promise<TreeRuns> {
  const url = await createDatabase(serverUrl, database);
  const env = { DATABASE_URL: url, SEATWISE_DEMO: '1', SEATWISE_SWEEP_INTERVAL: '0' };
  const nodeArgs = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : [];
  const a = await startSeatwise(env, nodeArgs, root, placement.servers);
  stops.push(() => a.stop());
  const tenant = await setUp(a, url);
  console.error(`${name}: ${tenant.userIds.length} users with licences (+ admins); warming up ${warmup} s`);
  await baseline(tenant, url);
  await decisions(a, tenant, warmup, seatwiseCpu(a));
  const one = await decisions(a, tenant, seconds, seatwiseCpu(a), () => setStatus(a, tenant, 'suspended'));
  console.error(
    `${name}: ${fmt(one.rps)} decisions/s, ${fmt(cpuPerRequest(one), 1)} µs CPU each, stale after suspend: ${one.staleAllowed}`,
  );
  notes.push(`${name}, one process: ${await sources(a)}`);

  // Two processes on one PostgreSQL: ask B, suspend through A.
  await setStatus(a, tenant, 'active');
  const b = await startSeatwise(env, nodeArgs, root, placement.servers);
  stops.push(() => b.stop());
  await decisions(b, tenant, warmup, seatwiseCpu(b));
  const two = await decisions(b, tenant, seconds, seatwiseCpu(b), () => setStatus(a, tenant, 'suspended'));
  console.error(
    `${name}, two processes: ${fmt(two.rps)} decisions/s on B, ${fmt(cpuPerRequest(two), 1)} µs CPU each, stale: ${two.staleAllowed}`,
  );
  notes.push(`${name}, B: ${await sources(b)}`);
  await setStatus(a, tenant, 'active');
  return {
    name,
    one,
    two,
    a: { server: a, tenant, cpu: seatwiseCpu(a) },
    b: { server: b, tenant, cpu: seatwiseCpu(b) },
  };
}

/** A reference server under the same load, asked about the same users; left running (`stop` pushed). */
async function measureBare(
  tenant: Tenant,
  name: string,
  code: string,
  stops: (() => Promise<void>)[],
  env: Record<string, string> = {},
): Promise<{ run: Run; running: Running }> {
  const { server } = await startBare(code, env);
  stops.push(() => server.stop());
  await decisions(server, tenant, warmup, bareCpu(server));
  const run = await decisions(server, tenant, seconds, bareCpu(server));
  console.error(`${name}: ${fmt(run.rps)} req/s, ${fmt(cpuPerRequest(run), 1)} µs CPU per request`);
  return { run, running: { server, tenant, cpu: bareCpu(server) } };
}

const SLICE_SECONDS = 2;
const LEAD_IN_SECONDS = 1;

/**
 * Runs `slice` on every server in order, again and again until each has had `seconds`, each slice after
 * `leadIn` (unmeasured: a server idle during the others' turns starts its own on new connections, and a
 * second of load first finds it as its own runs did); returns every server's slices. This machine's own speed
 * drifts over tens of seconds (other virtual machines on its host) and stalls now and then (event-loop gaps of
 * 10–20 ms in bare node:http itself), more than the servers differ; taking turns spreads that over all of
 * them, where consecutive phases gave it to whichever ran at the time.
 */
async function inTurns<T>(
  servers: readonly Running[],
  leadIn: (s: Running, i: number) => Promise<unknown>,
  slice: (s: Running, i: number) => Promise<T>,
): Promise<T[][]> {
  const slices = servers.map((): T[] => []);
  const rounds = Math.max(1, Math.round(seconds / SLICE_SECONDS));
  for (let round = 0; round < rounds; round++) {
    for (const [i, s] of servers.entries()) {
      await leadIn(s, i);
      slices[i]?.push(await slice(s, i));
    }
  }
  return slices;
}

/** Each server's CPU per request under full load, from turns of SLICE_SECONDS. */
async function cpuInTurns(servers: readonly Running[]): Promise<number[]> {
  const runs = await inTurns(
    servers,
    (s) => decisions(s.server, s.tenant, LEAD_IN_SECONDS, s.cpu),
    (s) => decisions(s.server, s.tenant, SLICE_SECONDS, s.cpu),
  );
  return runs.map((r) => {
    const cpu = r.reduce((sum, run) => sum + run.cpu, 0);
    return (
      cpu /
      Math.max(
        1,
        r.reduce((sum, run) => sum + run.requests, 0),
      )
    );
  });
}

/**
 * Each server's latencies at the fixed rate, paced evenly (`pacedLoad`), from turns of SLICE_SECONDS: a
 * server's answers from all its turns pooled.
 */
async function latenciesAtRate(servers: readonly Running[]): Promise<Paced[]> {
  const asked = servers.map((s) => questions(s.tenant));
  const paced = (s: Running, i: number, duration: number) =>
    pacedLoad(s.server.url, asked[i] ?? [], { rate, seconds: duration, connections });
  const runs = await inTurns(
    servers,
    (s, i) => paced(s, i, LEAD_IN_SECONDS),
    (s, i) => paced(s, i, SLICE_SECONDS),
  );
  return runs.map((r, i) => {
    const all = pooled(r);
    console.error(
      `${servers[i]?.server.url}: p50 ${fmt(all.p50, 2)} ms, p99 ${fmt(all.p99, 2)} ms at ${fmt(all.rps)}/s; the load generator's CPU ${fmt(all.clientCpu, 1)} µs per request`,
    );
    return all;
  });
}

const started = await startThrowawayPostgres({ fsync: true });
// Through the Unix socket, as bench:orders does.
const pgServer = started && { ...started, url: started.socketUrl };
if (!pgServer) throw new Error("No PostgreSQL server binaries: install Debian's postgresql package.");
const rows: string[][] = [];
const trees: TreeRuns[] = [];
let bare: { run: Run; running: Running } | undefined;
let fastify: { run: Run; running: Running } | undefined;
let withRead: { run: Run; running: Running } | undefined;
const notes: string[] = [];
const stops: (() => Promise<void>)[] = [];
const bareOnce = async (tenant: Tenant, database: string) => {
  bare ??= await measureBare(tenant, 'bare node:http', BARE_NODE, stops);
  fastify ??= await measureBare(tenant, 'bare Fastify', BARE_FASTIFY, stops);
  withRead ??= await measureBare(tenant, 'bare node:http + stamp read', BARE_STAMP_READ, stops, {
    DATABASE_URL: database,
    PARTNER_ID: tenant.partnerId,
  });
};
let turns: number[] = [];
let atRate: Paced[] = [];
try {
  if (args.compare) {
    trees.push(
      await measureTree(
        `compared (${args.compare})`,
        args.compare,
        pgServer.url,
        'seatwise_bench_access_compared',
        notes,
        stops,
        bareOnce,
      ),
    );
  }
  trees.push(
    await measureTree('this tree', ROOT, pgServer.url, 'seatwise_bench_access', notes, stops, bareOnce),
  );
  if (bare && fastify && withRead) {
    console.error(`CPU per request: every server in turn, ${SLICE_SECONDS} s each, ${seconds} s in all`);
    const running = [bare.running, fastify.running, withRead.running, ...trees.flatMap((t) => [t.a, t.b])];
    turns = await cpuInTurns(running);
    console.error(`Latency at ${fmt(rate)} requests/s: every server in turn, ${seconds} s each`);
    atRate = await latenciesAtRate(running);
  }
} finally {
  for (const stop of stops.reverse()) await stop();
  pgServer.stop();
}

if (bare && fastify && withRead) {
  const [bareCpuPerRequest = 0, fastifyCpu = 0, withReadCpu = 0, ...treeCpu] = turns;
  const [bareAt, fastifyAt, withReadAt, ...treeAt] = atRate;
  const base = bare.run;
  /**
   * A table row: rates and full-load latencies from the server's own run, CPU per request from the turns,
   * latencies at the fixed rate from its turn at that rate; each against bare node:http's.
   */
  const row = (name: string, r: Run, cpu: number, at?: Paced) => [
    name,
    fmt(r.rps),
    `${fmt(r.p50, 2)} / ${fmt(r.p99, 2)}`,
    String(r.non2xx + r.errors + (at?.failed ?? 0)),
    (r.rps / base.rps).toFixed(2),
    fmt(cpu, 0),
    (bareCpuPerRequest / cpu).toFixed(2),
    at ? `${fmt(at.p50, 2)} / ${fmt(at.p99, 2)}` : '',
    at && bareAt ? `${fmt(at.p99 / bareAt.p99, 1)}×` : '',
    at && withReadAt ? `${fmt(at.p99 / withReadAt.p99, 1)}×` : '',
    r.suspendMs ? `${fmt(r.suspendMs, 1)} ms` : '',
    r.suspendMs ? `${fmt(r.askedAfter)} / ${r.staleAllowed}` : '',
  ];
  rows.push(row('bare node:http, fixed JSON', base, bareCpuPerRequest, bareAt));
  rows.push(row('bare Fastify, one route, fixed JSON', fastify.run, fastifyCpu, fastifyAt));
  rows.push(row('bare node:http + stamp read', withRead.run, withReadCpu, withReadAt));
  trees.forEach((t, i) => {
    const prefix = trees.length > 1 ? `${t.name}: ` : 'Seatwise, ';
    rows.push(row(`${prefix}one process`, t.one, treeCpu[2 * i] ?? 0, treeAt[2 * i]));
    rows.push(row(`${prefix}ask B, suspend via A`, t.two, treeCpu[2 * i + 1] ?? 0, treeAt[2 * i + 1]));
  });
}
console.log(`\nSeatwise access decisions benchmark — ${new Date().toISOString()}`);
console.log(`machine: ${machine()}; ${placement.note}`);
console.log(
  `load: autocannon, ${connections} connections, ${seconds} s after ${warmup} s of warm-up, POST /v1/accessdecisions for a random one of ${fmt(userCount)} users of one tenant; PostgreSQL 15 (fsync on) on the same machine`,
);
console.log(
  'at mid-run a subscription held by half of the users is suspended (PATCH); "asked after" counts the decisions about its users asked after the PATCH returned',
);
console.log(
  `req/s and latencies at full load from each server's own run; server CPU per request (user + system) from turns of ${SLICE_SECONDS} s, every server in order, ${seconds} s each in all`,
);
console.log(
  `latencies at ${fmt(rate)} requests/s, paced evenly (a tick every millisecond) on up to ${connections} connections, in turns of ${SLICE_SECONDS} s, every server in order, ${seconds} s each in all, exact percentiles of every answer pooled; "p99 × bare" is the server's p99 over bare node:http's (aim: at most 2), "p99 × bare + read" over that of bare node:http reading the stamp as a decision must\n`,
);
const header = [
  'server',
  'req/s',
  'p50 / p99 ms, full load',
  'failed',
  'ratio',
  'server CPU µs/req',
  'CPU ratio',
  `p50 / p99 ms at ${fmt(rate)}/s`,
  'p99 × bare',
  'p99 × bare + read',
  'suspend PATCH',
  'asked after / allowed',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
console.log('');
for (const n of notes) console.log(n);
