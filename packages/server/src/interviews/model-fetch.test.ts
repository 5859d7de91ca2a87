// The server's transport under the openai client, against a real HTTP server on loopback: it must behave like
// `fetch` wherever the client (and our stream reader) looks.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { ModelCallError, openaiModel } from '@exitbot/sdk';
import { Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createModelFetch } from './model-fetch.ts';

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

describe('createModelFetch', () => {
  let server: Server;
  let base: string;
  let handler: Handler = (_request, response) => response.end();
  let requests = 0;
  const closedSockets: number[] = [];
  const modelFetch = createModelFetch();

  beforeAll(async () => {
    server = createServer((request, response) => {
      requests += 1;
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => {
        body += chunk;
      });
      request.on('end', () => handler(request, response, body));
    });
    server.on('connection', (socket) => socket.on('close', () => closedSockets.push(Date.now())));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('should send the method, headers and body, and hand out the status, headers and body', async () => {
    let seen: { method?: string; authorization?: string; type?: string; body?: string } = {};
    handler = (request, response, body) => {
      seen = {
        method: request.method,
        authorization: request.headers.authorization,
        type: request.headers['content-type'],
        body,
      };
      response.writeHead(429, { 'Retry-After': '7', 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'slow down' } }));
    };
    const response = await modelFetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: new Headers({ Authorization: 'Bearer sk-test', 'Content-Type': 'application/json' }),
      body: JSON.stringify({ model: 'm' }),
    });
    expect(seen).toEqual({
      method: 'POST',
      authorization: 'Bearer sk-test',
      type: 'application/json',
      body: '{"model":"m"}',
    });
    expect(response.status).toBe(429);
    expect(response.ok).toBe(false);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await response.json()).toEqual({ error: { message: 'slow down' } });
  });

  it('should hand out each part of a streamed body as it arrives, before the response ends', async () => {
    let sendRest: (() => void) | undefined;
    handler = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      response.write('data: first\n\n');
      sendRest = () => response.end('data: [DONE]\n\n');
    };
    const response = await modelFetch(`${base}/stream`, { method: 'POST', body: '{}' });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: first\n\n');
    // The server has not ended the response: the first part came on its own.
    expect(sendRest).toBeDefined();
    sendRest?.();
    let rest = '';
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      rest += new TextDecoder().decode(next.value);
    }
    expect(rest).toBe('data: [DONE]\n\n');
  });

  it('should give a response without a body for 204', async () => {
    handler = (_request, response) => response.writeHead(204).end();
    const response = await modelFetch(`${base}/empty`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('should decode a compressed body, also two codings, as fetch does', async () => {
    const json = JSON.stringify({ choices: [{ message: { content: 'hello' } }] });
    handler = (request, response) => {
      if (request.url === '/gzip') {
        response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
        response.end(gzipSync(json));
        return;
      }
      // gzip first, then br: undone br first.
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip, br' });
      response.end(brotliCompressSync(gzipSync(json)));
    };
    const response = await modelFetch(`${base}/gzip`, { method: 'POST', body: '{}' });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(await response.json()).toEqual({ choices: [{ message: { content: 'hello' } }] });
    const chained = await modelFetch(`${base}/chain`, { method: 'POST', body: '{}' });
    expect(await chained.json()).toEqual({ choices: [{ message: { content: 'hello' } }] });
  });

  it('should send the standard methods upper-cased, as fetch does (a HEAD answers without a body)', async () => {
    let method: string | undefined;
    handler = (request, response) => {
      method = request.method;
      response.writeHead(200, { 'Content-Type': 'text/plain' }).end();
    };
    const response = await modelFetch(`${base}/head`, { method: 'head' });
    expect(method).toBe('HEAD');
    expect(response.body).toBeNull();
  });

  it('should stop reading from the socket while nobody reads the body (backpressure)', async () => {
    let flooding: ServerResponse | undefined;
    let finished = false;
    handler = (_request, response) => {
      flooding = response;
      response.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      response.on('finish', () => {
        finished = true;
      });
      // 64 MB in 64 KB writes, each once the previous one was taken by the socket.
      const piece = Buffer.alloc(64 * 1024, 97);
      let left = 1024;
      const write = () => {
        while (left > 0) {
          left -= 1;
          if (left === 0) response.end(piece);
          else if (!response.write(piece)) return void response.once('drain', write);
        }
      };
      write();
    };
    const response = await modelFetch(`${base}/flood`, { method: 'POST', body: '{}' });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    // The client stops taking bytes: the server's writes back up and it never gets to the end.
    await vi.waitFor(() => expect(flooding?.writableNeedDrain).toBe(true), { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(finished).toBe(false);
    await reader.cancel();
  });

  it('should reject, and close the connection, for a status a Response cannot carry', async () => {
    // A server that answers with a status outside 200-599 (node:http would not send one).
    let closedConnection = false;
    const odd = createNetServer((socket) => {
      socket.on('close', () => {
        closedConnection = true;
      });
      socket.once('data', () => socket.write('HTTP/1.1 600 Odd\r\nContent-Length: 20\r\n\r\nnot'));
    });
    await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
    try {
      const failure = await modelFetch(`http://127.0.0.1:${(odd.address() as AddressInfo).port}/odd`, {
        method: 'POST',
        body: '{}',
      }).catch((error) => error);
      expect(failure).toBeInstanceOf(TypeError);
      expect((failure as TypeError).message).toBe('fetch failed');
      // Its unread body does not keep the connection.
      await vi.waitFor(() => expect(closedConnection).toBe(true));
    } finally {
      await new Promise((resolve) => odd.close(resolve));
    }
  });

  it('should follow a redirect that keeps the method and body (307)', async () => {
    handler = (request, response, body) => {
      if (request.url === '/old') {
        response.writeHead(307, { Location: '/new' }).end();
        return;
      }
      response.end(`${request.method} ${request.url} ${body}`);
    };
    const response = await modelFetch(`${base}/old`, { method: 'POST', body: 'payload' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('POST /new payload');
  });

  it('should reject with the signal’s reason when aborted before the request, and send nothing', async () => {
    const before = requests;
    const controller = new AbortController();
    controller.abort();
    const failure = await modelFetch(`${base}/never`, { signal: controller.signal }).catch((error) => error);
    expect((failure as Error).name).toBe('AbortError');
    expect(requests).toBe(before);
  });

  it('should reject with the signal’s reason when aborted while waiting for the response, or for a connection', async () => {
    handler = () => {
      // Never answers.
    };
    const waiting = new AbortController();
    const pending = modelFetch(`${base}/silent`, { method: 'POST', body: '{}', signal: waiting.signal });
    setTimeout(() => waiting.abort(), 50);
    expect(((await pending.catch((error) => error)) as Error).name).toBe('AbortError');

    // A connection that never comes (undici would wait for it before looking at the signal).
    class Stalled extends Dispatcher {
      override dispatch(): boolean {
        return true;
      }
    }
    const stalledFetch = createModelFetch({ dispatcher: new Stalled() });
    const connecting = new AbortController();
    const stalled = stalledFetch(`${base}/v1`, { method: 'POST', body: '{}', signal: connecting.signal });
    setTimeout(() => connecting.abort(), 50);
    expect(((await stalled.catch((error) => error)) as Error).name).toBe('AbortError');
  });

  it('should end the body with the signal’s reason when aborted while it streams, and close the connection', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      response.write('data: one\n\n');
    };
    const closedBefore = closedSockets.length;
    const controller = new AbortController();
    const response = await modelFetch(`${base}/hang`, {
      method: 'POST',
      body: '{}',
      signal: controller.signal,
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    controller.abort();
    const failure = await reader.read().catch((error) => error);
    expect((failure as Error).name).toBe('AbortError');
    await vi.waitFor(() => expect(closedSockets.length).toBeGreaterThan(closedBefore));
  });

  it('should reject with TypeError("fetch failed") when the server cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const failure = await modelFetch(`http://127.0.0.1:${port}/v1`, { method: 'POST', body: '{}' }).catch(
      (error) => error,
    );
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as TypeError).message).toBe('fetch failed');
    expect((failure as TypeError).cause).toBeDefined();
  });

  it('should hand a request it does not send itself (a Request, a form body) to the fallback', async () => {
    const fallback = vi.fn(async () => new Response('from the fallback'));
    const withFallback = createModelFetch({ fallback: fallback as unknown as typeof fetch });
    const form = new FormData();
    form.set('file', 'x');
    expect(await (await withFallback(`${base}/upload`, { method: 'POST', body: form })).text()).toBe(
      'from the fallback',
    );
    await withFallback(new Request(`${base}/request`));
    expect(fallback).toHaveBeenCalledTimes(2);
  });

  describe('under the openai client', () => {
    const model = () =>
      openaiModel({
        apiKey: 'sk-test',
        baseURL: `${base}/v1`,
        model: 'test-model',
        resilience: false,
        fetch: modelFetch,
      });

    it('should stream the completion’s text', async () => {
      handler = (_request, response) => {
        response.writeHead(200, { 'Content-Type': 'text/event-stream' });
        for (const content of ['What ', 'made ', 'you ', 'leave?']) {
          response.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`);
        }
        response.end('data: [DONE]\n\n');
      };
      const texts: string[] = [];
      for await (const text of model().streamText({ messages: [{ role: 'user', content: 'Hi' }] })) {
        texts.push(text);
      }
      expect(texts).toEqual(['What ', 'made ', 'you ', 'leave?']);
    });

    it('should report a provider error with its status, retryability and Retry-After', async () => {
      handler = (_request, response) => {
        response.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '3' });
        response.end(JSON.stringify({ error: { message: 'Rate limit reached', type: 'rate_limit' } }));
      };
      const failure = await (async () => {
        for await (const _ of model().streamText({ messages: [{ role: 'user', content: 'Hi' }] })) {
          // never reached
        }
      })().catch((error) => error);
      expect(ModelCallError.isInstance(failure)).toBe(true);
      expect(failure).toMatchObject({ statusCode: 429, isRetryable: true, retryAfterMs: 3000 });
    });

    it('should report the client’s own timeout as a timeout, and the caller’s abort as an abort', async () => {
      handler = () => {
        // Never answers.
      };
      const slow = openaiModel({
        apiKey: 'sk-test',
        baseURL: `${base}/v1`,
        model: 'test-model',
        resilience: false,
        timeoutMs: 200,
        fetch: modelFetch,
      });
      const read = async (signal?: AbortSignal) => {
        for await (const _ of slow.streamText({
          messages: [{ role: 'user', content: 'Hi' }],
          ...(signal ? { signal } : {}),
        })) {
          // never reached
        }
      };
      expect(await read().catch((error) => error)).toMatchObject({
        code: 'model-timeout',
        isRetryable: true,
      });
      const caller = new AbortController();
      setTimeout(() => caller.abort(), 50);
      expect(await read(caller.signal).catch((error) => error)).toMatchObject({ code: 'aborted' });
    });

    it('should report an unreachable provider as a retryable connection error', async () => {
      const unreachable = openaiModel({
        apiKey: 'sk-test',
        baseURL: 'http://127.0.0.1:9/v1',
        model: 'test-model',
        resilience: false,
        fetch: modelFetch,
      });
      const failure = await unreachable
        .generateObject({
          messages: [{ role: 'user', content: 'Hi' }],
          schema: { type: 'object' },
          schemaName: 'x',
        })
        .catch((error) => error);
      expect(ModelCallError.isInstance(failure)).toBe(true);
      expect(failure).toMatchObject({ isRetryable: true });
      expect((failure as Error).message).toContain('Could not reach the model provider');
    });
  });
});
