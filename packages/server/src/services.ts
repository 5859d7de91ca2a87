import { type ChatModel, createLlmCache } from '@exitbot/sdk';
import { type ApiKeyService, createApiKeyService } from './auth/api-key.service.ts';
import { createSecretBox } from './auth/secret-box.ts';
import { createTokenService, type TokenService } from './auth/token.service.ts';
import { createEncryption } from './crypto/encryption.ts';
import type { DatabaseHandle } from './db/connect.ts';
import type { Config } from './env.ts';
import { createRateLimiter, type RateLimiter } from './http/rate-limiter.ts';
import { createInterviewService, type InterviewService } from './interviews/interview.service.ts';
import { createModelProvider, type ModelProvider } from './interviews/model-provider.ts';
import { createTurnService, reportJobTopic, type TurnService } from './interviews/turn.service.ts';
import { createJobRunner, type JobRunner } from './jobs/job-runner.ts';
import type { Logger } from './logger.ts';
import { createPrivacyServices, loadKeyring, type PrivacyServices } from './privacy/privacy-services.ts';
import { createReportJobHandler } from './reports/report.service.ts';
import { createTenantService, type TenantService } from './tenants/tenant.service.ts';

/** Everything the routes use, built once per process (or per test). */
export interface Services extends PrivacyServices {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  tokens: TokenService;
  apiKeys: ApiKeyService;
  tenants: TenantService;
  interviews: InterviewService;
  turns: TurnService;
  models: ModelProvider;
  jobs: JobRunner;
  limits: { interview: RateLimiter; tenant: RateLimiter };
  /** The demo tenant's id when the demo is on. */
  demoTenantId: string | undefined;
  /** Resolves once the demo tenant exists (it is seeded after listen). */
  demoReady: Promise<void> | undefined;
}

/** Options of `createServices()`. */
export interface CreateServicesOptions {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  /** Master secret that encrypts private signing keys. */
  secret: string;
  /** Replaces the model of every tenant (tests: MockModel). */
  model?: ChatModel;
  /** Overrides the clock (tests). */
  now?: () => number;
  /** Turn lease; default `config.turnLeaseMs` (tests shorten it). */
  turnLeaseMs?: number;
  /** Webhook retry delays (tests shorten them). */
  webhookRetryScheduleMs?: number[];
}

/** Builds the services (no network, no listening; the job runner is created stopped). */
export async function createServices(options: CreateServicesOptions): Promise<Services> {
  const { config, database, logger } = options;
  const now = options.now;
  const secretBox = await createSecretBox(options.secret);
  const tokens = createTokenService({
    database,
    secretBox,
    issuer: 'exitbot',
    retiredKeyLifetimeMs:
      Math.max(config.interviewTtlDays * 86_400_000, config.adminTokenTtlHours * 3_600_000) + 86_400_000,
    ...(now ? { now } : {}),
  });
  const tenants = createTenantService({ database, ...(now ? { now } : {}) });
  const models = createModelProvider({
    openai: config.openai,
    ...(options.model ? { model: options.model } : {}),
    ...(now ? { now: () => new Date(now()) } : {}),
  });
  // Message text, interview state, reports and webhook secrets are encrypted with per-tenant data keys.
  const keyring = await loadKeyring({ config, logger });
  const encryption = createEncryption({ database, keyring, ...(now ? { now } : {}) });
  const llmCache = createLlmCache({ maxSize: 500, maxAgeMs: 3_600_000 });
  const privacy = createPrivacyServices({
    config,
    database,
    logger,
    tokens,
    tenants,
    keyring,
    encryption,
    kickJobs: () => jobs.kick(),
    ...(options.webhookRetryScheduleMs ? { webhookRetryScheduleMs: options.webhookRetryScheduleMs } : {}),
    ...(now ? { now } : {}),
  });
  privacy.cachePurger.register(llmCache);
  const jobs = createJobRunner({
    database,
    logger,
    pollMs: config.jobPollMs,
    leaseMs: config.jobLeaseMs,
    handlers: {
      ...privacy.jobHandlers,
      [reportJobTopic]: createReportJobHandler({
        database,
        tenants,
        models,
        logger,
        encryption,
        cache: llmCache,
        ...(now ? { now } : {}),
      }),
    },
  });
  const turns = createTurnService({
    database,
    models,
    logger,
    encryption,
    onInterviewEnded: () => jobs.kick(),
    turnLeaseMs: options.turnLeaseMs ?? config.turnLeaseMs,
    ...(now ? { now } : {}),
  });
  return {
    ...privacy,
    config,
    database,
    logger,
    tokens,
    apiKeys: createApiKeyService({ database, logger, ...(now ? { now } : {}) }),
    tenants,
    interviews: createInterviewService({
      database,
      tokens,
      encryption,
      publicUrl: config.publicUrl,
      defaultTtlDays: config.interviewTtlDays,
      ...(now ? { now } : {}),
    }),
    turns,
    models,
    jobs,
    limits: {
      interview: createRateLimiter({
        capacity: Math.max(1, Math.ceil(config.rateLimits.interviewPerMinute / 3)),
        refillPerSecond: config.rateLimits.interviewPerMinute / 60,
      }),
      tenant: createRateLimiter({
        capacity: config.rateLimits.tenantPerSecond * 2,
        refillPerSecond: config.rateLimits.tenantPerSecond,
      }),
    },
    demoTenantId: undefined,
    demoReady: undefined,
  };
}
