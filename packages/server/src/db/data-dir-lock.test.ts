import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { tempFolders } from '../testing/temp-folders.ts';
import { openDatabase } from './connect.ts';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.ts';

/** The pid of a process that has exited (so `process.kill(pid, 0)` fails). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('PGlite data folder lock', () => {
  const newFolder = tempFolders('lock-test');

  it('should refuse a second open of the same folder naming the folder and the pid, and allow a new open after close', async () => {
    const dataDir = newFolder();
    const first = await openDatabase({ dataDir });
    await sql`select 1`.execute(first.db);
    expect(readFileSync(join(dataDir, 'lock'), 'utf8')).toBe(`${process.pid}\n${hostname()}\n`);

    const second = openDatabase({ dataDir });
    await expect(second).rejects.toBeInstanceOf(DataDirLockedError);
    await expect(second).rejects.toThrow(
      `the PGlite data folder ${dataDir} is in use by process ${process.pid}`,
    );
    await expect(second).rejects.toThrow('or set DATABASE_URL');

    await first.close();
    expect(existsSync(join(dataDir, 'lock'))).toBe(false);
    const third = await openDatabase({ dataDir });
    const result = await sql<{ one: number }>`select 1 as one`.execute(third.db);
    expect(result.rows).toEqual([{ one: 1 }]);
    await third.close();
    expect(existsSync(join(dataDir, 'lock'))).toBe(false);
  }, 60_000);

  it('should refuse a folder held by another running process', () => {
    const dataDir = newFolder();
    // The parent of this test process is alive and is not this process.
    writeFileSync(join(dataDir, 'lock'), `${process.ppid}\n`);
    expect(() => lockDataDir(dataDir)).toThrow(`in use by process ${process.ppid}`);
    expect(readFileSync(join(dataDir, 'lock'), 'utf8').trim()).toBe(String(process.ppid));
  });

  it('should take over a stale lock left by a process that no longer runs', async () => {
    const dataDir = newFolder();
    const pid = deadPid();
    writeFileSync(join(dataDir, 'lock'), `${pid}\n`);
    const database = await openDatabase({ dataDir });
    expect(readFileSync(join(dataDir, 'lock'), 'utf8')).toBe(`${process.pid}\n${hostname()}\n`);
    await sql`select 1`.execute(database.db);
    await database.close();
    expect(existsSync(join(dataDir, 'lock'))).toBe(false);
  }, 60_000);

  it('should take over a lock naming this pid that this process does not hold (restarted container, pid 1 again)', () => {
    const dataDir = newFolder();
    writeFileSync(join(dataDir, 'lock'), `${process.pid}\n`);
    const lock = lockDataDir(dataDir);
    expect(() => lockDataDir(dataDir)).toThrow(DataDirLockedError);
    lock.release();
    lock.release();
    expect(existsSync(join(dataDir, 'lock'))).toBe(false);
  });

  it('should treat a lock without a pid as being written while it is fresh', () => {
    const dataDir = newFolder();
    writeFileSync(join(dataDir, 'lock'), '');
    expect(() => lockDataDir(dataDir)).toThrow('in use by another process');
  });

  it('should release the lock when the process exits without closing', () => {
    const dataDir = newFolder();
    const script = `import { lockDataDir } from ${JSON.stringify(join(import.meta.dirname, 'data-dir-lock.ts'))}; lockDataDir(${JSON.stringify(dataDir)});`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script]);
    expect(child.status, child.stderr.toString()).toBe(0);
    expect(existsSync(join(dataDir, 'lock'))).toBe(false);
  });

  it('should refuse a lock of another host (or container) while it is refreshed, and take it over once it is a minute old', () => {
    const dataDir = newFolder();
    const lockPath = join(dataDir, 'lock');
    // Pid 1 of another container: this process cannot check it, only the heartbeat tells.
    writeFileSync(lockPath, '1\nsome-other-container\n');
    expect(() => lockDataDir(dataDir)).toThrow('in use by process 1 on host some-other-container');
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    utimesSync(lockPath, twoMinutesAgo, twoMinutesAgo);
    const lock = lockDataDir(dataDir);
    expect(readFileSync(lockPath, 'utf8')).toBe(`${process.pid}\n${hostname()}\n`);
    lock.release();
  });

  it('should refresh the lock while it is held so that other hosts see it alive', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      const dataDir = newFolder();
      const lock = lockDataDir(dataDir);
      const twoMinutesAgo = new Date(Date.now() - 120_000);
      utimesSync(lock.path, twoMinutesAgo, twoMinutesAgo);
      vi.advanceTimersByTime(15_000);
      expect(Date.now() - statSync(lock.path).mtimeMs).toBeLessThan(5_000);
      lock.release();
    } finally {
      vi.useRealTimers();
    }
  });
});
