// A throwaway PostgreSQL cluster for tests and benchmarks: Debian's server binaries (installed when missing
// and running as root), a fresh data directory, a free port on 127.0.0.1, trust authentication, fsync off
// unless asked for. `stop()` shuts it down and removes the directory.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const isRoot = process.getuid?.() === 0;

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

/** @param {{ fsync?: boolean, settings?: string[] }} [options] settings: more `name=value` server settings */
export async function startThrowawayPostgres(options = {}) {
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
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=${options.fsync ? 'on' : 'off'} -c max_connections=200${(options.settings ?? []).map((s) => ` -c ${s}`).join('')}`,
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    // The same server through its Unix socket (libpq and node-postgres both read `host` as a directory).
    socketUrl: `postgres://postgres@localhost/postgres?host=${encodeURIComponent(dir)}&port=${port}`,
    bin,
    port,
    socketDir: dir,
    stop: () => {
      try {
        asUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
