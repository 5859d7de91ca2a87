import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A jsonb column: read as `T`, written as a JSON string (the same on pg and PGlite). */
export type Json<T> = ColumnType<T, string, string>;
/** A nullable jsonb column. */
export type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;
/** A timestamptz column with a database default. */
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** A timestamptz column written by the application. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A nullable timestamptz column. */
export type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;

/** Per-tenant settings stored as JSON on the tenant row (validated by `tenantSettingsSchema`). */
export interface TenantSettingsJson {
  allowedOrigins?: string[];
  minGroupSize?: number;
  retentionDays?: number;
  defaultLocale?: string;
  defaultMode?: string;
  llm?: { enabled?: boolean; model?: string; temperature?: number };
  guides?: Record<string, unknown>;
  activeGuide?: string;
}

/** `tenants`: one company. */
export interface TenantTable {
  id: string;
  name: string;
  settings: Json<TenantSettingsJson>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** `signing_keys`: keys that sign or verify tokens of one tenant. */
export interface SigningKeyTable {
  id: Generated<string>;
  tenant_id: string;
  kid: string;
  alg: string;
  /** 'server': the server signs interview and admin tokens with it; 'tenant': the tenant's own key for interview tokens. */
  origin: 'server' | 'tenant';
  public_jwk: Json<Record<string, unknown>>;
  /** AES-GCM encrypted private JWK (server keys only). */
  private_jwk_encrypted: string | null;
  status: 'active' | 'retired' | 'revoked';
  created_at: CreatedAt;
  expires_at: NullableTimestamp;
}

/** `api_keys`: opaque keys for server-to-server calls, stored as SHA-256 hashes. */
export interface ApiKeyTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  /** What the key may do (`ApiKeyScope`s); at least one. */
  scopes: string[];
  created_at: CreatedAt;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

/** Interview statuses as stored. */
export type InterviewStatus = 'invited' | 'active' | 'ending' | 'completed' | 'expired' | 'erased';

/** `interviews`: one exit interview. */
export interface InterviewTable {
  id: string;
  tenant_id: string;
  status: InterviewStatus;
  mode: 'identified' | 'confidential' | 'anonymous';
  /** Where lists place it: `created_at`, or the start of its month (UTC) when anonymous. Generated. */
  listed_at: ColumnType<Date, never, never>;
  locale: string;
  employee_external_id: string | null;
  employee_name: string | null;
  department: string | null;
  location: string | null;
  level: string | null;
  tenure_months: number | null;
  termination_type: string | null;
  last_day: string | null;
  /** The engine's InterviewState as of the last stored turn (null before the first question). */
  state: NullableJson<unknown>;
  state_version: Generated<number>;
  last_seq: Generated<number>;
  /** Seq of the employee message being answered (0 = the opening question) while a turn runs. */
  turn_reply_to: number | null;
  turn_locked_until: NullableTimestamp;
  report_status: Generated<'none' | 'pending' | 'ready' | 'failed'>;
  expires_at: Timestamp;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  started_at: NullableTimestamp;
  ended_at: NullableTimestamp;
  erased_at: NullableTimestamp;
  /** Where the HRIS said to reach the employee (never stored in anonymous mode). */
  employee_email: ColumnType<string | null, string | null | undefined, string | null>;
  /** Bumped by a re-issue: tokens of older versions stop working. */
  token_version: Generated<number>;
  /** Set by a revoke: no token of this interview works any more. */
  token_revoked_at: NullableTimestamp;
  /** When the invitation is due (HRIS scheduling); null: at creation. */
  invite_at: NullableTimestamp;
  invited_at: NullableTimestamp;
  remind_at: NullableTimestamp;
  reminded_at: NullableTimestamp;
  /** First exchange of the link for a session. */
  opened_at: NullableTimestamp;
  /** Retention purge done: transcript deleted, report anonymised. */
  purged_at: NullableTimestamp;
}

/** `messages`: the transcript, ordered by `seq` within an interview. */
export interface MessageTable {
  tenant_id: string;
  interview_id: string;
  seq: number;
  role: 'interviewer' | 'employee';
  kind: 'opening' | 'probe' | 'closing' | 'answer' | 'decline' | 'finish';
  topic_id: string | null;
  text: string;
  client_message_id: string | null;
  /** Interviewer messages: the seq of the employee message they answer (0 = the opening). */
  reply_to: number | null;
  sentiment_score: number | null;
  sentiment_label: 'negative' | 'neutral' | 'positive' | null;
  degraded: Generated<boolean>;
  /** Interviewer messages: the turn's non-delta wire events, replayed to a duplicate request. */
  events: NullableJson<unknown[]>;
  created_at: CreatedAt;
}

/** `reports`: the structured report of a finished interview. */
export interface ReportTable {
  tenant_id: string;
  interview_id: string;
  source: string;
  report: Json<Record<string, unknown>>;
  created_at: CreatedAt;
}

/** `audit_log`: who did what, per tenant. */
export interface AuditLogTable {
  id: Generated<string>;
  tenant_id: string;
  at: CreatedAt;
  actor_type: 'api-key' | 'admin' | 'employee' | 'system' | 'cli';
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  request_id: string | null;
  details: NullableJson<Record<string, unknown>>;
}

/** `outbox`: jobs written in the same transaction as the change that needs them. */
export interface OutboxTable {
  id: Generated<string>;
  tenant_id: string;
  topic: string;
  /** Deduplicates jobs: one open job per (tenant, topic, key). */
  key: string | null;
  payload: Json<Record<string, unknown>>;
  run_at: ColumnType<Date, Date | string | undefined, Date | string>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  locked_until: NullableTimestamp;
  last_error: string | null;
  done_at: NullableTimestamp;
  failed_at: NullableTimestamp;
  created_at: CreatedAt;
}

/** `tenant_keys`: a tenant's AES-256 data key, wrapped by the master key. */
export interface TenantKeyTable {
  tenant_id: string;
  version: number;
  wrapped_key: string;
  master_key_id: string;
  created_at: CreatedAt;
  rewrapped_at: NullableTimestamp;
}

/** `webhook_endpoints`: where a tenant receives events. */
export interface WebhookEndpointTable {
  tenant_id: string;
  id: string;
  url: string;
  description: string | null;
  event_types: Json<string[]>;
  /** The signing secret, encrypted with the tenant's data key. */
  secret_sealed: string;
  /** The secret before the last rotation, still signing until `previous_secret_expires_at`. */
  previous_secret_sealed: string | null;
  previous_secret_expires_at: NullableTimestamp;
  enabled: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** `webhook_messages`: one event, delivered to every subscribed endpoint. */
export interface WebhookMessageTable {
  tenant_id: string;
  id: string;
  event_type: string;
  interview_id: string | null;
  /** The event data without personal data. */
  payload: Json<Record<string, unknown>>;
  /** Personal data of the event (employee identity), encrypted with the tenant's data key. */
  payload_sealed: string | null;
  created_at: CreatedAt;
}

/** `webhook_deliveries`: one message to one endpoint, with its retry schedule. */
export interface WebhookDeliveryTable {
  tenant_id: string;
  id: string;
  message_id: string;
  endpoint_id: string;
  status: Generated<'pending' | 'succeeded' | 'failed'>;
  attempts: Generated<number>;
  schedule_index: Generated<number>;
  next_attempt_at: NullableTimestamp;
  locked_until: NullableTimestamp;
  last_attempt_at: NullableTimestamp;
  last_status_code: number | null;
  last_error: string | null;
  succeeded_at: NullableTimestamp;
  failed_at: NullableTimestamp;
  created_at: CreatedAt;
}

/** `webhook_attempts`: one HTTP request of a delivery. */
export interface WebhookAttemptTable {
  tenant_id: string;
  id: Generated<string>;
  delivery_id: string;
  attempt: number;
  trigger: 'automatic' | 'manual';
  started_at: Timestamp;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_excerpt: string | null;
}

/** `hris_events`: the outcome of each HRIS event id (idempotency). */
export interface HrisEventTable {
  tenant_id: string;
  event_id: string;
  outcome: 'created' | 'updated' | 'skipped' | 'erased';
  reason: string | null;
  interview_id: string | null;
  received_at: CreatedAt;
}

/** `cache_purges`: erasures every replica must apply to its in-process caches. */
export interface CachePurgeTable {
  id: Generated<string>;
  tenant_id: string;
  created_at: CreatedAt;
}

/** The whole schema as Kysely sees it. */
export interface Database {
  tenants: TenantTable;
  signing_keys: SigningKeyTable;
  api_keys: ApiKeyTable;
  interviews: InterviewTable;
  messages: MessageTable;
  reports: ReportTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
  tenant_keys: TenantKeyTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_messages: WebhookMessageTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
  hris_events: HrisEventTable;
  cache_purges: CachePurgeTable;
}

/** A tenant row as read. */
export type TenantRow = Selectable<TenantTable>;
/** A signing key row as read. */
export type SigningKeyRow = Selectable<SigningKeyTable>;
/** An API key row as read. */
export type ApiKeyRow = Selectable<ApiKeyTable>;
/** An interview row as read. */
export type InterviewRow = Selectable<InterviewTable>;
/** A new interview row. */
export type NewInterview = Insertable<InterviewTable>;
/** Changes to an interview row. */
export type InterviewUpdate = Updateable<InterviewTable>;
/** A message row as read. */
export type MessageRow = Selectable<MessageTable>;
/** A new message row. */
export type NewMessage = Insertable<MessageTable>;
/** A report row as read. */
export type ReportRow = Selectable<ReportTable>;
/** An outbox row as read. */
export type OutboxRow = Selectable<OutboxTable>;
/** A new audit entry. */
export type NewAuditEntry = Insertable<AuditLogTable>;
