// The real server (the CLI, a child process) killed with SIGKILL after it stored an answer and before it
// stored the reply (the fake model holds the reply so the kill lands in that window), and while a report
// job waits for the model. After a restart on the same port: every answer is there exactly once, the reply
// and the report appear exactly once, and the widget in real Chromium carries on by itself.

import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchPage } from '../helpers/browser.ts';
import { type Portal, startPortal, widgetMarkup } from '../helpers/portal.ts';
import { ensureWidgetBuilt, freePort } from '../helpers/server.ts';
import { bubbles, waitForTurn } from '../helpers/widget.ts';
import { checkStoredMessages, fetchTranscripts, replyCounts, type SentMessage } from './support/checks.ts';
import {
  createInterview,
  newMessageId,
  postMessage,
  type SuiteEvent,
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
import { runScenario } from './support/reliability.ts';

const leaseMs = 3_000;

describe.skipIf(!baseDatabaseUrl)('the server process killed with SIGKILL', () => {
  let database: ScratchDatabase;
  let fake: FakeOpenAI;
  let server: ChildServer;
  let tenant: SuiteTenant;
  let environment: Record<string, string>;
  let portal: Portal;
  let browser: Browser;
  let holdStreams = false;
  let holdObjects = false;

  /** Kills the server with SIGKILL and starts a new one on the same port. */
  async function killAndRestart(): Promise<void> {
    const outcome = await server.kill('SIGKILL');
    expect(outcome).toBe('SIGKILL');
    holdStreams = false;
    holdObjects = false;
    server = await startChildServer(environment);
  }

  beforeAll(async () => {
    await ensureWidgetBuilt();
    fake = await startFakeOpenAI({
      tokenDelayMs: 5,
      behavior: (call) =>
        (call.stream ? holdStreams : holdObjects) ? { type: 'hang', ms: 120_000 } : { type: 'reply' },
    });
    database = await createScratchDatabase('kill');
    const portalPort = await freePort();
    const serverPort = await freePort();
    const admin = await openAdminServices(database.url);
    tenant = await createTenant(admin.services, 'Alpha', {
      allowedOrigins: [`http://127.0.0.1:${portalPort}`],
    });
    await admin.close();
    environment = suiteEnvironment({
      databaseUrl: database.url,
      fakeBaseURL: fake.baseURL,
      env: {
        PORT: String(serverPort),
        EXITBOT_TURN_LEASE_MS: String(leaseMs),
        EXITBOT_JOB_LEASE_MS: String(leaseMs),
      },
    });
    server = await startChildServer(environment);
    portal = await startPortal({ port: portalPort, exitbotOrigin: server.url });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await portal?.close();
    await server?.kill('SIGTERM');
    await fake?.close();
    await database?.drop();
  });

  it('should store the answer once and the reply once after a kill between the two', async () => {
    await runScenario(
      {
        id: 'kill-between-answer-and-reply',
        group: 'process faults',
        scenario: 'SIGKILL between answer and reply (HTTP client)',
        tried:
          'the model holds the reply; the answer is acknowledged (stored); SIGKILL; restart on the same port; the client re-sends the same clientMessageId, then once more',
        notes: `Turn lease set to ${leaseMs / 1000} s (EXITBOT_TURN_LEASE_MS; production default 30 s): a re-sent answer waits at most that long for the dead process's turn before taking it over.`,
      },
      async (recorder) => {
        const { id, token } = await createInterview(server.url, tenant.apiKey);
        const sent: SentMessage[] = [];
        expect(
          (await postMessage(server.url, token, { clientMessageId: newMessageId(), type: 'start' })).status,
        ).toBe(200);
        const first = {
          clientMessageId: newMessageId(),
          type: 'answer',
          text: 'The pay was low and the hours were long.',
        };
        expect((await postMessage(server.url, token, first)).events.at(-1)?.type).toBe('reply-stored');
        sent.push({ interviewId: id, ...first });

        holdStreams = true;
        const victim = {
          clientMessageId: newMessageId(),
          type: 'answer',
          text: 'My manager never had time for one-to-ones.',
        };
        const callsBefore = fake.count();
        let acknowledged: SuiteEvent | undefined;
        const pending = postMessage(server.url, token, victim, {
          onEvent: (event) => {
            if (event.type === 'answer-accepted') acknowledged = event;
          },
        }).catch((error: Error) => ({
          status: -1,
          events: [] as SuiteEvent[],
          error: { code: error.message, message: '', details: null },
        }));
        await fake.waitForCalls(callsBefore + 1);
        await expect.poll(() => acknowledged).toBeDefined();
        const killedAt = performance.now();
        await killAndRestart();
        const cut = await pending;
        expect(cut.events.some((event) => event.type === 'reply-stored')).toBe(false);

        // Stored, not answered.
        const before = await replyCounts(database.handle, id);
        expect(before.get(Number(acknowledged?.seq))).toBeUndefined();

        const resent = await postMessage(server.url, token, victim);
        const recoveredMs = performance.now() - killedAt;
        expect(resent.status).toBe(200);
        expect(resent.events[0]).toMatchObject({
          type: 'answer-accepted',
          duplicate: true,
          seq: acknowledged?.seq,
        });
        expect(resent.events.at(-1)?.type).toBe('reply-stored');
        const again = await postMessage(server.url, token, victim);
        expect(again.events.find((event) => event.type === 'question-end')).toEqual(
          resent.events.find((event) => event.type === 'question-end'),
        );
        sent.push({ interviewId: id, ...victim });

        const finish = { clientMessageId: newMessageId(), type: 'finish' };
        expect(
          (await postMessage(server.url, token, finish)).events.some(
            (event) => event.type === 'interview-end',
          ),
        ).toBe(true);
        sent.push({ interviewId: id, ...finish });
        await waitForReport(server.url, tenant.apiKey, id);
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
        const replies = await replyCounts(database.handle, id);
        expect([...replies.values()].every((count) => count === 1)).toBe(true);
        const reports = await sql<{
          n: number;
        }>`select count(*)::int as n from reports where interview_id = ${id}`.execute(database.handle.db);
        expect(reports.rows[0]?.n).toBe(1);
        recorder.figures.requests = 7;
        recorder.figures.faults = 1;
        recorder.figures.recoveryMs = Math.round(recoveredMs);
        recorder.figures.answersLost = stored.lost.length;
        recorder.figures.answersDuplicated = stored.duplicated.length;
        recorder.figures.repliesDuplicated = [...replies.values()].filter((count) => count > 1).length;
        recorder.outcome = `answer stored before the kill; after restart the re-sent id got its reply in ${(recoveredMs / 1000).toFixed(1)} s from the kill (duplicate: true, same seq), a second re-send replayed the same question; 0 answers lost or doubled, every reply once, report once`;
      },
    );
  });

  it('should write the report once when the server dies during the report job', async () => {
    await runScenario(
      {
        id: 'kill-during-report-job',
        group: 'process faults',
        scenario: 'SIGKILL during a report job',
        tried: 'the interview ends; the report job is claimed and waits for the model; SIGKILL; restart',
        notes: `Job lease set to ${leaseMs / 1000} s (EXITBOT_JOB_LEASE_MS; production default 5 min): the dead runner's job is retried after it.`,
      },
      async (recorder) => {
        const { id, token } = await createInterview(server.url, tenant.apiKey);
        expect(
          (await postMessage(server.url, token, { clientMessageId: newMessageId(), type: 'start' })).status,
        ).toBe(200);
        expect(
          (
            await postMessage(server.url, token, {
              clientMessageId: newMessageId(),
              type: 'answer',
              text: 'Pay.',
            })
          ).status,
        ).toBe(200);
        holdObjects = true;
        const objects = fake.count('object');
        expect(
          (
            await postMessage(server.url, token, { clientMessageId: newMessageId(), type: 'finish' })
          ).events.some((event) => event.type === 'interview-end'),
        ).toBe(true);
        const deadline = performance.now() + 10_000;
        while (fake.count('object') === objects && performance.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 20));
        expect(fake.count('object')).toBeGreaterThan(objects);
        const killedAt = performance.now();
        await killAndRestart();
        const report = await waitForReport(server.url, tenant.apiKey, id, 30_000);
        const recoveredMs = performance.now() - killedAt;
        expect(report.source).toBe('llm');
        const rows = await sql<{
          reports: number;
          status: string;
          jobs: number;
          attempts: number;
          done: number;
        }>`
          select (select count(*)::int from reports where interview_id = ${id}) as reports,
                 (select status from interviews where id = ${id}) as status,
                 (select count(*)::int from outbox where key = ${id}) as jobs,
                 (select max(attempts)::int from outbox where key = ${id}) as attempts,
                 (select count(*)::int from outbox where key = ${id} and done_at is not null) as done`.execute(
          database.handle.db,
        );
        expect(rows.rows[0]).toEqual({ reports: 1, status: 'completed', jobs: 1, attempts: 2, done: 1 });
        recorder.figures.requests = 3;
        recorder.figures.faults = 1;
        recorder.figures.recoveryMs = Math.round(recoveredMs);
        recorder.figures.reports = 1;
        recorder.outcome = `job claimed, process killed mid-job; after restart the job ran again (attempt 2) and the report was stored once, ${(recoveredMs / 1000).toFixed(1)} s after the kill; interview completed`;
      },
    );
  });

  it('should let the widget resume by itself after the server is killed mid-turn', async () => {
    await runScenario(
      {
        id: 'kill-widget-resumes',
        group: 'process faults',
        scenario: 'SIGKILL mid-turn, widget in Chromium',
        tried:
          '<exit-interview> on a portal page under a strict CSP: answer typed and sent, the server stores it, SIGKILL before the reply, restart on the same port; the employee does nothing',
        notes: `Turn lease ${leaseMs / 1000} s (production 30 s).`,
      },
      async (recorder) => {
        const { id, token } = await createInterview(server.url, tenant.apiKey);
        const url = portal.page(`/kill-${id}`, {
          body: widgetMarkup({ token, api: server.url }),
          scripts: [{ src: `${server.url}/exitbot.js`, module: true }],
        });
        const context = await browser.newContext();
        try {
          const page = await context.newPage();
          const problems = await watchPage(page);
          await page.goto(url);
          const widget = page.locator('exit-interview');
          await widget.getByRole('button', { name: 'Start the interview' }).click();
          await waitForTurn(widget);
          const input = widget.getByRole('textbox', { name: 'Your answer' });
          await input.fill('The workload was heavy all year.');
          await input.press('Enter');
          expect(await waitForTurn(widget)).toBe('ready');

          holdStreams = true;
          const callsBefore = fake.count();
          const victim = 'I was never offered a path to senior, and I asked twice.';
          await input.fill(victim);
          await input.press('Enter');
          await fake.waitForCalls(callsBefore + 1);
          const killedAt = performance.now();
          await killAndRestart();
          expect(await waitForTurn(widget, 30_000)).toBe('ready');
          const resumedMs = performance.now() - killedAt;

          const shown = await bubbles(widget);
          expect(shown.filter((text) => text === `employee: ${victim}`)).toHaveLength(1);
          const victimIndex = shown.indexOf(`employee: ${victim}`);
          expect(shown[victimIndex + 1]).toMatch(/^interviewer: \S/);
          expect(new Set(shown).size).toBe(shown.length);

          // And the interview goes on to the end from the same page.
          await widget.getByRole('button', { name: 'Finish early' }).click();
          const confirm = widget.getByRole('button', { name: /Finish/ }).last();
          await confirm.click();
          await widget.locator('[part="done"]').waitFor({ timeout: 20_000 });
          await waitForReport(server.url, tenant.apiKey, id);

          const transcript = (await fetchTranscripts(server.url, tenant.apiKey, [id])).get(id) ?? [];
          const employee = transcript.filter((entry) => (entry as { role?: string }).role === 'employee');
          expect(employee.filter((entry) => entry.text === victim)).toHaveLength(1);
          expect(new Set(employee.map((entry) => entry.clientMessageId)).size).toBe(employee.length);
          const replies = await replyCounts(database.handle, id);
          expect([...replies.values()].every((count) => count === 1)).toBe(true);
          const reports = await sql<{
            n: number;
          }>`select count(*)::int as n from reports where interview_id = ${id}`.execute(database.handle.db);
          expect(reports.rows[0]?.n).toBe(1);
          expect(problems.pageErrors).toEqual([]);
          recorder.figures.faults = 1;
          recorder.figures.resumeMs = Math.round(resumedMs);
          recorder.figures.answersLost = 0;
          recorder.figures.answersDuplicated = 0;
          recorder.outcome = `the widget showed the reply ${(resumedMs / 1000).toFixed(1)} s after the kill without any action; the answer appears once on screen and in the database, one reply per message, the interview finished from the same page with one report`;
        } finally {
          await context.close();
        }
      },
    );
  });
});
