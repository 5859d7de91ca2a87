import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelFetch } from './model-fetch.ts';

describe('createModelFetch', () => {
  let server: Server;
  let base: string;
  let lastRequest: { method?: string; headers: IncomingMessage['headers']; body: string } | undefined;
  let closedEarly = false;
  let release: (() => void) | undefined;
  const modelFetch = createModelFetch();

  const routes: Record<string, (request: IncomingMessage, response: ServerResponse) => void> = {
    '/echo': (_request, response) => {
      response.writeHead(201, { 'Content-Type': 'application/json', 'X-Request-Id': 'abc' });
      response.end(JSON.stringify({ ok: true }));
    },
    '/stream': (request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      response.write('data: first\n\n');
      request.socket.once('close', () => {
        closedEarly = !response.writableEnded;
      });
      release = () => response.end('data: second\n\n');
    },
    '/gzip': (_request, response) => {
      response.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Type': 'text/plain' });
      response.end(gzipSync('compressed text'));
    },
    '/moved': (_request, response) => {
      response.writeHead(307, { Location: '/echo' });
      response.end();
    },
    '/empty': (_request, response) => {
      response.writeHead(204);
      response.end();
    },
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        lastRequest = { method: request.method, headers: request.headers, body };
        routes[request.url ?? '']?.(request, response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('should send the method, headers and body and return status, headers and body', async () => {
    const response = await modelFetch(`${base}/echo`, {
      method: 'POST',
      headers: new Headers({ Authorization: 'Bearer sk-test', 'Content-Type': 'application/json' }),
      body: JSON.stringify({ model: 'm' }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-request-id')).toBe('abc');
    expect(await response.json()).toEqual({ ok: true });
    expect(lastRequest).toMatchObject({
      method: 'POST',
      body: '{"model":"m"}',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
    });
  });

  it('should hand over the first chunk while the server is still sending', async () => {
    const response = await modelFetch(`${base}/stream`, { method: 'POST', body: '{}' });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader.read()).value)).toBe('data: first\n\n');
    release?.();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += decoder.decode(chunk.value);
    expect(rest).toBe('data: second\n\n');
  });

  it('should fail the read and close the connection when the signal aborts mid-body', async () => {
    closedEarly = false;
    const controller = new AbortController();
    const response = await modelFetch(`${base}/stream`, {
      method: 'POST',
      body: '{}',
      signal: controller.signal,
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    controller.abort();
    await expect(reader.read()).rejects.toThrow();
    await expect.poll(() => closedEarly).toBe(true);
  });

  it('should reject an already aborted signal without a request, and report a refused connection as TypeError', async () => {
    lastRequest = undefined;
    await expect(modelFetch(`${base}/echo`, { signal: AbortSignal.abort() })).rejects.toThrow();
    expect(lastRequest).toBeUndefined();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(modelFetch(`http://127.0.0.1:${port}/`)).rejects.toBeInstanceOf(TypeError);
  });

  it('should decode a gzip body, follow a redirect and give a 204 no body', async () => {
    expect(await (await modelFetch(`${base}/gzip`)).text()).toBe('compressed text');
    const moved = await modelFetch(`${base}/moved`);
    expect(moved.status).toBe(201);
    expect(await moved.json()).toEqual({ ok: true });
    const empty = await modelFetch(`${base}/empty`, { method: 'DELETE' });
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });
});
