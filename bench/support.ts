import type autocannon from 'autocannon';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';

export const ROOT = join(import.meta.dirname, '..');
export const BENCH_TOKEN = 'bench-bootstrap-token';

/** What the figures were measured on, printed with them so that a reader can compare like with like. */
export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
}

export interface Server {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The Node flags a command's first line gives (`#!/usr/bin/env -S node --flag`): what `npm start` runs it
 * with. The server is started with them here too, plus the benchmark's own (a CPU profile), which Node takes
 * only on its command line.
 */
function shebangFlags(bin: string): string[] {
  const first = readFileSync(bin, 'utf8').split('\n', 1)[0] ?? '';
  return /^#!.*\bnode\b(.*)$/.exec(first)?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
}

/** A command run on these CPUs (taskset's list, "1" or "0-2"), or as it is when none are given. */
export const onCpus = (cpus: string | undefined, command: string, args: string[]): [string, string[]] =>
  cpus === undefined ? [command, args] : ['taskset', ['-c', cpus, command, ...args]];

/**
 * Starts `seatwise serve` in its own process (the load generator must not share its event loop), from this
 * checkout or from `root`, another one (a benchmark comparing two versions in one run).
 */
export function startSeatwise(
  env: Record<string, string>,
  nodeArgs: string[] = [],
  root: string = ROOT,
  cpus?: string,
): Promise<Server> {
  const bin = join(root, 'bin', 'seatwise.js');
  const child = spawn(...onCpus(cpus, process.execPath, [...shebangFlags(bin), ...nodeArgs, bin, 'serve']), {
    env: {
      ...process.env,
      PORT: '0',
      SEATWISE_LOG_LEVEL: 'warn',
      SEATWISE_BOOTSTRAP_TOKEN: BENCH_TOKEN,
      SEATWISE_BOOTSTRAP_PASSWORD: 'bench-password',
      SEATWISE_RATE_LIMIT: '10000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m?.[1]) {
        resolve({
          url: m[1],
          child,
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`seatwise exited with ${code}:\n${out}`)));
  });
}

/** Creates a database on the server and returns its URL. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface PgbenchResult {
  tps: number;
  /** CPU ms per transaction: PostgreSQL's processes, and pgbench's own. */
  cpuPerTx: { postgres: number; client: number };
  clients: number;
  seconds: number;
}

/** pgbench TPC-B on the same server, as the baseline this run's figures are divided by. */
export async function pgbenchTpcb(
  bin: string,
  serverUrl: string,
  options: { clients: number; seconds: number; scale: number },
): Promise<PgbenchResult> {
  const url = await createDatabase(serverUrl, 'pgbench_baseline');
  const init = spawnSync(join(bin, 'pgbench'), ['-i', '-q', '-s', String(options.scale), url], {
    encoding: 'utf8',
  });
  if (init.status !== 0) throw new Error(`pgbench -i failed: ${init.stderr}`);
  const before = cpuByProcess();
  const childrenBefore = childrenCpuMs();
  const run = spawnSync(
    join(bin, 'pgbench'),
    [
      '-c',
      String(options.clients),
      '-j',
      String(Math.min(options.clients, 2)),
      '-T',
      String(options.seconds),
      url,
    ],
    { encoding: 'utf8' },
  );
  const m = /tps = ([\d.]+)/.exec(run.stdout);
  if (run.status !== 0 || !m?.[1]) throw new Error(`pgbench failed: ${run.stderr}\n${run.stdout}`);
  const transactions = Number(/processed: (\d+)/.exec(run.stdout)?.[1] ?? 0);
  const spent = cpuSpent(before, cpuByProcess(), []);
  return {
    tps: Number(m[1]),
    cpuPerTx: {
      postgres: spent.postgres / transactions,
      client: (childrenCpuMs() - childrenBefore) / transactions,
    },
    clients: options.clients,
    seconds: options.seconds,
  };
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

/** CPU time (user + system, ms) of every process on the machine, by pid, with its command name. */
export function cpuByProcess(): Map<number, { comm: string; ms: number }> {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  const out = new Map<number, { comm: string; ms: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // Its own time and that of its children it has reaped: the postmaster reaps the backends that have
      // ended (pgbench's, at the end of its run), which would otherwise be missed.
      const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
      out.set(Number(entry), { comm, ms: ticks * tick });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/**
 * CPU used between two `cpuByProcess` snapshots by PostgreSQL's processes and by the given pids (processes that
 * started in between count from zero; a backend that ended in between counts in the postmaster's reaped time).
 */
export function cpuSpent(
  before: Map<number, { comm: string; ms: number }>,
  after: Map<number, { comm: string; ms: number }>,
  pids: number[],
): { postgres: number; pids: number } {
  let postgres = 0;
  let own = 0;
  for (const [pid, p] of after) {
    const spent = p.ms - (before.get(pid)?.ms ?? 0);
    if (p.comm === 'postgres') postgres += spent;
    if (pids.includes(pid)) own += spent;
  }
  return { postgres, pids: own };
}

/** CPU ms of this process's children that have ended and been waited for (pgbench run by spawnSync). */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** `n` US customers created through the API, one after the other: their ids. */
export async function createCustomers(server: Server, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${server.url}/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' },
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

/**
 * The order load of bench:orders and bench/citus.ts: each request a new order (its own MS-RequestId) of one to
 * five CN-365-BB licences for the next of `customers` in turn. One list shared by several autocannon runs
 * shares the turn.
 */
export function orderRequests(customers: readonly string[]): autocannon.Request[] {
  const headers = { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' };
  let n = 0;
  return [
    {
      method: 'POST',
      setupRequest: (req) => {
        const customer = customers[n++ % customers.length] as string;
        return {
          ...req,
          path: `/v1/customers/${customer}/orders`,
          headers: { ...headers, 'MS-RequestId': randomUUID() },
          body: JSON.stringify({
            billingCycle: 'monthly',
            lineItems: [{ lineItemNumber: 0, offerId: 'CN-365-BB', quantity: 1 + (n % 5) }],
          }),
        };
      },
    },
  ];
}

/** What `pacedLoad` measured. */
export interface Paced {
  /** Answers per second achieved. */
  rps: number;
  /** Exact percentiles of the answers' times, ms. */
  p50: number;
  p99: number;
  /** Every 200 answer's time, ms, in order: runs in turns pool them (`pooled`). */
  times: number[];
  /** Answers that were not 200, and connections lost with a request on them. */
  failed: number;
  /** The load generator's own CPU per request, µs: it must stay small beside the time it measures. */
  clientCpu: number;
}

/** The percentile `q` (0–1) of sorted times, exact. */
const percentile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** Several `pacedLoad` runs of one server as one: every answer's time pooled, rates and CPU averaged. */
export function pooled(runs: readonly Paced[]): Paced {
  const times = runs.flatMap((r) => r.times).sort((x, y) => x - y);
  const answers = Math.max(1, times.length);
  return {
    rps: runs.reduce((sum, r) => sum + r.rps, 0) / Math.max(1, runs.length),
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    times,
    failed: runs.reduce((sum, r) => sum + r.failed, 0),
    clientCpu: runs.reduce((sum, r) => sum + r.clientCpu * r.times.length, 0) / answers,
  };
}

interface PacedConnection {
  socket: Socket;
  /** When its request in flight was sent, or became due if it waited for a free connection. */
  since: number;
  /** What has come of the answer so far. */
  received: Buffer | undefined;
}

/**
 * Sends `requests` (autocannon's prebuilt form; in turn, again and again) to `url` at `rate` per second, evenly: a tick every millisecond
 * sends the requests due by then, each on a connection with nothing in flight, out of `connections` kept
 * open; a request due while all are busy waits, and its time counts from when it was due. So the latencies
 * are those a caller meets at that rate, not those of a closed loop (each connection sending as soon as it
 * is answered), where latency is connections over throughput, nor those of autocannon's rate, which sends
 * each connection's second in one burst. Node's HTTP client cost the load generator 70–110 µs of CPU per
 * request here; this one, which writes prebuilt bytes and reads an answer's length from its headers, 30–40
 * (`clientCpu`, printed with each run).
 */
export async function pacedLoad(
  url: string,
  requests: readonly autocannon.Request[],
  options: { rate: number; seconds: number; connections: number },
): Promise<Paced> {
  const { hostname, port } = new URL(url);
  const wire = requests.map((r) => {
    const body = r.body?.toString() ?? '';
    return Buffer.from(
      `${r.method ?? 'GET'} ${r.path ?? '/'} HTTP/1.1\r\nhost: ${hostname}:${port}\r\n` +
        Object.entries(r.headers ?? {})
          .map(([name, value]) => `${name}: ${String(value)}\r\n`)
          .join('') +
        `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
  const total = Math.round(options.rate * options.seconds);
  const times: number[] = [];
  const idle: PacedConnection[] = [];
  const waiting: number[] = [];
  let sent = 0;
  let settled = 0;
  let failed = 0;
  let live = options.connections;
  let finish = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const settle = () => {
    if (++settled === total) finish();
  };
  const send = (c: PacedConnection, since: number) => {
    c.since = since;
    const bytes = wire[sent++ % wire.length];
    if (bytes) c.socket.write(bytes);
  };
  const free = (c: PacedConnection) => {
    const due = waiting.shift();
    if (due === undefined) idle.push(c);
    else send(c, due);
  };
  const answered = (c: PacedConnection, chunk: Buffer) => {
    const received = c.received ? Buffer.concat([c.received, chunk]) : chunk;
    const end = received.indexOf('\r\n\r\n');
    const head = end < 0 ? '' : received.toString('latin1', 0, end);
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (end < 0 || received.length < end + 4 + length) {
      c.received = received;
      return;
    }
    c.received = undefined;
    if (head.startsWith('HTTP/1.1 200')) times.push(performance.now() - c.since);
    else failed++;
    settle();
    free(c);
  };
  const connections = await Promise.all(
    Array.from(
      { length: options.connections },
      () =>
        new Promise<PacedConnection>((resolve, reject) => {
          const c: PacedConnection = {
            socket: connect(Number(port), hostname),
            since: 0,
            received: undefined,
          };
          c.socket.setNoDelay(true);
          // An error (before or after connecting) is followed by 'close', which counts what it cost.
          c.socket.once('connect', () => resolve(c)).on('error', reject);
          c.socket.on('data', (chunk: Buffer) => answered(c, chunk));
          c.socket.on('close', () => {
            // A connection lost with a request on it: that request failed, and the connection is not reused.
            const at = idle.indexOf(c);
            if (at >= 0) idle.splice(at, 1);
            else if (c.since) {
              failed++;
              settle();
            }
            // Every connection lost (the server gone): what was not answered failed, and the run ends.
            if (--live === 0 && settled < total) {
              failed += total - settled;
              settled = total;
              finish();
            }
          });
        }),
    ),
  );
  idle.push(...connections);
  const cpuBefore = process.cpuUsage();
  const began = performance.now();
  let due = 0;
  const tick = () => {
    const now = performance.now();
    const by = Math.min(total, Math.floor(((now - began) * options.rate) / 1000));
    for (; due < by; due++) {
      const c = idle.shift();
      if (c) send(c, now);
      else waiting.push(now);
    }
    if (due < total && live > 0) setTimeout(tick, 1);
  };
  tick();
  await finished;
  const elapsed = (performance.now() - began) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  for (const c of connections) c.socket.destroy();
  times.sort((x, y) => x - y);
  return {
    rps: times.length / elapsed,
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    times,
    failed,
    clientCpu: (cpu.user + cpu.system) / total,
  };
}
