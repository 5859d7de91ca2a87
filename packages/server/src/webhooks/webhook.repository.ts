import { type Kysely, sql, type Updateable } from 'kysely';
import type { Database, WebhookDeliveryTable } from '../db/database.ts';

/** An endpoint row as the service uses it. */
export interface EndpointRecord {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  secretSealed: string;
  previousSecretSealed: string | null;
  previousSecretExpiresAt: Date | null;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const endpointColumns = [
  'id',
  'url',
  'description',
  'event_types',
  'secret_sealed',
  'previous_secret_sealed',
  'previous_secret_expires_at',
  'enabled',
  'created_at',
  'updated_at',
] as const;

function toEndpoint(row: {
  id: string;
  url: string;
  description: string | null;
  event_types: string[];
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}): EndpointRecord {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types,
    secretSealed: row.secret_sealed,
    previousSecretSealed: row.previous_secret_sealed,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    enabled: row.enabled,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Stores a new endpoint. */
export async function insertEndpoint(
  db: Kysely<Database>,
  tenantId: string,
  endpoint: {
    id: string;
    url: string;
    description: string | null;
    eventTypes: string[];
    secretSealed: string;
  },
): Promise<EndpointRecord> {
  const row = await db
    .insertInto('webhook_endpoints')
    .values({
      tenant_id: tenantId,
      id: endpoint.id,
      url: endpoint.url,
      description: endpoint.description,
      event_types: JSON.stringify(endpoint.eventTypes),
      secret_sealed: endpoint.secretSealed,
    })
    .returning([...endpointColumns])
    .executeTakeFirstOrThrow();
  return toEndpoint(row);
}

/** The tenant's endpoints, oldest first. */
export async function listEndpoints(db: Kysely<Database>, tenantId: string): Promise<EndpointRecord[]> {
  const rows = await db
    .selectFrom('webhook_endpoints')
    .select([...endpointColumns])
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toEndpoint);
}

/** One endpoint of the tenant. */
export async function findEndpoint(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<EndpointRecord | undefined> {
  const row = await db
    .selectFrom('webhook_endpoints')
    .select([...endpointColumns])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toEndpoint(row) : undefined;
}

/** Enabled endpoints subscribed to `eventType` (or exactly `onlyEndpointId`, enabled or not, for test events). */
export async function listSubscribedEndpoints(
  db: Kysely<Database>,
  tenantId: string,
  eventType: string,
  onlyEndpointId?: string,
): Promise<Array<{ id: string }>> {
  let query = db.selectFrom('webhook_endpoints').select('id').where('tenant_id', '=', tenantId);
  query = onlyEndpointId
    ? query.where('id', '=', onlyEndpointId)
    : query.where('enabled', '=', true).where(sql<boolean>`event_types ? ${eventType}`);
  return query.execute();
}

/** Changes an endpoint; undefined when the tenant has no such endpoint. */
export async function updateEndpoint(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
  changes: {
    url?: string;
    description?: string | null;
    eventTypes?: string[];
    enabled?: boolean;
    secretSealed?: string;
    previousSecretSealed?: string | null;
    previousSecretExpiresAt?: Date | null;
  },
): Promise<EndpointRecord | undefined> {
  const row = await db
    .updateTable('webhook_endpoints')
    .set({
      ...(changes.url !== undefined ? { url: changes.url } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.eventTypes !== undefined ? { event_types: JSON.stringify(changes.eventTypes) } : {}),
      ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
      ...(changes.secretSealed !== undefined ? { secret_sealed: changes.secretSealed } : {}),
      ...(changes.previousSecretSealed !== undefined
        ? { previous_secret_sealed: changes.previousSecretSealed }
        : {}),
      ...(changes.previousSecretExpiresAt !== undefined
        ? { previous_secret_expires_at: changes.previousSecretExpiresAt }
        : {}),
      updated_at: new Date(),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returning([...endpointColumns])
    .executeTakeFirst();
  return row ? toEndpoint(row) : undefined;
}

/** Deletes an endpoint with its deliveries and attempts. */
export async function deleteEndpoint(db: Kysely<Database>, tenantId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('webhook_endpoints')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Stores an event message. */
export async function insertWebhookMessage(
  db: Kysely<Database>,
  tenantId: string,
  message: {
    id: string;
    eventType: string;
    interviewId: string | null;
    payload: Record<string, unknown>;
    payloadSealed: string | null;
  },
): Promise<void> {
  await db
    .insertInto('webhook_messages')
    .values({
      tenant_id: tenantId,
      id: message.id,
      event_type: message.eventType,
      interview_id: message.interviewId,
      payload: JSON.stringify(message.payload),
      payload_sealed: message.payloadSealed,
    })
    .execute();
}

/** Stores pending deliveries of one message. */
export async function insertDeliveries(
  db: Kysely<Database>,
  tenantId: string,
  messageId: string,
  deliveries: Array<{ id: string; endpointId: string }>,
): Promise<void> {
  if (deliveries.length === 0) return;
  await db
    .insertInto('webhook_deliveries')
    .values(
      deliveries.map((delivery) => ({
        tenant_id: tenantId,
        id: delivery.id,
        message_id: messageId,
        endpoint_id: delivery.endpointId,
        next_attempt_at: new Date(),
      })),
    )
    .execute();
}

/** A delivery with its message and endpoint, row-locked until the transaction ends. */
export function lockDelivery(db: Kysely<Database>, tenantId: string, id: string) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_messages as m', (join) =>
      join.onRef('m.tenant_id', '=', 'd.tenant_id').onRef('m.id', '=', 'd.message_id'),
    )
    .innerJoin('webhook_endpoints as e', (join) =>
      join.onRef('e.tenant_id', '=', 'd.tenant_id').onRef('e.id', '=', 'd.endpoint_id'),
    )
    .select([
      'd.id',
      'd.status',
      'd.attempts',
      'd.schedule_index',
      'd.locked_until',
      'm.id as message_id',
      'm.event_type',
      'm.interview_id',
      'm.payload',
      'm.payload_sealed',
      'm.created_at as message_created_at',
      'e.id as endpoint_id',
      'e.url',
      'e.enabled',
      'e.secret_sealed',
      'e.previous_secret_sealed',
      'e.previous_secret_expires_at',
    ])
    .where('d.tenant_id', '=', tenantId)
    .where('d.id', '=', id)
    .forUpdate('d')
    .executeTakeFirst();
}

/** Changes a delivery. */
export async function updateDelivery(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
  changes: Updateable<WebhookDeliveryTable>,
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set(changes)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}

/** Records one HTTP attempt. */
export async function insertAttempt(
  db: Kysely<Database>,
  tenantId: string,
  attempt: {
    deliveryId: string;
    attempt: number;
    trigger: 'automatic' | 'manual';
    startedAt: Date;
    durationMs: number;
    statusCode: number | null;
    error: string | null;
    responseExcerpt: string | null;
  },
): Promise<void> {
  await db
    .insertInto('webhook_attempts')
    .values({
      tenant_id: tenantId,
      delivery_id: attempt.deliveryId,
      attempt: attempt.attempt,
      trigger: attempt.trigger,
      started_at: attempt.startedAt,
      duration_ms: attempt.durationMs,
      status_code: attempt.statusCode,
      error: attempt.error,
      response_excerpt: attempt.responseExcerpt,
    })
    .execute();
}

/** Filters of the delivery list. */
export interface DeliveryFilter {
  endpointId?: string;
  status?: 'pending' | 'succeeded' | 'failed';
  eventType?: string;
  interviewId?: string;
  before?: { createdAt: Date; id: string };
  limit: number;
}

/** A page of deliveries with their event, newest first. */
export function listDeliveries(db: Kysely<Database>, tenantId: string, filter: DeliveryFilter) {
  let query = db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_messages as m', (join) =>
      join.onRef('m.tenant_id', '=', 'd.tenant_id').onRef('m.id', '=', 'd.message_id'),
    )
    .select([
      'd.id',
      'd.message_id',
      'd.endpoint_id',
      'd.status',
      'd.attempts',
      'd.next_attempt_at',
      'd.last_attempt_at',
      'd.last_status_code',
      'd.last_error',
      'd.succeeded_at',
      'd.failed_at',
      'd.created_at',
      'm.event_type',
      'm.interview_id',
    ])
    .where('d.tenant_id', '=', tenantId);
  if (filter.endpointId) query = query.where('d.endpoint_id', '=', filter.endpointId);
  if (filter.status) query = query.where('d.status', '=', filter.status);
  if (filter.eventType) query = query.where('m.event_type', '=', filter.eventType);
  if (filter.interviewId) query = query.where('m.interview_id', '=', filter.interviewId);
  if (filter.before) {
    const { createdAt, id } = filter.before;
    query = query.where((eb) =>
      eb.or([
        eb('d.created_at', '<', createdAt),
        eb.and([eb('d.created_at', '=', createdAt), eb('d.id', '<', id)]),
      ]),
    );
  }
  return query.orderBy('d.created_at', 'desc').orderBy('d.id', 'desc').limit(filter.limit).execute();
}

/** One delivery with its event type and interview. */
export function findDelivery(db: Kysely<Database>, tenantId: string, id: string) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_messages as m', (join) =>
      join.onRef('m.tenant_id', '=', 'd.tenant_id').onRef('m.id', '=', 'd.message_id'),
    )
    .select([
      'd.id',
      'd.message_id',
      'd.endpoint_id',
      'd.status',
      'd.attempts',
      'd.next_attempt_at',
      'd.succeeded_at',
      'd.failed_at',
      'd.created_at',
      'm.event_type',
      'm.interview_id',
    ])
    .where('d.tenant_id', '=', tenantId)
    .where('d.id', '=', id)
    .executeTakeFirst();
}

/** The attempts of one delivery, in order. */
export function listAttempts(db: Kysely<Database>, tenantId: string, deliveryId: string) {
  return db
    .selectFrom('webhook_attempts')
    .select(['attempt', 'trigger', 'started_at', 'duration_ms', 'status_code', 'error', 'response_excerpt'])
    .where('tenant_id', '=', tenantId)
    .where('delivery_id', '=', deliveryId)
    .orderBy('attempt')
    .execute();
}

/** Failed deliveries of an endpoint created since `since` (for recovery after an outage). */
export function listFailedDeliveryIds(
  db: Kysely<Database>,
  tenantId: string,
  endpointId: string,
  since: Date,
) {
  return db
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'failed')
    .where('created_at', '>=', since)
    .orderBy('created_at')
    .limit(1000)
    .execute();
}

/** Deletes the webhook messages (with deliveries and attempts) about these interviews; returns how many. */
export async function deleteWebhookDataOfInterviews(
  db: Kysely<Database>,
  tenantId: string,
  interviewIds: string[],
): Promise<number> {
  if (interviewIds.length === 0) return 0;
  const result = await db
    .deleteFrom('webhook_messages')
    .where('tenant_id', '=', tenantId)
    .where('interview_id', 'in', interviewIds)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
