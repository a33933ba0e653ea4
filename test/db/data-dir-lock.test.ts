import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../../src/db/data-dir-lock.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'seatwise-lock-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('data directory lock (STACK hazard 1, SPEC §8)', () => {
  it('refuses a second owner and names the process holding the directory', () => {
    const dir = tempDir();
    const release = lockDataDir(dir, 'seatwise serve');
    try {
      let error: unknown;
      try {
        lockDataDir(dir, 'seatwise migrate');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DataDirLockedError);
      expect((error as Error).message).toContain(`process ${process.pid} (seatwise serve)`);
    } finally {
      release();
    }
    // Released: the next owner gets it.
    lockDataDir(dir, 'seatwise migrate')();
  });

  it('replaces a stale lock left by a process that was killed', () => {
    const dir = tempDir();
    // A real process that has exited: its pid is free (or reused by a process with another start time).
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(child.stdout.toString());
    const lockPath = join(dir, 'seatwise.lock');
    writeFileSync(
      lockPath,
      JSON.stringify({
        pid: deadPid,
        command: 'seatwise serve',
        host: hostname(),
        startedAt: 'then',
        procStart: '1',
      }),
    );
    const release = lockDataDir(dir, 'seatwise serve');
    expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: process.pid });
    release();
  });
});
