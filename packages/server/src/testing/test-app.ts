// Test helper: the app on a fresh database with two tenants, their keys and tokens.
import type { ChatModel, WireEvent } from '@exitbot/sdk';
import { createApp } from '../app.ts';
import type { DatabaseKind } from '../db/connect.ts';
import { type Config, loadConfig } from '../env.ts';
import { createLogger } from '../logger.ts';
import { createServices, type Services } from '../services.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

/** One tenant of the test fixture. */
export interface TestTenant {
  id: string;
  apiKey: string;
  adminToken: string;
  analystToken: string;
}

/** The fixture: app, services, database and two tenants. */
export interface TestApp {
  app: ReturnType<typeof createApp>;
  services: Services;
  database: TestDatabase;
  tenantA: TestTenant;
  tenantB: TestTenant;
  /** Creates an interview through the API; returns its id and interview token. */
  createInterview(tenant: TestTenant, body?: Record<string, unknown>): Promise<{ id: string; token: string }>;
  destroy(): Promise<void>;
}

/** Options of `createTestApp()`. */
export interface TestAppOptions {
  model?: ChatModel;
  env?: Record<string, string>;
  /** Reuse a database (a second app instance on the same Postgres). */
  database?: TestDatabase;
  turnLeaseMs?: number;
  /** Webhook retry delays (short in tests). */
  webhookRetryScheduleMs?: number[];
}

/** Test configuration: quiet logs, generous rate limits unless overridden. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    LOG_LEVEL: 'silent',
    EXITBOT_DATA_DIR: '/tmp/exitbot-test-unused',
    EXITBOT_PUBLIC_URL: 'http://exitbot.test',
    EXITBOT_RATE_LIMIT_INTERVIEW_PER_MINUTE: '6000',
    EXITBOT_RATE_LIMIT_TENANT_PER_SECOND: '10000',
    EXITBOT_SSE_FLUSH_MS: '0',
    ...env,
  });
}

/** Builds services and the app on a database; creates tenants A and B unless reusing a database. */
export async function createTestApp(kind: DatabaseKind, options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase(kind));
  const config = testConfig(options.env);
  const services = await createServices({
    config,
    database: database.handle,
    logger: createLogger({ level: 'silent' }),
    secret: 'test-secret-test-secret-test-secret-0123456789',
    ...(options.model ? { model: options.model } : {}),
    ...(options.turnLeaseMs ? { turnLeaseMs: options.turnLeaseMs } : {}),
    ...(options.webhookRetryScheduleMs ? { webhookRetryScheduleMs: options.webhookRetryScheduleMs } : {}),
  });
  const app = createApp(services);

  async function makeTenant(name: string): Promise<TestTenant> {
    const tenant = await services.tenants.create({
      name,
      settings: { allowedOrigins: [`https://${name.toLowerCase()}.example`] },
    });
    const expiresAt = new Date(Date.now() + 3_600_000);
    return {
      id: tenant.id,
      apiKey: (await services.apiKeys.create({ tenantId: tenant.id, name: 'test' })).key,
      adminToken: await services.tokens.issueAdminToken({
        tenantId: tenant.id,
        subject: 'admin@test',
        role: 'admin',
        expiresAt,
      }),
      analystToken: await services.tokens.issueAdminToken({
        tenantId: tenant.id,
        subject: 'analyst@test',
        role: 'analyst',
        expiresAt,
      }),
    };
  }

  const tenantA = await makeTenant('Alpha');
  const tenantB = await makeTenant('Beta');
  return {
    app,
    services,
    database,
    tenantA,
    tenantB,
    async createInterview(tenant, body = {}) {
      const response = await app.request('/v1/interviews', {
        method: 'POST',
        headers: { Authorization: `Bearer ${tenant.apiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ mode: 'confidential', attributes: { department: 'Sales' }, ...body }),
      });
      if (response.status !== 201)
        throw new Error(`create interview: ${response.status} ${await response.text()}`);
      const created = (await response.json()) as { interview: { id: string }; token: string };
      return { id: created.interview.id, token: created.token };
    },
    async destroy() {
      await services.jobs.stop();
      await services.turns.drain(10_000);
      if (!options.database) await database.destroy();
    },
  };
}

/** Parses a Server-Sent Events body into wire events (checks that `event:` matches `data.type`). */
export function parseSse(text: string): WireEvent[] {
  const events: WireEvent[] = [];
  for (const block of text.split('\n\n')) {
    const lines = block.split('\n').filter((line) => line && !line.startsWith(':'));
    if (lines.length === 0) continue;
    const name = lines.find((line) => line.startsWith('event: '))?.slice(7);
    const data = lines
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice(6))
      .join('\n');
    const event = JSON.parse(data) as WireEvent;
    if (name !== event.type) throw new Error(`SSE event name ${name} does not match data type ${event.type}`);
    events.push(event);
  }
  return events;
}

/** Posts an employee message; SSE when `stream` is true. */
export async function postMessage(
  app: TestApp['app'],
  token: string,
  body: Record<string, unknown>,
  options: { stream?: boolean; headers?: Record<string, string> } = {},
): Promise<Response> {
  return app.request('/v1/interview/messages', {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      Accept: options.stream ? 'text/event-stream' : 'application/json',
      ...options.headers,
    },
    body: JSON.stringify(body),
  });
}

/** A JSON request to the app with a bearer credential (a body only when given). */
export function callApi(app: TestApp['app'], method: string, path: string, token: string, body?: unknown) {
  return app.request(path, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** A random valid client message id. */
export function messageId(): string {
  return `m_${crypto.randomUUID().replaceAll('-', '')}`;
}
