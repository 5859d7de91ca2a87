import type { ChatModel } from '@exitbot/sdk';
import { loadMasterSecret } from './auth/secret-box.ts';
import { type DatabaseHandle, openDatabase } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import type { Config } from './env.ts';
import type { Logger } from './logger.ts';
import { createServices, type Services } from './services.ts';

/** Opens the database, runs migrations and builds the services (shared by `serve` and the CLI commands). */
export async function openRuntime(options: {
  config: Config;
  logger: Logger;
  model?: ChatModel;
  /** A database already being opened (the CLI starts PGlite while it loads the rest of the code). */
  database?: Promise<DatabaseHandle>;
}): Promise<{
  services: Services;
  database: DatabaseHandle;
  secretGenerated: boolean;
}> {
  const { config, logger } = options;
  const database = await (options.database ?? openConfiguredDatabase(config, logger));
  try {
    const { applied } = await migrateToLatest(database.db);
    if (applied.length > 0) logger.info('migrations applied', { migrations: applied });
    const { secret, generated } = await loadMasterSecret({ secret: config.secret, dataDir: config.dataDir });
    if (generated && config.databaseUrl) {
      logger.warn(
        'EXITBOT_SECRET is not set: generated one in the data folder; set EXITBOT_SECRET on every replica',
        {
          dataDir: config.dataDir,
        },
      );
    }
    const services = await createServices({
      config,
      database,
      logger,
      secret,
      ...(options.model ? { model: options.model } : {}),
    });
    return { services, database, secretGenerated: generated };
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
}

/** Opens the database the config names (Postgres URL or the PGlite data folder); lost connections are logged. */
export function openConfiguredDatabase(config: Config, logger?: Logger): Promise<DatabaseHandle> {
  return openDatabase({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir }),
    poolSize: config.poolSize,
    onConnectionError: (error) =>
      logger?.warn('database connection lost; the pool opens a new one', { error }),
    onTemplateFailed: (error) =>
      logger?.warn('the prepared PGlite data folder did not start: ran initdb instead (slower first start)', {
        error,
      }),
  });
}
