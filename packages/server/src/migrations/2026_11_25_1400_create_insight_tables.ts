// Insights: the structured signals of each report, HR reviews of reports, one fact row per completed
// interview with a report, monthly rollups for the overview, a change counter per tenant, and the
// anonymity thresholds guarded by CHECK constraints on the tenant settings.
//
// The code that writes a report also writes its signals (reason ids, flags, labels: no free text), so
// report bodies can be encrypted at rest. Triggers keep the rest in step (report_signals,
// report_reviews, interviews -> insight_facts -> insight_rollups -> insight_versions) in the same
// transaction, whichever code path completes, changes, reviews or erases an interview.
import { type Kysely, sql } from 'kysely';

const tenantCheck = sql.raw(`nullif(current_setting('app.tenant_id', true), '')::uuid`);

/** Applies the migration. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Minimum group sizes: never below 3; quotes never below the minimum. The settings API validates
  // the same; this is the wall behind it.
  await sql`
    alter table tenants add constraint tenants_min_group_size_check check (
      case
        when settings -> 'minGroupSize' is null or settings -> 'minGroupSize' = 'null'::jsonb then true
        when jsonb_typeof(settings -> 'minGroupSize') = 'number' then (settings ->> 'minGroupSize')::numeric >= 3
        else false
      end
    )`.execute(db);
  await sql`
    alter table tenants add constraint tenants_quote_min_group_size_check check (
      case
        when settings -> 'quoteMinGroupSize' is null or settings -> 'quoteMinGroupSize' = 'null'::jsonb then true
        when jsonb_typeof(settings -> 'quoteMinGroupSize') = 'number' then
          (settings ->> 'quoteMinGroupSize')::numeric >= 3
          and (settings ->> 'quoteMinGroupSize')::numeric >= case
            when jsonb_typeof(settings -> 'minGroupSize') = 'number' then (settings ->> 'minGroupSize')::numeric
            else 5
          end
        else false
      end
    )`.execute(db);

  await sql`
    create table report_signals (
      tenant_id uuid not null,
      interview_id uuid not null,
      primary_reason text not null check (primary_reason ~ '^[a-z][a-z-]{1,40}$'),
      regrettable boolean not null,
      themes text[] not null,
      would_recommend text not null check (would_recommend in ('yes', 'no', 'maybe', 'unknown')),
      would_return text not null check (would_return in ('yes', 'no', 'maybe', 'unknown')),
      topic_ids text[] not null,
      topic_labels text[] not null,
      source text not null check (source in ('llm', 'offline')),
      recorded_at timestamptz not null default now(),
      primary key (tenant_id, interview_id),
      foreign key (tenant_id, interview_id) references interviews (tenant_id, id) on delete cascade,
      check (cardinality(topic_ids) = cardinality(topic_labels))
    )`.execute(db);

  // Every confirmation or override by HR, newest last; the newest row is the current review.
  await sql`
    create table report_reviews (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null,
      interview_id uuid not null,
      primary_reason text check (primary_reason is null or primary_reason ~ '^[a-z][a-z-]{1,40}$'),
      regrettable boolean,
      reviewer text not null check (length(reviewer) between 1 and 300),
      reviewed_at timestamptz not null default clock_timestamp(),
      foreign key (tenant_id, interview_id) references interviews (tenant_id, id) on delete cascade
    )`.execute(db);
  await sql`create index report_reviews_interview_idx on report_reviews (tenant_id, interview_id, reviewed_at desc, id desc)`.execute(
    db,
  );

  await sql`
    create table insight_facts (
      tenant_id uuid not null,
      interview_id uuid not null,
      month date not null,
      completed_at timestamptz not null,
      mode text not null,
      department text,
      location text,
      level text,
      tenure_band text,
      termination_type text,
      ai_primary_reason text not null,
      reviewed_primary_reason text,
      primary_reason text generated always as (coalesce(reviewed_primary_reason, ai_primary_reason)) stored,
      ai_regrettable boolean not null,
      reviewed_regrettable boolean,
      regrettable boolean generated always as (coalesce(reviewed_regrettable, ai_regrettable)) stored,
      reviewed boolean not null,
      themes text[] not null,
      would_recommend text not null,
      would_return text not null,
      topic_ids text[] not null,
      topic_labels text[] not null,
      source text not null,
      sample_key integer not null,
      primary key (tenant_id, interview_id),
      foreign key (tenant_id, interview_id) references interviews (tenant_id, id) on delete cascade
    )`.execute(db);
  // The cube (counts by month x department x location x level) is read index-only from this one.
  await sql`create index insight_facts_cube_idx on insight_facts (tenant_id, month, department, location, level)`.execute(
    db,
  );
  await sql`create index insight_facts_department_idx on insight_facts (tenant_id, department, month)`.execute(
    db,
  );
  await sql`create index insight_facts_location_idx on insight_facts (tenant_id, location, month)`.execute(
    db,
  );
  await sql`create index insight_facts_level_idx on insight_facts (tenant_id, level, month)`.execute(db);
  // Quote candidates: a stable sample of the interviews with one primary reason.
  await sql`create index insight_facts_quotes_idx on insight_facts (tenant_id, primary_reason, sample_key)`.execute(
    db,
  );

  await sql`
    create table insight_rollups (
      tenant_id uuid not null references tenants (id) on delete cascade,
      month date not null,
      interviews integer not null,
      counts jsonb not null,
      primary key (tenant_id, month)
    )`.execute(db);

  await sql`
    create table insight_versions (
      tenant_id uuid primary key references tenants (id) on delete cascade,
      version bigint not null,
      changed_at timestamptz not null
    )`.execute(db);

  for (const table of [
    'report_signals',
    'report_reviews',
    'insight_facts',
    'insight_rollups',
    'insight_versions',
  ]) {
    const name = sql.table(table);
    await sql`alter table ${name} enable row level security`.execute(db);
    await sql`alter table ${name} force row level security`.execute(db);
    await sql`create policy tenant_isolation on ${name} using (tenant_id = ${tenantCheck}) with check (tenant_id = ${tenantCheck})`.execute(
      db,
    );
  }

  // The counting keys of one fact: one per attribute, one per theme, one per topic and label. The
  // rollups and the filtered views both count these, so they cannot drift apart.
  await sql`
    create function insight_fact_keys(f insight_facts) returns text[]
    language sql immutable parallel safe as $fn$
      select array[
          'mode:' || f.mode,
          'department:' || coalesce(f.department, ''),
          'location:' || coalesce(f.location, ''),
          'level:' || coalesce(f.level, ''),
          'tenure:' || coalesce(f.tenure_band, ''),
          'termination:' || coalesce(f.termination_type, ''),
          'reason:' || f.primary_reason,
          'regrettable:' || case when f.regrettable then 'yes' else 'no' end,
          'recommend:' || f.would_recommend,
          'return:' || f.would_return,
          'source:' || f.source,
          'reviewed:' || case when f.reviewed then 'yes' else 'no' end
        ]
        || array(select 'theme:' || theme from unnest(f.themes) as theme)
        || array(select 'topic:' || topic || ':' || label from unnest(f.topic_ids, f.topic_labels) as t(topic, label))
    $fn$`.execute(db);

  // Rebuilds the facts of some interviews (of the whole tenant when p_interviews is null) from the
  // interview, its report signals and its newest review. Only completed interviews with a report count.
  await sql`
    create function insight_refresh_facts(p_tenant uuid, p_interviews uuid[]) returns void
    language plpgsql as $fn$
    begin
      delete from insight_facts f
      where f.tenant_id = p_tenant
        and (p_interviews is null or f.interview_id = any (p_interviews))
        and not exists (
          select 1 from interviews i join report_signals s on s.tenant_id = i.tenant_id and s.interview_id = i.id
          where i.tenant_id = f.tenant_id and i.id = f.interview_id and i.status = 'completed'
        );
      insert into insight_facts as f (
        tenant_id, interview_id, month, completed_at, mode, department, location, level, tenure_band,
        termination_type, ai_primary_reason, reviewed_primary_reason, ai_regrettable, reviewed_regrettable,
        reviewed, themes, would_recommend, would_return, topic_ids, topic_labels, source, sample_key
      )
      select
        i.tenant_id,
        i.id,
        date_trunc('month', coalesce(i.ended_at, s.recorded_at) at time zone 'UTC')::date,
        coalesce(i.ended_at, s.recorded_at),
        i.mode,
        nullif(btrim(i.department), ''),
        nullif(btrim(i.location), ''),
        nullif(btrim(i.level), ''),
        case
          when i.tenure_months is null then null
          when i.tenure_months < 12 then 'under-1y'
          when i.tenure_months < 24 then '1-2y'
          when i.tenure_months < 60 then '2-5y'
          when i.tenure_months < 120 then '5-10y'
          else '10y-plus'
        end,
        nullif(btrim(i.termination_type), ''),
        s.primary_reason,
        review.primary_reason,
        s.regrettable,
        review.regrettable,
        review.id is not null,
        array(
          select distinct theme from unnest(s.themes || s.primary_reason || review.primary_reason) as theme
          where theme is not null
          order by theme
        ),
        s.would_recommend,
        s.would_return,
        s.topic_ids,
        s.topic_labels,
        s.source,
        hashtext(i.id::text)
      from interviews i
      join report_signals s on s.tenant_id = i.tenant_id and s.interview_id = i.id
      left join lateral (
        select v.id, v.primary_reason, v.regrettable
        from report_reviews v
        where v.tenant_id = i.tenant_id and v.interview_id = i.id
        order by v.reviewed_at desc, v.id desc
        limit 1
      ) as review on true
      where i.tenant_id = p_tenant
        and (p_interviews is null or i.id = any (p_interviews))
        and i.status = 'completed'
      on conflict (tenant_id, interview_id) do update set
        month = excluded.month,
        completed_at = excluded.completed_at,
        mode = excluded.mode,
        department = excluded.department,
        location = excluded.location,
        level = excluded.level,
        tenure_band = excluded.tenure_band,
        termination_type = excluded.termination_type,
        ai_primary_reason = excluded.ai_primary_reason,
        reviewed_primary_reason = excluded.reviewed_primary_reason,
        ai_regrettable = excluded.ai_regrettable,
        reviewed_regrettable = excluded.reviewed_regrettable,
        reviewed = excluded.reviewed,
        themes = excluded.themes,
        would_recommend = excluded.would_recommend,
        would_return = excluded.would_return,
        topic_ids = excluded.topic_ids,
        topic_labels = excluded.topic_labels,
        source = excluded.source,
        sample_key = excluded.sample_key
      where (f.month, f.completed_at, f.mode, f.department, f.location, f.level, f.tenure_band, f.termination_type,
             f.ai_primary_reason, f.reviewed_primary_reason, f.ai_regrettable, f.reviewed_regrettable, f.reviewed,
             f.themes, f.would_recommend, f.would_return, f.topic_ids, f.topic_labels, f.source)
        is distinct from
            (excluded.month, excluded.completed_at, excluded.mode, excluded.department, excluded.location,
             excluded.level, excluded.tenure_band, excluded.termination_type, excluded.ai_primary_reason,
             excluded.reviewed_primary_reason, excluded.ai_regrettable, excluded.reviewed_regrettable,
             excluded.reviewed, excluded.themes, excluded.would_recommend, excluded.would_return,
             excluded.topic_ids, excluded.topic_labels, excluded.source);
    end
    $fn$`.execute(db);

  // Recounts the monthly rollups of one tenant (all months when p_months is null) and bumps its
  // version. The advisory lock serialises writers of one tenant; each statement after it sees the
  // facts other transactions committed meanwhile (read committed), so no count is lost.
  await sql`
    create function insight_refresh_rollups(p_tenant uuid, p_months date[]) returns void
    language plpgsql as $fn$
    begin
      perform pg_advisory_xact_lock(4747101, hashtext(p_tenant::text));
      delete from insight_rollups where tenant_id = p_tenant and (p_months is null or month = any (p_months));
      insert into insight_rollups (tenant_id, month, interviews, counts)
      select p_tenant, month, (sum(n) filter (where key like 'mode:%'))::integer, jsonb_object_agg(key, n)
      from (
        select f.month, key, count(*)::integer as n
        from insight_facts f, unnest(insight_fact_keys(f)) as key
        where f.tenant_id = p_tenant and (p_months is null or f.month = any (p_months))
        group by f.month, key
      ) as counted
      group by month;
      insert into insight_versions (tenant_id, version, changed_at) values (p_tenant, 1, clock_timestamp())
      on conflict (tenant_id) do update set version = insight_versions.version + 1, changed_at = clock_timestamp();
    end
    $fn$`.execute(db);

  // Signals and reviews: statement-level, one set-based refresh however many rows a statement wrote.
  for (const [name, table, events] of [
    ['signals_inserted', 'report_signals', 'new'],
    ['signals_updated', 'report_signals', 'both'],
    ['signals_deleted', 'report_signals', 'old'],
    ['reviews_inserted', 'report_reviews', 'new'],
  ] as const) {
    const source =
      events === 'new'
        ? 'select tenant_id, interview_id from insight_changed_new'
        : events === 'old'
          ? 'select tenant_id, interview_id from insight_changed_old'
          : 'select tenant_id, interview_id from insight_changed_new union all select tenant_id, interview_id from insight_changed_old';
    await sql
      .raw(`
        create function insight_facts_after_${name}() returns trigger
        language plpgsql as $fn$
        declare
          touched record;
        begin
          for touched in
            select tenant_id, array_agg(distinct interview_id) as ids from (${source}) as changed group by tenant_id
          loop
            perform insight_refresh_facts(touched.tenant_id, touched.ids);
          end loop;
          return null;
        end
        $fn$`)
      .execute(db);
    const referencing =
      events === 'new'
        ? 'new table as insight_changed_new'
        : events === 'old'
          ? 'old table as insight_changed_old'
          : 'old table as insight_changed_old new table as insight_changed_new';
    const event = name.endsWith('inserted') ? 'insert' : name.endsWith('updated') ? 'update' : 'delete';
    await sql
      .raw(`
        create trigger insight_facts_on_${name} after ${event} on ${table}
        referencing ${referencing}
        for each statement execute function insight_facts_after_${name}()`)
      .execute(db);
  }
  // A deleted report (erasure) takes its signals with it.
  await sql`
    create function insight_signals_after_report_deleted() returns trigger
    language plpgsql as $fn$
    begin
      delete from report_signals s using insight_changed_old o
      where s.tenant_id = o.tenant_id and s.interview_id = o.interview_id;
      return null;
    end
    $fn$`.execute(db);
  await sql`
    create trigger insight_signals_on_report_deleted after delete on reports
    referencing old table as insight_changed_old
    for each statement execute function insight_signals_after_report_deleted()`.execute(db);
  // Interviews: row-level with a WHEN clause, so the frequent turn updates (state, seq) never fire it.
  await sql`
    create function insight_facts_after_interview_change() returns trigger
    language plpgsql as $fn$
    begin
      perform insight_refresh_facts(new.tenant_id, array[new.id]);
      return null;
    end
    $fn$`.execute(db);
  await sql`
    create trigger insight_facts_on_interview_change after update on interviews
    for each row
    when (
      (old.status, old.mode, old.department, old.location, old.level, old.tenure_months, old.termination_type, old.ended_at)
      is distinct from
      (new.status, new.mode, new.department, new.location, new.level, new.tenure_months, new.termination_type, new.ended_at)
    )
    execute function insight_facts_after_interview_change()`.execute(db);

  // Statement-level: one recount per tenant and month touched, however many facts a statement
  // changed. One function per event, because each event has its own transition tables.
  await sql`
    create function insight_rollups_after_insert() returns trigger
    language plpgsql as $fn$
    declare
      touched record;
    begin
      for touched in select tenant_id, array_agg(distinct month) as months from insight_changed_new group by tenant_id loop
        perform insight_refresh_rollups(touched.tenant_id, touched.months);
      end loop;
      return null;
    end
    $fn$`.execute(db);
  await sql`
    create function insight_rollups_after_update() returns trigger
    language plpgsql as $fn$
    declare
      touched record;
    begin
      for touched in
        select tenant_id, array_agg(distinct month) as months
        from (select tenant_id, month from insight_changed_new union all select tenant_id, month from insight_changed_old) as changed
        group by tenant_id
      loop
        perform insight_refresh_rollups(touched.tenant_id, touched.months);
      end loop;
      return null;
    end
    $fn$`.execute(db);
  await sql`
    create function insight_rollups_after_delete() returns trigger
    language plpgsql as $fn$
    declare
      touched record;
    begin
      for touched in select tenant_id, array_agg(distinct month) as months from insight_changed_old group by tenant_id loop
        perform insight_refresh_rollups(touched.tenant_id, touched.months);
      end loop;
      return null;
    end
    $fn$`.execute(db);
  await sql`
    create trigger insight_rollups_on_insert after insert on insight_facts
    referencing new table as insight_changed_new
    for each statement execute function insight_rollups_after_insert()`.execute(db);
  await sql`
    create trigger insight_rollups_on_update after update on insight_facts
    referencing old table as insight_changed_old new table as insight_changed_new
    for each statement execute function insight_rollups_after_update()`.execute(db);
  await sql`
    create trigger insight_rollups_on_delete after delete on insight_facts
    referencing old table as insight_changed_old
    for each statement execute function insight_rollups_after_delete()`.execute(db);
}

/** Reverts the migration. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists insight_facts_on_interview_change on interviews`.execute(db);
  await sql`drop trigger if exists insight_signals_on_report_deleted on reports`.execute(db);
  for (const table of [
    'insight_versions',
    'insight_rollups',
    'insight_facts',
    'report_reviews',
    'report_signals',
  ]) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
  for (const fn of [
    'insight_rollups_after_insert()',
    'insight_rollups_after_update()',
    'insight_rollups_after_delete()',
    'insight_facts_after_signals_inserted()',
    'insight_facts_after_signals_updated()',
    'insight_facts_after_signals_deleted()',
    'insight_facts_after_reviews_inserted()',
    'insight_facts_after_interview_change()',
    'insight_signals_after_report_deleted()',
    'insight_refresh_rollups(uuid, date[])',
    'insight_refresh_facts(uuid, uuid[])',
  ]) {
    await sql.raw(`drop function if exists ${fn}`).execute(db);
  }
  await sql`alter table tenants drop constraint if exists tenants_quote_min_group_size_check`.execute(db);
  await sql`alter table tenants drop constraint if exists tenants_min_group_size_check`.execute(db);
}
