// Builds the services of issue 6 (encryption at rest, webhooks, HRIS invitations, privacy operations)
// and their outbox handlers; `createServices()` spreads them into the app's services.
import type { TokenService } from '../auth/token.service.ts';
import type { Encryption } from '../crypto/encryption.ts';
import { createKeyring, type Keyring, loadMasterKey, parseMasterKey } from '../crypto/keyring.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import type { Config } from '../env.ts';
import {
  createInvitationService,
  type InvitationService,
  inviteJobTopic,
  remindJobTopic,
} from '../hris/invitation.service.ts';
import type { JobHandler } from '../jobs/job-runner.ts';
import type { Logger } from '../logger.ts';
import type { TenantService } from '../tenants/tenant.service.ts';
import { createWebhookEventHandler } from '../webhooks/event-fanout.ts';
import { createWebhookService, type WebhookService } from '../webhooks/webhook.service.ts';
import { webhookDeliverTopic, webhookEventTopic } from '../webhooks/webhook-events.ts';
import { type CachePurger, createCachePurger } from './cache-purges.ts';
import { createPrivacyService, type PrivacyService, privacySweepTopic } from './privacy.service.ts';

/** The services of HRIS integration and privacy operations. */
export interface PrivacyServices {
  keyring: Keyring;
  encryption: Encryption;
  webhooks: WebhookService;
  invitations: InvitationService;
  privacy: PrivacyService;
  cachePurger: CachePurger;
  /** Outbox handlers by topic (registered with the job runner). */
  jobHandlers: Record<string, JobHandler>;
}

/** Options of `createPrivacyServices()`. */
export interface CreatePrivacyServicesOptions {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  tokens: TokenService;
  tenants: TenantService;
  keyring: Keyring;
  encryption: Encryption;
  /** Asks the job runner to poll now (work was queued in this process). */
  kickJobs: () => void;
  /** Webhook retry delays (tests shorten them). */
  webhookRetryScheduleMs?: number[];
  /** Per-request webhook timeout. */
  webhookTimeoutMs?: number;
  now?: () => number;
}

/** Loads the master key (generating a development key when none is configured, with a warning) and builds the keyring. */
export async function loadKeyring(options: { config: Config; logger: Logger }): Promise<Keyring> {
  const { config, logger } = options;
  const { key, source, generated } = await loadMasterKey({
    masterKey: config.masterKey,
    dataDir: config.dataDir,
  });
  if (source === 'data-folder') {
    logger.warn(
      generated
        ? 'EXITBOT_MASTER_KEY is not set: generated a master key into the data folder (development only; set EXITBOT_MASTER_KEY in production)'
        : 'EXITBOT_MASTER_KEY is not set: using the master key in the data folder (development only; set EXITBOT_MASTER_KEY in production)',
      { masterKeyId: key.id },
    );
  }
  const previous = config.previousMasterKey ? parseMasterKey(config.previousMasterKey) : undefined;
  return createKeyring({ current: key, previous });
}

/** Builds webhooks, invitations and privacy services on the given encryption. */
export function createPrivacyServices(options: CreatePrivacyServicesOptions): PrivacyServices {
  const { config, database, logger, tokens, tenants, kickJobs, keyring, encryption } = options;
  const now = options.now;
  const cachePurger = createCachePurger({ database, logger });
  const invitations = createInvitationService({
    database,
    encryption,
    tokens,
    logger,
    publicUrl: config.publicUrl,
    onQueued: kickJobs,
    ...(now ? { now } : {}),
  });
  const webhooks = createWebhookService({
    database,
    encryption,
    logger,
    allowPrivate: config.webhookAllowPrivate,
    linkFor: invitations.linkFor,
    onQueued: kickJobs,
    ...(options.webhookRetryScheduleMs ? { retryScheduleMs: options.webhookRetryScheduleMs } : {}),
    ...(options.webhookTimeoutMs ? { requestTimeoutMs: options.webhookTimeoutMs } : {}),
    ...(now ? { now } : {}),
  });
  const privacy = createPrivacyService({
    database,
    encryption,
    tenants,
    logger,
    cachePurger,
    ...(now ? { now } : {}),
  });
  return {
    keyring,
    encryption,
    webhooks,
    invitations,
    privacy,
    cachePurger,
    jobHandlers: {
      [webhookEventTopic]: createWebhookEventHandler({ database, encryption, onQueued: kickJobs }),
      [webhookDeliverTopic]: webhooks.deliverJob,
      [inviteJobTopic]: invitations.inviteJob,
      [remindJobTopic]: invitations.remindJob,
      [privacySweepTopic]: privacy.sweepJob,
    },
  };
}
