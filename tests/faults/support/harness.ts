// The real ExitBot server for the reliability suite: a fresh Postgres database per test file, the app
// built from the server's own services and listening on a loopback port (in this process, logs
// captured), or the real CLI as a child process that can be killed and restarted.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ChatModel } from '@exitbot/sdk';
import {
  type Config,
  createApp,
  createLogger,
  createServices,
  type DatabaseHandle,
  loadConfig,
  migrateToLatest,
  openDatabase,
  type Services,
} from '@exitbot/server';
import { serve } from '@hono/node-server';
import { sql } from 'kysely';

/** The master secret every server of the suite uses (child processes too), so tokens verify across them. */
export const testSecret = 'reliability-suite-secret-0123456789abcdef';

/** Root of the repository. */
export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The Postgres URL of the suite (CI sets DATABASE_URL), or undefined when none is configured. */
export const baseDatabaseUrl = process.env.DATABASE_URL;

/** A Postgres database made for one test file. */
export interface ScratchDatabase {
  url: string;
  name: string;
  /** A pool on it as the connecting (owner) user, for checks and fault injection. */
  handle: DatabaseHandle;
  drop(): Promise<void>;
}

/** Creates an empty, migrated Postgres database with a unique name. */
export async function createScratchDatabase(label: string): Promise<ScratchDatabase> {
  if (!baseDatabaseUrl) throw new Error('DATABASE_URL is not set');
  const name = `exitbot_rel_${label.replace(/[^a-z0-9]/g, '')}_${randomBytes(4).toString('hex')}`;
  const admin = await openDatabase({ databaseUrl: baseDatabaseUrl, poolSize: 1 });
  await sql.raw(`create database ${name}`).execute(admin.db);
  await admin.close();
  const url = new URL(baseDatabaseUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({
    databaseUrl: url.toString(),
    poolSize: 3,
    applicationName: 'exitbot-suite',
  });
  await migrateToLatest(handle.db);
  return {
    url: url.toString(),
    name,
    handle,
    async drop() {
      await handle.close().catch(() => undefined);
      const dropper = await openDatabase({ databaseUrl: baseDatabaseUrl, poolSize: 1 });
      await sql.raw(`drop database if exists ${name} with (force)`).execute(dropper.db);
      await dropper.close();
    },
  };
}

/** One tenant with its credentials. */
export interface SuiteTenant {
  id: string;
  name: string;
  apiKey: string;
  adminToken: string;
  analystToken: string;
}

/** Captured JSON log lines of a server. */
export class LogCapture {
  readonly lines: string[] = [];
  /** Everything logged so far, as one string. */
  text(): string {
    return this.lines.join('');
  }
  /** Parsed entries. */
  entries(): Record<string, unknown>[] {
    return this.lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }
}

/** The server environment shared by in-process and child servers. */
export function suiteEnvironment(options: {
  databaseUrl: string;
  fakeBaseURL?: string;
  env?: Record<string, string>;
}): Record<string, string> {
  return {
    DATABASE_URL: options.databaseUrl,
    EXITBOT_SECRET: testSecret,
    EXITBOT_DEMO: 'false',
    EXITBOT_PUBLIC_URL: 'http://127.0.0.1',
    EXITBOT_DATA_DIR: '/tmp/exitbot-reliability-data',
    LOG_LEVEL: 'debug',
    EXITBOT_RATE_LIMIT_INTERVIEW_PER_MINUTE: '100000',
    EXITBOT_RATE_LIMIT_TENANT_PER_SECOND: '100000',
    EXITBOT_SSE_FLUSH_MS: '0',
    EXITBOT_JOB_POLL_MS: '200',
    ...(options.fakeBaseURL
      ? {
          OPENAI_API_KEY: 'sk-fake-reliability',
          OPENAI_BASE_URL: options.fakeBaseURL,
          EXITBOT_MODEL: 'fake-model',
        }
      : {}),
    ...options.env,
  };
}

/** Options of `startInProcessServer()`. */
export interface InProcessOptions {
  database: ScratchDatabase;
  /** Base URL of the fake OpenAI API (sets OPENAI_API_KEY and OPENAI_BASE_URL). */
  fakeBaseURL?: string;
  /** Replaces every tenant's model (e.g. `openaiModel()` on the fake with short timeouts). */
  model?: ChatModel;
  env?: Record<string, string>;
  poolSize?: number;
  turnLeaseMs?: number;
  /** Start the job runner (default true). */
  jobs?: boolean;
}

/** A server running in this process on a loopback port. */
export interface InProcessServer {
  url: string;
  services: Services;
  config: Config;
  logs: LogCapture;
  /** The app's own pool (not the scratch database's). */
  database: DatabaseHandle;
  createTenant(name: string, settings?: Record<string, unknown>): Promise<SuiteTenant>;
  close(): Promise<void>;
}

/** Builds the app from the server's services on the scratch database and listens on 127.0.0.1. */
export async function startInProcessServer(options: InProcessOptions): Promise<InProcessServer> {
  const env = suiteEnvironment({
    databaseUrl: options.database.url,
    ...(options.fakeBaseURL ? { fakeBaseURL: options.fakeBaseURL } : {}),
    env: { EXITBOT_DB_POOL_SIZE: String(options.poolSize ?? 10), ...options.env },
  });
  const config = loadConfig(env);
  const logs = new LogCapture();
  const logger = createLogger({ level: config.logLevel, write: (line) => logs.lines.push(line) });
  const database = await openDatabase({ databaseUrl: options.database.url, poolSize: config.poolSize });
  const services = await createServices({
    config,
    database,
    logger,
    secret: testSecret,
    ...(options.model ? { model: options.model } : {}),
    ...(options.turnLeaseMs ? { turnLeaseMs: options.turnLeaseMs } : {}),
  });
  const app = createApp(services);
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  if (options.jobs !== false) services.jobs.start();
  return {
    url: `http://127.0.0.1:${port}`,
    services,
    config,
    logs,
    database,
    createTenant: (name, settings) => createTenant(services, name, settings),
    async close() {
      await services.jobs.stop();
      await services.turns.drain(10_000);
      if ('closeAllConnections' in server) server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close().catch(() => undefined);
    },
  };
}

/** Creates a tenant with an API key and admin and analyst tokens (valid one hour). */
export async function createTenant(
  services: Services,
  name: string,
  settings: Record<string, unknown> = {},
): Promise<SuiteTenant> {
  const tenant = await services.tenants.create({ name, settings });
  await services.tokens.ensureServerKey(tenant.id);
  const expiresAt = new Date(Date.now() + 3_600_000);
  return {
    id: tenant.id,
    name,
    apiKey: (await services.apiKeys.create({ tenantId: tenant.id, name: 'suite' })).key,
    adminToken: await services.tokens.issueAdminToken({
      tenantId: tenant.id,
      subject: 'hr@suite',
      role: 'admin',
      expiresAt,
    }),
    analystToken: await services.tokens.issueAdminToken({
      tenantId: tenant.id,
      subject: 'analyst@suite',
      role: 'analyst',
      expiresAt,
    }),
  };
}

/** The real CLI (`exitbot serve`) running as a child process. */
export interface ChildServer {
  url: string;
  process: ChildProcess;
  /** stdout and stderr of the process (JSON log lines). */
  output: LogCapture;
  /** Resolves with the exit code or signal. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

/** A free TCP port on 127.0.0.1 (asked of the OS, then released). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node packages/server/src/cli.ts serve` on `env.PORT` (a free port when absent) and waits until
 * `/readyz` answers 200.
 */
export async function startChildServer(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<ChildServer> {
  const port = env.PORT && env.PORT !== '0' ? Number(env.PORT) : await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['packages/server/src/cli.ts', 'serve'], {
    cwd: repositoryRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      EXITBOT_PUBLIC_URL: url,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = new LogCapture();
  child.stdout.on('data', (data: Buffer) => output.lines.push(data.toString('utf8')));
  child.stderr.on('data', (data: Buffer) => output.lines.push(data.toString('utf8')));
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  let exitCode: number | string | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (exitCode !== undefined)
      throw new Error(`server exited (${exitCode}) before it was ready:\n${output.text()}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready after ${timeoutMs} ms:\n${output.text()}`);
    }
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    process: child,
    output,
    exited,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Opens services on a database without listening (to create tenants and tokens for a child server). */
export async function openAdminServices(
  databaseUrl: string,
): Promise<{ services: Services; close(): Promise<void> }> {
  const config = loadConfig(suiteEnvironment({ databaseUrl, env: { LOG_LEVEL: 'silent' } }));
  const database = await openDatabase({ databaseUrl, poolSize: 2 });
  const services = await createServices({
    config,
    database,
    logger: createLogger({ level: 'silent' }),
    secret: testSecret,
  });
  return { services, close: () => database.close() };
}
