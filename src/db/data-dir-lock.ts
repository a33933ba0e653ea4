import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** What a lock file says about the process that holds it. */
export interface LockOwner {
  pid: number;
  command: string;
  host: string;
  startedAt: string;
  /** The kernel's start time of the process (Linux), so that a recycled pid is not taken for the owner. */
  procStart: string | null;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
  ) {
    super(
      `The data directory ${dataDir} is in use by process ${owner.pid} (${owner.command}) on ${owner.host}, ` +
        `started ${owner.startedAt}. Only one process at a time may open an embedded (PGlite) database: ` +
        `stop that process, or use DATABASE_URL to share a PostgreSQL server.`,
    );
    this.name = 'DataDirLockedError';
  }
}

function procStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) comes after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true; // cannot tell: be safe
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (owner.procStart === null) return true;
  const now = procStartTime(owner.pid);
  return now === null || now === owner.procStart;
}

function readOwner(path: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

/**
 * Takes the exclusive lock on an embedded data directory: a file created atomically (link, which fails if
 * the name exists) holding the owner's pid. A lock whose process is gone (kill -9) is stale and is replaced.
 * Returns the function that releases it.
 */
export function lockDataDir(dataDir: string, command: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, 'seatwise.lock');
  const me: LockOwner = {
    pid: process.pid,
    command,
    host: hostname(),
    startedAt: new Date().toISOString(),
    procStart: procStartTime(process.pid),
  };
  const tmp = `${lockPath}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  writeSync(fd, JSON.stringify(me));
  closeSync(fd);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(tmp, lockPath);
        let released = false;
        return () => {
          if (released) return;
          released = true;
          const owner = readOwner(lockPath);
          if (owner?.pid === process.pid) rmSync(lockPath, { force: true });
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const owner = readOwner(lockPath);
        if (owner && isAlive(owner)) throw new DataDirLockedError(dataDir, owner);
        // Stale (its process is gone) or unreadable (a crash mid-write): remove it and try again.
        rmSync(lockPath, { force: true });
      }
    }
    throw new Error(`Could not take the lock on ${dataDir}; another process keeps replacing it.`);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
  }
}
