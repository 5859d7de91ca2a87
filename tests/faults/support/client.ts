// A small HTTP client for the suite: the employee, integrator and admin calls over real HTTP, with an
// SSE reader that can stop reading (a client disconnect) at any point.
import { randomUUID } from 'node:crypto';

/** A wire event as the server sends it. */
export interface SuiteEvent {
  type: string;
  [key: string]: unknown;
}

/** A transcript entry as the API returns it. */
export interface SuiteMessage {
  seq: number;
  role: 'interviewer' | 'employee';
  kind: string;
  text: string;
  clientMessageId?: string;
  degraded?: boolean;
}

/** A fresh valid client message id. */
export function newMessageId(): string {
  return `m_${randomUUID().replaceAll('-', '')}`;
}

/** Parses a complete SSE body (comment lines skipped; `event:` must match `data.type`). */
export function parseSse(text: string): SuiteEvent[] {
  const events: SuiteEvent[] = [];
  for (const block of text.split('\n\n')) {
    const lines = block.split('\n').filter((line) => line !== '' && !line.startsWith(':'));
    if (lines.length === 0) continue;
    const name = lines.find((line) => line.startsWith('event: '))?.slice(7);
    const data = lines
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice(6))
      .join('\n');
    const event = JSON.parse(data) as SuiteEvent;
    if (name !== event.type) throw new Error(`SSE event ${name} carries data of type ${event.type}`);
    events.push(event);
  }
  return events;
}

/** Result of posting one message. */
export interface PostResult {
  status: number;
  events: SuiteEvent[];
  /** The error body when status is not 200. */
  error?: { code: string; message: string; details: unknown };
  /** True when the client stopped reading before the stream ended. */
  disconnected: boolean;
  /** ms to the first question-delta (streams only). */
  firstDeltaMs?: number;
  durationMs: number;
}

/** Options of `postMessage()`. */
export interface PostOptions {
  stream?: boolean;
  /** Stop reading (and abort the request) after this many ms. */
  disconnectAfterMs?: number;
  /** Stop reading once this event type has arrived. */
  disconnectAfterEvent?: string;
  /** Called for every event as it arrives. */
  onEvent?: (event: SuiteEvent) => void;
  headers?: Record<string, string>;
}

/** Posts an employee message (`start`, `answer`, `decline`, `finish`) with an interview token. */
export async function postMessage(
  baseUrl: string,
  token: string,
  body: { clientMessageId: string; type: string; text?: string },
  options: PostOptions = {},
): Promise<PostResult> {
  const started = performance.now();
  const controller = new AbortController();
  const timer =
    options.disconnectAfterMs !== undefined
      ? setTimeout(() => controller.abort(), options.disconnectAfterMs)
      : undefined;
  try {
    const response = await fetch(`${baseUrl}/v1/interview/messages`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        Accept: options.stream === false ? 'application/json' : 'text/event-stream',
        ...options.headers,
      },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    if (response.status !== 200) {
      const error = ((await response.json()) as { error: PostResult['error'] }).error;
      return {
        status: response.status,
        events: [],
        ...(error ? { error } : {}),
        disconnected: false,
        durationMs: performance.now() - started,
      };
    }
    if (options.stream === false) {
      const json = (await response.json()) as { events: SuiteEvent[] };
      return {
        status: 200,
        events: json.events,
        disconnected: false,
        durationMs: performance.now() - started,
      };
    }
    const events: SuiteEvent[] = [];
    let firstDeltaMs: number | undefined;
    let buffer = '';
    const decoder = new TextDecoder();
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let disconnected = false;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut = buffer.indexOf('\n\n');
        while (cut !== -1) {
          const block = buffer.slice(0, cut + 2);
          buffer = buffer.slice(cut + 2);
          for (const event of parseSse(block)) {
            if (event.type === 'question-delta' && firstDeltaMs === undefined)
              firstDeltaMs = performance.now() - started;
            events.push(event);
            options.onEvent?.(event);
            if (options.disconnectAfterEvent === event.type) {
              disconnected = true;
              controller.abort();
            }
          }
          cut = buffer.indexOf('\n\n');
        }
        if (disconnected) break;
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
      disconnected = true;
    }
    return {
      status: 200,
      events,
      disconnected,
      ...(firstDeltaMs !== undefined ? { firstDeltaMs } : {}),
      durationMs: performance.now() - started,
    };
  } catch (error) {
    if (controller.signal.aborted) {
      return { status: 0, events: [], disconnected: true, durationMs: performance.now() - started };
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Creates an interview with an API key; returns its id and interview token. */
export async function createInterview(
  baseUrl: string,
  apiKey: string,
  body: Record<string, unknown> = {},
): Promise<{ id: string; token: string }> {
  const response = await fetch(`${baseUrl}/v1/interviews`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ mode: 'confidential', attributes: { department: 'Sales' }, ...body }),
  });
  if (response.status !== 201)
    throw new Error(`create interview: ${response.status} ${await response.text()}`);
  const created = (await response.json()) as { interview: { id: string }; token: string };
  return { id: created.interview.id, token: created.token };
}

/** GET with a bearer credential; returns status and parsed JSON (or text). */
export async function getJson(
  url: string,
  credential: string | undefined,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; text: string }> {
  const response = await fetch(url, {
    headers: { ...(credential ? { Authorization: `Bearer ${credential}` } : {}), ...headers },
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body, text };
}

/** The employee's transcript through the employee API. */
export async function employeeTranscript(baseUrl: string, token: string): Promise<SuiteMessage[]> {
  const result = await getJson(`${baseUrl}/v1/interview`, token);
  if (result.status !== 200) throw new Error(`GET /v1/interview: ${result.status} ${result.text}`);
  return (result.body as { messages: SuiteMessage[] }).messages;
}

/** Runs an interview to the start: posts `start` and returns the events. */
export async function startInterview(baseUrl: string, token: string): Promise<PostResult> {
  return postMessage(baseUrl, token, { clientMessageId: newMessageId(), type: 'start' });
}

/** Polls the integrator API until the interview's report is stored; returns it. */
export async function waitForReport(
  baseUrl: string,
  apiKey: string,
  interviewId: string,
  timeoutMs = 20_000,
): Promise<{ source: string; report: Record<string, unknown>; text: string }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const result = await getJson(`${baseUrl}/v1/interviews/${interviewId}/report`, apiKey);
    if (result.status === 200) {
      const body = result.body as { source: string; report: Record<string, unknown> };
      return { ...body, text: result.text };
    }
    if (performance.now() > deadline)
      throw new Error(`no report for ${interviewId} after ${timeoutMs} ms: ${result.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Runs an interview: `start`, then the answers in order until the interviewer ends it, then `finish`
 * when answers run out. Returns every post's result.
 */
export async function runInterview(baseUrl: string, token: string, answers: string[]): Promise<PostResult[]> {
  const results = [await startInterview(baseUrl, token)];
  for (const text of answers) {
    const result = await postMessage(baseUrl, token, {
      clientMessageId: newMessageId(),
      type: 'answer',
      text,
    });
    results.push(result);
    if (result.status !== 200)
      throw new Error(`answer refused: ${result.status} ${JSON.stringify(result.error)}`);
    if (result.events.some((event) => event.type === 'interview-end')) return results;
  }
  const finish = await postMessage(baseUrl, token, { clientMessageId: newMessageId(), type: 'finish' });
  results.push(finish);
  return results;
}
