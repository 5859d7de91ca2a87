// The real ExitBot server for browser tests: the app from @exitbot/server on a free loopback port, on
// PGlite in a temporary folder (or on DATABASE_URL when set), with the widget bundles freshly built.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TranscriptEntry } from '@exitbot/sdk/client';
import { createApp, createLogger, ensureDemo, loadConfig, openRuntime, type Services } from '@exitbot/server';
import { serve } from '@hono/node-server';
import pg from 'pg';
import { buildWidget } from '../../packages/widget/scripts/build.ts';

let widgetBuild: Promise<unknown> | undefined;

/** Builds the widget bundles once per test process (the server serves them from packages/widget/dist). */
export function ensureWidgetBuilt(): Promise<unknown> {
  widgetBuild ??= buildWidget();
  return widgetBuild;
}

/** A free TCP port on 127.0.0.1 (asked of the OS, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Options of {@link startExitBotServer}. */
export interface ExitBotServerOptions {
  /** Origins (HR portal pages) the test tenant allows. */
  allowedOrigins: string[];
  /** Extra environment for the server's config. */
  env?: Record<string, string>;
  /** Seed the demo tenant so `/demo` (the demo HR portal page) works. */
  demo?: boolean;
}

/** A running server with one tenant and helpers that use the real integrator API. */
export interface ExitBotServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  services: Services;
  tenantId: string;
  apiKey: string;
  /** Creates an interview through `POST /v1/interviews`; returns its id and the employee's token. */
  createInterview(body?: Record<string, unknown>): Promise<{ id: string; token: string }>;
  /** The stored transcript through `GET /v1/interviews/:id/transcript`. */
  transcript(id: string): Promise<TranscriptEntry[]>;
  /** The interview's status through `GET /v1/interviews/:id`. */
  status(id: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts the real server (migrations, services, job runner, HTTP) and creates a tenant with an API key. */
export async function startExitBotServer(options: ExitBotServerOptions): Promise<ExitBotServer> {
  await ensureWidgetBuilt();
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'exitbot-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  // A database of its own on Postgres: the demo tenant has a fixed id, and rows a previous run left behind
  // were encrypted under that run's generated master key.
  const database_ = process.env.DATABASE_URL ? await createDatabase(process.env.DATABASE_URL) : undefined;
  const config = loadConfig({
    ...(database_ ? { DATABASE_URL: database_.url } : {}),
    PORT: String(port),
    HOST: '127.0.0.1',
    EXITBOT_DATA_DIR: dataDir,
    EXITBOT_PUBLIC_URL: url,
    EXITBOT_DEMO: options.demo ? 'true' : 'false',
    EXITBOT_SECRET: 'widget-e2e-secret-0123456789abcdef0123',
    LOG_LEVEL: 'silent',
    EXITBOT_RATE_LIMIT_INTERVIEW_PER_MINUTE: '100000',
    EXITBOT_RATE_LIMIT_TENANT_PER_SECOND: '100000',
    EXITBOT_JOB_POLL_MS: '500',
    ...options.env,
  });
  const logger = createLogger({ level: 'silent' });
  const { services, database } = await openRuntime({ config, logger });
  if (options.demo) await ensureDemo(services);
  const app = createApp(services);
  const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  services.jobs.start();

  const tenant = await services.tenants.create({
    name: `Widget e2e ${port}`,
    settings: { allowedOrigins: options.allowedOrigins },
  });
  const { key: apiKey } = await services.apiKeys.create({ tenantId: tenant.id, name: 'widget-e2e' });
  const authorization = { Authorization: `Bearer ${apiKey}` };

  return {
    url,
    services,
    tenantId: tenant.id,
    apiKey,
    async createInterview(body = {}) {
      const response = await fetch(`${url}/v1/interviews`, {
        method: 'POST',
        headers: { ...authorization, 'Content-Type': 'application/json' },
        body: JSON.stringify({ mode: 'confidential', locale: 'en', ...body }),
      });
      if (response.status !== 201)
        throw new Error(`create interview: ${response.status} ${await response.text()}`);
      const created = (await response.json()) as { interview: { id: string }; token: string };
      return { id: created.interview.id, token: created.token };
    },
    async transcript(id) {
      const response = await fetch(`${url}/v1/interviews/${id}/transcript`, { headers: authorization });
      if (!response.ok) throw new Error(`transcript: ${response.status} ${await response.text()}`);
      const body = (await response.json()) as { messages?: TranscriptEntry[] } | TranscriptEntry[];
      return Array.isArray(body) ? body : (body.messages ?? []);
    },
    async status(id) {
      const response = await fetch(`${url}/v1/interviews/${id}`, { headers: authorization });
      if (!response.ok) throw new Error(`interview: ${response.status} ${await response.text()}`);
      const body = (await response.json()) as { status?: string; interview?: { status: string } };
      return body.interview?.status ?? body.status ?? 'unknown';
    },
    async close() {
      await services.jobs.stop();
      await services.turns.drain(5000);
      await new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      });
      await database.close();
      await database_?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates an empty database next to the one in `baseUrl`; `drop()` removes it. */
async function createDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `exitbot_e2e_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
