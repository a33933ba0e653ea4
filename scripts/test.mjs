#!/usr/bin/env node
// `npm test`: the whole suite, first on the embedded database (PGlite), then on a PostgreSQL server (SPEC §8).
// The server is SEATWISE_TEST_DATABASE_URL when set; otherwise a throwaway cluster that this script starts
// from the machine's PostgreSQL binaries (installing Debian's package when they are missing and it can).
// Ends with one line per run (its counts and wall time) and a total, "N passed, N failed", and exits non-zero
// if anything failed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startThrowawayPostgres } from './postgres.mjs';

const root = join(import.meta.dirname, '..');

// The browser tests drive Debian's Chromium (Playwright cannot download its own here); install it as root
// when it is missing, as postgres.mjs does for PostgreSQL.
const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM) && process.getuid?.() === 0) {
  console.log("Installing Debian's Chromium for the browser tests");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
}
if (!existsSync(CHROMIUM)) console.log(`${CHROMIUM} is missing: the browser tests will fail.`);
const extraArgs = process.argv.slice(2);

function vitest(label, env) {
  const report = join(mkdtempSync(join(tmpdir(), 'seatwise-report-')), 'vitest.json');
  console.log(`\n=== ${label} ===`);
  const started = Date.now();
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
  const failures = [];
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed = r.numPassedTests;
    failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
    skipped = r.numPendingTests + (r.numTodoTests ?? 0);
    failures.push(...failuresIn(r));
  }
  if (run.status !== 0 && failed === 0) failed = 1; // the runner itself failed (setup error, crash)
  return { label, passed, failed, skipped, failures, seconds: Math.round((Date.now() - started) / 1000) };
}

// Each failed test (or file that failed to run) as "file › title: first line of the error", so that the
// summary, which is all a CI log may keep, names what failed.
function failuresIn(report) {
  const lines = [];
  for (const file of report.testResults ?? []) {
    const path = file.name.startsWith(root) ? file.name.slice(root.length + 1) : file.name;
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of failedTests)
      lines.push(`${path} › ${t.fullName || t.title}: ${firstLine(t.failureMessages?.[0])}`);
    if (file.status === 'failed' && failedTests.length === 0)
      lines.push(`${path}: ${firstLine(file.message)}`);
  }
  return lines;
}

function firstLine(text) {
  return (
    (text ?? '')
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim()
      .slice(0, 300) ?? ''
  );
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
for (const r of results) {
  console.log(`${r.label}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped in ${r.seconds} s`);
  for (const f of r.failures) console.log(`  failed: ${f}`);
}
const total = results.reduce(
  (a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
const serverMissing = !url && process.env.SEATWISE_TEST_SKIP_SERVER !== '1';
console.log(
  `${total.passed} passed, ${total.failed + (serverMissing && process.env.CI ? 1 : 0)} failed, ${total.skipped} skipped`,
);
process.exit(total.failed > 0 || (serverMissing && process.env.CI) ? 1 : 0);
