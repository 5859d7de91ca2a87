// A full Postgres cluster restart (pg_ctlcluster restart, fast: every connection cut, the database gone
// for a moment) under the real server, during an answer and during a report job. In tests/soak because
// it disturbs every other user of the cluster; Postgres is always brought back, even on failure.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkStoredMessages,
  fetchTranscripts,
  replyCounts,
  type SentMessage,
} from '../faults/support/checks.ts';
import {
  createInterview,
  newMessageId,
  type PostResult,
  postMessage,
  waitForReport,
} from '../faults/support/client.ts';
import { type FakeOpenAI, startFakeOpenAI } from '../faults/support/fake-openai.ts';
import {
  baseDatabaseUrl,
  type ChildServer,
  createScratchDatabase,
  createTenant,
  openAdminServices,
  type ScratchDatabase,
  type SuiteTenant,
  startChildServer,
  suiteEnvironment,
} from '../faults/support/harness.ts';
import { canRestartPostgres, ensurePostgresUp, restartPostgres } from '../faults/support/postgres.ts';
import { runScenario } from '../faults/support/reliability.ts';

const leaseMs = 5_000;
const restartable = Boolean(baseDatabaseUrl) && (await canRestartPostgres());

describe.skipIf(!restartable)('soak: Postgres restarted under the real server', () => {
  let database: ScratchDatabase;
  let fake: FakeOpenAI;
  let server: ChildServer;
  let tenant: SuiteTenant;
  let holdStreams = 0;
  let holdObjects = 0;

  beforeAll(async () => {
    fake = await startFakeOpenAI({
      behavior: (call) => {
        const ms = call.stream ? holdStreams : holdObjects;
        return ms > 0 ? { type: 'hang', ms } : { type: 'reply' };
      },
    });
    database = await createScratchDatabase('pgrestart');
    const admin = await openAdminServices(database.url);
    tenant = await createTenant(admin.services, 'Alpha');
    await admin.close();
    server = await startChildServer(
      suiteEnvironment({
        databaseUrl: database.url,
        fakeBaseURL: fake.baseURL,
        env: { EXITBOT_TURN_LEASE_MS: String(leaseMs), EXITBOT_JOB_LEASE_MS: String(leaseMs) },
      }),
    );
  });

  afterAll(async () => {
    await ensurePostgresUp();
    await server?.kill('SIGTERM');
    await fake?.close();
    await database?.drop();
  });

  it('should keep every answer once with one reply when Postgres restarts while a reply is generated', async () => {
    await runScenario(
      {
        id: 'postgres-restart-during-answer',
        group: 'database faults',
        scenario: 'Postgres restarted during an answer',
        tried:
          'pg_ctlcluster restart (fast) while the model produces the reply to a stored answer, so the reply is ready while the database is down; the client re-sends the same clientMessageId until it has its reply',
        notes: `Turn lease ${leaseMs / 1000} s (production 30 s): a reply that could not be stored holds the interview until the lease runs out.`,
      },
      async (recorder) => {
        const { id, token } = await createInterview(server.url, tenant.apiKey);
        expect(
          (await postMessage(server.url, token, { clientMessageId: newMessageId(), type: 'start' })).status,
        ).toBe(200);
        const message = {
          clientMessageId: newMessageId(),
          type: 'answer',
          text: 'I left because of the pay.',
        };
        holdStreams = 800;
        const callsBefore = fake.count();
        const pending = postMessage(server.url, token, message).catch(() => undefined);
        await fake.waitForCalls(callsBefore + 1);
        const downtimeMs = await restartPostgres();
        holdStreams = 0;
        const results: (PostResult | undefined)[] = [await pending];
        const restartedAt = performance.now();
        let attempts = 0;
        while (!results.at(-1)?.events.some((event) => event.type === 'reply-stored') && attempts < 60) {
          attempts += 1;
          await new Promise((resolve) => setTimeout(resolve, 500));
          results.push(await postMessage(server.url, token, message).catch(() => undefined));
        }
        const recoveredMs = performance.now() - restartedAt;
        expect(results.at(-1)?.events.at(-1)?.type).toBe('reply-stored');
        expect(server.process.exitCode).toBeNull();
        const sent: SentMessage[] = [{ interviewId: id, ...message }];
        const stored = await checkStoredMessages(
          database.handle,
          [id],
          sent,
          await fetchTranscripts(server.url, tenant.apiKey, [id]),
        );
        expect(stored).toMatchObject({
          lost: [],
          duplicated: [],
          altered: [],
          unanswered: 0,
          answeredTwice: 0,
          phantoms: 0,
        });
        expect([...(await replyCounts(database.handle, id)).values()].every((count) => count === 1)).toBe(
          true,
        );
        recorder.figures.requests = results.length + 1;
        recorder.figures.faults = 1;
        recorder.figures.postgresDowntimeMs = downtimeMs;
        recorder.figures.resends = attempts;
        recorder.figures.recoveryMs = Math.round(recoveredMs);
        recorder.figures.answersLost = stored.lost.length;
        recorder.figures.answersDuplicated = stored.duplicated.length;
        recorder.outcome = `cluster restart took ${(downtimeMs / 1000).toFixed(1)} s; server stayed up; the re-sent answer got its reply ${(recoveredMs / 1000).toFixed(1)} s after Postgres was back (${attempts} re-sends); answer once, reply once`;
      },
    );
  });

  it('should store the report once when Postgres restarts during the report job', async () => {
    await runScenario(
      {
        id: 'postgres-restart-during-report',
        group: 'database faults',
        scenario: 'Postgres restarted during a report job',
        tried:
          'pg_ctlcluster restart (fast) while the report job waits for the model, so the report is ready while the database is down',
        notes: `Job lease ${leaseMs / 1000} s (production 5 min): a job whose result could not be stored is retried after it.`,
      },
      async (recorder) => {
        const { id, token } = await createInterview(server.url, tenant.apiKey);
        expect(
          (await postMessage(server.url, token, { clientMessageId: newMessageId(), type: 'start' })).status,
        ).toBe(200);
        holdObjects = 800;
        const objects = fake.count('object');
        const finish = await postMessage(server.url, token, {
          clientMessageId: newMessageId(),
          type: 'finish',
        });
        expect(finish.events.some((event) => event.type === 'interview-end')).toBe(true);
        const deadline = performance.now() + 10_000;
        while (fake.count('object') === objects && performance.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 20));
        expect(fake.count('object')).toBeGreaterThan(objects);
        const downtimeMs = await restartPostgres();
        holdObjects = 0;
        const restartedAt = performance.now();
        const report = await waitForReport(server.url, tenant.apiKey, id, 60_000);
        const recoveredMs = performance.now() - restartedAt;
        expect(report.source).toBe('llm');
        expect(server.process.exitCode).toBeNull();
        const rows = await sql<{ reports: number; status: string; jobs: number; done: number }>`
          select (select count(*)::int from reports where interview_id = ${id}) as reports,
                 (select status from interviews where id = ${id}) as status,
                 (select count(*)::int from outbox where key = ${id}) as jobs,
                 (select count(*)::int from outbox where key = ${id} and done_at is not null) as done`.execute(
          database.handle.db,
        );
        expect(rows.rows[0]).toEqual({ reports: 1, status: 'completed', jobs: 1, done: 1 });
        recorder.figures.requests = 2;
        recorder.figures.faults = 1;
        recorder.figures.postgresDowntimeMs = downtimeMs;
        recorder.figures.recoveryMs = Math.round(recoveredMs);
        recorder.figures.reports = 1;
        recorder.outcome = `cluster restart took ${(downtimeMs / 1000).toFixed(1)} s; server stayed up; report stored once ${(recoveredMs / 1000).toFixed(1)} s after Postgres was back; job done once`;
      },
    );
  });
});
