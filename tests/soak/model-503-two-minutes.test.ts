// The 503 window at full length: the fake model answers 503 for two real minutes while interviews go on,
// with the server's production model settings (no EXITBOT_MODEL_* overrides: 20 s per chunk, 3 attempts,
// breaker after 5 failed calls, 30 s before a trial call).
import { getCircuitBreakerStates } from '@exitbot/sdk';
import { describe, expect, it } from 'vitest';
import { checkStoredMessages, fetchTranscripts } from '../faults/support/checks.ts';
import { waitForReport } from '../faults/support/client.ts';
import { startFakeOpenAI } from '../faults/support/fake-openai.ts';
import { baseDatabaseUrl, createScratchDatabase, startInProcessServer } from '../faults/support/harness.ts';
import { type InterviewRun, runInterviewRecorded } from '../faults/support/interview-run.ts';
import { runScenario } from '../faults/support/reliability.ts';

const windowMs = 120_000;

describe.skipIf(!baseDatabaseUrl)('soak: the model answers 503 for two minutes', () => {
  it('should bound the calls with the production breaker and recover after the window', async () => {
    let windowStart = 0;
    const fake = await startFakeOpenAI({
      tokenDelayMs: 10,
      behavior: () =>
        performance.now() - windowStart < windowMs
          ? { type: 'status', status: 503, code: 'overloaded' }
          : { type: 'reply' },
    });
    const database = await createScratchDatabase('soak503');
    const server = await startInProcessServer({ database, fakeBaseURL: fake.baseURL });
    try {
      const tenant = await server.createTenant('Alpha');
      await runScenario(
        {
          id: 'soak-model-503-120s',
          group: 'soak',
          scenario: '503 for two real minutes',
          tried:
            'the fake answers 503 to everything for 120 s, then recovers; interviews answer every 2 s throughout and for 45 s after; production model settings',
          notes: 'Not compressed: 120 s window, breaker threshold 5, reset 30 s, 3 attempts.',
        },
        async (recorder) => {
          windowStart = performance.now();
          const runs: InterviewRun[] = [];
          while (performance.now() - windowStart < windowMs + 45_000) {
            runs.push(await runInterviewRecorded(server, tenant, { pauseMs: 2_000, maxAnswers: 6 }));
          }
          const windowEnd = windowStart + windowMs;
          const inWindow = fake.calls.filter((call) => call.at < windowEnd).length;
          const ends = runs.flatMap((run) => run.questionEnds);
          const duringWindow = ends.filter((end) => end.at < windowEnd);
          const afterRecovery = ends.filter((end) => end.at > windowEnd + 31_000);
          // 5 failed calls x 3 attempts open the breaker, then one trial call (up to 3 attempts) per 30 s.
          const bound = 5 * 3 + 3 * (Math.ceil(windowMs / 30_000) + 1);
          expect(inWindow).toBeLessThanOrEqual(bound);
          // Without a breaker every question would cost 3 requests: the open breaker answered most with none.
          expect(duringWindow.length).toBeGreaterThan(inWindow / 3);
          expect(duringWindow.every((end) => end.degraded)).toBe(true);
          expect(afterRecovery.length).toBeGreaterThan(0);
          expect(afterRecovery.every((end) => !end.degraded)).toBe(true);
          const breaker = getCircuitBreakerStates().find((state) => state.key.endsWith(fake.baseURL));
          expect(breaker?.state).toBe('closed');
          for (const run of runs) await waitForReport(server.url, tenant.apiKey, run.interviewId, 60_000);
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
          recorder.figures.questionsAfterRecovery = afterRecovery.length;
          recorder.figures.interviews = runs.length;
          recorder.figures.answersLost = 0;
          recorder.outcome = `${duringWindow.length} questions during the 120 s window cost ${inWindow} model requests (bound ${bound}), all degraded to the script; ${afterRecovery.length} questions from the model after recovery; breaker closed; ${runs.length} interviews completed with reports, 0 answers lost`;
        },
      );
    } finally {
      await server.close();
      await fake.close();
      await database.drop();
    }
  });
});
