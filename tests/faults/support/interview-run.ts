// Runs whole interviews through the real HTTP API the way a careful client does, recording every
// message sent and every question received (degraded or not, and when).
import { expect } from 'vitest';
import type { SentMessage } from './checks.ts';
import { createInterview, newMessageId, type PostResult, postMessage } from './client.ts';
import type { SuiteTenant } from './harness.ts';

const answers = [
  'I am leaving because my manager never gave feedback and promotions were frozen.',
  'Workload was high and we were understaffed most of the year.',
  'My manager cancelled our one-to-ones constantly.',
  'No budget for training and no path to senior.',
  'Pay was about fifteen percent below market.',
  'The team was great, people helped each other.',
  'Deployments took a whole day.',
  'A real promotion would have made me stay.',
  'I would come back if management changed.',
  'That is all, thank you.',
];

/** One interview run through the API, with what was sent and what came back. */
export interface InterviewRun {
  interviewId: string;
  results: PostResult[];
  sent: SentMessage[];
  questionEnds: { degraded: boolean; at: number }[];
  ended: boolean;
}

/** Runs one interview through the real HTTP API, answering until it ends (then `finish`). */
export async function runInterviewRecorded(
  server: { url: string },
  tenant: SuiteTenant,
  options: { pauseMs?: number; maxAnswers?: number } = {},
): Promise<InterviewRun> {
  const { id, token } = await createInterview(server.url, tenant.apiKey);
  const run: InterviewRun = { interviewId: id, results: [], sent: [], questionEnds: [], ended: false };
  const post = async (type: string, text?: string) => {
    const body = { clientMessageId: newMessageId(), type, ...(text ? { text } : {}) };
    const result = await postMessage(server.url, token, body);
    run.results.push(result);
    expect(result.status, JSON.stringify(result.error)).toBe(200);
    run.sent.push({ interviewId: id, ...body });
    for (const event of result.events) {
      if (event.type === 'question-end')
        run.questionEnds.push({ degraded: event.degraded === true, at: performance.now() });
      if (event.type === 'interview-end') run.ended = true;
    }
    expect(result.events.at(-1)?.type).toBe('reply-stored');
  };
  await post('start');
  for (const text of answers.slice(0, options.maxAnswers ?? answers.length)) {
    if (run.ended) break;
    if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    await post('answer', text);
  }
  if (!run.ended) await post('finish');
  expect(run.ended).toBe(true);
  return run;
}
