// Fault injection on Postgres: cut the server's connections, or restart the whole cluster (and always
// bring it back).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { openDatabase } from '@exitbot/server';
import { sql } from 'kysely';
import { baseDatabaseUrl, type ScratchDatabase } from './harness.ts';

const run = promisify(execFile);

/** Terminates every backend the server holds on the scratch database (application_name 'exitbot'); returns how many. */
export async function terminateServerBackends(database: ScratchDatabase): Promise<number> {
  const result = await sql<{ terminated: boolean }>`
    select pg_terminate_backend(pid) as terminated from pg_stat_activity
    where datname = ${database.name} and application_name = 'exitbot' and pid <> pg_backend_pid()`.execute(
    database.handle.db,
  );
  return result.rows.filter((row) => row.terminated).length;
}

/** Resolves once Postgres answers `select 1` (polls every 100 ms). */
export async function waitForPostgres(timeoutMs = 60_000): Promise<void> {
  if (!baseDatabaseUrl) throw new Error('DATABASE_URL is not set');
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const handle = await openDatabase({ databaseUrl: baseDatabaseUrl, poolSize: 1 });
    try {
      await handle.ping();
      return;
    } catch (error) {
      if (performance.now() > deadline) throw error;
    } finally {
      await handle.close().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The local cluster's version folder under /etc/postgresql, or undefined when this is not a Debian cluster we can control. */
async function clusterVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await run('ls', ['/etc/postgresql']);
    return stdout.trim().split('\n')[0] || undefined;
  } catch {
    return undefined;
  }
}

/** True when the suite may restart the local Postgres cluster (root on a Debian pg_ctlcluster machine). */
export async function canRestartPostgres(): Promise<boolean> {
  return process.getuid?.() === 0 && (await clusterVersion()) !== undefined;
}

/**
 * Restarts the local cluster (`pg_ctlcluster <version> main restart`, fast shutdown: every connection is
 * cut) and waits until it answers again. Returns the downtime in ms.
 */
export async function restartPostgres(): Promise<number> {
  const version = await clusterVersion();
  if (!version) throw new Error('no local Postgres cluster to restart');
  const started = performance.now();
  try {
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', '-m', 'fast', version, 'main', 'restart'], {
      timeout: 60_000,
    });
  } finally {
    // Whatever happened, Postgres must be up again for everyone else's tests.
    await ensurePostgresUp(version);
  }
  return Math.round(performance.now() - started);
}

/** Starts the cluster if it is down and waits for it. */
export async function ensurePostgresUp(version?: string): Promise<void> {
  const cluster = version ?? (await clusterVersion());
  try {
    await waitForPostgres(5_000);
  } catch {
    if (cluster)
      await run('pg_ctlcluster', ['--skip-systemctl-redirect', cluster, 'main', 'start'], {
        timeout: 60_000,
      }).catch(() => undefined);
    await waitForPostgres(60_000);
  }
}
