import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { Pool, PoolClient, QueryResult } from 'pg';
import type { DatabaseHandle } from './connect.ts';
import type { Database } from './database.ts';
import { appRole, workerRole } from './roles.ts';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a canonical UUID string. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && uuidPattern.test(value);
}

/**
 * Runs `work` in one transaction as the app role with `app.tenant_id` set for this transaction only,
 * so row-level security sees exactly one tenant. Commits when `work` resolves, rolls back when it throws.
 */
export async function withTenant<T>(
  handle: DatabaseHandle,
  tenantId: string,
  work: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (!isUuid(tenantId)) throw new TypeError('withTenant: tenantId must be a UUID');
  return runScoped(handle, appRole, tenantId, work);
}

/** Runs `work` in one transaction as the worker role (no tenant: it sees the outbox and tenant ids only). */
export async function withWorker<T>(
  handle: DatabaseHandle,
  work: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  return runScoped(handle, workerRole, '', work);
}

async function runScoped<T>(
  handle: DatabaseHandle,
  role: string,
  tenantId: string,
  work: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (handle.kind === 'postgres') {
    // One round trip for begin + role + tenant (simple query protocol; both values are validated constants).
    return handle.db.connection().execute(async (connection) => {
      await sql
        .raw(
          `begin; select set_config('role', '${role}', true), set_config('app.tenant_id', '${tenantId}', true)`,
        )
        .execute(connection);
      let result: T;
      try {
        result = await work(connection);
      } catch (error) {
        await sql
          .raw('rollback')
          .execute(connection)
          .catch(() => undefined);
        throw error;
      }
      await sql.raw('commit').execute(connection);
      return result;
    });
  }
  return handle.db.transaction().execute(async (transaction) => {
    await sql`select set_config('role', ${role}, true), set_config('app.tenant_id', ${tenantId}, true)`.execute(
      transaction,
    );
    return work(transaction);
  });
}

/** One SQL statement with `$n` placeholders and its parameters. */
export interface Statement {
  sql: string;
  parameters: readonly unknown[];
  /**
   * Postgres: prepare it under this name once per connection and reuse the plan (no parse and plan per
   * run). One name per SQL text; list columns instead of `*`, or a column added by a later migration
   * would fail the prepared statement ("cached plan must not change result type").
   */
  name?: string;
}

/** The transaction `withTenantPipeline()` hands to its work. */
export interface TenantPipeline {
  /**
   * Sends a statement now, behind the ones already sent, without waiting for their answers; resolves
   * with its rows. Statements sent in the same tick go out in one write. When a statement fails, the
   * commit rejects too; a statement's promise left unawaited then is not an unhandled rejection.
   */
  send<Row = Record<string, unknown>>(statement: Statement): Promise<Row[]>;
  /**
   * Sends `commit` now, right behind the statements sent so far (same write); resolves once committed and
   * rejects when an earlier statement failed (Postgres then rolls back). Call it only once the outcome is
   * decided: what the work does after it cannot be undone. Without a call, the transaction commits when
   * the work resolves.
   */
  commit(): Promise<void>;
}

/**
 * Like `withTenant()`, for the hot paths: on Postgres the statements go out without waiting for each
 * answer (pg pipeline mode), so `begin` and the tenant settings travel with the first statement and
 * `commit` with the last one. On PGlite (in process, no round trips) the statements run one after another
 * in an ordinary transaction. Row-level security applies exactly as in `withTenant()`: every statement
 * runs after `set_config(..., true)` in the same transaction, and if that fails, all of them fail.
 */
export async function withTenantPipeline<T>(
  handle: DatabaseHandle,
  tenantId: string,
  work: (pipeline: TenantPipeline) => Promise<T>,
): Promise<T> {
  if (!isUuid(tenantId)) throw new TypeError('withTenantPipeline: tenantId must be a UUID');
  if (handle.kind === 'postgres' && handle.pool) return pipelineOnPostgres(handle.pool, tenantId, work);
  return pipelineInProcess(handle, tenantId, work);
}

async function pipelineOnPostgres<T>(
  pool: Pool,
  tenantId: string,
  work: (pipeline: TenantPipeline) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // pg corks the socket for each statement; corking around all statements of one tick makes it one write.
  const socket = (client as PoolClient & { connection?: { stream?: NodeJS.WritableStream & CorkableStream } })
    .connection?.stream;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket?.uncork();
  };
  const pending: Promise<unknown>[] = [];
  let broken: Error | undefined;
  const issue = (text: string, parameters?: readonly unknown[], name?: string): Promise<QueryResult> => {
    if (socket && !corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    const result = name
      ? client.query({ name, text, values: parameters as unknown[] })
      : parameters
        ? client.query(text, parameters as unknown[])
        : client.query(text);
    pending.push(
      result.catch((error: Error & { severity?: string }) => {
        // A database error leaves the connection usable; anything else (socket, protocol) does not.
        if (!error.severity) broken ??= error;
      }),
    );
    return result;
  };
  let committed: Promise<void> | undefined;
  const pipeline: TenantPipeline = {
    send<Row>(statement: Statement) {
      const rows = issue(statement.sql, statement.parameters, statement.name).then(
        (result) => result.rows as Row[],
      );
      // A statement nobody awaits (the commit rejected first) must not end the process as an unhandled rejection.
      rows.catch(() => undefined);
      return rows;
    },
    commit() {
      if (!committed) {
        committed = issue('commit').then((result) => {
          if (result.command !== 'COMMIT') throw new Error('transaction aborted by an earlier statement');
        });
        committed.catch(() => undefined);
      }
      return committed;
    },
  };
  try {
    const begun = issue(
      `begin; select set_config('role', '${appRole}', true), set_config('app.tenant_id', '${tenantId}', true)`,
    );
    let result: T;
    try {
      result = await work(pipeline);
      await begun;
    } catch (error) {
      if (!committed) issue('rollback').catch(() => undefined);
      throw error;
    }
    await pipeline.commit();
    return result;
  } finally {
    // Every answer is read before the connection goes back to the pool.
    await Promise.all(pending);
    client.release(broken);
  }
}

interface CorkableStream {
  cork(): void;
  uncork(): void;
}

async function pipelineInProcess<T>(
  handle: DatabaseHandle,
  tenantId: string,
  work: (pipeline: TenantPipeline) => Promise<T>,
): Promise<T> {
  const transaction = await handle.db.startTransaction().execute();
  const pending: Promise<unknown>[] = [];
  let failed: unknown;
  let committed: Promise<void> | undefined;
  const pipeline: TenantPipeline = {
    send<Row>(statement: Statement) {
      const result = transaction
        .executeQuery<Row>(CompiledQuery.raw(statement.sql, [...statement.parameters]))
        .then((output) => output.rows);
      pending.push(
        result.catch((error) => {
          failed ??= error;
        }),
      );
      return result;
    },
    commit() {
      if (!committed) {
        committed = (async () => {
          await Promise.all(pending);
          if (failed !== undefined) {
            await transaction.rollback().execute();
            throw failed;
          }
          await transaction.commit().execute();
        })();
        committed.catch(() => undefined);
      }
      return committed;
    },
  };
  try {
    await sql`select set_config('role', ${appRole}, true), set_config('app.tenant_id', ${tenantId}, true)`.execute(
      transaction,
    );
    const result = await work(pipeline);
    await pipeline.commit();
    return result;
  } catch (error) {
    if (!committed) {
      await Promise.all(pending);
      await transaction
        .rollback()
        .execute()
        .catch(() => undefined);
    }
    throw error;
  }
}
