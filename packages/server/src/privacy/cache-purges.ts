// Erasure must reach in-process caches on every replica (the LLM cache, the insights cache). The
// erasing transaction writes a row to cache_purges; each process applies its own purges at once and
// polls for the others' (one indexed query per poll), dropping that tenant's cached entries.
import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../db/connect.ts';
import type { Database } from '../db/database.ts';
import { withWorker } from '../db/scope.ts';
import type { Logger } from '../logger.ts';

/** Anything holding per-tenant cached data. */
export interface TenantCache {
  deleteTenant(tenantId: string): void;
}

/** Records, in the caller's transaction, that every replica must drop the tenant's cached data. */
export async function publishCachePurge(db: Kysely<Database>, tenantId: string): Promise<void> {
  await db.insertInto('cache_purges').values({ tenant_id: tenantId }).execute();
}

/** Deletes the tenant's purge records older than `before` (they have been seen by then). */
export async function pruneCachePurges(db: Kysely<Database>, tenantId: string, before: Date): Promise<void> {
  await db
    .deleteFrom('cache_purges')
    .where('tenant_id', '=', tenantId)
    .where('created_at', '<', before)
    .execute();
}

/** Applies cache purges of this and other replicas to the registered caches. */
export type CachePurger = ReturnType<typeof createCachePurger>;

/** Creates the purger (not polling until `start()`). */
export function createCachePurger(options: { database: DatabaseHandle; logger: Logger; pollMs?: number }) {
  const { database, logger } = options;
  const pollMs = options.pollMs ?? 2_000;
  const caches: TenantCache[] = [];
  let lastId: bigint | undefined;
  let timer: NodeJS.Timeout | undefined;
  let started = false;

  const apply = (tenantId: string) => {
    for (const cache of caches) cache.deleteTenant(tenantId);
  };

  async function poll(): Promise<number> {
    const rows = await withWorker(database, async (db) => {
      if (lastId === undefined) {
        const max = await db
          .selectFrom('cache_purges')
          .select((eb) => eb.fn.max('id').as('max'))
          .executeTakeFirst();
        lastId = BigInt(max?.max ?? 0);
        return [];
      }
      return db
        .selectFrom('cache_purges')
        .select(['id', 'tenant_id'])
        .where('id', '>', String(lastId))
        .orderBy('id')
        .limit(1000)
        .execute();
    });
    for (const row of rows) {
      apply(row.tenant_id);
      lastId = BigInt(row.id);
    }
    return rows.length;
  }

  return {
    /** Adds a cache to purge. */
    register(cache: TenantCache): void {
      caches.push(cache);
    },
    /** Drops the tenant's entries from this process's caches now (the erasing process calls it after commit). */
    applyLocal: apply,
    /** Reads purges written since the last poll and applies them; resolves with how many. */
    poll,
    /** Starts polling. */
    async start(): Promise<void> {
      if (timer || started) return;
      started = true;
      await poll().catch((error) => logger.warn('cache purge poll failed', { error }));
      // stop() may have run while the first poll was under way (and start() again: one interval only).
      if (!started || timer) return;
      timer = setInterval(() => {
        poll().catch((error) => logger.warn('cache purge poll failed', { error }));
      }, pollMs);
      timer.unref();
    },
    /** Stops polling. */
    stop(): void {
      started = false;
      clearInterval(timer);
      timer = undefined;
    },
  };
}
