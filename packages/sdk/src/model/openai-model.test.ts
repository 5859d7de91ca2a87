import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExitBotError, ModelCallError } from '../errors/exitbot-error.ts';
import type { ChatModel } from './chat-model.ts';
import { isAbortError, isDegradedError, parseRetryAfterMs } from './model-errors.ts';
import {
  chatCompletions,
  completionResponse,
  errorResponse,
  fakeBaseURL,
  hangUntilAborted,
  streamResponse,
} from './openai-api-fake.ts';
import { openaiModel } from './openai-model.ts';
import { resetCircuitBreakers } from './resilience.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
beforeEach(() => resetCircuitBreakers());
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const messages = [
  { role: 'system' as const, content: 'You are an exit interviewer.' },
  { role: 'user' as const, content: 'I am leaving because of my manager.' },
];
const schema = {
  type: 'object',
  properties: { reason: { type: 'string' } },
  required: ['reason'],
  additionalProperties: false,
};

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

function bareModel(overrides: Partial<Parameters<typeof openaiModel>[0]> = {}): ChatModel {
  return openaiModel({
    apiKey: 'sk-test',
    model: 'gpt-test',
    baseURL: fakeBaseURL,
    resilience: false,
    ...overrides,
  });
}

describe('openaiModel options', () => {
  it('should throw invalid-argument at the factory when apiKey is missing or empty', () => {
    for (const apiKey of [undefined, '', '   ']) {
      let thrown: unknown;
      try {
        openaiModel({ apiKey: apiKey as string, model: 'gpt-test' });
      } catch (error) {
        thrown = error;
      }
      expect(ExitBotError.isInstance(thrown) && thrown.code).toBe('invalid-argument');
      expect((thrown as Error).message).toContain('apiKey');
    }
  });

  it('should throw invalid-argument at the factory for a missing model, a bad baseURL or timeout', () => {
    expect(() => openaiModel({ apiKey: 'k', model: '' })).toThrow(/model must be a non-empty string/);
    expect(() => openaiModel({ apiKey: 'k', model: 'm', baseURL: 'not a url' })).toThrow(/baseURL/);
    expect(() => openaiModel({ apiKey: 'k', model: 'm', baseURL: 'ftp://x.test/v1' })).toThrow(
      /http or https/,
    );
    expect(() => openaiModel({ apiKey: 'k', model: 'm', timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => openaiModel({ apiKey: 'k', model: 'm', resilience: { maxAttempts: 0 } })).toThrow(
      /maxAttempts/,
    );
  });

  it('should expose provider and model id', () => {
    const model = openaiModel({ apiKey: 'k', model: 'gpt-4o-mini' });
    expect(model.provider).toBe('openai');
    expect(model.modelId).toBe('gpt-4o-mini');
  });
});

describe('openaiModel streamText', () => {
  it('should stream the content deltas of an SSE chat completion', async () => {
    const fake = chatCompletions([() => streamResponse(['Why ', 'are you ', 'leaving?'])]);
    server.use(fake.handler);

    const chunks = await collect(
      bareModel().streamText({ messages, temperature: 0.4, maxOutputTokens: 120 }),
    );

    expect(chunks).toEqual(['Why ', 'are you ', 'leaving?']);
    expect(fake.requests).toHaveLength(1);
    const request = fake.requests[0]!;
    expect(request.headers.get('authorization')).toBe('Bearer sk-test');
    expect(request.body).toMatchObject({
      model: 'gpt-test',
      stream: true,
      temperature: 0.4,
      max_completion_tokens: 120,
      messages: [
        { role: 'system', content: 'You are an exit interviewer.' },
        { role: 'user', content: 'I am leaving because of my manager.' },
      ],
    });
  });

  it('should work against another OpenAI-compatible base URL with its headers and max_tokens', async () => {
    const baseURL = 'https://llm.internal.test/openai/v1';
    const fake = chatCompletions([() => streamResponse(['Hallo'])], baseURL);
    server.use(fake.handler);
    const model = openaiModel({
      apiKey: 'ollama',
      model: 'llama3.1:8b',
      baseURL: `${baseURL}/`,
      organization: 'org-test',
      headers: { 'x-tenant': 'acme' },
      maxTokensParameter: 'max_tokens',
    });

    const chunks = await collect(model.streamText({ messages, maxOutputTokens: 50 }));

    expect(chunks).toEqual(['Hallo']);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.url).toBe(`${baseURL}/chat/completions`);
    expect(fake.requests[0]!.headers.get('openai-organization')).toBe('org-test');
    expect(fake.requests[0]!.headers.get('x-tenant')).toBe('acme');
    expect(fake.requests[0]!.body.max_tokens).toBe(50);
    expect(fake.requests[0]!.body.max_completion_tokens).toBeUndefined();
  });

  it('should fail with model-output-invalid when the stream carries no text', async () => {
    const fake = chatCompletions([() => streamResponse([])]);
    server.use(fake.handler);

    const error = await failureOf(collect(bareModel().streamText({ messages })));

    expect(error.code).toBe('model-output-invalid');
    expect(error.isRetryable).toBe(false);
    expect(fake.requests).toHaveLength(1);
  });

  it('should map an error event inside the stream to a retryable ModelCallError after the earlier text', async () => {
    const fake = chatCompletions([() => streamResponse(['One ', 'two'], { errorAfter: 1 })]);
    server.use(fake.handler);
    const received: string[] = [];

    const error = await failureOf(
      (async () => {
        for await (const chunk of bareModel().streamText({ messages })) received.push(chunk);
      })(),
    );

    expect(received).toEqual(['One ']);
    expect(error.code).toBe('model-call-failed');
    expect(error.isRetryable).toBe(true);
    expect(fake.requests).toHaveLength(1);
  });

  it('should let the caller abort a hanging request, and the HTTP layer should see the abort', async () => {
    const fake = chatCompletions([hangUntilAborted]);
    server.use(fake.handler);
    const controller = new AbortController();

    const pending = failureOf(collect(bareModel().streamText({ messages, signal: controller.signal })));
    await expect.poll(() => fake.requests.length).toBe(1);
    controller.abort();
    const error = await pending;

    expect(error.code).toBe('aborted');
    expect(isAbortError(error)).toBe(true);
    expect(isDegradedError(error)).toBe(false);
    expect(fake.requests[0]!.signal.aborted).toBe(true);
    expect(fake.requests).toHaveLength(1);
  });

  it('should abort the HTTP request when the caller aborts in the middle of a stream', async () => {
    const fake = chatCompletions([() => streamResponse(['First ', 'second'], { hangAfter: 1 })]);
    server.use(fake.handler);
    const controller = new AbortController();
    const received: string[] = [];

    const error = await failureOf(
      (async () => {
        for await (const chunk of bareModel().streamText({ messages, signal: controller.signal })) {
          received.push(chunk);
          controller.abort();
        }
      })(),
    );

    expect(received).toEqual(['First ']);
    expect(error.code).toBe('aborted');
    expect(fake.requests[0]!.signal.aborted).toBe(true);
  });

  it('should not send a request when the signal is already aborted', async () => {
    const fake = chatCompletions([() => streamResponse(['x'])]);
    server.use(fake.handler);

    const error = await failureOf(collect(bareModel().streamText({ messages, signal: AbortSignal.abort() })));

    expect(error.code).toBe('aborted');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('openaiModel generateObject', () => {
  it('should request strict JSON-schema output and return the parsed value', async () => {
    const fake = chatCompletions([() => completionResponse('{"reason":"manager"}')]);
    server.use(fake.handler);

    const value = await bareModel().generateObject({ messages, schema, schemaName: 'exit_reason' });

    expect(value).toEqual({ reason: 'manager' });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.body).toMatchObject({
      model: 'gpt-test',
      response_format: { type: 'json_schema', json_schema: { name: 'exit_reason', schema, strict: true } },
    });
    expect(fake.requests[0]!.body.stream).not.toBe(true);
  });

  it('should carry the caller abort to the structured-output HTTP request', async () => {
    const fake = chatCompletions([hangUntilAborted]);
    server.use(fake.handler);
    const controller = new AbortController();
    const resilient = openaiModel({ apiKey: 'sk-test', model: 'gpt-test', baseURL: fakeBaseURL });

    const pending = failureOf(
      resilient.generateObject({ messages, schema, schemaName: 'exit_reason', signal: controller.signal }),
    );
    await expect.poll(() => fake.requests.length).toBe(1);
    controller.abort();

    expect((await pending).code).toBe('aborted');
    await expect.poll(() => fake.requests[0]!.signal.aborted).toBe(true);
    expect(fake.requests).toHaveLength(1);
  });

  it('should fail with model-output-invalid on malformed JSON, without retrying it', async () => {
    const fake = chatCompletions([() => completionResponse('{"reason": "manag')]);
    server.use(fake.handler);
    const resilient = openaiModel({ apiKey: 'sk-test', model: 'gpt-test', baseURL: fakeBaseURL });

    const error = await failureOf(resilient.generateObject({ messages, schema, schemaName: 'exit_reason' }));

    expect(error.code).toBe('model-output-invalid');
    expect(error.isRetryable).toBe(false);
    expect(isDegradedError(error)).toBe(true);
    expect(fake.requests).toHaveLength(1);
  });

  it('should fail with model-output-invalid on a refusal or empty content', async () => {
    const fake = chatCompletions([
      () => completionResponse(null, { refusal: 'I cannot help with that.' }),
      () => completionResponse(''),
    ]);
    server.use(fake.handler);

    const refusal = await failureOf(bareModel().generateObject({ messages, schema, schemaName: 's' }));
    const empty = await failureOf(bareModel().generateObject({ messages, schema, schemaName: 's' }));

    expect(refusal.code).toBe('model-output-invalid');
    expect(refusal.message).toContain('refused');
    expect(empty.code).toBe('model-output-invalid');
    expect(fake.requests).toHaveLength(2);
  });
});

describe('openaiModel error mapping', () => {
  it('should map client errors to non-retryable ModelCallErrors with their status', async () => {
    for (const status of [400, 401, 403, 404, 422]) {
      const fake = chatCompletions([() => errorResponse(status)]);
      server.use(fake.handler);

      const error = await failureOf(bareModel().generateObject({ messages, schema, schemaName: 's' }));

      expect(error.statusCode).toBe(status);
      expect(error.isRetryable).toBe(false);
      expect(error.code).toBe('model-call-failed');
      expect(fake.requests).toHaveLength(1);
    }
  });

  it('should map transient statuses to retryable errors with Retry-After', async () => {
    for (const status of [408, 409, 429, 500, 502, 503]) {
      const fake = chatCompletions([() => errorResponse(status, { 'retry-after': '7' })]);
      server.use(fake.handler);

      const error = await failureOf(collect(bareModel().streamText({ messages })));

      expect(error.statusCode).toBe(status);
      expect(error.isRetryable).toBe(true);
      expect(error.retryAfterMs).toBe(7000);
      expect(fake.requests).toHaveLength(1);
    }
  });

  it('should map a network failure to a retryable error without status', async () => {
    const fake = chatCompletions([() => HttpResponse.error()]);
    server.use(fake.handler);

    const error = await failureOf(bareModel().generateObject({ messages, schema, schemaName: 's' }));

    expect(error.code).toBe('model-call-failed');
    expect(error.statusCode).toBeUndefined();
    expect(error.isRetryable).toBe(true);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('should read delta-seconds, retry-after-ms and HTTP dates', () => {
    expect(parseRetryAfterMs(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': '1.5' }), now)).toBe(1500);
    expect(parseRetryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:12 GMT' }), now)).toBe(
      12_000,
    );
  });

  it('should clamp past dates to zero and ignore garbage', () => {
    expect(parseRetryAfterMs(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }), now)).toBe(0);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfterMs(new Headers({ 'retry-after': '-5' }), now)).toBeUndefined();
    expect(parseRetryAfterMs(new Headers(), now)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
  });
});
