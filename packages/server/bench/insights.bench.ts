// Insights at scale on real Postgres: a tenant with 100,000 completed interviews (20 messages each,
// 2 million messages) seeded with set-based SQL into its own database `exitbot_bench`, then the
// overview aggregate uncached and cached (p95 through the service, with row-level security and the
// per-request version check), a filtered view, and the gzip size of insights.js.
//
// The seed is kept between runs (a marker row tells it is complete); `--reseed` starts over. Seeding
// takes a minute or two on a small machine; a run on an existing seed takes seconds.
// EXITBOT_BENCH_DATABASE_URL overrides the database (default postgres://postgres@127.0.0.1:5432/exitbot_bench).
import pg from 'pg';
import { buildInsights } from '../../widget/scripts/build-insights.ts';
import { openDatabase } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { withTenant } from '../src/db/scope.ts';
import { readInsightsVersion } from '../src/insights/insights.repository.ts';
import { createInsightsService } from '../src/insights/insights.service.ts';
import { readTenantSettings } from '../src/tenants/tenant-settings.ts';

const interviews = 100_000;
const messagesPerInterview = 20;
const tenantId = '00000000-0000-4000-8000-00000000b001';
const url = new URL(
  process.env.EXITBOT_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/exitbot_bench',
);
const reseed = process.argv.includes('--reseed');

function report(name: string, value: number, unit: string, target?: string, ok?: boolean): void {
  const rounded = value >= 1 ? Math.round(value * 100) / 100 : Number(value.toPrecision(2));
  console.log(
    `@bench ${JSON.stringify({ group: 'insights', name, value: rounded, unit, ...(target ? { target, ok } : {}) })}`,
  );
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function ensureDatabase(): Promise<boolean> {
  const adminUrl = new URL(url);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  try {
    await admin.connect();
  } catch (error) {
    console.log(`skipped: Postgres is not reachable at ${adminUrl.host} (${(error as Error).message})`);
    return false;
  }
  const name = url.pathname.slice(1);
  const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`create database ${pg.escapeIdentifier(name)}`);
  await admin.end();
  return true;
}

/** Seeds the tenant in one transaction of set-based statements (the connecting user bypasses RLS). */
async function seed(client: pg.Client): Promise<number> {
  const started = performance.now();
  await client.query('begin');
  await client.query('set local synchronous_commit = off');
  await client.query('delete from tenants where id = $1', [tenantId]);
  await client.query(
    `insert into tenants (id, name, settings) values ($1, 'Bench Corp', '{"minGroupSize": 5}')`,
    [tenantId],
  );
  // Deterministic attributes from the row number: skewed departments, 36 months, a mix of modes.
  await client.query(
    `insert into interviews (tenant_id, id, status, mode, locale, employee_name, department, location, level,
       tenure_months, termination_type, report_status, expires_at, created_at, started_at, ended_at, updated_at,
       state_version, last_seq)
     select $1, md5('bench-' || g)::uuid, 'completed', m.mode, 'en',
       case when m.mode = 'identified' then 'Employee ' || g end,
       case when m.mode = 'anonymous' then null else (array['Engineering','Engineering','Engineering','Sales','Sales',
         'Customer Support','Customer Support','Marketing','Finance','Operations','Product','Design','People','Legal'])[1 + (g::bigint * 7919 % 14)::int] end,
       case when m.mode = 'anonymous' then null else (array['Berlin','Berlin','Madrid','Paris','Remote','London'])[1 + (g::bigint * 104729 % 6)::int] end,
       case when m.mode = 'anonymous' then null else (array['Junior','Mid','Mid','Senior','Lead'])[1 + (g * 31) % 5] end,
       case when m.mode = 'anonymous' then null else (g * 13) % 140 end,
       case when m.mode = 'anonymous' then null when g % 11 = 0 then 'involuntary' else 'voluntary' end,
       'ready', e.ended + interval '30 days', e.ended - interval '7 days', e.ended - interval '1 hour', e.ended, e.ended, 1,
       ${messagesPerInterview}
     from generate_series(1, ${interviews}) as g
     cross join lateral (select case when g % 9 = 0 then 'anonymous' when g % 6 = 0 then 'identified' else 'confidential' end as mode) as m
     cross join lateral (select timestamptz '2023-01-01 12:00Z' + ((g * 7) % 1095) * interval '1 day' as ended) as e`,
    [tenantId],
  );
  await client.query(
    `insert into messages (tenant_id, interview_id, seq, role, kind, topic_id, text, reply_to, sentiment_score, sentiment_label, created_at)
     select i.tenant_id, i.id, s,
       case when s % 2 = 1 then 'interviewer' else 'employee' end,
       case when s = 1 then 'opening' when s % 2 = 1 then 'probe' else 'answer' end,
       (array['reason-for-leaving','role-and-workload','manager-and-leadership','growth-and-career','pay-and-benefits',
         'culture-and-team','tools-and-processes','what-would-have-made-you-stay','return-or-recommend','anything-else'])[1 + (s - 1) / 2],
       case when s % 2 = 1 then 'Could you tell me more about that, and what it meant for your day-to-day work?'
         else 'Honestly it was mostly the lack of a clear path forward; I asked twice for a development plan and nothing happened.' end,
       case when s % 2 = 1 then s - 1 end,
       case when s % 2 = 0 then -0.4 end,
       case when s % 2 = 0 then 'negative' end,
       i.ended_at - (20 - s) * interval '1 minute'
     from interviews i cross join generate_series(1, ${messagesPerInterview}) as s
     where i.tenant_id = $1`,
    [tenantId],
  );
  const reasons = `array['career-growth','career-growth','compensation','compensation','manager','workload-burnout',
    'better-offer','culture','relocation','remote-commute-policy','personal-family','recognition','job-security','benefits','other']`;
  await client.query(
    `insert into reports (tenant_id, interview_id, source, report)
     select i.tenant_id, i.id, 'offline', jsonb_build_object(
       'interviewId', i.id, 'locale', 'en', 'source', 'offline', 'degraded', false, 'model', null,
       'generatedAt', i.ended_at,
       'summary', 'The employee left mainly for career reasons and would consider returning.',
       'reasons', jsonb_build_object(
         'primary', jsonb_build_object('reason', (${reasons})[1 + (n * 17 % 15)::int], 'confidence', 0.7,
           'evidence', jsonb_build_array('I asked twice for a development plan and nothing happened, number ' || n % 500 || '.')),
         'secondary', jsonb_build_array(jsonb_build_object('reason', (${reasons})[1 + (n * 29 % 15)::int], 'confidence', 0.4, 'evidence', '[]'::jsonb))),
       'topicSentiment', jsonb_build_array(
         jsonb_build_object('topicId', 'manager-and-leadership', 'score', 0.3, 'label', (array['negative','neutral','positive'])[1 + (n % 3)::int]),
         jsonb_build_object('topicId', 'growth-and-career', 'score', -0.5, 'label', (array['negative','negative','neutral','positive'])[1 + (n % 4)::int]),
         jsonb_build_object('topicId', 'pay-and-benefits', 'score', 0, 'label', (array['neutral','negative','positive'])[1 + (n % 3)::int])),
       'keyQuotes', '[]'::jsonb,
       'regrettableLoss', jsonb_build_object('likely', n % 3 = 0, 'signals', '[]'::jsonb),
       'wouldReturn', (array['yes','no','maybe','unknown'])[1 + (n % 4)::int],
       'wouldRecommend', (array['yes','yes','no','maybe','unknown'])[1 + (n % 5)::int],
       'suggestedActions', '[]'::jsonb)
     from (select tenant_id, id, ended_at, row_number() over (order by id) as n from interviews where tenant_id = $1) as i`,
    [tenantId],
  );
  // Signals without the per-statement facts trigger, then one set-based rebuild of facts and rollups.
  await client.query(`set local session_replication_role = replica`);
  await client.query(
    `insert into report_signals (tenant_id, interview_id, primary_reason, regrettable, themes, would_recommend,
       would_return, topic_ids, topic_labels, source)
     select r.tenant_id, r.interview_id, r.report #>> '{reasons,primary,reason}', (r.report #>> '{regrettableLoss,likely}')::boolean,
       array(select distinct x from unnest(array[r.report #>> '{reasons,primary,reason}', r.report #>> '{reasons,secondary,0,reason}']) as x order by x),
       r.report ->> 'wouldRecommend', r.report ->> 'wouldReturn',
       array(select t ->> 'topicId' from jsonb_array_elements(r.report -> 'topicSentiment') as t),
       array(select t ->> 'label' from jsonb_array_elements(r.report -> 'topicSentiment') as t),
       'offline'
     from reports r where r.tenant_id = $1`,
    [tenantId],
  );
  await client.query(`set local session_replication_role = origin`);
  await client.query(`select insight_refresh_facts($1, null)`, [tenantId]);
  await client.query('commit');
  for (const table of [
    'interviews',
    'messages',
    'reports',
    'report_signals',
    'insight_facts',
    'insight_rollups',
  ]) {
    await client.query(`vacuum analyze ${table}`);
  }
  return performance.now() - started;
}

if (await ensureDatabase()) {
  const handle = await openDatabase({ databaseUrl: url.toString(), poolSize: 4 });
  await migrateToLatest(handle.db);
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  const facts = await client.query('select count(*)::int as n from insight_facts where tenant_id = $1', [
    tenantId,
  ]);
  const messages = await client.query(
    `select count(*)::int as n from messages where tenant_id = $1 and interview_id = md5('bench-1')::uuid`,
    [tenantId],
  );
  if (reseed || facts.rows[0].n !== interviews || messages.rows[0].n !== messagesPerInterview) {
    console.log(
      `seeding ${interviews.toLocaleString('en-US')} interviews and ${(interviews * messagesPerInterview).toLocaleString('en-US')} messages…`,
    );
    const ms = await seed(client);
    report(
      `seed ${interviews / 1000}k interviews + ${(interviews * messagesPerInterview) / 1e6}M messages (set-based SQL)`,
      ms / 1000,
      's',
      '< 5 min',
      ms < 300_000,
    );
  } else {
    console.log('reusing the seeded tenant (run with --reseed to seed again)');
  }
  const counts = await client.query(
    `select (select count(*) from messages where tenant_id = $1)::int as messages, (select count(*) from insight_facts where tenant_id = $1)::int as facts`,
    [tenantId],
  );
  console.log(
    `tenant has ${counts.rows[0].facts.toLocaleString('en-US')} completed interviews and ${counts.rows[0].messages.toLocaleString('en-US')} messages`,
  );
  const tenantRow = await client.query('select id, name, settings, created_at from tenants where id = $1', [
    tenantId,
  ]);
  await client.end();

  const tenant = {
    id: tenantId,
    name: tenantRow.rows[0].name as string,
    settings: readTenantSettings(tenantRow.rows[0].settings),
    createdAt: new Date(tenantRow.rows[0].created_at).toISOString(),
  };
  const service = createInsightsService({ database: handle });
  const overview = { period: 'all', filters: {} };

  // Uncached: the cache is dropped before every call (the version check still runs, as in production).
  const uncached: number[] = [];
  for (let run = 0; run < 25; run += 1) {
    service.invalidate(tenantId);
    const started = performance.now();
    const result = await service.insights(tenant, overview);
    uncached.push(performance.now() - started);
    if (run === 0 && result.view.state !== 'shown')
      throw new Error(`overview not shown: ${JSON.stringify(result.view)}`);
  }
  const uncachedP95 = percentile(uncached.slice(3), 95);
  report(
    'overview aggregate p95, uncached (100k interviews)',
    uncachedP95,
    'ms',
    '< 150 ms',
    uncachedP95 < 150,
  );

  const cached: number[] = [];
  for (let run = 0; run < 200; run += 1) {
    const started = performance.now();
    await service.insights(tenant, overview);
    cached.push(performance.now() - started);
  }
  const cachedP95 = percentile(cached.slice(10), 95);
  report(
    'overview aggregate p95, cached (version re-read at most once a second)',
    cachedP95,
    'ms',
    '< 2 ms',
    cachedP95 < 2,
  );
  const versionRead: number[] = [];
  for (let run = 0; run < 50; run += 1) {
    const started = performance.now();
    await withTenant(handle, tenantId, (db) => readInsightsVersion(db, tenantId));
    versionRead.push(performance.now() - started);
  }
  report('version check (one transaction, RLS), p95', percentile(versionRead.slice(5), 95), 'ms');

  const filtered: number[] = [];
  for (let run = 0; run < 12; run += 1) {
    service.invalidate(tenantId);
    const started = performance.now();
    await service.insights(tenant, { period: '2024', filters: { department: 'Sales' } });
    filtered.push(performance.now() - started);
  }
  report('filtered view (department, one year) p95, uncached', percentile(filtered.slice(2), 95), 'ms');

  const deep: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    service.invalidate(tenantId);
    const started = performance.now();
    await service.insights(tenant, {
      period: '2024-03',
      filters: { department: 'Sales', location: 'Berlin', level: 'Mid' },
    });
    deep.push(performance.now() - started);
  }
  report('deepest view (3 filters, one month) p95, uncached', percentile(deep.slice(1), 95), 'ms');
  await handle.close();

  const size = await buildInsights();
  report('insights.js (dashboard: Lit + Chart.js + 4 locales), gzip', size.gzip / 1024, 'KB');
}
