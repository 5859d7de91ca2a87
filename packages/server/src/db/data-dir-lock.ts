// One process at a time on a PGlite data folder: PGlite has no postmaster to arbitrate, so two
// processes opening the same files corrupt the catalog ("cache lookup failed for constraint", Aborted()).
import {
  closeSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Thrown when another live process (or this one) already holds the data folder. */
export class DataDirLockedError extends Error {
  /** The folder that is locked. */
  readonly dataDir: string;
  /** The process id written in the lock file (undefined while its owner is still writing it). */
  readonly pid: number | undefined;

  constructor(dataDir: string, owner: LockOwner | undefined, lockPath: string) {
    const pid = owner?.pid;
    const where = owner && owner.host !== hostname() ? ` on host ${owner.host}` : '';
    const who =
      pid === undefined
        ? 'another process'
        : `process ${pid}${where}${pid === process.pid && !where ? ' (this process)' : ''}`;
    super(
      `the PGlite data folder ${dataDir} is in use by ${who}: ` +
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

/** Who wrote a lock file: its first line is the pid, its second the host name. */
interface LockOwner {
  pid: number;
  host: string;
}

/** Lock files this process holds: a lock naming our own pid is stale unless it is in here (pid 1 in a restarted container). */
const heldByThisProcess = new Set<string>();

/** A lock whose file has no pid yet is being written; after this long it is a leftover of a crash. */
const unwrittenLockGraceMs = 5_000;
/**
 * The holder touches the lock this often. Another host (or container: its own pid namespace and host
 * name) cannot check the pid, so it counts the lock as held until it is `foreignStaleMs` old.
 */
const heartbeatMs = 15_000;
const foreignStaleMs = 60_000;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | undefined {
  const [pidLine = '', host = ''] = readFileSync(path, 'utf8').split('\n');
  const pid = Number.parseInt(pidLine.trim(), 10);
  // A lock without a host name comes from this host.
  return Number.isSafeInteger(pid) && pid > 0 ? { pid, host: host.trim() || hostname() } : undefined;
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * Takes the exclusive lock on `dataDir` (a `lock` file holding the pid and host name), taking over a
 * stale one: its process no longer runs (same host), or it was not refreshed for a minute (another
 * host or container). Throws `DataDirLockedError` when a live process holds it. The lock is also
 * removed when the process exits normally; after a crash the next start finds it stale.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, 'lock');
  const host = hostname();
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
      writeSync(fd, `${process.pid}\n${host}\n`);
    } finally {
      closeSync(fd);
    }
    heldByThisProcess.add(path);
    const isOurs = () => {
      const owner = readOwner(path);
      return owner?.pid === process.pid && owner.host === host;
    };
    const heartbeat = setInterval(() => {
      try {
        const now = new Date();
        if (isOurs()) utimesSync(path, now, now);
      } catch {
        // Deleted by hand or the folder is gone: nothing to refresh.
      }
    }, heartbeatMs);
    heartbeat.unref();
    const release = () => {
      clearInterval(heartbeat);
      process.off('exit', release);
      if (!heldByThisProcess.delete(path)) return;
      try {
        if (isOurs()) rmSync(path);
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
  let owner: LockOwner | undefined;
  let ageMs: number;
  try {
    owner = readOwner(path);
    ageMs = Date.now() - statSync(path).mtimeMs;
  } catch (error) {
    if (isNotFound(error)) return; // released meanwhile: try again
    throw error;
  }
  // Just created by a process that has not written its pid yet: treat as held.
  if (owner === undefined && ageMs < unwrittenLockGraceMs)
    throw new DataDirLockedError(dataDir, undefined, path);
  if (owner !== undefined) {
    let alive: boolean;
    if (owner.host !== hostname()) alive = ageMs < foreignStaleMs;
    else if (owner.pid === process.pid) alive = heldByThisProcess.has(path);
    else alive = isRunning(owner.pid);
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
  if (moved && (moved.pid !== owner?.pid || moved.host !== owner.host)) {
    renameSync(aside, path);
    throw new DataDirLockedError(dataDir, moved, path);
  }
  rmSync(aside, { force: true });
}
