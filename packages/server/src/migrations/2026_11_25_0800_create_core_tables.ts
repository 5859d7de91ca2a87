// Creates every table of the first release with its indexes and row-level security policies.
// Ownership and grants are applied by the setup step after migrations (db/roles.ts); the roles
// exitbot_owner, exitbot_app and exitbot_worker exist before this runs.
import { type Kysely, sql } from 'kysely';

const tenantCheck = sql.raw(`nullif(current_setting('app.tenant_id', true), '')::uuid`);

const tenantTables = ['signing_keys', 'api_keys', 'interviews', 'messages', 'reports', 'audit_log', 'outbox'];

/** Applies the migration. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table tenants (
      id uuid primary key,
      name text not null check (length(name) between 1 and 200),
      settings jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table signing_keys (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      kid text not null check (length(kid) between 1 and 200),
      alg text not null,
      origin text not null check (origin in ('server', 'tenant')),
      public_jwk jsonb not null,
      private_jwk_encrypted text,
      status text not null default 'active' check (status in ('active', 'retired', 'revoked')),
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      unique (tenant_id, kid)
    )`.execute(db);
  await sql`create index signing_keys_tenant_status_idx on signing_keys (tenant_id, origin, status, created_at desc)`.execute(
    db,
  );

  await sql`
    create table api_keys (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      name text not null,
      prefix text not null,
      key_hash text not null unique,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    )`.execute(db);
  await sql`create index api_keys_tenant_idx on api_keys (tenant_id, created_at desc)`.execute(db);
  await sql`create index api_keys_tenant_hash_idx on api_keys (tenant_id, key_hash)`.execute(db);

  await sql`
    create table interviews (
      tenant_id uuid not null references tenants (id) on delete cascade,
      id uuid not null,
      status text not null check (status in ('invited', 'active', 'ending', 'completed', 'expired', 'erased')),
      mode text not null check (mode in ('identified', 'confidential', 'anonymous')),
      locale text not null,
      employee_external_id text,
      employee_name text,
      department text,
      location text,
      level text,
      tenure_months integer check (tenure_months is null or tenure_months >= 0),
      termination_type text,
      last_day date,
      state jsonb,
      state_version integer not null default 0,
      last_seq integer not null default 0,
      turn_reply_to integer,
      turn_locked_until timestamptz,
      report_status text not null default 'none' check (report_status in ('none', 'pending', 'ready', 'failed')),
      expires_at timestamptz not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      started_at timestamptz,
      ended_at timestamptz,
      erased_at timestamptz,
      primary key (tenant_id, id),
      constraint interviews_anonymous_has_no_identity check (
        mode <> 'anonymous' or (
          employee_external_id is null and employee_name is null and department is null and location is null
          and level is null and tenure_months is null and termination_type is null and last_day is null
        )
      )
    )`.execute(db);
  await sql`create index interviews_tenant_created_idx on interviews (tenant_id, created_at desc, id desc)`.execute(
    db,
  );
  await sql`create index interviews_tenant_status_created_idx on interviews (tenant_id, status, created_at desc, id desc)`.execute(
    db,
  );
  await sql`create index interviews_tenant_department_idx on interviews (tenant_id, department, created_at desc)`.execute(
    db,
  );
  await sql`create index interviews_tenant_external_idx on interviews (tenant_id, employee_external_id) where employee_external_id is not null`.execute(
    db,
  );
  await sql`create index interviews_open_expiry_idx on interviews (tenant_id, expires_at) where status in ('invited', 'active')`.execute(
    db,
  );

  await sql`
    create table messages (
      tenant_id uuid not null,
      interview_id uuid not null,
      seq integer not null check (seq > 0),
      role text not null check (role in ('interviewer', 'employee')),
      kind text not null check (kind in ('opening', 'probe', 'closing', 'answer', 'decline', 'finish')),
      topic_id text,
      text text not null,
      client_message_id text,
      reply_to integer,
      sentiment_score real,
      sentiment_label text check (sentiment_label in ('negative', 'neutral', 'positive')),
      degraded boolean not null default false,
      events jsonb,
      created_at timestamptz not null default now(),
      primary key (tenant_id, interview_id, seq),
      foreign key (tenant_id, interview_id) references interviews (tenant_id, id) on delete cascade,
      constraint messages_client_message_id_unique unique (tenant_id, interview_id, client_message_id)
    )`.execute(db);
  await sql`create index messages_reply_idx on messages (tenant_id, interview_id, reply_to) where reply_to is not null`.execute(
    db,
  );

  await sql`
    create table reports (
      tenant_id uuid not null,
      interview_id uuid not null,
      source text not null,
      report jsonb not null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, interview_id),
      foreign key (tenant_id, interview_id) references interviews (tenant_id, id) on delete cascade
    )`.execute(db);

  await sql`
    create table audit_log (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      at timestamptz not null default now(),
      actor_type text not null,
      actor_id text,
      action text not null,
      target_type text,
      target_id text,
      request_id text,
      details jsonb
    )`.execute(db);
  await sql`create index audit_log_tenant_at_idx on audit_log (tenant_id, at desc)`.execute(db);
  await sql`create index audit_log_tenant_target_idx on audit_log (tenant_id, target_type, target_id)`.execute(
    db,
  );

  await sql`
    create table outbox (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      topic text not null,
      key text,
      payload jsonb not null,
      run_at timestamptz not null default now(),
      attempts integer not null default 0,
      max_attempts integer not null default 8,
      locked_until timestamptz,
      last_error text,
      done_at timestamptz,
      failed_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index outbox_due_idx on outbox (run_at) where done_at is null and failed_at is null`.execute(
    db,
  );
  await sql`create unique index outbox_open_key_idx on outbox (tenant_id, topic, key) where done_at is null and failed_at is null`.execute(
    db,
  );
  await sql`create index outbox_tenant_idx on outbox (tenant_id, created_at desc)`.execute(db);

  // Row-level security: the second wall behind every repository's tenant filter.
  await sql`alter table tenants enable row level security`.execute(db);
  await sql`alter table tenants force row level security`.execute(db);
  await sql`create policy tenant_isolation on tenants using (id = ${tenantCheck}) with check (id = ${tenantCheck})`.execute(
    db,
  );
  await sql`create policy worker_read on tenants for select to exitbot_worker using (true)`.execute(db);
  for (const table of tenantTables) {
    const name = sql.table(table);
    await sql`alter table ${name} enable row level security`.execute(db);
    await sql`alter table ${name} force row level security`.execute(db);
    await sql`create policy tenant_isolation on ${name} using (tenant_id = ${tenantCheck}) with check (tenant_id = ${tenantCheck})`.execute(
      db,
    );
  }
  await sql`create policy worker_all on outbox for all to exitbot_worker using (true) with check (true)`.execute(
    db,
  );
}

/** Reverts the migration. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'outbox',
    'audit_log',
    'reports',
    'messages',
    'interviews',
    'api_keys',
    'signing_keys',
    'tenants',
  ]) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
}
