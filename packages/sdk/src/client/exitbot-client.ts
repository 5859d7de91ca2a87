import { ExitBotError } from '../errors/index.ts';
import type { WireEvent } from '../protocol/index.ts';
import { ApiCallError } from './api-call-error.ts';
import { readEventStream } from './event-stream.ts';
import type {
  ExitBotClient,
  ExitBotClientOptions,
  InterviewSnapshot,
  MessagesPage,
  MessageType,
  SendOptions,
} from './types.ts';

const clientMessageIdPattern = /^[A-Za-z0-9_-]{8,64}$/;
const messageTypes: ReadonlySet<string> = new Set<MessageType>(['start', 'answer', 'decline', 'finish']);
const maxAnswerLength = 4000;

/**
 * Creates a typed client for the employee side of the ExitBot HTTP API (browser, Node and edge safe).
 *
 * @example
 * const client = createExitBotClient({ baseUrl: 'https://exitbot.example.com', token });
 * const { interview, messages } = await client.getInterview();
 * for await (const event of client.send({ clientMessageId: newId(), type: 'answer', text: 'My manager.' })) {
 *   if (event.type === 'question-delta') render(event.delta);
 * }
 */
export function createExitBotClient(options: ExitBotClientOptions): ExitBotClient {
  const base = parseBaseUrl(options.baseUrl);
  if (typeof options.token !== 'string' || options.token.trim() === '') {
    throw new ExitBotError({
      code: 'invalid-argument',
      message: 'createExitBotClient: `token` is required.',
    });
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') {
    throw new ExitBotError({
      code: 'invalid-argument',
      message: 'createExitBotClient: no global fetch; pass `fetch`.',
    });
  }
  const authorization = `Bearer ${options.token}`;

  async function request(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('Authorization', authorization);
    let response: Response;
    try {
      // Called through a local so a fetch that needs `this === globalThis` keeps working.
      response = await fetchImpl(new URL(path, base), { ...init, headers, credentials: 'omit' });
    } catch (error) {
      throw toTransportError(error, init.signal);
    }
    if (!response.ok) throw await toHttpError(response);
    return response;
  }

  async function getJson<T>(
    path: string,
    signal: AbortSignal | undefined,
    isValid: (body: unknown) => boolean,
  ) {
    const response = await request(path, { method: 'GET', headers: { Accept: 'application/json' }, signal });
    const body = await readJson(response, signal);
    if (!isValid(body)) {
      throw new ExitBotError({ code: 'protocol-error', message: `Unexpected answer from GET ${path}.` });
    }
    return body as T;
  }

  async function* stream(options: SendOptions): AsyncGenerator<WireEvent> {
    const body: Record<string, string> = { clientMessageId: options.clientMessageId, type: options.type };
    if (options.text !== undefined) body.text = options.text;
    const response = await request('v1/interview/messages', {
      method: 'POST',
      headers: { Accept: 'text/event-stream', 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: options.signal,
    });
    const contentType = response.headers.get('content-type') ?? '';
    if (!contentType.includes('text/event-stream') || response.body === null) {
      // A server or proxy that does not stream answers with the whole turn as JSON.
      const json = (await readJson(response, options.signal)) as { events?: unknown };
      if (!Array.isArray(json.events)) {
        throw new ExitBotError({
          code: 'protocol-error',
          message: 'The reply has neither a stream nor events.',
        });
      }
      yield* json.events as WireEvent[];
      return;
    }
    let stored = false;
    try {
      for await (const event of readEventStream(response.body)) {
        if (event.type === 'reply-stored' || event.type === 'error') stored = true;
        yield event;
      }
    } catch (error) {
      if (ExitBotError.isInstance(error)) throw error;
      throw toTransportError(error, options.signal);
    }
    if (!stored) {
      throw new ApiCallError({
        code: 'network-error',
        message: 'The stream ended before the reply was stored; read it with getMessages().',
      });
    }
  }

  return {
    getInterview: (requestOptions) =>
      getJson<InterviewSnapshot>(
        'v1/interview',
        requestOptions?.signal,
        (body) => isObject(body) && isObject(body.interview) && Array.isArray(body.messages),
      ),
    getMessages: ({ after, signal }) => {
      if (!Number.isInteger(after) || after < 0) {
        throw new ExitBotError({ code: 'invalid-argument', message: '`after` must be an integer >= 0.' });
      }
      return getJson<MessagesPage>(
        `v1/interview/messages?after=${after}`,
        signal,
        (body) => isObject(body) && Array.isArray(body.messages) && typeof body.status === 'string',
      );
    },
    send: (sendOptions) => {
      validateSendOptions(sendOptions);
      return { [Symbol.asyncIterator]: () => stream(sendOptions) };
    },
  };
}

function parseBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl, globalThis.location?.href);
  } catch (error) {
    throw new ExitBotError({
      code: 'invalid-argument',
      message: `createExitBotClient: \`baseUrl\` is not a URL: ${String(baseUrl)}`,
      cause: error,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ExitBotError({
      code: 'invalid-argument',
      message: 'createExitBotClient: `baseUrl` must be http(s).',
    });
  }
  // A trailing slash makes relative paths resolve under a path prefix (https://host/exitbot/ + v1/...).
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.search = '';
  url.hash = '';
  return url;
}

function validateSendOptions(options: SendOptions): void {
  const fail = (message: string) => {
    throw new ExitBotError({ code: 'invalid-argument', message: `send: ${message}` });
  };
  if (!clientMessageIdPattern.test(options.clientMessageId)) {
    fail('`clientMessageId` must be 8-64 characters of A-Z a-z 0-9 _ -.');
  }
  if (!messageTypes.has(options.type)) fail(`unknown \`type\` ${JSON.stringify(options.type)}.`);
  if (options.type === 'answer') {
    const length = options.text?.trim().length ?? 0;
    if (length === 0) fail('an answer needs `text`.');
    if ((options.text?.length ?? 0) > maxAnswerLength)
      fail(`\`text\` is longer than ${maxAnswerLength} characters.`);
  } else if (options.text !== undefined) {
    fail(`\`text\` is only sent with answers, not with ${options.type}.`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

async function readJson(response: Response, signal: AbortSignal | undefined): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw toTransportError(error, signal);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ExitBotError({
      code: 'protocol-error',
      message: 'The server answered with invalid JSON.',
      cause: error,
    });
  }
}

function toTransportError(error: unknown, signal: AbortSignal | null | undefined): ExitBotError {
  if (signal?.aborted) {
    return new ExitBotError({ code: 'aborted', message: 'The request was aborted.', cause: error });
  }
  return new ApiCallError({
    code: 'network-error',
    message: `The network request failed: ${error instanceof Error ? error.message : String(error)}`,
    cause: error,
  });
}

async function toHttpError(response: Response): Promise<ApiCallError> {
  let serverCode: string | undefined;
  let message = `The server answered ${response.status}.`;
  let details: unknown;
  try {
    const body = (await response.json()) as {
      error?: { code?: unknown; message?: unknown; details?: unknown };
    };
    if (typeof body.error?.code === 'string') serverCode = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
    details = body.error?.details;
  } catch {
    // Not our JSON error shape (a proxy's HTML page, an empty body): the status says enough.
  }
  return new ApiCallError({
    code: 'http-error',
    message,
    status: response.status,
    serverCode,
    details,
    retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
  });
}

function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
