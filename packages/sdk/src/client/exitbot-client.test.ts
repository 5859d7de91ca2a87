import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExitBotError } from '../errors/index.ts';
import type { WireEvent } from '../protocol/index.ts';
import { ApiCallError } from './api-call-error.ts';
import { createExitBotClient } from './exitbot-client.ts';
import type { InterviewSnapshot } from './types.ts';

const base = 'https://exitbot.test';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const snapshot: InterviewSnapshot = {
  interview: {
    id: 'int_1',
    status: 'active',
    mode: 'confidential',
    locale: 'en',
    progress: { covered: 1, total: 10, currentTopicId: 'reason' },
    estimatedMinutes: 12,
  },
  messages: [
    {
      seq: 1,
      role: 'interviewer',
      kind: 'opening',
      text: 'Why are you leaving?',
      topicId: 'reason',
      at: '2026-01-01T00:00:00Z',
    },
  ],
};

const reply: WireEvent[] = [
  { type: 'answer-accepted', clientMessageId: 'msg_00000001', seq: 2, duplicate: false },
  { type: 'question-start', id: 'q2', topicId: 'reason', kind: 'probe' },
  { type: 'question-delta', id: 'q2', delta: 'What made ' },
  { type: 'question-delta', id: 'q2', delta: 'you decide?' },
  { type: 'question-end', id: 'q2', topicId: 'reason', text: 'What made you decide?', degraded: false },
  { type: 'reply-stored', seq: 3 },
];

function sse(events: WireEvent[]): string {
  return events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join('');
}

/** A response body that delivers `text` in slices of `size` characters, then optionally fails. */
function slicedBody(text: string, size: number, failAfter?: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream(
    {
      pull(controller) {
        if (failAfter !== undefined && offset >= failAfter) {
          controller.error(new TypeError('network error'));
          return;
        }
        if (offset >= bytes.length) {
          controller.close();
          return;
        }
        controller.enqueue(bytes.slice(offset, offset + size));
        offset += size;
      },
    },
    { highWaterMark: 0 },
  );
}

async function collect(iterable: AsyncIterable<WireEvent>): Promise<WireEvent[]> {
  const events: WireEvent[] = [];
  for await (const event of iterable) events.push(event);
  return events;
}

describe('createExitBotClient', () => {
  it('should validate options where the factory is called', () => {
    expect(() => createExitBotClient({ baseUrl: 'ftp://x', token: 't' })).toThrow(/http/);
    expect(() => createExitBotClient({ baseUrl: '::nope', token: 't' })).toThrow(/not a URL/);
    expect(() => createExitBotClient({ baseUrl: base, token: ' ' })).toThrow(/token/);
  });

  it('should read the interview with the bearer token and no cookies through the given fetch', async () => {
    let seen: Request | undefined;
    const inits: RequestInit[] = [];
    server.use(
      http.get(`${base}/v1/interview`, ({ request }) => {
        seen = request;
        return HttpResponse.json(snapshot);
      }),
    );
    const recordingFetch: typeof fetch = (input, init) => {
      if (init) inits.push(init);
      return fetch(input, init);
    };
    const client = createExitBotClient({ baseUrl: base, token: 'tok-1', fetch: recordingFetch });
    await expect(client.getInterview()).resolves.toEqual(snapshot);
    expect(seen?.headers.get('authorization')).toBe('Bearer tok-1');
    expect(inits.map((init) => init.credentials)).toEqual(['omit']);
  });

  it('should keep a path prefix of the base URL', async () => {
    server.use(http.get(`${base}/exitbot/v1/interview`, () => HttpResponse.json(snapshot)));
    const client = createExitBotClient({ baseUrl: `${base}/exitbot`, token: 't' });
    await expect(client.getInterview()).resolves.toMatchObject({ interview: { id: 'int_1' } });
  });

  it('should read messages after a sequence number', async () => {
    let after: string | null = null;
    server.use(
      http.get(`${base}/v1/interview/messages`, ({ request }) => {
        after = new URL(request.url).searchParams.get('after');
        return HttpResponse.json({ messages: snapshot.messages, status: 'active' });
      }),
    );
    const client = createExitBotClient({ baseUrl: base, token: 't' });
    const page = await client.getMessages({ after: 7 });
    expect(after).toBe('7');
    expect(page.status).toBe('active');
    expect(() => client.getMessages({ after: -1 })).toThrow(/after/);
  });

  it('should turn an error body into an http-error with status, server code and Retry-After', async () => {
    server.use(
      http.get(`${base}/v1/interview`, () =>
        HttpResponse.json(
          { error: { code: 'rate-limited', message: 'Slow down.', details: { limit: 5 } } },
          { status: 429, headers: { 'Retry-After': '3' } },
        ),
      ),
    );
    const client = createExitBotClient({ baseUrl: base, token: 't' });
    const error = await client.getInterview().catch((caught: unknown) => caught);
    expect(ApiCallError.isInstance(error)).toBe(true);
    const apiError = error as ApiCallError;
    expect(apiError.code).toBe('http-error');
    expect(apiError.status).toBe(429);
    expect(apiError.serverCode).toBe('rate-limited');
    expect(apiError.message).toBe('Slow down.');
    expect(apiError.details).toEqual({ limit: 5 });
    expect(apiError.retryAfterMs).toBe(3000);
    expect(apiError.retryable).toBe(true);
    expect(apiError.isNetworkError).toBe(false);
  });

  it('should mark a 401 as not retryable even without a JSON body', async () => {
    server.use(
      http.get(`${base}/v1/interview`, () => new HttpResponse('<html>nope</html>', { status: 401 })),
    );
    const client = createExitBotClient({ baseUrl: base, token: 't' });
    const error = (await client.getInterview().catch((caught: unknown) => caught)) as ApiCallError;
    expect(error.status).toBe(401);
    expect(error.serverCode).toBeUndefined();
    expect(error.retryable).toBe(false);
  });

  it('should report a failed connection as a network error, distinct from HTTP errors', async () => {
    server.use(http.get(`${base}/v1/interview`, () => HttpResponse.error()));
    const client = createExitBotClient({ baseUrl: base, token: 't' });
    const error = (await client.getInterview().catch((caught: unknown) => caught)) as ApiCallError;
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect(error.code).toBe('network-error');
    expect(error.isNetworkError).toBe(true);
    expect(error.status).toBeUndefined();
  });

  it('should report an abort as aborted, not as a network error', async () => {
    server.use(http.get(`${base}/v1/interview`, () => new Promise<Response>(() => {})));
    const client = createExitBotClient({ baseUrl: base, token: 't' });
    const controller = new AbortController();
    const pending = client.getInterview({ signal: controller.signal }).catch((caught: unknown) => caught);
    controller.abort();
    const error = (await pending) as ExitBotError;
    expect(error.code).toBe('aborted');
    expect(ApiCallError.isInstance(error)).toBe(false);
  });

  it('should reject a body that is not the expected shape as a protocol error', async () => {
    server.use(http.get(`${base}/v1/interview`, () => HttpResponse.json({ hello: 'world' })));
    const client = createExitBotClient({ baseUrl: base, token: 't' });
    await expect(client.getInterview()).rejects.toMatchObject({ code: 'protocol-error' });
  });
});

describe('client.send', () => {
  it('should post the message and yield the SSE events in order, even when split mid-line', async () => {
    let body: unknown;
    let accept: string | null = null;
    server.use(
      http.post(`${base}/v1/interview/messages`, async ({ request }) => {
        body = await request.json();
        accept = request.headers.get('accept');
        return new HttpResponse(slicedBody(sse(reply), 7), {
          headers: { 'Content-Type': 'text/event-stream' },
        });
      }),
    );
    const client = createExitBotClient({ baseUrl: base, token: 't' });
    const events = await collect(
      client.send({ clientMessageId: 'msg_00000001', type: 'answer', text: 'Pay.' }),
    );
    expect(events).toEqual(reply);
    expect(body).toEqual({ clientMessageId: 'msg_00000001', type: 'answer', text: 'Pay.' });
    expect(accept).toBe('text/event-stream');
  });

  it('should not send anything until iteration starts', async () => {
    let calls = 0;
    server.use(
      http.post(`${base}/v1/interview/messages`, () => {
        calls += 1;
        return new HttpResponse(sse(reply), { headers: { 'Content-Type': 'text/event-stream' } });
      }),
    );
    const client = createExitBotClient({ baseUrl: base, token: 't' });
    const iterable = client.send({ clientMessageId: 'msg_00000001', type: 'decline' });
    expect(calls).toBe(0);
    await collect(iterable);
    expect(calls).toBe(1);
  });

  it('should skip event types it does not know', async () => {
    const text = `event: future\ndata: {"type":"future-thing"}\n\n${sse(reply)}`;
    server.use(
      http.post(
        `${base}/v1/interview/messages`,
        () => new HttpResponse(text, { headers: { 'Content-Type': 'text/event-stream' } }),
      ),
    );
    const client = createExitBotClient({ baseUrl: base, token: 't' });
    expect(await collect(client.send({ clientMessageId: 'msg_00000001', type: 'start' }))).toEqual(reply);
  });

  it('should accept the JSON form of the reply from a server that does not stream', async () => {
    server.use(
      http.post(`${base}/v1/interview/messages`, () => HttpResponse.json({ accepted: true, events: reply })),
    );
    const client = createExitBotClient({ baseUrl: base, token: 't' });
    expect(await collect(client.send({ clientMessageId: 'msg_00000001', type: 'start' }))).toEqual(reply);
  });

  it('should throw a network error after the events received when the stream is cut', async () => {
    const text = sse(reply);
    const cutAt = text.indexOf('event: question-end');
    server.use(
      http.post(
        `${base}/v1/interview/messages`,
        () =>
          new HttpResponse(slicedBody(text, 16, cutAt), { headers: { 'Content-Type': 'text/event-stream' } }),
      ),
    );
    const client = createExitBotClient({ baseUrl: base, token: 't' });
    const events: WireEvent[] = [];
    const error = await (async () => {
      for await (const event of client.send({ clientMessageId: 'msg_00000001', type: 'answer', text: 'x' })) {
        events.push(event);
      }
    })().catch((caught: unknown) => caught);
    expect(events.map((event) => event.type)).toEqual([
      'answer-accepted',
      'question-start',
      'question-delta',
      'question-delta',
    ]);
    expect(ApiCallError.isInstance(error) && error.isNetworkError).toBe(true);
  });

  it('should throw a network error when the stream closes before reply-stored', async () => {
    server.use(
      http.post(
        `${base}/v1/interview/messages`,
        () => new HttpResponse(sse(reply.slice(0, 3)), { headers: { 'Content-Type': 'text/event-stream' } }),
      ),
    );
    const client = createExitBotClient({ baseUrl: base, token: 't' });
    await expect(
      collect(client.send({ clientMessageId: 'msg_00000001', type: 'start' })),
    ).rejects.toMatchObject({
      code: 'network-error',
    });
  });

  it('should reject malformed event data as a protocol error', async () => {
    server.use(
      http.post(
        `${base}/v1/interview/messages`,
        () => new HttpResponse('data: {not json\n\n', { headers: { 'Content-Type': 'text/event-stream' } }),
      ),
    );
    const client = createExitBotClient({ baseUrl: base, token: 't' });
    await expect(
      collect(client.send({ clientMessageId: 'msg_00000001', type: 'start' })),
    ).rejects.toMatchObject({
      code: 'protocol-error',
    });
  });

  it('should surface an HTTP error on send with the server code', async () => {
    server.use(
      http.post(`${base}/v1/interview/messages`, () =>
        HttpResponse.json({ error: { code: 'interview-completed', message: 'Done.' } }, { status: 409 }),
      ),
    );
    const client = createExitBotClient({ baseUrl: base, token: 't' });
    await expect(
      collect(client.send({ clientMessageId: 'msg_00000001', type: 'finish' })),
    ).rejects.toMatchObject({
      code: 'http-error',
      status: 409,
      serverCode: 'interview-completed',
    });
  });

  it('should validate the message before any request', () => {
    const client = createExitBotClient({ baseUrl: base, token: 't' });
    expect(() => client.send({ clientMessageId: 'short', type: 'start' })).toThrow(/clientMessageId/);
    expect(() => client.send({ clientMessageId: 'msg_00000001', type: 'answer' })).toThrow(/text/);
    expect(() =>
      client.send({ clientMessageId: 'msg_00000001', type: 'answer', text: 'x'.repeat(4001) }),
    ).toThrow(/4000/);
    expect(() => client.send({ clientMessageId: 'msg_00000001', type: 'decline', text: 'x' })).toThrow(
      /only/,
    );
    const error = (() => {
      try {
        client.send({ clientMessageId: 'msg_00000001', type: 'nope' as 'start' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(ExitBotError.isInstance(error) && error.code).toBe('invalid-argument');
  });

  it('should cancel the response body when the consumer stops early', async () => {
    let cancelled = false;
    server.use(
      http.post(`${base}/v1/interview/messages`, () => {
        const bytes = new TextEncoder().encode(sse(reply.slice(0, 2)));
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(bytes);
          },
          cancel() {
            cancelled = true;
          },
        });
        return new HttpResponse(body, { headers: { 'Content-Type': 'text/event-stream' } });
      }),
    );
    const client = createExitBotClient({ baseUrl: base, token: 't' });
    for await (const event of client.send({ clientMessageId: 'msg_00000001', type: 'start' })) {
      if (event.type === 'answer-accepted') break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(cancelled).toBe(true);
  });
});
