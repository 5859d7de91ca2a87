import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ModelCallError } from '../errors/exitbot-error.ts';
import { MockModel } from '../test/mock-model.ts';
import type { ChatModel } from './chat-model.ts';
import { isDegradedError } from './model-errors.ts';
import {
  chatCompletions,
  completionResponse,
  errorResponse,
  fakeBaseURL,
  hangUntilAborted,
  streamResponse,
} from './openai-api-fake.ts';
import { openaiModel } from './openai-model.ts';
import {
  getCircuitBreakerStates,
  type ResilienceOptions,
  resetCircuitBreakers,
  withResilience,
} from './resilience.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
beforeEach(() => resetCircuitBreakers());
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const messages = [{ role: 'user' as const, content: 'My manager never listened.' }];
const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] };

// Short delays so the whole file runs in a few seconds.
const fast: ResilienceOptions = {
  maxAttempts: 3,
  initialDelayMs: 5,
  maxDelayMs: 2_000,
  timeoutMs: 1_000,
  streamTimeoutMs: 1_000,
  breakerThreshold: 5,
  halfOpenAfterMs: 10_000,
};

function model(resilience: ResilienceOptions = {}, baseURL = fakeBaseURL): ChatModel {
  return openaiModel({
    apiKey: 'sk-test',
    model: 'gpt-test',
    baseURL,
    resilience: { ...fast, ...resilience },
  });
}

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

async function failureOf(promise: Promise<unknown>): Promise<ModelCallError> {
  try {
    await promise;
  } catch (error) {
    if (ModelCallError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const serverError = (status: number) =>
  new ModelCallError({ message: `HTTP ${status}`, statusCode: status, isRetryable: true });

describe('withResilience against the OpenAI HTTP API', () => {
  it('should wait for Retry-After on a 429 and then succeed with exactly 2 HTTP calls', async () => {
    const fake = chatCompletions([
      () => errorResponse(429, { 'retry-after': '1' }),
      () => streamResponse(['Thanks.']),
    ]);
    server.use(fake.handler);
    const started = performance.now();

    const chunks = await collect(model().streamText({ messages }));

    expect(chunks).toEqual(['Thanks.']);
    expect(fake.requests).toHaveLength(2);
    // The jittered backoff alone would be a few milliseconds: the one-second wait is the Retry-After.
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(990);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('should honour retry-after-ms for structured output too', async () => {
    const fake = chatCompletions([
      () => errorResponse(503, { 'retry-after-ms': '300' }),
      () => completionResponse('{"ok":true}'),
    ]);
    server.use(fake.handler);

    const value = await model().generateObject({ messages, schema, schemaName: 'check' });

    expect(value).toEqual({ ok: true });
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(290);
  });

  it('should not retry when Retry-After is longer than maxDelayMs, and report the wait', async () => {
    const fake = chatCompletions([
      () => errorResponse(429, { 'retry-after': '120' }),
      () => streamResponse(['late']),
    ]);
    server.use(fake.handler);

    const error = await failureOf(collect(model({ maxDelayMs: 1_000 }).streamText({ messages })));

    expect(error.statusCode).toBe(429);
    expect(error.retryAfterMs).toBe(120_000);
    expect(fake.requests).toHaveLength(1);
  });

  it('should retry 5xx up to maxAttempts with backoff and then fail', async () => {
    const fake = chatCompletions([() => errorResponse(500)]);
    server.use(fake.handler);

    const error = await failureOf(
      model({ maxAttempts: 3 }).generateObject({ messages, schema, schemaName: 's' }),
    );

    expect(error.statusCode).toBe(500);
    expect(error.isRetryable).toBe(true);
    expect(isDegradedError(error)).toBe(true);
    expect(fake.requests).toHaveLength(3);
  });

  it('should not retry a non-retryable 400', async () => {
    const fake = chatCompletions([() => errorResponse(400), () => streamResponse(['never'])]);
    server.use(fake.handler);

    const error = await failureOf(collect(model().streamText({ messages })));

    expect(error.statusCode).toBe(400);
    expect(error.isRetryable).toBe(false);
    expect(fake.requests).toHaveLength(1);
  });

  it('should open the breaker after repeated 500s and then send no HTTP call at all', async () => {
    const fake = chatCompletions([() => errorResponse(500)]);
    server.use(fake.handler);
    const resilient = model({ maxAttempts: 2, breakerThreshold: 2 });

    const first = await failureOf(collect(resilient.streamText({ messages })));
    const second = await failureOf(collect(resilient.streamText({ messages })));
    expect([first.statusCode, second.statusCode]).toEqual([500, 500]);
    expect(fake.requests).toHaveLength(4);
    expect(getCircuitBreakerStates()).toEqual([
      {
        key: `openai:gpt-test:${fakeBaseURL}`,
        state: 'open',
        consecutiveFailures: 2,
        activeCalls: 0,
        queuedCalls: 0,
      },
    ]);

    const started = performance.now();
    const rejected = await Promise.all([
      failureOf(collect(resilient.streamText({ messages }))),
      failureOf(resilient.generateObject({ messages, schema, schemaName: 's' })),
      // A second model with the same provider, model and base URL shares the breaker.
      failureOf(collect(model().streamText({ messages }))),
    ]);

    expect(rejected.map((error) => error.code)).toEqual(['circuit-open', 'circuit-open', 'circuit-open']);
    expect(isDegradedError(rejected[0])).toBe(true);
    expect(performance.now() - started).toBeLessThan(100);
    expect(fake.requests).toHaveLength(4);
  });

  it('should let a trial call through after halfOpenAfterMs and close again on success', async () => {
    let healthy = false;
    const fake = chatCompletions([() => (healthy ? streamResponse(['Back.']) : errorResponse(502))]);
    server.use(fake.handler);
    const resilient = model({ maxAttempts: 1, breakerThreshold: 1, halfOpenAfterMs: 150 });

    await failureOf(collect(resilient.streamText({ messages })));
    expect((await failureOf(collect(resilient.streamText({ messages })))).code).toBe('circuit-open');
    expect(fake.requests).toHaveLength(1);

    healthy = true;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await collect(resilient.streamText({ messages }))).toEqual(['Back.']);
    expect(fake.requests).toHaveLength(2);
    // The breaker records a stream's outcome once the consumer has finished with it.
    await expect.poll(() => getCircuitBreakerStates()[0]?.state).toBe('closed');
  });

  it('should keep separate breakers for separate base URLs and not count 429s', async () => {
    const otherURL = 'https://vllm.internal.test/v1';
    const broken = chatCompletions([() => errorResponse(503)]);
    const limited = chatCompletions([() => errorResponse(429)], otherURL);
    server.use(broken.handler, limited.handler);

    for (let call = 0; call < 2; call += 1) {
      await failureOf(collect(model({ maxAttempts: 1, breakerThreshold: 2 }).streamText({ messages })));
      await failureOf(
        collect(model({ maxAttempts: 1, breakerThreshold: 2 }, otherURL).streamText({ messages })),
      );
    }

    const states = Object.fromEntries(getCircuitBreakerStates().map((status) => [status.key, status.state]));
    expect(states).toEqual({
      [`openai:gpt-test:${fakeBaseURL}`]: 'open',
      [`openai:gpt-test:${otherURL}`]: 'closed',
    });
    expect(broken.requests).toHaveLength(2);
    expect(limited.requests).toHaveLength(2);
  });

  it('should cut a hanging request at the timeout, retry it, and abort every attempt', async () => {
    const fake = chatCompletions([hangUntilAborted]);
    server.use(fake.handler);
    const started = performance.now();

    const error = await failureOf(
      collect(model({ maxAttempts: 2, streamTimeoutMs: 150 }).streamText({ messages })),
    );

    const elapsed = performance.now() - started;
    expect(error.code).toBe('model-timeout');
    expect(error.isRetryable).toBe(true);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests.every((request) => request.signal.aborted)).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1_500);
  });

  it('should cut a hanging structured-output request at timeoutMs', async () => {
    const fake = chatCompletions([hangUntilAborted]);
    server.use(fake.handler);
    const started = performance.now();

    const error = await failureOf(
      model({ maxAttempts: 1, timeoutMs: 120 }).generateObject({ messages, schema, schemaName: 's' }),
    );

    expect(error.code).toBe('model-timeout');
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.signal.aborted).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('should cut a stream that stalls after its first chunk, without retrying or repeating text', async () => {
    const fake = chatCompletions([() => streamResponse(['Half ', 'done'], { hangAfter: 1 })]);
    server.use(fake.handler);
    const received: string[] = [];

    const error = await failureOf(
      (async () => {
        for await (const chunk of model({ streamTimeoutMs: 150 }).streamText({ messages }))
          received.push(chunk);
      })(),
    );

    expect(received).toEqual(['Half ']);
    expect(error.code).toBe('model-timeout');
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.signal.aborted).toBe(true);
  });

  it('should retry a stream that fails before its first chunk and yield the text once', async () => {
    const fake = chatCompletions([() => errorResponse(502), () => streamResponse(['What ', 'changed?'])]);
    server.use(fake.handler);

    expect(await collect(model().streamText({ messages }))).toEqual(['What ', 'changed?']);
    expect(fake.requests).toHaveLength(2);
  });

  it('should carry the caller abort to the HTTP request and stop retrying', async () => {
    const fake = chatCompletions([hangUntilAborted]);
    server.use(fake.handler);
    const controller = new AbortController();

    const pending = failureOf(collect(model().streamText({ messages, signal: controller.signal })));
    await expect.poll(() => fake.requests.length).toBe(1);
    controller.abort();
    const error = await pending;

    expect(error.code).toBe('aborted');
    expect(isDegradedError(error)).toBe(false);
    expect(fake.requests[0]!.signal.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.requests).toHaveLength(1);
    expect(getCircuitBreakerStates()[0]?.consecutiveFailures).toBe(0);
  });

  it('should return at once when the caller aborts during a Retry-After wait, with no further call', async () => {
    const fake = chatCompletions([
      () => errorResponse(429, { 'retry-after': '1' }),
      () => completionResponse('{}'),
    ]);
    server.use(fake.handler);
    const controller = new AbortController();

    const pending = failureOf(
      model().generateObject({ messages, schema, schemaName: 's', signal: controller.signal }),
    );
    await expect.poll(() => fake.requests.length).toBe(1);
    const abortedAt = performance.now();
    controller.abort();
    const error = await pending;

    expect(error.code).toBe('aborted');
    expect(performance.now() - abortedAt).toBeLessThan(100);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(fake.requests).toHaveLength(1);
  });

  it('should reject calls beyond the bulkhead limit and queue with bulkhead-full, sending no request for them', async () => {
    const fake = chatCompletions([() => streamResponse(['slow ', 'answer'], { chunkDelayMs: 100 })]);
    server.use(fake.handler);
    const limited = () => model({ bulkheadLimit: 1, bulkheadQueue: 1 });

    const running = collect(limited().streamText({ messages }));
    const queued = limited().generateObject({ messages, schema, schemaName: 's' });
    await expect.poll(() => getCircuitBreakerStates()[0]?.queuedCalls).toBe(1);
    expect(getCircuitBreakerStates()[0]?.activeCalls).toBe(1);
    const rejected = await failureOf(collect(limited().streamText({ messages })));

    expect(rejected.code).toBe('bulkhead-full');
    expect(isDegradedError(rejected)).toBe(true);
    expect(await running).toEqual(['slow ', 'answer']);
    // The queued call ran once the slot was free; it got the streamed answer, not JSON, so it is invalid.
    expect((await failureOf(queued)).code).toBe('model-output-invalid');
    expect(fake.requests).toHaveLength(2);
    expect(getCircuitBreakerStates()[0]).toMatchObject({ activeCalls: 0, queuedCalls: 0 });
  });
});

describe('withResilience with a MockModel', () => {
  it('should validate its options where it is called', () => {
    const mock = new MockModel();
    expect(() => withResilience(mock, { streamTimeoutMs: -1 })).toThrow(/streamTimeoutMs/);
    expect(() => withResilience(mock, { bulkheadQueue: 1.5 })).toThrow(/bulkheadQueue/);
    expect(() => withResilience(mock, { breakerKey: '' })).toThrow(/breakerKey/);
  });

  it('should not retry a stream that fails after its first chunk', async () => {
    const mock = new MockModel().enqueue(
      { type: 'chunks', chunks: ['Partial'], errorAfterChunks: serverError(500) },
      { type: 'chunks', chunks: ['Never'] },
    );
    const received: string[] = [];

    const error = await failureOf(
      (async () => {
        for await (const chunk of withResilience(mock, fast).streamText({ messages })) received.push(chunk);
      })(),
    );

    expect(received).toEqual(['Partial']);
    expect(error.statusCode).toBe(500);
    expect(mock.streamTextCalls).toHaveLength(1);
    // A failure after the first chunk is not retried but still counts for the breaker.
    await expect.poll(() => getCircuitBreakerStates()[0]?.consecutiveFailures).toBe(1);
  });

  it('should release the bulkhead slot and abort the model when the consumer stops early', async () => {
    const mock = new MockModel({ chunks: ['a', 'b', 'c'], chunkDelayMs: 5 });
    const resilient = withResilience(mock, { ...fast, bulkheadLimit: 1, bulkheadQueue: 0 });

    for await (const chunk of resilient.streamText({ messages })) {
      expect(chunk).toBe('a');
      expect(getCircuitBreakerStates()[0]?.activeCalls).toBe(1);
      break;
    }

    expect(mock.calls[0]?.signal?.aborted).toBe(true);
    await expect.poll(() => getCircuitBreakerStates()[0]?.activeCalls).toBe(0);
    expect(getCircuitBreakerStates()[0]?.consecutiveFailures).toBe(0);
    expect(await collect(resilient.streamText({ messages }))).toEqual(['a', 'b', 'c']);
  });

  it('should end a read at once when the caller aborts, even from a model that ignores its signal', async () => {
    let release: () => void = () => {};
    const stubborn: ChatModel = {
      provider: 'test',
      modelId: 'stubborn',
      async *streamText() {
        yield 'First.';
        // Ignores its signal: only the test lets it go.
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        yield 'Late.';
      },
      generateObject: () => Promise.reject(new Error('unused')),
    };
    // A gap timeout far beyond the test's own time limit: the abort must not wait for it.
    const resilient = withResilience(stubborn, { ...fast, streamTimeoutMs: 60_000 });
    const controller = new AbortController();
    const iterator = resilient.streamText({ messages, signal: controller.signal })[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ value: 'First.', done: false });
    const pending = iterator.next();
    controller.abort();
    expect((await failureOf(pending)).code).toBe('aborted');
    release();
    await expect.poll(() => getCircuitBreakerStates()[0]?.activeCalls).toBe(0);
  });

  it('should close a stream whose first chunk comes after its attempt timed out', async () => {
    const closed: number[] = [];
    let attempt = 0;
    const slowStart: ChatModel = {
      provider: 'test',
      modelId: 'slow-start',
      async *streamText() {
        attempt += 1;
        const mine = attempt;
        try {
          // The first attempt ignores its signal and answers after the timeout; the retry answers at once.
          if (mine === 1) await new Promise((resolve) => setTimeout(resolve, 150));
          yield `Answer ${mine}.`;
        } finally {
          closed.push(mine);
        }
      },
      generateObject: () => Promise.reject(new Error('unused')),
    };
    const resilient = withResilience(slowStart, { ...fast, streamTimeoutMs: 50, maxAttempts: 2 });
    expect(await collect(resilient.streamText({ messages }))).toEqual(['Answer 2.']);
    // The abandoned first attempt is closed once its late chunk arrives, not left open.
    await expect.poll(() => closed.includes(1)).toBe(true);
  });

  it('should pass the object through and retry generateObject on a transient error', async () => {
    const mock = new MockModel().enqueue(
      { type: 'error', error: serverError(503) },
      { type: 'object', object: { ok: true } },
    );

    const value = await withResilience(mock, fast).generateObject({ messages, schema, schemaName: 's' });

    expect(value).toEqual({ ok: true });
    expect(mock.generateObjectCalls).toHaveLength(2);
    expect(mock.generateObjectCalls[1]?.schemaName).toBe('s');
  });

  it('should leave errors that are not ModelCallErrors alone: no retry, no breaker count', async () => {
    const bug = new TypeError('bug in a custom model');
    const mock = new MockModel({ error: bug });

    const thrown = await withResilience(mock, fast)
      .generateObject({ messages, schema, schemaName: 's' })
      .catch((error: unknown) => error);

    expect(thrown).toBe(bug);
    expect(isDegradedError(thrown)).toBe(true);
    expect(mock.calls).toHaveLength(1);
    expect(getCircuitBreakerStates()[0]?.consecutiveFailures).toBe(0);
  });

  it('should use provider:modelId as the default breaker key and forget breakers on reset', async () => {
    const mock = new MockModel({ provider: 'acme', modelId: 'm1' });
    await collect(withResilience(mock).streamText({ messages }));

    expect(getCircuitBreakerStates().map((status) => status.key)).toEqual(['acme:m1']);
    resetCircuitBreakers();
    expect(getCircuitBreakerStates()).toEqual([]);
  });
});
