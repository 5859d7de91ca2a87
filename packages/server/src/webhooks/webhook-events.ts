import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { TenantCipher } from '../crypto/encryption.ts';
import type { Database } from '../db/database.ts';
import { enqueueJob } from '../jobs/outbox.repository.ts';
import { insertDeliveries, insertWebhookMessage, listSubscribedEndpoints } from './webhook.repository.ts';

/** Events a tenant can subscribe to. */
export const webhookEventTypes = [
  'interview.invited',
  'interview.reminder',
  'interview.started',
  'interview.completed',
  'interview.expired',
  'interview.revoked',
  'report.ready',
  'interview.erased',
] as const;

/** One subscribable event type. */
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** The event sent by "send test event"; delivered only to the endpoint it was sent to. */
export const testEventType = 'webhook.test';

/** Outbox topic: fan an interview change out to the subscribed endpoints (queued by a database trigger). */
export const webhookEventTopic = 'webhook.event';
/** Outbox topic: one delivery attempt. */
export const webhookDeliverTopic = 'webhook.deliver';

/** The associated-data context of a message's personal data. */
export function messagePersonalContext(messageId: string): string {
  return `webhook_messages/${messageId}/payload`;
}

/** An event to queue. */
export interface WebhookEventInput {
  type: WebhookEventType | typeof testEventType;
  interviewId: string | null;
  /** Event data without personal data (stored in clear). */
  data: Record<string, unknown>;
  /** Personal data (employee identity), merged into `data` when sent; stored encrypted. */
  personal?: Record<string, unknown> | null;
  /** Only to this endpoint (test events). */
  endpointId?: string;
}

/**
 * Stores the event and one pending delivery per subscribed endpoint, and queues the first attempt of
 * each, in the caller's transaction. Returns the message id, or null when no endpoint listens.
 */
export async function queueWebhookEvent(
  db: Kysely<Database>,
  cipher: TenantCipher,
  event: WebhookEventInput,
): Promise<string | null> {
  const tenantId = cipher.tenantId;
  const endpoints = await listSubscribedEndpoints(db, tenantId, event.type, event.endpointId);
  if (endpoints.length === 0) return null;
  const messageId = randomUUID();
  await insertWebhookMessage(db, tenantId, {
    id: messageId,
    eventType: event.type,
    interviewId: event.interviewId,
    payload: event.data,
    payloadSealed: event.personal ? cipher.sealJson(event.personal, messagePersonalContext(messageId)) : null,
  });
  const deliveries = endpoints.map((endpoint) => ({ id: randomUUID(), endpointId: endpoint.id }));
  await insertDeliveries(db, tenantId, messageId, deliveries);
  for (const delivery of deliveries) {
    await enqueueJob(db, tenantId, {
      topic: webhookDeliverTopic,
      key: `${delivery.id}:0`,
      payload: { deliveryId: delivery.id, scheduleIndex: 0 },
    });
  }
  return messageId;
}
