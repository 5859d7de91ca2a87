// A real OpenAI-compatible chat completions server on 127.0.0.1 for the reliability suite: it records
// and counts every request, streams paced tokens, and can be told to hang, fail or echo its input.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake received. */
export interface FakeCall {
  /** 0-based arrival order. */
  index: number;
  at: number;
  stream: boolean;
  /** `response_format.json_schema.name` of structured-output calls. */
  schemaName: string | undefined;
  body: { messages?: { role: string; content: string }[]; [key: string]: unknown };
  /** Raw request body as received (for substring checks over everything the server sent). */
  raw: string;
  /** True when the client went away before the fake finished answering. */
  clientAborted: boolean;
}

/** What the fake does with one request. */
export type FakeBehavior =
  /** Answer normally: the planned question rephrased (streams) or a valid object (structured output). */
  | { type: 'reply' }
  /** The worst case model: say back what it was sent (user messages for streams, everything for objects). */
  | { type: 'echo' }
  /** Send nothing for `ms` (or until the client leaves), then answer normally. */
  | { type: 'hang'; ms: number }
  /** An HTTP error with an OpenAI-style body. */
  | { type: 'status'; status: number; headers?: Record<string, string>; code?: string; message?: string }
  /** Fixed streamed text (or report summary), e.g. hostile markup the model "wrote". */
  | { type: 'text'; text: string }
  /** A structured-output answer with exactly this content (reports). */
  | { type: 'object'; content: Record<string, unknown> };

/** Options of `startFakeOpenAI()`. */
export interface FakeOpenAIOptions {
  /** Picks the behaviour per request. Default: always `reply`. */
  behavior?: (call: FakeCall) => FakeBehavior;
  /** Delay between streamed tokens (ms), with ±50% jitter. Default 0. */
  tokenDelayMs?: number;
}

/** A running fake. */
export interface FakeOpenAI {
  /** Base URL to give the server (`OPENAI_BASE_URL`), ending in `/v1`. */
  baseURL: string;
  calls: FakeCall[];
  /** Replaces the behaviour function. */
  setBehavior(behavior: (call: FakeCall) => FakeBehavior): void;
  setTokenDelay(ms: number): void;
  /** Calls of one kind: streamed question phrasing or structured output (reports, reasons). */
  count(kind?: 'stream' | 'object'): number;
  /** Resolves when `count()` reaches `n` (rejects after `timeoutMs`). */
  waitForCalls(n: number, timeoutMs?: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

const openTag = '<planned_question>';
const closeTag = '</planned_question>';

function plannedText(messages: { role: string; content: string }[]): string {
  const last = messages.at(-1);
  if (last?.role !== 'system') return 'Could you tell me a little more about that?';
  const start = last.content.indexOf(openTag);
  const end = last.content.lastIndexOf(closeTag);
  if (start === -1 || end === -1) return 'Could you tell me a little more about that?';
  return last.content.slice(start + openTag.length, end).trim();
}

function reportObject(summary: string): Record<string, unknown> {
  return {
    summary,
    reasons: { primary: { reason: 'compensation', confidence: 0.6, evidence: [] }, secondary: [] },
    topicSentiment: [],
    keyQuotes: [],
    regrettableLoss: { likely: false, signals: [] },
    wouldReturn: 'unknown',
    wouldRecommend: 'unknown',
    suggestedActions: [],
  };
}

function objectFor(call: FakeCall, summary: string): Record<string, unknown> {
  if (call.schemaName === 'exit_reasons') {
    return { primary: { reason: 'compensation', confidence: 0.6, evidence: [] }, secondary: [] };
  }
  return reportObject(summary);
}

/** Splits text into word-sized tokens the way a provider streams them. */
function tokens(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [text];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the fake on a free loopback port. */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  let behavior = options.behavior ?? (() => ({ type: 'reply' }) as const);
  let tokenDelayMs = options.tokenDelayMs ?? 0;
  const calls: FakeCall[] = [];
  const waiters = new Set<() => void>();
  const sockets = new Set<import('node:net').Socket>();

  async function readBody(request: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  function chunk(id: string, delta: Record<string, unknown>, finish: string | null): string {
    return `data: ${JSON.stringify({
      id,
      object: 'chat.completion.chunk',
      created: 1_767_225_600,
      model: 'fake',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    })}\n\n`;
  }

  async function answer(call: FakeCall, response: ServerResponse, text: string): Promise<void> {
    if (call.stream) {
      const id = `chatcmpl-${call.index}`;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
      });
      response.write(chunk(id, { role: 'assistant', content: '' }, null));
      for (const token of tokens(text)) {
        if (tokenDelayMs > 0) await sleep(tokenDelayMs * (0.5 + Math.random()));
        if (response.destroyed || response.writableEnded) {
          call.clientAborted = true;
          return;
        }
        response.write(chunk(id, { content: token }, null));
      }
      response.write(chunk(id, {}, 'stop'));
      response.end('data: [DONE]\n\n');
      return;
    }
    if (tokenDelayMs > 0) await sleep(tokenDelayMs * 20);
    const body = JSON.stringify({
      id: `chatcmpl-${call.index}`,
      object: 'chat.completion',
      created: 1_767_225_600,
      model: 'fake',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: text, refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
    });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(body);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    const raw = await readBody(request);
    const body = JSON.parse(raw) as FakeCall['body'];
    const format = body.response_format as { json_schema?: { name?: string } } | undefined;
    const call: FakeCall = {
      index: calls.length,
      at: performance.now(),
      stream: body.stream === true,
      schemaName: format?.json_schema?.name,
      body,
      raw,
      clientAborted: false,
    };
    calls.push(call);
    for (const wake of waiters) wake();
    let gone = false;
    response.on('close', () => {
      gone = true;
      if (!response.writableFinished) call.clientAborted = true;
    });
    const messages = body.messages ?? [];
    const chosen = behavior(call);
    switch (chosen.type) {
      case 'status': {
        response.writeHead(chosen.status, { 'content-type': 'application/json', ...chosen.headers });
        response.end(
          JSON.stringify({
            error: {
              message: chosen.message ?? `Fake error ${chosen.status}`,
              type: chosen.status >= 500 ? 'server_error' : 'invalid_request_error',
              code: chosen.code ?? null,
            },
          }),
        );
        return;
      }
      case 'hang': {
        const deadline = performance.now() + chosen.ms;
        while (performance.now() < deadline && !gone) await sleep(25);
        if (gone) {
          call.clientAborted = true;
          return;
        }
        await answer(
          call,
          response,
          call.stream ? `Thanks. ${plannedText(messages)}` : JSON.stringify(objectFor(call, 'Late report.')),
        );
        return;
      }
      case 'echo': {
        if (call.stream) {
          const said = messages
            .filter((message) => message.role === 'user')
            .map((message) => message.content);
          await answer(call, response, said.join(' | ') || 'nothing');
        } else {
          await answer(
            call,
            response,
            JSON.stringify(objectFor(call, messages.map((message) => message.content).join('\n'))),
          );
        }
        return;
      }
      case 'text':
        await answer(
          call,
          response,
          call.stream ? chosen.text : JSON.stringify(objectFor(call, chosen.text)),
        );
        return;
      case 'object':
        await answer(call, response, JSON.stringify(chosen.content));
        return;
      default:
        await answer(
          call,
          response,
          call.stream
            ? `Thank you for sharing that. ${plannedText(messages)}`
            : JSON.stringify(objectFor(call, 'The employee left mainly over pay and growth.')),
        );
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const count = (kind?: 'stream' | 'object') =>
    kind === undefined ? calls.length : calls.filter((call) => call.stream === (kind === 'stream')).length;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    calls,
    setBehavior(next) {
      behavior = next;
    },
    setTokenDelay(ms) {
      tokenDelayMs = ms;
    },
    count,
    waitForCalls(n, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        if (calls.length >= n) {
          resolve();
          return;
        }
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`fake OpenAI: ${calls.length} calls after ${timeoutMs} ms, expected ${n}`));
        }, timeoutMs);
        const check = () => {
          if (calls.length >= n) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
      });
    },
    reset() {
      calls.length = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
