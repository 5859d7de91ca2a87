// A misbehaving model provider against the real server on real Postgres. The fake OpenAI API hangs,
// rate-limits, fails with 503 for a window, or refuses the context length; the server's own model
// settings (EXITBOT_MODEL_* environment variables) are set short so that each scenario takes seconds.
// In each: calls are bounded and counted, the breaker opens where it should, questions degrade to the
// scripted text, every answer is stored once with one reply, and the interview completes with a report.
import { getCircuitBreakerStates } from '@exitbot/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStoredMessages, fetchTranscripts } from './support/checks.ts';
import { createInterview, newMessageId, postMessage, waitForReport } from './support/client.ts';
import { type FakeBehavior, type FakeCall, type FakeOpenAI, startFakeOpenAI } from './support/fake-openai.ts';
import {
  baseDatabaseUrl,
  createScratchDatabase,
  type InProcessServer,
  type ScratchDatabase,
  type SuiteTenant,
  startInProcessServer,
} from './support/harness.ts';
import { type InterviewRun, runInterviewRecorded as runOne } from './support/interview-run.ts';
import { runScenario } from './support/reliability.ts';

/** Compressed model settings (production defaults in brackets). */
const modelEnv = {
  EXITBOT_MODEL_TIMEOUT_MS: '300', // [20 000] first and next chunk of a streamed question
  EXITBOT_MODEL_REPORT_TIMEOUT_MS: '600', // [60 000] one report attempt
  EXITBOT_MODEL_MAX_ATTEMPTS: '3', // [3]
  EXITBOT_MODEL_BREAKER_THRESHOLD: '3', // [5] failed calls in a row
  EXITBOT_MODEL_BREAKER_RESET_MS: '1500', // [30 000] open breaker waits this long before a trial call
};

describe.skipIf(!baseDatabaseUrl)('model faults against the real server', () => {
  let database: ScratchDatabase;

  beforeAll(async () => {
    database = await createScratchDatabase('modelfaults');
  });

  afterAll(async () => {
    await database?.drop();
  });

  /** A fresh fake (its own breaker key) and a server using it with the compressed settings. */
  async function setup(
    behavior: (call: FakeCall) => FakeBehavior,
  ): Promise<{ fake: FakeOpenAI; server: InProcessServer; tenant: SuiteTenant; close(): Promise<void> }> {
    const fake = await startFakeOpenAI({ behavior });
    const server = await startInProcessServer({ database, fakeBaseURL: fake.baseURL, env: modelEnv });
    const tenant = await server.createTenant(`Tenant ${Math.random().toString(36).slice(2, 8)}`);
    return {
      fake,
      server,
      tenant,
      async close() {
        await server.close();
        await fake.close();
      },
    };
  }

  const breakerOf = (fake: FakeOpenAI) =>
    getCircuitBreakerStates().find((state) => state.key.endsWith(fake.baseURL));

  it('should bound the calls, open the breaker and finish the interview when the model hangs for 60 s', async () => {
    const { fake, server, tenant, close } = await setup(() => ({ type: 'hang', ms: 60_000 }));
    try {
      await runScenario(
        {
          id: 'model-hang-60s',
          group: 'model faults',
          scenario: 'Model hangs 60 s',
          tried:
            'every request to the fake model hangs 60 s without a byte; a full interview (start, answers, finish) and its report',
          notes:
            'The fake really hangs 60 s; the server gives up on its compressed per-chunk timeout of 300 ms (production 20 s) with 3 attempts and a breaker of 3 failed calls / 1.5 s (production 5 / 30 s).',
        },
        async (recorder) => {
          const started = performance.now();
          const run = await runOne(server, tenant);
          const report = await waitForReport(server.url, tenant.apiKey, run.interviewId);
          const durationMs = performance.now() - started;
          const breaker = breakerOf(fake);
          // Still hanging at the end: the breaker is open (or letting its one trial call through).
          expect(['open', 'half-open']).toContain(breaker?.state);
          // 3 calls x 3 attempts open the breaker; after that one trial call (of up to 3 attempts) per 1.5 s reset.
          const bound = 3 * 3 + 3 * (Math.ceil(durationMs / 1500) + 1);
          expect(fake.count()).toBeLessThanOrEqual(bound);
          expect(fake.count()).toBeGreaterThanOrEqual(9);
          // Without a breaker every question would cost 3 requests: the open breaker answered some with none.
          expect(run.questionEnds.length).toBeGreaterThan(fake.count('stream') / 3);
          expect(fake.calls.every((call) => call.clientAborted)).toBe(true);
          expect(run.questionEnds.every((end) => end.degraded)).toBe(true);
          expect(report.source).toBe('offline');
          expect(report.report.degraded).toBe(true);
          const stored = await checkStoredMessages(
            server.database,
            [run.interviewId],
            run.sent,
            await fetchTranscripts(server.url, tenant.apiKey, [run.interviewId]),
          );
          expect(stored).toMatchObject({
            lost: [],
            duplicated: [],
            altered: [],
            unanswered: 0,
            answeredTwice: 0,
            phantoms: 0,
          });
          expect(durationMs).toBeLessThan(30_000);
          recorder.figures.requests = run.results.length;
          recorder.figures.modelCalls = fake.count();
          recorder.figures.modelCallBound = bound;
          recorder.figures.degradedQuestions = run.questionEnds.length;
          recorder.figures.answersLost = 0;
          recorder.figures.durationMs = Math.round(durationMs);
          recorder.outcome = `interview completed in ${(durationMs / 1000).toFixed(1)} s with ${run.questionEnds.length} degraded (scripted) questions; ${fake.count()} model requests (bound ${bound}), all cut off by the client; breaker opened; offline report stored`;
        },
      );
    } finally {
      await close();
    }
  });

  it('should wait for a short Retry-After, not for a long one, and not open the breaker on 429', async () => {
    let phase: 'short' | 'long' = 'short';
    const { fake, server, tenant, close } = await setup((call) => {
      if (phase === 'short' && call.index < 2)
        return { type: 'status', status: 429, headers: { 'retry-after': '1' }, code: 'rate_limit_exceeded' };
      if (phase === 'long')
        return {
          type: 'status',
          status: 429,
          headers: { 'retry-after': '120' },
          code: 'rate_limit_exceeded',
        };
      return { type: 'reply' };
    });
    try {
      await runScenario(
        {
          id: 'model-429-retry-after',
          group: 'model faults',
          scenario: '429 with Retry-After',
          tried:
            'two 429s with Retry-After: 1 on the opening question, then success; later every call 429 with Retry-After: 120 for a whole interview',
          notes:
            "Retry-After beyond the longest honoured delay (30 s) is not waited for: the question degrades at once. 429s never open the breaker (one account's quota must not cut off other tenants).",
        },
        async (recorder) => {
          const { token, id } = await createInterview(server.url, tenant.apiKey);
          const first = await postMessage(server.url, token, {
            clientMessageId: newMessageId(),
            type: 'start',
          });
          expect(first.status).toBe(200);
          expect(fake.count()).toBe(3);
          const gap1 = (fake.calls[1]?.at ?? 0) - (fake.calls[0]?.at ?? 0);
          const gap2 = (fake.calls[2]?.at ?? 0) - (fake.calls[1]?.at ?? 0);
          expect(gap1).toBeGreaterThanOrEqual(950);
          expect(gap2).toBeGreaterThanOrEqual(950);
          const opening = first.events.find((event) => event.type === 'question-end');
          expect(opening?.degraded).toBe(false);

          phase = 'long';
          const callsBefore = fake.count();
          const started = performance.now();
          const run = await runOne(server, tenant);
          const durationMs = performance.now() - started;
          const calls = fake.count() - callsBefore;
          // One request per model call: no retry, no wait of 120 s.
          const modelCalls =
            run.questionEnds.length + fake.calls.slice(callsBefore).filter((call) => !call.stream).length;
          expect(calls).toBe(modelCalls);
          expect(run.questionEnds.every((end) => end.degraded)).toBe(true);
          expect(durationMs).toBeLessThan(15_000);
          expect(breakerOf(fake)?.state).toBe('closed');
          await waitForReport(server.url, tenant.apiKey, run.interviewId);
          const stored = await checkStoredMessages(server.database, [run.interviewId, id], run.sent);
          expect(stored).toMatchObject({ lost: [], duplicated: [], unanswered: 0, answeredTwice: 0 });
          recorder.figures.requests = run.results.length + 1;
          recorder.figures.modelCalls = fake.count();
          recorder.figures.retryAfterGapMs = Math.round(Math.min(gap1, gap2));
          recorder.figures.degradedQuestions = run.questionEnds.length;
          recorder.figures.answersLost = 0;
          recorder.outcome = `Retry-After 1 s: retried after ${(Math.min(gap1, gap2) / 1000).toFixed(2)} s and ${(Math.max(gap1, gap2) / 1000).toFixed(2)} s, third call answered (not degraded); Retry-After 120 s: ${calls} requests for ${modelCalls} model calls (no retries), ${run.questionEnds.length} degraded questions, interview done in ${(durationMs / 1000).toFixed(1)} s, breaker closed`;
        },
      );
    } finally {
      await close();
    }
  });

  it('should open the breaker during a 503 window, probe it, and recover when the provider is back', async () => {
    const windowMs = 4_000;
    let windowStart = 0;
    const { fake, server, tenant, close } = await setup(() =>
      performance.now() - windowStart < windowMs
        ? { type: 'status', status: 503, code: 'overloaded' }
        : { type: 'reply' },
    );
    try {
      await runScenario(
        {
          id: 'model-503-window',
          group: 'model faults',
          scenario: '503 for two minutes (compressed)',
          tried:
            'the fake answers 503 to everything for a window, then recovers; interviews keep answering through and after it',
          notes: `Compressed: the 503 window is ${windowMs / 1000} s instead of 120 s and the breaker reset 1.5 s instead of 30 s (the same ratio of trial calls per window, about 3-4).`,
        },
        async (recorder) => {
          windowStart = performance.now();
          const runs: InterviewRun[] = [];
          while (performance.now() - windowStart < windowMs + 4_000) {
            runs.push(await runOne(server, tenant, { pauseMs: 150, maxAnswers: 6 }));
          }
          const windowEnd = windowStart + windowMs;
          const inWindow = fake.calls.filter((call) => call.at < windowEnd).length;
          const ends = runs.flatMap((run) => run.questionEnds);
          const duringWindow = ends.filter((end) => end.at < windowEnd);
          const afterRecovery = ends.filter((end) => end.at > windowEnd + 1_600);
          // Calls during the window: 3 failed calls x 3 attempts, then one trial call (up to 3 attempts) per reset period.
          const bound = 3 * 3 + 3 * (Math.ceil(windowMs / 1500) + 1);
          expect(inWindow).toBeLessThanOrEqual(bound);
          expect(duringWindow.length).toBeGreaterThan(inWindow / 3);
          expect(duringWindow.every((end) => end.degraded)).toBe(true);
          expect(afterRecovery.length).toBeGreaterThan(0);
          expect(afterRecovery.every((end) => !end.degraded)).toBe(true);
          expect(breakerOf(fake)?.state).toBe('closed');
          for (const run of runs) await waitForReport(server.url, tenant.apiKey, run.interviewId);
          const ids = runs.map((run) => run.interviewId);
          const stored = await checkStoredMessages(
            server.database,
            ids,
            runs.flatMap((run) => run.sent),
            await fetchTranscripts(server.url, tenant.apiKey, ids),
          );
          expect(stored).toMatchObject({
            lost: [],
            duplicated: [],
            altered: [],
            unanswered: 0,
            answeredTwice: 0,
            phantoms: 0,
          });
          recorder.figures.requests = runs.reduce((sum, run) => sum + run.results.length, 0);
          recorder.figures.modelCallsInWindow = inWindow;
          recorder.figures.modelCallBound = bound;
          recorder.figures.questionsInWindow = duringWindow.length;
          recorder.figures.degradedQuestions = ends.filter((end) => end.degraded).length;
          recorder.figures.questionsAfterRecovery = afterRecovery.length;
          recorder.figures.interviews = runs.length;
          recorder.figures.answersLost = 0;
          recorder.outcome = `${duringWindow.length} questions asked during the window with ${inWindow} model requests (bound ${bound}), all degraded; breaker open then half-open trials; after recovery ${afterRecovery.length} questions from the model, breaker closed; ${runs.length} interviews completed with reports`;
        },
      );
    } finally {
      await close();
    }
  });

  it('should not retry a context-length 400 and still complete the interview', async () => {
    const { fake, server, tenant, close } = await setup(() => ({
      type: 'status',
      status: 400,
      code: 'context_length_exceeded',
      message:
        "This model's maximum context length is 8192 tokens. However, your messages resulted in 9001 tokens.",
    }));
    try {
      await runScenario(
        {
          id: 'model-400-context-length',
          group: 'model faults',
          scenario: '400 context length exceeded',
          tried: 'every request answered 400 context_length_exceeded; a full interview and its report',
          notes:
            'A 400 is not retried and does not open the breaker by design: it says our request was wrong, not that the provider is unhealthy.',
        },
        async (recorder) => {
          const run = await runOne(server, tenant);
          const report = await waitForReport(server.url, tenant.apiKey, run.interviewId);
          const streamCalls = fake.count('stream');
          expect(streamCalls).toBe(run.questionEnds.length);
          expect(fake.count('object')).toBeLessThanOrEqual(2);
          expect(run.questionEnds.every((end) => end.degraded)).toBe(true);
          expect(report.source).toBe('offline');
          expect(breakerOf(fake)?.state).toBe('closed');
          const stored = await checkStoredMessages(
            server.database,
            [run.interviewId],
            run.sent,
            await fetchTranscripts(server.url, tenant.apiKey, [run.interviewId]),
          );
          expect(stored).toMatchObject({
            lost: [],
            duplicated: [],
            altered: [],
            unanswered: 0,
            answeredTwice: 0,
            phantoms: 0,
          });
          recorder.figures.requests = run.results.length;
          recorder.figures.modelCalls = fake.count();
          recorder.figures.degradedQuestions = run.questionEnds.length;
          recorder.figures.answersLost = 0;
          recorder.outcome = `${streamCalls} question requests for ${run.questionEnds.length} questions (exactly one each, no retries) + ${fake.count('object')} report request(s); all questions degraded to the script; offline report; breaker closed`;
        },
      );
    } finally {
      await close();
    }
  });
});
