// Postgres connections cut under the real server (the CLI in a child process): every backend of the
// server is terminated with pg_terminate_backend while an answer's reply is being generated, and while
// a report job is waiting for the model. The server stays up, every answer is stored once with one reply,
// and the report is stored once. (A full cluster restart is in tests/soak, which runs alone.)
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStoredMessages, fetchTranscripts, replyCounts, type SentMessage } from './support/checks.ts';
import {
  createInterview,
  newMessageId,
  type PostResult,
  postMessage,
  waitForReport,
} from './support/client.ts';
import { type FakeOpenAI, startFakeOpenAI } from './support/fake-openai.ts';
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
} from './support/harness.ts';
import { terminateServerBackends } from './support/postgres.ts';
import { runScenario } from './support/reliability.ts';

describe.skipIf(!baseDatabaseUrl)('Postgres connections cut under the real server', () => {
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
    database = await createScratchDatabase('pgfaults');
    const admin = await openAdminServices(database.url);
    tenant = await createTenant(admin.services, 'Alpha');
    await admin.close();
    server = await startChildServer(
      suiteEnvironment({
        databaseUrl: database.url,
        fakeBaseURL: fake.baseURL,
        env: { EXITBOT_DB_POOL_SIZE: '4' },
      }),
    );
  });

  afterAll(async () => {
    // A crashed server explains itself here: what it printed that is not an info log (a crash's stack trace
    // is plain text, and the exit may not have been seen yet when the failed test ends).
    const output = server?.output.text() ?? '';
    if (server && (server.process.exitCode !== null || /^Node\.js v/m.test(output))) {
      console.log(
        output
          .split('\n')
          .filter((line) => !line.startsWith('{"time"') || /"level":"(warn|error)"/.test(line))
          .slice(-40)
          .join('\n'),
      );
    }
    await server?.kill('SIGTERM');
    await fake?.close();
    await database?.drop();
  });

  it('should store an answer and its reply exactly once when the connections die while the reply is generated', async () => {
    await runScenario(
      {
        id: 'postgres-terminate-during-answer',
        group: 'database faults',
        scenario: 'Connections killed during an answer',
        tried:
          'pg_terminate_backend on every backend of the server while the model is producing the reply to a stored answer (3 times, on 3 turns); the client re-sends the same clientMessageId when told the reply was not stored',
      },
      async (recorder) => {
        const { id, token } = await createInterview(server.url, tenant.apiKey);
        const sent: SentMessage[] = [];
        const results: PostResult[] = [];
        expect(
          (await postMessage(server.url, token, { clientMessageId: newMessageId(), type: 'start' })).status,
        ).toBe(200);
        let terminated = 0;
        let resends = 0;
        holdStreams = 1_200;
        for (const text of ['The pay was low.', 'My manager was absent.', 'No growth at all.']) {
          const message = { clientMessageId: newMessageId(), type: 'answer', text };
          const callsBefore = fake.count();
          const pending = postMessage(server.url, token, message);
          await fake.waitForCalls(callsBefore + 1);
          terminated += await terminateServerBackends(database);
          let result = await pending;
          results.push(result);
          // A reply that could not be stored says so; the client sends the same message again (the widget does).
          for (
            let attempt = 0;
            attempt < 5 && !result.events.some((event) => event.type === 'reply-stored');
            attempt += 1
          ) {
            resends += 1;
            await new Promise((resolve) => setTimeout(resolve, 300));
            result = await postMessage(server.url, token, message);
            results.push(result);
          }
          expect(result.events.at(-1)?.type).toBe('reply-stored');
          sent.push({ interviewId: id, ...message });
        }
        holdStreams = 0;
        expect(server.process.exitCode).toBeNull();
        expect(terminated).toBeGreaterThanOrEqual(3);
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
        recorder.figures.faults = 3;
        recorder.figures.backendsTerminated = terminated;
        recorder.figures.resends = resends;
        recorder.figures.answersLost = stored.lost.length;
        recorder.figures.answersDuplicated = stored.duplicated.length;
        recorder.outcome = `${terminated} backends killed across 3 turns; server stayed up; ${resends} re-sends; 3 answers stored once, each with one reply`;
      },
    );
  });

  it('should store the report exactly once when the connections die during the report job', async () => {
    await runScenario(
      {
        id: 'postgres-terminate-during-report',
        group: 'database faults',
        scenario: 'Connections killed during a report job',
        tried: 'pg_terminate_backend on every backend of the server while the report job waits for the model',
      },
      async (recorder) => {
        const { id, token } = await createInterview(server.url, tenant.apiKey);
        expect(
          (await postMessage(server.url, token, { clientMessageId: newMessageId(), type: 'start' })).status,
        ).toBe(200);
        holdObjects = 1_500;
        const objectCalls = fake.count('object');
        const finish = await postMessage(server.url, token, {
          clientMessageId: newMessageId(),
          type: 'finish',
        });
        expect(finish.events.some((event) => event.type === 'interview-end')).toBe(true);
        const deadline = performance.now() + 10_000;
        while (fake.count('object') === objectCalls && performance.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 20));
        expect(fake.count('object')).toBeGreaterThan(objectCalls);
        const terminated = await terminateServerBackends(database);
        holdObjects = 0;
        const report = await waitForReport(server.url, tenant.apiKey, id, 30_000);
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
        recorder.figures.backendsTerminated = terminated;
        recorder.figures.reports = 1;
        recorder.outcome = `${terminated} backends killed while the job waited for the model; report stored once (source llm), job done once, interview completed; server stayed up`;
      },
    );
  });
});
