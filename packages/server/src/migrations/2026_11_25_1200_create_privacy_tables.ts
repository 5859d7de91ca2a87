// Envelope encryption keys, webhooks, HRIS invitations and privacy operations (issue 6).
// - tenant_keys: one AES-256 data key per tenant, stored wrapped by the master key.
// - webhook_endpoints / webhook_messages / webhook_deliveries / webhook_attempts: signed deliveries.
// - hris_events: idempotency of HRIS "employee left" events (unique per tenant).
// - cache_purges: tells every replica to drop a tenant's in-process caches after an erasure.
// - interviews: invitation schedule, token version (re-issue / revoke), purge marker.
// - audit_log becomes append-only (a trigger refuses UPDATE, DELETE and TRUNCATE).
// - interviews emit webhook events through the outbox from a trigger, in the transaction of the change,
//   whichever code path changes the status (only when the tenant has an endpoint for that event).
// Ownership and the app grants are applied after migrations (db/roles.ts); worker grants are given here.
import { type Kysely, sql } from 'kysely';

const tenantCheck = sql.raw(`nullif(current_setting('app.tenant_id', true), '')::uuid`);

const tenantTables = [
  'tenant_keys',
  'webhook_endpoints',
  'webhook_messages',
  'webhook_deliveries',
  'webhook_attempts',
  'hris_events',
  'cache_purges',
];

/** Applies the migration. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table tenant_keys (
      tenant_id uuid not null references tenants (id) on delete cascade,
      version integer not null check (version > 0),
      wrapped_key text not null,
      master_key_id text not null,
      created_at timestamptz not null default now(),
      rewrapped_at timestamptz,
      primary key (tenant_id, version)
    )`.execute(db);

  await sql`
    create table webhook_endpoints (
      tenant_id uuid not null references tenants (id) on delete cascade,
      id uuid not null,
      url text not null check (length(url) between 8 and 2000),
      description text check (description is null or length(description) <= 500),
      event_types jsonb not null,
      secret_sealed text not null,
      previous_secret_sealed text,
      previous_secret_expires_at timestamptz,
      enabled boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id)
    )`.execute(db);

  await sql`
    create table webhook_messages (
      tenant_id uuid not null references tenants (id) on delete cascade,
      id uuid not null,
      event_type text not null,
      interview_id uuid,
      payload jsonb not null,
      payload_sealed text,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id)
    )`.execute(db);
  await sql`create index webhook_messages_tenant_created_idx on webhook_messages (tenant_id, created_at desc, id desc)`.execute(
    db,
  );
  await sql`create index webhook_messages_tenant_interview_idx on webhook_messages (tenant_id, interview_id) where interview_id is not null`.execute(
    db,
  );

  await sql`
    create table webhook_deliveries (
      tenant_id uuid not null,
      id uuid not null,
      message_id uuid not null,
      endpoint_id uuid not null,
      status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
      attempts integer not null default 0,
      schedule_index integer not null default 0,
      next_attempt_at timestamptz,
      locked_until timestamptz,
      last_attempt_at timestamptz,
      last_status_code integer,
      last_error text,
      succeeded_at timestamptz,
      failed_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      unique (tenant_id, message_id, endpoint_id),
      foreign key (tenant_id, message_id) references webhook_messages (tenant_id, id) on delete cascade,
      foreign key (tenant_id, endpoint_id) references webhook_endpoints (tenant_id, id) on delete cascade
    )`.execute(db);
  await sql`create index webhook_deliveries_tenant_created_idx on webhook_deliveries (tenant_id, created_at desc, id desc)`.execute(
    db,
  );
  await sql`create index webhook_deliveries_endpoint_idx on webhook_deliveries (tenant_id, endpoint_id, status, created_at desc)`.execute(
    db,
  );

  await sql`
    create table webhook_attempts (
      tenant_id uuid not null,
      id uuid not null default gen_random_uuid(),
      delivery_id uuid not null,
      attempt integer not null check (attempt > 0),
      trigger text not null check (trigger in ('automatic', 'manual')),
      started_at timestamptz not null,
      duration_ms integer not null,
      status_code integer,
      error text,
      response_excerpt text,
      primary key (tenant_id, id),
      foreign key (tenant_id, delivery_id) references webhook_deliveries (tenant_id, id) on delete cascade
    )`.execute(db);
  await sql`create index webhook_attempts_delivery_idx on webhook_attempts (tenant_id, delivery_id, attempt)`.execute(
    db,
  );

  await sql`
    create table hris_events (
      tenant_id uuid not null references tenants (id) on delete cascade,
      event_id text not null check (length(event_id) between 1 and 200),
      outcome text not null check (outcome in ('created', 'updated', 'skipped', 'erased')),
      reason text,
      interview_id uuid,
      received_at timestamptz not null default now(),
      primary key (tenant_id, event_id)
    )`.execute(db);
  await sql`create index hris_events_interview_idx on hris_events (tenant_id, interview_id) where interview_id is not null`.execute(
    db,
  );

  await sql`
    create table cache_purges (
      id bigint generated always as identity primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    alter table interviews
      add column employee_email text,
      add column token_version integer not null default 1 check (token_version > 0),
      add column token_revoked_at timestamptz,
      add column invite_at timestamptz,
      add column invited_at timestamptz,
      add column remind_at timestamptz,
      add column reminded_at timestamptz,
      add column opened_at timestamptz,
      add column purged_at timestamptz,
      add constraint interviews_anonymous_has_no_email check (mode <> 'anonymous' or employee_email is null)`.execute(
    db,
  );
  await sql`create index interviews_purge_idx on interviews (tenant_id, ended_at) where purged_at is null and status in ('ending', 'completed', 'expired')`.execute(
    db,
  );

  for (const table of tenantTables) {
    const name = sql.table(table);
    await sql`alter table ${name} enable row level security`.execute(db);
    await sql`alter table ${name} force row level security`.execute(db);
    await sql`create policy tenant_isolation on ${name} using (tenant_id = ${tenantCheck}) with check (tenant_id = ${tenantCheck})`.execute(
      db,
    );
  }
  // Every replica polls for erasures of any tenant to drop that tenant's in-process caches.
  await sql`create policy worker_read on cache_purges for select to exitbot_worker using (true)`.execute(db);
  await sql`grant select on table cache_purges to exitbot_worker`.execute(db);

  // Append-only audit log. Deletes cascading from a deleted tenant (trigger depth > 1) still pass.
  await sql`
    create function audit_log_refuse_change() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and pg_trigger_depth() > 1 then
        return old;
      end if;
      raise exception 'audit_log is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
    end
    $$`.execute(db);
  await sql`create trigger audit_log_append_only before update or delete on audit_log for each row execute function audit_log_refuse_change()`.execute(
    db,
  );
  await sql`create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function audit_log_refuse_change()`.execute(
    db,
  );

  // Webhook events from interview changes, queued in the same transaction as the change.
  await sql`
    create function interviews_queue_webhook_events() returns trigger language plpgsql as $$
    declare
      event_types text[] := array[]::text[];
      event_type text;
    begin
      if tg_op = 'INSERT' then
        if new.status = 'invited' then
          event_types := array['interview.invited'];
        end if;
      else
        if old.status = 'invited' and new.status = 'active' then
          event_types := event_types || 'interview.started'::text;
        end if;
        if new.status in ('ending', 'completed') and old.status not in ('ending', 'completed') then
          event_types := event_types || 'interview.completed'::text;
        end if;
        if new.status = 'expired' and old.status <> 'expired' then
          event_types := event_types || 'interview.expired'::text;
        end if;
        if new.status = 'erased' and old.status <> 'erased' then
          event_types := event_types || 'interview.erased'::text;
        end if;
        if new.report_status = 'ready' and old.report_status <> 'ready' and new.status <> 'erased' then
          event_types := event_types || 'report.ready'::text;
        end if;
      end if;
      foreach event_type in array event_types loop
        if event_type = 'interview.invited' then
          -- The invitation job marks the interview invited at its invite time, emits the event with a
          -- freshly signed link and schedules the reminder; it is needed only when something listens or
          -- the HRIS scheduled the invitation.
          if new.invite_at is not null or exists (
            select 1 from webhook_endpoints e
            where e.tenant_id = new.tenant_id and e.enabled and e.event_types ? 'interview.invited'
          ) then
            insert into outbox (tenant_id, topic, key, payload, run_at)
            values (new.tenant_id, 'interview.invite', new.id::text,
                    jsonb_build_object('interviewId', new.id), coalesce(new.invite_at, now()))
            on conflict do nothing;
          end if;
        elsif exists (
          select 1 from webhook_endpoints e
          where e.tenant_id = new.tenant_id and e.enabled and e.event_types ? event_type
        ) then
          insert into outbox (tenant_id, topic, key, payload)
          values (new.tenant_id, 'webhook.event', null,
                  jsonb_build_object('type', event_type, 'interviewId', new.id, 'occurredAt', now()));
        end if;
      end loop;
      return null;
    end
    $$`.execute(db);
  await sql`
    create trigger interviews_webhook_events after insert or update of status, report_status on interviews
    for each row execute function interviews_queue_webhook_events()`.execute(db);
}

/** Reverts the migration. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists interviews_webhook_events on interviews`.execute(db);
  await sql`drop function if exists interviews_queue_webhook_events()`.execute(db);
  await sql`drop trigger if exists audit_log_append_only on audit_log`.execute(db);
  await sql`drop trigger if exists audit_log_no_truncate on audit_log`.execute(db);
  await sql`drop function if exists audit_log_refuse_change()`.execute(db);
  await sql`
    alter table interviews
      drop constraint if exists interviews_anonymous_has_no_email,
      drop column if exists employee_email,
      drop column if exists token_version,
      drop column if exists token_revoked_at,
      drop column if exists invite_at,
      drop column if exists invited_at,
      drop column if exists remind_at,
      drop column if exists reminded_at,
      drop column if exists opened_at,
      drop column if exists purged_at`.execute(db);
  for (const table of [...tenantTables].reverse()) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
}
