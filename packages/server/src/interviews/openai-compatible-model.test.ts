import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ModelCallError } from '@exitbot/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiCompatibleModel } from './openai-compatible-model.ts';

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

const chunk = (content: string | null) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: content === null ? {} : { content } }] })}\n\n`;

describe('openaiCompatibleModel', () => {
  let server: Server;
  let baseURL: string;
  let handler: Handler = () => undefined;
  const requests: { headers: IncomingMessage['headers']; body: Record<string, unknown> }[] = [];
  let connections = 0;
  let lastClosedEarly = false;
  const messages = [
    { role: 'system' as const, content: 'You are an exit interviewer.' },
    { role: 'user' as const, content: 'I am leaving.' },
  ];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (data) => {
        body += data;
      });
      request.on('end', () => {
        requests.push({
          headers: request.headers,
          body: JSON.parse(body || '{}') as Record<string, unknown>,
        });
        response.once('close', () => {
          lastClosedEarly = !response.writableFinished;
        });
        handler(request, response, body);
      });
    });
    server.on('connection', () => {
      connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const bare = (model = 'gpt-test') =>
    openaiCompatibleModel({ apiKey: 'sk-test', model, baseURL, resilience: false });
  const collect = async (iterable: AsyncIterable<string>) => {
    const texts: string[] = [];
    for await (const text of iterable) texts.push(text);
    return texts;
  };
  const failure = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      if (ModelCallError.isInstance(error)) return error;
      throw error;
    }
    throw new Error('expected a ModelCallError');
  };

  it('should stream the deltas, send the chat-completions request, and reuse the connection', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      // One event split across two writes, and CRLF line ends: both must parse.
      response.write(`${chunk('Why ')}data: {"choices":[{"delta":`);
      response.write(`{"content":"are you "}}]}\r\n\r\n${chunk('leaving?')}${chunk(null)}data: [DONE]\n\n`);
      response.end();
    };
    const before = connections;
    const model = bare();
    expect(await collect(model.streamText({ messages, temperature: 0.4, maxOutputTokens: 120 }))).toEqual([
      'Why ',
      'are you ',
      'leaving?',
    ]);
    expect(await collect(model.streamText({ messages }))).toEqual(['Why ', 'are you ', 'leaving?']);
    expect(connections - before).toBe(1);
    expect(requests.at(-2)?.headers.authorization).toBe('Bearer sk-test');
    expect(requests.at(-2)?.body).toEqual({
      model: 'gpt-test',
      messages,
      stream: true,
      temperature: 0.4,
      max_completion_tokens: 120,
    });
  });

  it('should map HTTP errors to ModelCallErrors with status, retryability and Retry-After', async () => {
    handler = (_request, response) => {
      response.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '2' });
      response.end(JSON.stringify({ error: { message: 'Rate limit reached' } }));
    };
    const limited = await failure(collect(bare().streamText({ messages })));
    expect(limited).toMatchObject({ statusCode: 429, isRetryable: true, retryAfterMs: 2000 });
    expect(limited.message).toContain('Rate limit reached');
    handler = (_request, response) => {
      response.writeHead(400, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'Bad model' } }));
    };
    expect(await failure(collect(bare().streamText({ messages })))).toMatchObject({
      statusCode: 400,
      isRetryable: false,
    });
  });

  it('should fail retryably on an error event after the earlier text, and as invalid output without text', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      response.end(`${chunk('One ')}data: ${JSON.stringify({ error: { message: 'server_error' } })}\n\n`);
    };
    const received: string[] = [];
    const error = await failure(
      (async () => {
        for await (const text of bare().streamText({ messages })) received.push(text);
      })(),
    );
    expect(received).toEqual(['One ']);
    expect(error).toMatchObject({ code: 'model-call-failed', isRetryable: true });
    handler = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      response.end(`${chunk(null)}data: [DONE]\n\n`);
    };
    expect(await failure(collect(bare().streamText({ messages })))).toMatchObject({
      code: 'model-output-invalid',
      isRetryable: false,
    });
  });

  it('should stop the HTTP request when the caller aborts mid-stream', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      response.write(chunk('First '));
    };
    const controller = new AbortController();
    const received: string[] = [];
    const error = await failure(
      (async () => {
        for await (const text of bare().streamText({ messages, signal: controller.signal })) {
          received.push(text);
          controller.abort();
        }
      })(),
    );
    expect(received).toEqual(['First ']);
    expect(error.code).toBe('aborted');
    await expect.poll(() => lastClosedEarly).toBe(true);
  });

  it('should report an unreachable provider as retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const model = openaiCompatibleModel({
      apiKey: 'sk',
      model: 'm',
      baseURL: `http://127.0.0.1:${port}/v1`,
      resilience: false,
    });
    expect(await failure(collect(model.streamText({ messages })))).toMatchObject({
      code: 'model-call-failed',
      isRetryable: true,
    });
  });

  it('should produce structured output through the SDK client and retry a failed stream under resilience', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(
        JSON.stringify({
          id: 'x',
          object: 'chat.completion',
          created: 0,
          model: 'm',
          choices: [
            { index: 0, message: { role: 'assistant', content: '{"ok":true}' }, finish_reason: 'stop' },
          ],
        }),
      );
    };
    const object = await bare().generateObject({ messages, schema: { type: 'object' }, schemaName: 'probe' });
    expect(object).toEqual({ ok: true });
    expect(requests.at(-1)?.body).toMatchObject({ stream: false, response_format: { type: 'json_schema' } });

    let calls = 0;
    handler = (_request, response) => {
      calls += 1;
      if (calls === 1) {
        response.writeHead(503, { 'Content-Type': 'application/json' });
        response.end('{"error":{"message":"overloaded"}}');
        return;
      }
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      response.end(`${chunk('Again')}data: [DONE]\n\n`);
    };
    const resilient = openaiCompatibleModel({
      apiKey: 'sk-test',
      model: `retry-${Date.now()}`,
      baseURL,
      resilience: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 5 },
    });
    expect(await collect(resilient.streamText({ messages }))).toEqual(['Again']);
    expect(calls).toBe(2);
  });
});
