#!/usr/bin/env node
// The `exitbot` command: serve, migrate, tenant create, token, seed-demo.
// Only the config and the logger load up front; each command imports what it needs, so that `serve`
// starts opening the database (PGlite compiles its WebAssembly in the background) while the app loads.
import cluster from 'node:cluster';
import { enableCompileCache } from 'node:module';
import { parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig } from './env.ts';
import { createLogger, type Logger } from './logger.ts';
import type { RunningServer } from './serve.ts';

// Node caches the compiled code of our modules and dependencies between starts (in the OS temp folder).
enableCompileCache?.();

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: unknown): value is string => typeof value === 'string' && uuidPattern.test(value);

const help = `exitbot: confidential AI exit interviews

Usage: exitbot <command> [options]

Commands:
  serve                         Start the server (migrates first; seeds the demo tenant unless EXITBOT_DEMO=false;
                                EXITBOT_WORKERS=auto runs one process per CPU on Postgres)
  migrate                       Apply database migrations and exit
  tenant create --name <name> [--origin <https://hr.example.com>]...
                                Create a tenant; prints its id, an API key (shown once) and an admin token
  token --tenant <id> [--role admin|analyst] [--ttl-hours <n>]
                                Print an admin token for the tenant
  token --tenant <id> --interview <id>
                                Print a fresh interview token for an existing interview
  seed-demo                     Create the demo tenant (if missing) and a demo interview; print the URLs
  keys status                   Show which master key wraps the tenants' data keys
  keys rotate-master            Re-wrap every data key with EXITBOT_MASTER_KEY (the old key in
                                EXITBOT_MASTER_KEY_PREVIOUS); data is not re-encrypted

Options:
  -h, --help                    Show this help

Configuration comes from environment variables (see docs/configuration.md), e.g.
  PORT=3000 DATABASE_URL=postgres://... OPENAI_API_KEY=... exitbot serve
`;

function fail(message: string): never {
  process.stderr.write(`exitbot: ${message}\n`);
  process.exit(1);
}

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

async function serveCommand(config: Config, logger: Logger, clusterWorker: boolean): Promise<void> {
  if (config.workers > 1 && !clusterWorker) {
    if (cluster.isWorker)
      fail(
        'EXITBOT_WORKERS must be 1 under another cluster manager (PM2 cluster mode and the like): it runs the processes',
      );
    const { servePrimary } = await import('./cluster.ts');
    return servePrimary(config, logger);
  }
  // Signals are handled from the first moment: a SIGTERM while migrations or the demo seed run (the
  // orchestrator gave up waiting, or the user pressed Ctrl-C) stops cleanly and exits 0, not 143.
  const stopping = new AbortController();
  let server: RunningServer | undefined;
  let exitCode = 0;
  let firstSignalAt = 0;
  const stop = (signal: string) => {
    if (stopping.signal.aborted) {
      // A second Ctrl-C (or SIGTERM) does not wait for the replies and jobs still under way. One within a
      // second of the first is the same Ctrl-C delivered twice (`node --watch` forwards the terminal's).
      if ((signal === 'SIGINT' || signal === 'SIGTERM') && performance.now() - firstSignalAt > 1_000) {
        logger.warn('second signal: exiting without waiting', { signal });
        process.exit(1);
      }
      return;
    }
    firstSignalAt = performance.now();
    logger.info('signal received', { signal, started: server !== undefined });
    stopping.abort();
    server?.close().then(
      () => process.exit(exitCode),
      (error) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A stray rejection is a bug in one operation, which has failed already: say so loudly, keep serving the
  // other employees' turns (Node's default would end them all at once).
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled rejection (a bug: please report it)', { error: reason });
  });
  // An exception nobody caught may have left the process in a bad state: stop taking requests, let the
  // running turns store their replies (bounded by the shutdown timeout), exit 1.
  process.on('uncaughtException', (error) => {
    logger.error('uncaught exception: shutting down', { error });
    exitCode = 1;
    setTimeout(() => process.exit(1), config.shutdownTimeoutMs + 10_000).unref();
    if (!server) process.exit(1);
    stop('uncaughtException');
  });
  const { openDatabase } = await import('./db/connect.ts');
  const database = openDatabase({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir }),
    poolSize: config.poolSize,
    onConnectionError: (error: Error) =>
      logger.warn('database connection lost; the pool opens a new one', { error }),
    onTemplateFailed: (error: unknown) =>
      logger.warn('the prepared PGlite data folder did not start: ran initdb instead (slower first start)', {
        error,
      }),
  });
  database.catch(() => undefined);
  // PGlite reads and compiles its WebAssembly and boots Postgres in the background once created: let it get
  // that far before the app's modules take the main thread (the two then overlap instead of queueing).
  await database.catch(() => undefined);
  const { startServer } = await import('./serve.ts');
  try {
    server = await startServer({
      config,
      logger,
      database,
      signal: stopping.signal,
      // A worker of several: the primary migrated, seeded the demo and prints the URLs.
      ...(clusterWorker ? { demoSeeded: true, announce: false } : {}),
    });
  } catch (error) {
    if (stopping.signal.aborted && error === stopping.signal.reason) {
      logger.info('stopped during startup');
      process.exit(0);
    }
    throw error;
  }
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      name: { type: 'string' },
      origin: { type: 'string', multiple: true },
      tenant: { type: 'string' },
      role: { type: 'string' },
      'ttl-hours': { type: 'string' },
      interview: { type: 'string' },
      // Internal: set by the primary of EXITBOT_WORKERS on the workers it forks.
      'cluster-worker': { type: 'boolean' },
    },
  });
  const [command, subcommand] = positionals;
  if (values.help || !command) {
    process.stdout.write(help);
    return;
  }
  const config = configOrExit();
  const clusterWorker = Boolean(values['cluster-worker'] && cluster.worker);
  const logger = createLogger({
    level: config.logLevel,
    ...(clusterWorker ? { fields: { worker: cluster.worker?.id } } : {}),
  });

  switch (command) {
    case 'serve':
      return serveCommand(config, logger, clusterWorker);
    case 'migrate': {
      const [{ openDatabase }, { migrateToLatest }] = await Promise.all([
        import('./db/connect.ts'),
        import('./db/migrate.ts'),
      ]);
      const database = await openDatabase({
        ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir }),
      });
      try {
        const { applied } = await migrateToLatest(database.db);
        process.stdout.write(
          applied.length > 0 ? `Applied: ${applied.join(', ')}\n` : 'Nothing to migrate.\n',
        );
      } finally {
        await database.close();
      }
      return;
    }
    case 'tenant': {
      if (subcommand !== 'create') fail('usage: exitbot tenant create --name <name> [--origin <origin>]...');
      if (!values.name) fail('--name is required');
      const { openRuntime } = await import('./runtime.ts');
      const { services, database } = await openRuntime({ config, logger });
      try {
        const tenant = await services.tenants.create({
          name: values.name,
          settings: { allowedOrigins: values.origin ?? [] },
        });
        await services.tokens.ensureServerKey(tenant.id);
        const apiKey = await services.apiKeys.create({ tenantId: tenant.id, name: 'initial' });
        const adminToken = await services.tokens.issueAdminToken({
          tenantId: tenant.id,
          subject: 'cli',
          role: 'admin',
          expiresAt: new Date(Date.now() + config.adminTokenTtlHours * 3_600_000),
        });
        process.stdout.write(
          `Tenant:      ${tenant.id} (${tenant.name})\nAPI key:     ${apiKey.key}   (shown once)\nAdmin token: ${adminToken}\n`,
        );
      } finally {
        await database.close();
      }
      return;
    }
    case 'token': {
      if (!isUuid(values.tenant)) fail('--tenant <uuid> is required');
      const { openRuntime } = await import('./runtime.ts');
      const { services, database } = await openRuntime({ config, logger });
      try {
        const tenant = await services.tenants.find(values.tenant);
        if (!tenant) fail(`no tenant ${values.tenant}`);
        if (values.interview) {
          if (!isUuid(values.interview)) fail('--interview must be a uuid');
          await services.interviews.get(tenant, values.interview, { identity: false });
          // Signed with the current token version, like the HRIS links: a token without `ver` counts as
          // version 1 and is refused once the interview has been re-issued.
          const invitation = await services.invitations.invitation(tenant, values.interview);
          if (invitation.revokedAt)
            fail(
              `interview ${values.interview} was revoked at ${invitation.revokedAt}; re-issue it (POST /v1/hris/interviews/${values.interview}/reissue) to sign a new link`,
            );
          const token = await services.tokens.issueInterviewToken({
            tenantId: tenant.id,
            interviewId: invitation.interviewId,
            expiresAt: new Date(invitation.expiresAt),
            version: invitation.tokenVersion,
          });
          process.stdout.write(`${token}\n`);
          return;
        }
        const role = values.role ?? 'admin';
        if (role !== 'admin' && role !== 'analyst') fail('--role must be admin or analyst');
        const hours = values['ttl-hours'] ? Number(values['ttl-hours']) : config.adminTokenTtlHours;
        if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 30)
          fail('--ttl-hours must be between 0 and 720');
        const token = await services.tokens.issueAdminToken({
          tenantId: tenant.id,
          subject: 'cli',
          role,
          expiresAt: new Date(Date.now() + hours * 3_600_000),
        });
        process.stdout.write(`${token}\n`);
      } finally {
        await database.close();
      }
      return;
    }
    case 'seed-demo': {
      const [{ openRuntime }, { ensureDemo }] = await Promise.all([
        import('./runtime.ts'),
        import('./demo.ts'),
      ]);
      const { services, database } = await openRuntime({ config, logger });
      try {
        const demo = await ensureDemo(services);
        process.stdout.write(
          [
            `Demo tenant:     ${demo.tenantId}${demo.created ? ' (created)' : ''}`,
            ...(demo.apiKey ? [`API key:         ${demo.apiKey}   (shown once)`] : []),
            ...(demo.sample
              ? [
                  `Sample history:  ${demo.sample.interviews} made-up completed interviews, ${demo.sample.from} to ${demo.sample.to}`,
                ]
              : []),
            `Interview link:  ${demo.interviewLink}`,
            `Demo HR portal:  ${config.publicUrl}/demo`,
            `HR admin page:   ${config.publicUrl}/admin#token=${demo.adminToken}`,
            '',
          ].join('\n'),
        );
      } finally {
        await database.close();
      }
      return;
    }
    case 'keys': {
      if (subcommand !== 'rotate-master' && subcommand !== 'status')
        fail('usage: exitbot keys status | keys rotate-master');
      const { openRuntime } = await import('./runtime.ts');
      const { services, database } = await openRuntime({ config, logger });
      try {
        if (subcommand === 'rotate-master') {
          const result = await services.encryption.rotateMasterKey();
          process.stdout.write(
            `Re-wrapped ${result.rewrapped} data key(s) of ${result.tenants} tenant(s) with master key ${services.keyring.currentId}; ${result.alreadyCurrent} already current.\n` +
              'Every replica can now run with EXITBOT_MASTER_KEY alone; remove EXITBOT_MASTER_KEY_PREVIOUS.\n',
          );
        } else {
          const status = await services.encryption.keyStatus();
          process.stdout.write(`Current master key: ${status.currentMasterKeyId}\n`);
          for (const [id, count] of Object.entries(status.byMasterKey)) {
            process.stdout.write(
              `  ${id}: ${count} data key(s)${id === status.currentMasterKeyId ? ' (current)' : ' (rotate!)'}\n`,
            );
          }
        }
      } finally {
        await database.close();
      }
      return;
    }
    default:
      fail(`unknown command "${command}" (see exitbot --help)`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`exitbot: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
