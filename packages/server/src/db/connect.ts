import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import type { Pool } from 'pg';
import { type DataDirLock, lockDataDir } from './data-dir-lock.ts';
import type { Database } from './database.ts';

/** Which engine is behind the Kysely instance. */
export type DatabaseKind = 'postgres' | 'pglite';

/** An open database: the Kysely instance, its kind and how to close it. */
export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /**
   * Postgres only: the `pg` pool behind `db` (its clients run in pipeline mode), for transactions that send
   * several statements without waiting for each answer (`withTenantPipeline()`).
   */
  pool?: Pool;
  /** Runs `select 1`; rejects when the database cannot answer. */
  ping(): Promise<void>;
  /** Closes the pool or the PGlite instance. */
  close(): Promise<void>;
}

/** Options of `openDatabase()`. */
export interface OpenDatabaseOptions {
  /** A postgres:// URL; when absent the embedded PGlite database is used. */
  databaseUrl?: string;
  /**
   * PGlite folder (its files live in `<dataDir>/pgdata`); 'memory://' for an in-memory database. A folder is
   * locked for this process until `close()` (`DataDirLockedError` when another process has it open).
   */
  dataDir?: string;
  /** Pool size for Postgres. Default 10. */
  poolSize?: number;
  /** Name reported to Postgres (pg_stat_activity). */
  applicationName?: string;
  /** Told when a pooled connection dies (restart, failover, pg_terminate_backend), idle or in use; the pool replaces it. */
  onConnectionError?: (error: Error) => void;
  /**
   * PGlite only: the data folder a new database starts from (a tarball of an initialised one), instead of
   * running initdb. Default: `@electric-sql/pglite-prepopulatedfs`'s.
   */
  template?: () => Promise<Blob>;
  /** PGlite only: told when the template could not be started and initdb ran instead. */
  onTemplateFailed?: (error: unknown) => void;
}

const dateOid = 1082;

/** Opens Postgres (through `pg`) or PGlite (Kysely's own PGliteDialect); modules load lazily. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  let db: Kysely<Database>;
  let kind: DatabaseKind;
  let pool: Pool | undefined;
  let lock: DataDirLock | undefined;
  if (options.databaseUrl) {
    const [{ default: pg }, { PostgresDialect }] = await Promise.all([import('pg'), import('kysely')]);
    pool = new pg.Pool({
      connectionString: options.databaseUrl,
      // A query is written at once even while earlier ones still run on the connection (pg serialises
      // what Kysely sends anyway; `withTenantPipeline()` relies on it to save round trips).
      pipeline: true,
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? 'exitbot',
      // `date` columns stay 'YYYY-MM-DD' strings (pg would build a local-midnight Date).
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === dateOid
            ? (value: string) => value
            : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    // A connection Postgres closes (restart, failover, pg_terminate_backend) emits 'error' on its client; with
    // no listener that event crashes the process. The pool listens only while a client is idle, so a client
    // checked out between two statements of a transaction (waiting for the model, say) needs its own
    // listener for as long as it lives: the statement in flight fails, the pool drops the dead client on
    // release. The pool's own 'error' repeats what the client's listener already reported.
    pool.on('connect', (client) => {
      client.on('error', (error) => options.onConnectionError?.(error));
    });
    pool.on('error', () => undefined);
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    kind = 'postgres';
  } else {
    const dataDir = options.dataDir ?? 'memory://';
    const [{ PGlite }, { PGliteDialect }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('kysely'),
    ]);
    let location = dataDir;
    if (!dataDir.startsWith('memory://')) {
      await mkdir(dataDir, { recursive: true });
      lock = lockDataDir(dataDir);
      location = join(dataDir, 'pgdata');
    }
    try {
      const pglite = await startPGlite(
        PGlite,
        location,
        {
          parsers: { [dateOid]: (value: string) => value },
          // Postgres' default of 128 MB of shared buffers lives in PGlite's WebAssembly memory, i.e. in the
          // server's RSS; the embedded database is small and the OS caches its files: 32 MB saves ~100 MB.
          postgresqlconf: 'shared_buffers = 32MB',
        },
        options,
      );
      db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
    } catch (error) {
      lock?.release();
      throw error;
    }
    kind = 'pglite';
  }
  return {
    db,
    kind,
    ...(pool ? { pool } : {}),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      try {
        await db.destroy();
      } finally {
        lock?.release();
      }
    },
  };
}

/**
 * A PGlite instance on `location`. A new database is unpacked from an initialised data folder (the template)
 * rather than made by initdb: ~0.8 s instead of ~2.4 s on the first start. The template is made by
 * ElectricSQL for one PGlite version; should this PGlite not start from it, initdb makes the database.
 */
async function startPGlite(
  PGliteClass: typeof PGlite,
  location: string,
  pgliteOptions: PGliteOptions,
  options: OpenDatabaseOptions,
): Promise<PGlite> {
  const inMemory = location.startsWith('memory://');
  // Present while a template is being unpacked: a start that was killed half-way left a folder that looks
  // like a database (PG_VERSION comes a few files before the end of the template) and is not one.
  const unpacking = `${location}.unpacking`;
  if (!inMemory && existsSync(unpacking)) {
    await rm(location, { recursive: true, force: true });
    await rm(unpacking, { force: true });
  }
  if (inMemory || !existsSync(join(location, 'PG_VERSION'))) {
    let pglite: PGlite | undefined;
    try {
      const template = await (options.template ?? prepopulatedDataDir)();
      if (!inMemory) await writeFile(unpacking, '');
      pglite = new PGliteClass(location, { ...pgliteOptions, loadDataDir: template });
      await pglite.waitReady;
      if (!inMemory) await rm(unpacking, { force: true });
      return pglite;
    } catch (error) {
      options.onTemplateFailed?.(error);
      await pglite?.close().catch(() => undefined);
      // What the failed start unpacked would be taken for a database next time: initdb starts afresh.
      if (!inMemory) {
        await rm(location, { recursive: true, force: true });
        await rm(unpacking, { force: true });
      }
    }
  }
  return new PGliteClass(location, pgliteOptions);
}

async function prepopulatedDataDir(): Promise<Blob> {
  const { dataDir } = await import('@electric-sql/pglite-prepopulatedfs');
  return dataDir();
}
