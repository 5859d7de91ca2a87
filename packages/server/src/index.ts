// Public entry of @exitbot/server: build the app in your own process, or start the whole server.
export { type App, createApp } from './app.ts';
export {
  type DatabaseHandle,
  type DatabaseKind,
  type OpenDatabaseOptions,
  openDatabase,
} from './db/connect.ts';
export { type MigrateResult, migrateToLatest } from './db/migrate.ts';
export { withTenant } from './db/scope.ts';
export { type DemoSeed, demoTenantId, ensureDemo } from './demo.ts';
export { type Config, ConfigError, loadConfig } from './env.ts';
export { ApiError, type ApiErrorCode } from './errors.ts';
export { createLogger, type Logger, type LoggerOptions } from './logger.ts';
export { openRuntime } from './runtime.ts';
export { type RunningServer, startServer } from './serve.ts';
export { type CreateServicesOptions, createServices, type Services } from './services.ts';
