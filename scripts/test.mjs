#!/usr/bin/env node
// `npm test`: the whole suite, first on the embedded database (PGlite), then on a PostgreSQL server (SPEC §8).
// The server is SEATWISE_TEST_DATABASE_URL when set; otherwise a throwaway cluster that this script starts
// from the machine's PostgreSQL binaries (installing Debian's package when they are missing and it can).
// Ends with one line per run and a total, "N passed, N failed", and exits non-zero if anything failed.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

const root = join(import.meta.dirname, '..');
const extraArgs = process.argv.slice(2);
const isRoot = process.getuid?.() === 0;

function vitest(label, env) {
  const report = join(mkdtempSync(join(tmpdir(), 'seatwise-report-')), 'vitest.json');
  console.log(`\n=== ${label} ===`);
  const run = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...extraArgs,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } },
  );
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed = r.numPassedTests;
    failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
    skipped = r.numPendingTests + (r.numTodoTests ?? 0);
  }
  if (run.status !== 0 && failed === 0) failed = 1; // the runner itself failed (setup error, crash)
  return { label, passed, failed, skipped };
}

function freePort() {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function findPgBin() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(base, v, 'bin', 'initdb'))) return join(base, v, 'bin');
  return undefined;
}

function ensurePgBin() {
  let bin = findPgBin();
  if (bin || !isRoot) return bin;
  console.log("PostgreSQL server binaries not found: installing Debian's postgresql package");
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  spawnSync('apt-get', ['install', '-y', '-qq', 'postgresql'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return findPgBin();
}

async function startThrowawayPostgres() {
  const bin = ensurePgBin();
  if (!bin) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'seatwise-pg-'));
  const port = await freePort();
  // initdb refuses to run as root: run the server as the postgres user the Debian package creates.
  const asUser = (cmd, args) =>
    isRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' })
      : execFileSync(cmd, args, { stdio: 'pipe' });
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  asUser(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  asUser(join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-l',
    join(dir, 'server.log'),
    '-w',
    'start',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        asUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

const results = [vitest('embedded PostgreSQL (PGlite)', { SEATWISE_TEST_DATABASE_URL: '' })];

let server;
let url = process.env.SEATWISE_TEST_DATABASE_URL;
if (!url && process.env.SEATWISE_TEST_SKIP_SERVER !== '1') {
  server = await startThrowawayPostgres();
  url = server?.url;
}
try {
  if (url)
    results.push(
      vitest(`PostgreSQL server (${url.replace(/:[^@/]*@/, ':***@')})`, { SEATWISE_TEST_DATABASE_URL: url }),
    );
  else console.log('\nNo PostgreSQL server could be found or started: the server run was skipped.');
} finally {
  server?.stop();
}

console.log('\n=== Seatwise test summary ===');
for (const r of results)
  console.log(`${r.label}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
const total = results.reduce(
  (a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
const serverMissing = !url && process.env.SEATWISE_TEST_SKIP_SERVER !== '1';
console.log(
  `${total.passed} passed, ${total.failed + (serverMissing && process.env.CI ? 1 : 0)} failed, ${total.skipped} skipped`,
);
process.exit(total.failed > 0 || (serverMissing && process.env.CI) ? 1 : 0);
