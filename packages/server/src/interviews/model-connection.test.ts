// The model's HTTP connection is kept alive between calls, also when the provider sends `[DONE]` before the
// end of its response (the last HTTP chunk in a packet of its own): closing it would cost every call a new
// connection, and against a real provider a new TLS handshake.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openaiModel } from '@exitbot/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createModelFetch } from './model-fetch.ts';

// Node's fetch (the SDK's default) and the server's own transport (EXITBOT_MODEL_TRANSPORT=undici).
describe.each([
  ['Node fetch', undefined],
  ['undici request (the server transport)', createModelFetch()],
] as const)('the OpenAI-compatible model over HTTP, through %s', (_name, transport) => {
  let server: Server;
  let connections = 0;
  let ended = 0;
  /** `[DONE]` in the same write as the end of the response, a moment before it, or never followed by it. */
  let mode: 'same' | 'split' | 'held' = 'same';
  /** Server-side sockets closed so far. */
  let closed = 0;

  // A server (an origin, so a connection pool) of its own per test.
  beforeEach(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'Content-Type': 'text/event-stream' });
        const chunk = (content: string) =>
          `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;
        const text = ['What ', 'made ', 'you ', 'leave?'].map(chunk).join('');
        response.on('finish', () => {
          ended += 1;
        });
        if (mode === 'same') response.end(`${text}data: [DONE]\n\n`);
        else {
          response.write(`${text}data: [DONE]\n\n`);
          if (mode === 'split') setTimeout(() => response.end(), 30);
        }
      });
    });
    connections = 0;
    closed = 0;
    server.on('connection', (socket) => {
      connections += 1;
      socket.on('close', () => {
        closed += 1;
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** `count` calls one after the other, each once the previous response has ended (as the next turn would). */
  async function calls(count: number): Promise<{ texts: string[]; connections: number }> {
    const model = openaiModel({
      apiKey: 'sk-test',
      baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
      model: 'test-model',
      ...(transport ? { fetch: transport } : {}),
    });
    ended = 0;
    const texts: string[] = [];
    for (let index = 0; index < count; index += 1) {
      let text = '';
      for await (const piece of model.streamText({ messages: [{ role: 'user', content: 'Hello' }] }))
        text += piece;
      texts.push(text);
      for (let waited = 0; ended < index + 1 && waited < 2_000; waited += 5)
        await new Promise((resolve) => setTimeout(resolve, 5));
      // The client reads the end of the response a moment after the server sent it (on a loaded machine a
      // call may still find the connection busy: at most one more is allowed below).
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { texts, connections };
  }

  it('should reuse one connection when [DONE] ends the response', async () => {
    mode = 'same';
    const result = await calls(5);
    expect(result.texts).toEqual(Array(5).fill('What made you leave?'));
    expect(result.connections).toBeLessThanOrEqual(2);
  });

  it('should reuse one connection when [DONE] comes before the end of the response', async () => {
    mode = 'split';
    const result = await calls(5);
    expect(result.texts).toEqual(Array(5).fill('What made you leave?'));
    expect(result.connections).toBeLessThanOrEqual(2);
  });

  it('should answer at [DONE] and give up a response that never ends after it', async () => {
    mode = 'held';
    const model = openaiModel({
      apiKey: 'sk-test',
      baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
      model: 'test-model',
      ...(transport ? { fetch: transport } : {}),
    });
    let text = '';
    for await (const piece of model.streamText({ messages: [{ role: 'user', content: 'Hello' }] }))
      text += piece;
    expect(text).toBe('What made you leave?');
    // The rest of the body is waited for briefly, then the connection is closed (not kept forever).
    for (let waited = 0; closed === 0 && waited < 10_000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toBe(1);
  });
});
