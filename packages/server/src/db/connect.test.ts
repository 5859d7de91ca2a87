// A Postgres connection that dies while a transaction holds it (between two statements) must fail that
// transaction, be reported, and leave the process and the pool working. Without a listener on the checked-out
// client, pg emits 'error' with nobody listening and Node ends the process (seen in the fault suite).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from './connect.ts';

const databaseUrl = process.env.DATABASE_URL;

describe.skipIf(!databaseUrl)('openDatabase on Postgres when connections die', () => {
  const applicationName = `exitbot-connect-test-${process.pid}`;
  const reported: Error[] = [];
  let database: Awaited<ReturnType<typeof openDatabase>>;
  let observer: Awaited<ReturnType<typeof openDatabase>>;

  beforeAll(async () => {
    database = await openDatabase({
      databaseUrl,
      poolSize: 2,
      applicationName,
      onConnectionError: (error) => reported.push(error),
    });
    observer = await openDatabase({ databaseUrl, poolSize: 1 });
  });

  afterAll(async () => {
    await database?.close();
    await observer?.close();
  });

  const terminate = async (pid: number) =>
    (await sql<{ done: boolean }>`select pg_terminate_backend(${pid}) as done`.execute(observer.db)).rows[0]
      ?.done;

  /** Resolves once `count` lost connections have been reported (or after 2 s). */
  const waitForReports = async (count: number) => {
    const deadline = performance.now() + 2_000;
    while (reported.length < count && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
  };

  it('should fail the transaction, report the lost connection and keep serving, when the backend dies mid-transaction', async () => {
    const before = reported.length;
    const transaction = database.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
      // The connection is checked out and idle, as while a turn waits for the model.
      expect(await terminate(rows[0]?.pid ?? 0)).toBe(true);
      await waitForReports(before + 1);
      await sql`select 1`.execute(trx);
    });
    await expect(transaction).rejects.toThrow();
    expect(reported.length).toBeGreaterThan(before);
    expect(reported.map((error) => (error as { code?: string }).code)).toContain('57P01');
    // The dead client left the pool: both connections answer, and a new transaction commits.
    const pids = await Promise.all(
      [0, 1].map(() =>
        database.db.transaction().execute(async (trx) => {
          const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
          return rows[0]?.pid;
        }),
      ),
    );
    expect(pids.every((pid) => typeof pid === 'number')).toBe(true);
    await expect(database.ping()).resolves.toBeUndefined();
  });

  it('should report idle connections that die, and replace them', async () => {
    await database.ping();
    const { rows } = await sql<{ pid: number }>`
      select pid from pg_stat_activity where application_name = ${applicationName}`.execute(observer.db);
    expect(rows.length).toBeGreaterThan(0);
    const before = reported.length;
    for (const row of rows) await terminate(row.pid);
    await waitForReports(before + rows.length);
    expect(reported.length - before).toBeGreaterThanOrEqual(rows.length);
    await expect(database.ping()).resolves.toBeUndefined();
  });
});
