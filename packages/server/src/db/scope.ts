import { type Kysely, sql } from 'kysely';
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
