// A bounded, loopback-only load run: N simulated employees talk to the real server at once for a fixed
// time, with think time between answers, random client disconnects (re-sent with the same id, like the
// widget) and deliberately repeated posts. Afterwards every message is checked row by row.
import type { DatabaseHandle } from '@exitbot/server';
import {
  checkStoredMessages,
  fetchTranscripts,
  replyCounts,
  type SentMessage,
  type StoredCheck,
} from '../../faults/support/checks.ts';
import { createInterview, newMessageId, type PostResult, postMessage } from '../../faults/support/client.ts';

/** Options of `runLoad()`. */
export interface LoadOptions {
  baseUrl: string;
  apiKey: string;
  database: DatabaseHandle;
  /** Simulated employees talking at the same time. */
  employees: number;
  /** How long new messages are sent; in-flight ones are finished after it. */
  durationMs: number;
  /** Share of posts whose connection the client drops (before the acknowledgement or mid-stream). Default 0.1. */
  disconnectRate?: number;
  /** Share of completed posts sent a second time with the same id. Default 0.05. */
  repeatRate?: number;
  /** Think time between a reply and the next answer, ms [min, max]. Default [200, 1200]. */
  thinkMs?: [number, number];
  /** Deterministic randomness. */
  seed?: number;
}

/** What a load run measured. */
export interface LoadResult {
  employees: number;
  durationMs: number;
  interviews: number;
  /** Posts sent, re-sends and repeats included. */
  requests: number;
  /** Posts that ended in an HTTP error or an error event (drops we caused excluded). */
  errors: number;
  errorRate: number;
  /** Connections the clients dropped on purpose. */
  disconnects: number;
  /** Same-id posts sent again on purpose after a complete reply. */
  repeats: number;
  /** Repeats whose replayed question differed from the first answer's. */
  repeatMismatches: number;
  /** Turns completed (reply stored) per second. */
  turnsPerSecond: number;
  /** Post to `reply-stored`, complete turns only (ms). */
  turnP50: number;
  turnP99: number;
  /** Post to first question text (ms). */
  firstTextP50: number;
  firstTextP99: number;
  degradedQuestions: number;
  /** Error messages, counted. */
  errorKinds: Record<string, number>;
  check: StoredCheck;
  /** Interviewer replies stored twice for one message. */
  duplicateReplies: number;
}

function random(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const answers = [
  'Mostly the lack of growth: I asked twice for a path to senior and nothing came of it.',
  'The workload was heavy, with on-call every other week and no time to recover.',
  'My manager meant well but we rarely had one-to-ones.',
  'Pay was about fifteen percent below the offer I accepted.',
  'The team was great and always ready to help.',
  'Deployments took a whole afternoon of babysitting.',
  'A clear promotion timeline would have made me stay.',
  'I would come back in a few years.',
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the load and checks every stored row against what the clients sent. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const rand = random(options.seed ?? 7);
  const disconnectRate = options.disconnectRate ?? 0.1;
  const repeatRate = options.repeatRate ?? 0.05;
  const [thinkMin, thinkMax] = options.thinkMs ?? [200, 1200];
  const sent: SentMessage[] = [];
  const interviewIds: string[] = [];
  const turnMs: number[] = [];
  const firstTextMs: number[] = [];
  const errorKinds: Record<string, number> = {};
  let requests = 0;
  let errors = 0;
  let disconnects = 0;
  let repeats = 0;
  let repeatMismatches = 0;
  let turns = 0;
  let degradedQuestions = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;

  const countError = (kind: string) => {
    errors += 1;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  };

  /** Sends one message until its reply is stored (re-sending the same id after drops and errors). */
  async function deliver(
    token: string,
    interviewId: string,
    message: { clientMessageId: string; type: string; text?: string },
  ): Promise<PostResult | undefined> {
    sent.push({ interviewId, ...message });
    for (let attempt = 0; attempt < 30; attempt += 1) {
      const drop = rand() < disconnectRate;
      const dropEarly = rand() < 0.5;
      requests += 1;
      let result: PostResult;
      try {
        result = await postMessage(options.baseUrl, token, message, {
          ...(drop
            ? dropEarly
              ? { disconnectAfterMs: Math.floor(rand() * 30) }
              : { disconnectAfterEvent: 'question-delta' }
            : {}),
        });
      } catch (error) {
        countError(`network: ${(error as Error).message}`);
        await sleep(200);
        continue;
      }
      if (result.disconnected) {
        disconnects += 1;
        await sleep(50 + rand() * 250);
        continue;
      }
      if (result.status !== 200) {
        countError(`${result.status} ${result.error?.code ?? ''}`);
        await sleep(300);
        continue;
      }
      const failure = result.events.find((event) => event.type === 'error');
      if (failure) {
        countError(`event ${String(failure.code)}`);
        await sleep(300);
        continue;
      }
      if (!result.events.some((event) => event.type === 'reply-stored')) {
        countError('stream ended without reply-stored');
        await sleep(300);
        continue;
      }
      turns += 1;
      turnMs.push(result.durationMs);
      if (result.firstDeltaMs !== undefined) firstTextMs.push(result.firstDeltaMs);
      if (result.events.some((event) => event.type === 'question-end' && event.degraded === true))
        degradedQuestions += 1;
      return result;
    }
    countError('gave up after 30 attempts');
    return undefined;
  }

  async function employee(index: number): Promise<void> {
    // Spread the starts over the first second, like people arriving.
    await sleep(rand() * Math.min(1000, options.durationMs / 4));
    while (performance.now() < deadline) {
      const { id, token } = await createInterview(options.baseUrl, options.apiKey, {
        attributes: { department: `Load-${index % 7}` },
      });
      interviewIds.push(id);
      let ended = false;
      let result = await deliver(token, id, { clientMessageId: newMessageId(), type: 'start' });
      let answerIndex = index;
      while (!ended && result && performance.now() < deadline) {
        await sleep(thinkMin + rand() * (thinkMax - thinkMin));
        if (performance.now() >= deadline) break;
        const message = {
          clientMessageId: newMessageId(),
          type: 'answer',
          text: `${answers[answerIndex % answers.length]} (#${index}.${answerIndex})`,
        };
        answerIndex += 1;
        result = await deliver(token, id, message);
        if (!result) break;
        ended = result.events.some((event) => event.type === 'interview-end');
        if (rand() < repeatRate) {
          repeats += 1;
          requests += 1;
          const again = await postMessage(options.baseUrl, token, message).catch(() => undefined);
          const first = result.events.find((event) => event.type === 'question-end');
          const second = again?.events.find((event) => event.type === 'question-end');
          const replayed = again?.status === 200 && again.events[0]?.duplicate === true;
          if (!replayed || first?.text !== second?.text) repeatMismatches += 1;
        }
      }
    }
  }

  await Promise.all(Array.from({ length: options.employees }, (_, index) => employee(index)));
  const elapsed = performance.now() - started;

  const check = await checkStoredMessages(
    options.database,
    interviewIds,
    sent,
    await fetchTranscripts(options.baseUrl, options.apiKey, interviewIds),
  );
  let duplicateReplies = 0;
  for (const id of interviewIds) {
    for (const count of (await replyCounts(options.database, id)).values())
      if (count > 1) duplicateReplies += 1;
  }
  return {
    employees: options.employees,
    durationMs: Math.round(elapsed),
    interviews: interviewIds.length,
    requests,
    errors,
    errorRate: requests === 0 ? 0 : errors / requests,
    disconnects,
    repeats,
    repeatMismatches,
    turnsPerSecond: turns / (elapsed / 1000),
    turnP50: percentile(turnMs, 50),
    turnP99: percentile(turnMs, 99),
    firstTextP50: percentile(firstTextMs, 50),
    firstTextP99: percentile(firstTextMs, 99),
    degradedQuestions,
    errorKinds,
    check,
    duplicateReplies,
  };
}
