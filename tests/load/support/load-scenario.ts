// The load scenario shared by the default suite (short) and `pnpm test:soak` (long): the real server
// as a child process on real Postgres, a fake model streaming at a realistic pace, and `runLoad()`.
import { expect } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../faults/support/fake-openai.ts';
import {
  type ChildServer,
  createScratchDatabase,
  createTenant,
  openAdminServices,
  type ScratchDatabase,
  startChildServer,
  suiteEnvironment,
} from '../../faults/support/harness.ts';
import { runScenario, type ScenarioResult } from '../../faults/support/reliability.ts';
import { type LoadResult, runLoad } from './load-runner.ts';

/** Options of `loadScenario()`. */
export interface LoadScenarioOptions {
  id: string;
  group: ScenarioResult['group'];
  employees: number;
  durationMs: number;
  /** Delay between streamed tokens at the fake model (ms, ±50%). Default 20 (about 50 tokens/s). */
  tokenDelayMs?: number;
}

/** Runs a load scenario end to end and records its figures; fails on any lost, doubled or altered row. */
export async function loadScenario(options: LoadScenarioOptions): Promise<LoadResult> {
  const tokenDelayMs = options.tokenDelayMs ?? 20;
  let database: ScratchDatabase | undefined;
  let fake: FakeOpenAI | undefined;
  let server: ChildServer | undefined;
  let result: LoadResult | undefined;
  try {
    fake = await startFakeOpenAI({ tokenDelayMs });
    database = await createScratchDatabase(options.id);
    const admin = await openAdminServices(database.url);
    const tenant = await createTenant(admin.services, 'Load');
    await admin.close();
    server = await startChildServer(
      suiteEnvironment({
        databaseUrl: database.url,
        fakeBaseURL: fake.baseURL,
        env: { LOG_LEVEL: 'warn', EXITBOT_DB_POOL_SIZE: '20' },
      }),
    );
    const running = server;
    const db = database;
    await runScenario(
      {
        id: options.id,
        group: options.group,
        scenario: `${options.employees} concurrent interviews for ${options.durationMs / 1000} s`,
        tried: `${options.employees} simulated employees on loopback against the real server (child process, Postgres, pool 20) and a fake model streaming about ${Math.round(1000 / tokenDelayMs)} tokens/s; think time 0.2-1.2 s; 10% of posts dropped by the client (before the acknowledgement or mid-stream) and re-sent with the same id; 5% of answered posts sent again on purpose`,
      },
      async (recorder) => {
        result = await runLoad({
          baseUrl: running.url,
          apiKey: tenant.apiKey,
          database: db.handle,
          employees: options.employees,
          durationMs: options.durationMs,
        });
        const serverErrors = running.output.entries().filter((entry) => entry.level === 'error');
        const { check } = result;
        recorder.figures = {
          requests: result.requests,
          faults: result.disconnects + result.repeats,
          modelCalls: fake?.count() ?? 0,
          durationMs: result.durationMs,
          answersLost: check.lost.length,
          answersDuplicated: check.duplicated.length,
          answersAltered: check.altered.length,
          repliesDuplicated: result.duplicateReplies,
          interviews: result.interviews,
          messagesChecked: check.rows,
          errors: result.errors,
          errorRatePercent: Math.round(result.errorRate * 10_000) / 100,
          turnsPerSecond: Math.round(result.turnsPerSecond * 10) / 10,
          turnP50Ms: Math.round(result.turnP50),
          turnP99Ms: Math.round(result.turnP99),
          firstTextP50Ms: Math.round(result.firstTextP50),
          firstTextP99Ms: Math.round(result.firstTextP99),
          degradedQuestions: result.degradedQuestions,
          serverErrorLogLines: serverErrors.length,
        };
        recorder.outcome = `${check.rows} stored answers checked row by row: 0 lost, 0 doubled, 0 altered, every one with one reply; ${result.requests} posts (${result.disconnects} dropped, ${result.repeats} repeated), ${result.errors} errors (${(result.errorRate * 100).toFixed(2)}%); ${result.turnsPerSecond.toFixed(1)} turns/s; turn p50 ${Math.round(result.turnP50)} ms, p99 ${Math.round(result.turnP99)} ms; first text p50 ${Math.round(result.firstTextP50)} ms, p99 ${Math.round(result.firstTextP99)} ms`;
        expect(check.lost).toEqual([]);
        expect(check.duplicated).toEqual([]);
        expect(check.altered).toEqual([]);
        expect(check.phantoms).toBe(0);
        expect(check.unanswered).toBe(0);
        expect(check.answeredTwice).toBe(0);
        expect(result.duplicateReplies).toBe(0);
        expect(result.repeatMismatches).toBe(0);
        expect(result.disconnects).toBeGreaterThan(0);
        expect(check.rows).toBeGreaterThan(options.employees);
        expect(serverErrors.map((entry) => entry.msg)).toEqual([]);
      },
    );
  } finally {
    await server?.kill('SIGTERM');
    await fake?.close();
    await database?.drop();
  }
  return result as LoadResult;
}
