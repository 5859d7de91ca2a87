// One process at a time on a PGlite data folder: PGlite has no postmaster to arbitrate, so two
// processes opening the same files corrupt the catalog ("cache lookup failed for constraint", Aborted()).
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Thrown when another live process (or this one) already holds the data folder. */
export class DataDirLockedError extends Error {
  /** The folder that is locked. */
  readonly dataDir: string;
  /** The process id written in the lock file (undefined while its owner is still writing it). */
  readonly pid: number | undefined;

  constructor(dataDir: string, pid: number | undefined, lockPath: string) {
    const owner =
      pid === undefined ? 'another process' : `process ${pid}${pid === process.pid ? ' (this process)' : ''}`;
    super(
      `the PGlite data folder ${dataDir} is in use by ${owner}: ` +
        'stop that process first (the embedded database serves one process at a time), ' +
        'or set DATABASE_URL to share a Postgres database between processes. ' +
        `If ${pid === undefined ? 'no ExitBot process runs' : `process ${pid} is not ExitBot`}, delete ${lockPath}.`,
    );
    this.name = 'DataDirLockedError';
    this.dataDir = dataDir;
    this.pid = pid;
  }
}

/** A held lock on a data folder. */
export interface DataDirLock {
  /** The lock file (`<dataDir>/lock`). */
  readonly path: string;
  /** Removes the lock file (if it is still ours). Safe to call twice. */
  release(): void;
}

/** Lock files this process holds: a lock naming our own pid is stale unless it is in here (pid 1 in a restarted container). */
const heldByThisProcess = new Set<string>();

/** A lock whose file has no pid yet is being written; after this long it is a leftover of a crash. */
const unwrittenLockGraceMs = 5_000;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): number | undefined {
  const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * Takes the exclusive lock on `dataDir` (a `lock` file holding the pid), taking over a stale one whose
 * process no longer runs. Throws `DataDirLockedError` when a live process holds it. The lock is also
 * removed when the process exits normally; after a crash the next start finds it stale.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, 'lock');
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error;
      takeOverIfStale(dataDir, path);
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    heldByThisProcess.add(path);
    const release = () => {
      process.off('exit', release);
      if (!heldByThisProcess.delete(path)) return;
      try {
        if (readOwner(path) === process.pid) rmSync(path);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    };
    process.on('exit', release);
    return { path, release };
  }
}

/** Removes the lock at `path` when its owner is gone; throws `DataDirLockedError` when it is alive. */
function takeOverIfStale(dataDir: string, path: string): void {
  let owner: number | undefined;
  try {
    owner = readOwner(path);
    if (owner === undefined && Date.now() - statSync(path).mtimeMs < unwrittenLockGraceMs) {
      // Just created by a process that has not written its pid yet: treat as held.
      throw new DataDirLockedError(dataDir, undefined, path);
    }
  } catch (error) {
    if (isNotFound(error)) return; // released meanwhile: try again
    throw error;
  }
  if (owner !== undefined) {
    const alive = owner === process.pid ? heldByThisProcess.has(path) : isRunning(owner);
    if (alive) throw new DataDirLockedError(dataDir, owner, path);
  }
  // Move the stale file aside (atomic) and check we moved the one we judged: if another process took
  // over first, its fresh lock is what we moved, so we put it back and report it as held.
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  const moved = readOwner(aside);
  if (moved !== owner && moved !== undefined) {
    renameSync(aside, path);
    throw new DataDirLockedError(dataDir, moved, path);
  }
  rmSync(aside, { force: true });
}
