import type autocannon from 'autocannon';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
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
