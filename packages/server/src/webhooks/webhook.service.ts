import { randomUUID } from 'node:crypto';
import type { Encryption, TenantCipher } from '../crypto/encryption.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import type { OutboxRow } from '../db/database.ts';
import { withTenant } from '../db/scope.ts';
import { ApiError, notFound } from '../errors.ts';
import { enqueueJob } from '../jobs/outbox.repository.ts';
import type { Logger } from '../logger.ts';
import { assertPublicUrl, UnsafeUrlError } from './address-guard.ts';
import { type SendResult, sendWebhookRequest } from './http-sender.ts';
import { generateWebhookSecret, signWebhook } from './signature.ts';
import {
  deleteEndpoint,
  type EndpointRecord,
  findDelivery,
  findEndpoint,
  insertAttempt,
  insertEndpoint,
  listAttempts,
  listDeliveries,
  listEndpoints,
  listFailedDeliveryIds,
  lockDelivery,
  updateDelivery,
  updateEndpoint,
} from './webhook.repository.ts';
import {
  messagePersonalContext,
  queueWebhookEvent,
  testEventType,
  type WebhookEventType,
  webhookDeliverTopic,
  webhookEventTypes,
} from './webhook-events.ts';

/**
 * Delays between automatic attempts (ms): 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, 8 h.
 * Eleven attempts over about 24 hours, then the delivery is failed (it can still be re-sent).
 */
export const defaultRetryScheduleMs = [
  5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000, 28_800_000,
];

/** How long the secret before a rotation keeps signing (both signatures are sent). */
const previousSecretLifetimeMs = 24 * 3_600_000;
/** How long one attempt holds its delivery (longer than the request timeout). */
const attemptLeaseMs = 60_000;

/** Extra data of invitation and reminder events, decided when the request is sent (a fresh link). */
export type InvitationLinkProvider = (
  tenantId: string,
  interviewId: string,
  eventType: string,
) => Promise<{ link: string; expiresAt: string } | { cancelled: string }>;

/** Options of `createWebhookService()`. */
export interface WebhookServiceOptions {
  database: DatabaseHandle;
  encryption: Encryption;
  logger: Logger;
  /** Deliver to private and loopback addresses (tests, local development). */
  allowPrivate: boolean;
  /** Signs the invitation link of `interview.invited` and `interview.reminder` events at send time. */
  linkFor?: InvitationLinkProvider;
  /** Called after new deliveries were queued (the job runner polls sooner). */
  onQueued?: () => void;
  retryScheduleMs?: number[];
  /** Per-request timeout. Default 10 s. */
  requestTimeoutMs?: number;
  now?: () => number;
}

/** Endpoint as the API shows it (never the secret). */
export function endpointView(endpoint: EndpointRecord) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    eventTypes: endpoint.eventTypes,
    enabled: endpoint.enabled,
    secretRotation: endpoint.previousSecretExpiresAt
      ? { previousSecretValidUntil: endpoint.previousSecretExpiresAt.toISOString() }
      : null,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}

function cursorOf(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify({ c: createdAt.toISOString(), i: id })).toString('base64url');
}

function parseCursor(cursor: string | undefined): { createdAt: Date; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { c: string; i: string };
    const createdAt = new Date(parsed.c);
    if (Number.isNaN(createdAt.getTime()) || typeof parsed.i !== 'string') throw new Error('bad cursor');
    return { createdAt, id: parsed.i };
  } catch {
    throw new ApiError({ status: 400, code: 'invalid-request', message: 'Invalid cursor' });
  }
}

/** Webhook endpoints, event fan-out, signed delivery with retries, attempts and re-sending. */
export type WebhookService = ReturnType<typeof createWebhookService>;

/** Creates the webhook service. */
export function createWebhookService(options: WebhookServiceOptions) {
  const { database, encryption, logger } = options;
  const schedule = options.retryScheduleMs ?? defaultRetryScheduleMs;
  const now = options.now ?? Date.now;

  async function checkUrl(url: string): Promise<string> {
    try {
      return (await assertPublicUrl(url, { allowPrivate: options.allowPrivate })).toString();
    } catch (error) {
      if (error instanceof UnsafeUrlError) {
        throw new ApiError({
          status: 400,
          code: 'invalid-request',
          message: `url ${error.message}`,
          details: { field: 'url' },
        });
      }
      throw error;
    }
  }

  function endpointContext(endpointId: string, which: 'secret' | 'previous-secret'): string {
    return `webhook_endpoints/${endpointId}/${which}`;
  }

  function activeSecrets(
    cipher: TenantCipher,
    row: {
      endpoint_id: string;
      secret_sealed: string;
      previous_secret_sealed: string | null;
      previous_secret_expires_at: Date | null;
    },
  ): string[] {
    const secrets = [cipher.open(row.secret_sealed, endpointContext(row.endpoint_id, 'secret'))];
    if (
      row.previous_secret_sealed &&
      row.previous_secret_expires_at &&
      row.previous_secret_expires_at.getTime() > now()
    ) {
      secrets.push(
        cipher.open(row.previous_secret_sealed, endpointContext(row.endpoint_id, 'previous-secret')),
      );
    }
    return secrets;
  }

  function jitter(delay: number): number {
    return Math.round(delay * (0.9 + Math.random() * 0.2));
  }

  /**
   * One attempt of a delivery. Automatic attempts run only while the delivery is pending and the
   * job's schedule index is the delivery's (a stale or duplicated job does nothing); a manual
   * attempt runs whatever the status. The row is leased while the request is in flight, so two
   * runners never send the same delivery at the same time.
   */
  async function attempt(
    tenantId: string,
    deliveryId: string,
    trigger: { kind: 'automatic'; scheduleIndex: number } | { kind: 'manual' },
  ) {
    const cipher = await encryption.forTenant(tenantId);
    const prepared = await withTenant(database, tenantId, async (db) => {
      const row = await lockDelivery(db, tenantId, deliveryId);
      if (!row) return { skip: 'missing' as const };
      if (row.locked_until && row.locked_until.getTime() > now()) return { skip: 'in-flight' as const };
      if (
        trigger.kind === 'automatic' &&
        (row.status !== 'pending' || row.schedule_index !== trigger.scheduleIndex)
      ) {
        return { skip: 'stale' as const };
      }
      const attemptNumber = row.attempts + 1;
      if (!row.enabled && trigger.kind === 'automatic') {
        await updateDelivery(db, tenantId, deliveryId, {
          status: 'failed',
          failed_at: new Date(now()),
          last_error: 'endpoint disabled',
          next_attempt_at: null,
        });
        return { skip: 'endpoint-disabled' as const };
      }
      await updateDelivery(db, tenantId, deliveryId, {
        attempts: attemptNumber,
        locked_until: new Date(now() + attemptLeaseMs),
        last_attempt_at: new Date(now()),
      });
      const personal = row.payload_sealed
        ? cipher.openJson<Record<string, unknown>>(row.payload_sealed, messagePersonalContext(row.message_id))
        : {};
      return {
        skip: undefined,
        row,
        attemptNumber,
        secrets: activeSecrets(cipher, row),
        data: { ...row.payload, ...personal } as Record<string, unknown>,
      };
    });
    if (prepared.skip) return { outcome: prepared.skip };
    const { row, attemptNumber, secrets } = prepared;
    const data = { ...prepared.data };

    let result: SendResult;
    const startedAt = new Date(now());
    let cancelled: string | undefined;
    if (
      (row.event_type === 'interview.invited' || row.event_type === 'interview.reminder') &&
      row.interview_id
    ) {
      const link = options.linkFor
        ? await options.linkFor(tenantId, row.interview_id, row.event_type)
        : { cancelled: 'no link provider' };
      if ('cancelled' in link) cancelled = link.cancelled;
      else Object.assign(data, link);
    }
    if (cancelled) {
      result = { statusCode: null, error: `cancelled: ${cancelled}`, responseExcerpt: null, durationMs: 0 };
    } else {
      const body = JSON.stringify({
        type: row.event_type,
        timestamp: row.message_created_at.toISOString(),
        data,
      });
      const headers = signWebhook({ id: row.message_id, timestamp: Math.floor(now() / 1000), body, secrets });
      result = await sendWebhookRequest({
        url: row.url,
        headers,
        body,
        allowPrivate: options.allowPrivate,
        ...(options.requestTimeoutMs ? { timeoutMs: options.requestTimeoutMs } : {}),
      });
    }
    const succeeded = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const gone = result.statusCode === 410;

    const final = await withTenant(
      database,
      tenantId,
      async (db): Promise<'succeeded' | 'retry' | 'failed' | 'manual-failed'> => {
        await insertAttempt(db, tenantId, {
          deliveryId,
          attempt: attemptNumber,
          trigger: trigger.kind,
          startedAt,
          durationMs: result.durationMs,
          statusCode: result.statusCode,
          error: result.error,
          responseExcerpt: result.responseExcerpt,
        });
        const common = { locked_until: null, last_status_code: result.statusCode, last_error: result.error };
        if (succeeded) {
          await updateDelivery(db, tenantId, deliveryId, {
            ...common,
            status: 'succeeded',
            succeeded_at: new Date(now()),
            failed_at: null,
            next_attempt_at: null,
          });
          return 'succeeded';
        }
        if (gone) {
          // 410 Gone: the receiver asks us to stop; disable the endpoint (re-enable with PATCH).
          await updateEndpoint(db, tenantId, row.endpoint_id, { enabled: false });
        }
        if (trigger.kind === 'manual') {
          await updateDelivery(db, tenantId, deliveryId, common);
          return 'manual-failed';
        }
        const nextIndex = trigger.scheduleIndex + 1;
        const delay = schedule[trigger.scheduleIndex];
        if (delay === undefined || cancelled || gone) {
          await updateDelivery(db, tenantId, deliveryId, {
            ...common,
            status: 'failed',
            failed_at: new Date(now()),
            next_attempt_at: null,
          });
          return 'failed';
        }
        const runAt = new Date(now() + jitter(delay));
        await updateDelivery(db, tenantId, deliveryId, {
          ...common,
          schedule_index: nextIndex,
          next_attempt_at: runAt,
        });
        await enqueueJob(db, tenantId, {
          topic: webhookDeliverTopic,
          key: `${deliveryId}:${nextIndex}`,
          payload: { deliveryId, scheduleIndex: nextIndex },
          runAt,
        });
        return 'retry';
      },
    );
    logger.info('webhook attempt', {
      tenantId,
      deliveryId,
      eventType: row.event_type,
      attempt: attemptNumber,
      trigger: trigger.kind,
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      outcome: final,
      ...(result.error ? { error: result.error } : {}),
    });
    return { outcome: final, statusCode: result.statusCode, error: result.error };
  }

  return {
    /** Registers an endpoint; the secret is returned once and stored encrypted. */
    async createEndpoint(
      tenantId: string,
      input: { url: string; eventTypes: string[]; description?: string | null },
    ) {
      const url = await checkUrl(input.url);
      const id = randomUUID();
      const secret = generateWebhookSecret();
      const cipher = await encryption.forTenant(tenantId);
      const endpoint = await withTenant(database, tenantId, (db) =>
        insertEndpoint(db, tenantId, {
          id,
          url,
          description: input.description ?? null,
          eventTypes: [...new Set(input.eventTypes)],
          secretSealed: cipher.seal(secret, endpointContext(id, 'secret')),
        }),
      );
      return { endpoint: endpointView(endpoint), secret };
    },

    /** The tenant's endpoints. */
    async listEndpoints(tenantId: string) {
      const rows = await withTenant(database, tenantId, (db) => listEndpoints(db, tenantId));
      return rows.map(endpointView);
    },

    /** One endpoint; 404 when the tenant has none with this id. */
    async getEndpoint(tenantId: string, id: string) {
      const row = await withTenant(database, tenantId, (db) => findEndpoint(db, tenantId, id));
      if (!row) throw notFound('Webhook endpoint');
      return endpointView(row);
    },

    /** Changes url, events, description or enabled. */
    async updateEndpoint(
      tenantId: string,
      id: string,
      changes: { url?: string; eventTypes?: string[]; description?: string | null; enabled?: boolean },
    ) {
      const url = changes.url !== undefined ? await checkUrl(changes.url) : undefined;
      const row = await withTenant(database, tenantId, (db) =>
        updateEndpoint(db, tenantId, id, {
          ...(url !== undefined ? { url } : {}),
          ...(changes.eventTypes !== undefined ? { eventTypes: [...new Set(changes.eventTypes)] } : {}),
          ...(changes.description !== undefined ? { description: changes.description } : {}),
          ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
        }),
      );
      if (!row) throw notFound('Webhook endpoint');
      return endpointView(row);
    },

    /** Deletes an endpoint and its delivery history. */
    async deleteEndpoint(tenantId: string, id: string): Promise<void> {
      if (!(await withTenant(database, tenantId, (db) => deleteEndpoint(db, tenantId, id))))
        throw notFound('Webhook endpoint');
    },

    /** A new secret; the old one keeps signing (a second signature) for 24 hours. */
    async rotateSecret(tenantId: string, id: string) {
      const cipher = await encryption.forTenant(tenantId);
      const secret = generateWebhookSecret();
      const row = await withTenant(database, tenantId, async (db) => {
        const current = await findEndpoint(db, tenantId, id);
        if (!current) return undefined;
        const previous = cipher.open(current.secretSealed, endpointContext(id, 'secret'));
        return updateEndpoint(db, tenantId, id, {
          secretSealed: cipher.seal(secret, endpointContext(id, 'secret')),
          previousSecretSealed: cipher.seal(previous, endpointContext(id, 'previous-secret')),
          previousSecretExpiresAt: new Date(now() + previousSecretLifetimeMs),
        });
      });
      if (!row) throw notFound('Webhook endpoint');
      return { endpoint: endpointView(row), secret };
    },

    /** Queues a `webhook.test` event to one endpoint. */
    async sendTestEvent(tenantId: string, id: string) {
      const cipher = await encryption.forTenant(tenantId);
      const messageId = await withTenant(database, tenantId, async (db) => {
        if (!(await findEndpoint(db, tenantId, id))) throw notFound('Webhook endpoint');
        return queueWebhookEvent(db, cipher, {
          type: testEventType,
          interviewId: null,
          data: { message: 'Test event from ExitBot' },
          endpointId: id,
        });
      });
      options.onQueued?.();
      return { messageId };
    },

    /** Queues a manual re-send of every failed delivery of the endpoint since `since`. */
    async recover(tenantId: string, id: string, since: Date) {
      const deliveryIds = await withTenant(database, tenantId, async (db) => {
        if (!(await findEndpoint(db, tenantId, id))) throw notFound('Webhook endpoint');
        const rows = await listFailedDeliveryIds(db, tenantId, id, since);
        for (const row of rows) {
          await enqueueJob(db, tenantId, {
            topic: webhookDeliverTopic,
            key: `${row.id}:manual`,
            payload: { deliveryId: row.id, manual: true },
          });
        }
        return rows.map((row) => row.id);
      });
      options.onQueued?.();
      return { queued: deliveryIds.length };
    },

    /** A page of deliveries, newest first. */
    async listDeliveries(
      tenantId: string,
      query: {
        endpointId?: string;
        status?: 'pending' | 'succeeded' | 'failed';
        eventType?: string;
        interviewId?: string;
        cursor?: string;
        limit: number;
      },
    ) {
      const rows = await withTenant(database, tenantId, (db) =>
        listDeliveries(db, tenantId, { ...query, before: parseCursor(query.cursor), limit: query.limit + 1 }),
      );
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        deliveries: page.map((row) => ({
          id: row.id,
          messageId: row.message_id,
          endpointId: row.endpoint_id,
          eventType: row.event_type,
          interviewId: row.interview_id,
          status: row.status,
          attempts: row.attempts,
          nextAttemptAt: row.status === 'pending' ? (row.next_attempt_at?.toISOString() ?? null) : null,
          lastAttemptAt: row.last_attempt_at?.toISOString() ?? null,
          lastStatusCode: row.last_status_code,
          lastError: row.last_error,
          succeededAt: row.succeeded_at?.toISOString() ?? null,
          failedAt: row.failed_at?.toISOString() ?? null,
          createdAt: row.created_at.toISOString(),
        })),
        nextCursor: rows.length > query.limit && last ? cursorOf(last.created_at, last.id) : null,
      };
    },

    /** One delivery with its attempts. */
    async getDelivery(tenantId: string, id: string) {
      return withTenant(database, tenantId, async (db) => {
        const row = await findDelivery(db, tenantId, id);
        if (!row) throw notFound('Webhook delivery');
        const attempts = await listAttempts(db, tenantId, id);
        return {
          id: row.id,
          messageId: row.message_id,
          endpointId: row.endpoint_id,
          eventType: row.event_type,
          interviewId: row.interview_id,
          status: row.status,
          nextAttemptAt: row.status === 'pending' ? (row.next_attempt_at?.toISOString() ?? null) : null,
          succeededAt: row.succeeded_at?.toISOString() ?? null,
          failedAt: row.failed_at?.toISOString() ?? null,
          createdAt: row.created_at.toISOString(),
          attempts: attempts.map((item) => ({
            attempt: item.attempt,
            trigger: item.trigger,
            at: item.started_at.toISOString(),
            durationMs: item.duration_ms,
            statusCode: item.status_code,
            error: item.error,
            response: item.response_excerpt,
          })),
        };
      });
    },

    /** Sends a delivery again now (any status); answers with the attempt's outcome. */
    async resend(tenantId: string, id: string) {
      const result = await attempt(tenantId, id, { kind: 'manual' });
      if (result.outcome === 'missing') throw notFound('Webhook delivery');
      if (result.outcome === 'in-flight') {
        throw new ApiError({
          status: 409,
          code: 'conflict',
          message: 'An attempt of this delivery is in flight; retry in a minute',
          headers: { 'Retry-After': '60' },
        });
      }
      return this.getDelivery(tenantId, id);
    },

    /** The outbox handler of `webhook.deliver`. */
    deliverJob: async (job: OutboxRow): Promise<void> => {
      const deliveryId = String(job.payload.deliveryId ?? '');
      const trigger =
        job.payload.manual === true
          ? ({ kind: 'manual' } as const)
          : ({ kind: 'automatic', scheduleIndex: Number(job.payload.scheduleIndex ?? 0) } as const);
      await attempt(job.tenant_id, deliveryId, trigger);
    },

    /** The event types a tenant can subscribe to. */
    eventTypes: webhookEventTypes as readonly WebhookEventType[],
  };
}
