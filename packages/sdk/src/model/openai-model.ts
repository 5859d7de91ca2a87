import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { OpenAI } from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { ExitBotError, ModelCallError } from '../errors/exitbot-error.ts';
import type { ChatMessage, ChatModel, JsonSchema, ModelCallOptions } from './chat-model.ts';
import { abortedError, isAbortError, isRetryableStatus, parseRetryAfterMs } from './model-errors.ts';
import { type ResilienceOptions, withResilience } from './resilience.ts';

/** Options of `openaiModel()`. */
export interface OpenAIModelOptions {
  /** API key of the provider (required). Never read from the environment by the SDK. */
  apiKey: string;
  /** Model name, e.g. `gpt-4o-mini` or `llama3.1:8b` (required). */
  model: string;
  /** Any OpenAI-compatible endpoint (Azure, Ollama, vLLM, Groq...). Default `https://api.openai.com/v1`. */
  baseURL?: string;
  /** OpenAI organization id, sent as `OpenAI-Organization`. */
  organization?: string;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** Hard limit of one HTTP request, enforced by the openai client. Default 60 000 ms. */
  timeoutMs?: number;
  /** Timeout, retry, circuit breaker and bulkhead settings, or `false` for a bare model. Default on. */
  resilience?: ResilienceOptions | false;
  /** A fetch implementation (proxies, tests, edge runtimes). Default the global `fetch`. */
  fetch?: typeof fetch;
  /**
   * Request field carrying the output limit: `max_completion_tokens` (OpenAI, required by reasoning models)
   * or `max_tokens` (older OpenAI-compatible servers). Default `max_completion_tokens`.
   */
  maxTokensParameter?: 'max_completion_tokens' | 'max_tokens';
}

const defaultBaseURL = 'https://api.openai.com/v1';

type OpenAIModule = typeof import('openai');
let openaiModule: Promise<OpenAIModule> | undefined;
/** The openai package, loaded on the first call: it is large, and an app may create a model long before using it. */
function loadOpenAI(): Promise<OpenAIModule> {
  openaiModule ??= import('openai');
  return openaiModule;
}

function invalid(message: string): ExitBotError {
  return new ExitBotError({ code: 'invalid-argument', message: `openaiModel: ${message}` });
}

function validateOptions(options: OpenAIModelOptions): void {
  if (typeof options !== 'object' || options === null) throw invalid('options are required');
  if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') {
    throw invalid('apiKey must be a non-empty string');
  }
  if (typeof options.model !== 'string' || options.model.trim() === '') {
    throw invalid('model must be a non-empty string');
  }
  if (options.baseURL !== undefined) {
    if (typeof options.baseURL !== 'string' || !URL.canParse(options.baseURL)) {
      throw invalid(`baseURL must be an absolute URL, got ${JSON.stringify(options.baseURL)}`);
    }
    const protocol = new URL(options.baseURL).protocol;
    if (protocol !== 'http:' && protocol !== 'https:') {
      throw invalid(`baseURL must use http or https, got ${protocol}`);
    }
  }
  if (options.timeoutMs !== undefined && !(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
    throw invalid(`timeoutMs must be a positive number, got ${options.timeoutMs}`);
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw invalid('fetch must be a function');
  }
  if (
    options.maxTokensParameter !== undefined &&
    options.maxTokensParameter !== 'max_completion_tokens' &&
    options.maxTokensParameter !== 'max_tokens'
  ) {
    throw invalid(`maxTokensParameter must be 'max_completion_tokens' or 'max_tokens'`);
  }
}

/**
 * Maps anything the openai client throws to a `ModelCallError`: HTTP status, whether a retry may help
 * and the provider's Retry-After; a cancellation by the caller becomes code `aborted`.
 */
function toModelCallError(error: unknown, openai: OpenAIModule, signal?: AbortSignal): ModelCallError {
  const { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } = openai;
  if (ModelCallError.isInstance(error)) return error;
  if (error instanceof APIUserAbortError || (signal?.aborted && isAbortError(error))) {
    return abortedError(signal);
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new ModelCallError({
      code: 'model-timeout',
      message: 'The model request timed out',
      isRetryable: true,
      cause: error,
    });
  }
  if (error instanceof APIConnectionError) {
    return new ModelCallError({
      message: `Could not reach the model provider: ${error.message}`,
      isRetryable: true,
      cause: error,
    });
  }
  if (error instanceof APIError) {
    const status = typeof error.status === 'number' ? error.status : undefined;
    return new ModelCallError({
      message: error.message,
      statusCode: status,
      // An error without a status arrived inside an open stream: the provider failed mid-answer.
      isRetryable: status === undefined ? true : isRetryableStatus(status),
      retryAfterMs: parseRetryAfterMs(error.headers),
      cause: error,
    });
  }
  if (signal?.aborted) return abortedError(signal);
  return new ModelCallError({
    message: `The model call failed: ${error instanceof Error ? error.message : String(error)}`,
    isRetryable: false,
    cause: error,
  });
}

function toOpenAIMessages(messages: ChatMessage[]): ChatCompletionMessageParam[] {
  return messages.map((message): ChatCompletionMessageParam => {
    switch (message.role) {
      case 'system':
        return { role: 'system', content: message.content };
      case 'user':
        return { role: 'user', content: message.content };
      case 'assistant':
        return { role: 'assistant', content: message.content };
      default:
        throw invalid(`unknown message role ${JSON.stringify((message as { role: unknown }).role)}`);
    }
  });
}

function outputInvalid(message: string, cause?: unknown): ModelCallError {
  return new ModelCallError({ code: 'model-output-invalid', message, isRetryable: false, cause });
}

/**
 * The text deltas of a streamed chat completion, read straight from the HTTP body. The openai package's own
 * stream parser costs about 30 microseconds per chunk (several async generators, a line decoder, a class
 * per chunk); this one parses each `data:` line once. An error object inside the stream becomes a retryable
 * `ModelCallError` (the provider failed mid-answer), as the openai client reports it.
 */
async function* completionTexts(response: Response): AsyncGenerator<string> {
  const body = response.body;
  if (!body) return;
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => pending.push(message) });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let finished = false;
  let bodyDone = false;
  let sawDone = false;
  try {
    while (!finished) {
      const { done, value } = await reader.read();
      finished = bodyDone = done;
      parser.feed(done ? decoder.decode() : decoder.decode(value, { stream: true }));
      for (let message = pending.shift(); message !== undefined; message = pending.shift()) {
        if (message.data.startsWith('[DONE]')) {
          finished = sawDone = true;
          break;
        }
        const chunk = JSON.parse(message.data) as {
          error?: { message?: string };
          choices?: { delta?: { content?: string | null } }[];
        };
        if (chunk.error) {
          throw new ModelCallError({
            message: chunk.error.message ?? 'The model failed in the middle of its answer',
            isRetryable: true,
            cause: chunk.error,
          });
        }
        const text = chunk.choices?.[0]?.delta?.content;
        if (text) yield text;
      }
    }
  } finally {
    if (bodyDone) reader.releaseLock();
    // [DONE] came before the end of the body (the last chunk of the HTTP response may follow in its own
    // packet): the answer is complete, and the rest is read in the background (briefly) so that the
    // connection goes back to the pool; cancelling would close it, and the next call would open a new one
    // (TLS included).
    else if (sawDone) void drainBody(reader);
    // Stopped before the answer was complete (the consumer, an error): cancelling releases the connection.
    else {
      await reader.cancel().catch(() => {});
      reader.releaseLock();
    }
  }
}

/**
 * How long the rest of a body after `[DONE]` may take before the connection is given up: the end of the
 * response comes in the next packet or not at all (a proxy that holds the stream open).
 */
const drainTimeoutMs = 250;
/** Bodies drained at once at most (they no longer count against the caller's concurrency limit). */
const maxDraining = 64;
let draining = 0;

async function drainBody(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  if (draining >= maxDraining) {
    await reader.cancel().catch(() => {});
    reader.releaseLock();
    return;
  }
  draining += 1;
  const timer: unknown = setTimeout(() => void reader.cancel().catch(() => {}), drainTimeoutMs);
  // In Node the timer must not keep the process alive.
  (timer as { unref?: () => void }).unref?.();
  try {
    while (!(await reader.read()).done) {
      // Nothing after [DONE] is used.
    }
  } catch {
    // Cancelled after the timeout, or the connection failed: nothing was waiting for it.
  } finally {
    draining -= 1;
    clearTimeout(timer as ReturnType<typeof setTimeout>);
    reader.releaseLock();
  }
}

/** The bare OpenAI chat model, without resilience. */
function createOpenAIChatModel(options: OpenAIModelOptions & { baseURL: string }): ChatModel {
  const clientOptions = {
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    // Explicit nulls keep the openai package from filling these in from process.env.
    organization: options.organization ?? null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    defaultHeaders: options.headers,
    timeout: options.timeoutMs ?? 60_000,
    // Our retry policy is the only one; letting the client retry too would multiply the attempts.
    maxRetries: 0,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  let client: { openai: OpenAIModule; client: OpenAI } | undefined;
  async function connect() {
    if (!client) {
      const openai = await loadOpenAI();
      client ??= { openai, client: new openai.OpenAI(clientOptions) };
    }
    return client;
  }
  const model = options.model;
  const maxTokensParameter = options.maxTokensParameter ?? 'max_completion_tokens';

  function parameters(call: ModelCallOptions) {
    return {
      model,
      messages: toOpenAIMessages(call.messages),
      ...(call.temperature === undefined ? {} : { temperature: call.temperature }),
      ...(call.maxOutputTokens === undefined ? {} : { [maxTokensParameter]: call.maxOutputTokens }),
    };
  }

  return {
    provider: 'openai',
    modelId: model,

    async *streamText(call: ModelCallOptions): AsyncIterable<string> {
      const signal = call.signal;
      if (signal?.aborted) throw abortedError(signal);
      let produced = false;
      const { openai, client } = await connect();
      try {
        // The client builds and sends the request and maps HTTP errors; the body is parsed here (see above).
        const response = await client.chat.completions
          .create({ ...parameters(call), stream: true }, { signal, maxRetries: 0 })
          .asResponse();
        for await (const text of completionTexts(response)) {
          produced = true;
          yield text;
        }
      } catch (error) {
        throw toModelCallError(error, openai, signal);
      }
      // The openai stream ends quietly when its request is aborted: a cut-off answer must not look complete.
      if (signal?.aborted) throw abortedError(signal);
      if (!produced) throw outputInvalid('The model returned no text');
    },

    async generateObject(call: ModelCallOptions & { schema: JsonSchema; schemaName: string }) {
      const signal = call.signal;
      if (signal?.aborted) throw abortedError(signal);
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      const { openai, client } = await connect();
      try {
        completion = await client.chat.completions.create(
          {
            ...parameters(call),
            stream: false,
            response_format: {
              type: 'json_schema',
              json_schema: { name: call.schemaName, schema: call.schema, strict: true },
            },
          },
          { signal, maxRetries: 0 },
        );
      } catch (error) {
        throw toModelCallError(error, openai, signal);
      }
      const message = completion.choices?.[0]?.message;
      if (message?.refusal) throw outputInvalid(`The model refused: ${message.refusal}`);
      const content = message?.content;
      if (typeof content !== 'string' || content.trim() === '') {
        throw outputInvalid('The model returned no content for the structured output');
      }
      try {
        return JSON.parse(content) as unknown;
      } catch (error) {
        const finishReason = completion.choices?.[0]?.finish_reason;
        throw outputInvalid(
          `The model returned malformed JSON${finishReason === 'length' ? ' (cut off at the token limit)' : ''}`,
          error,
        );
      }
    },
  };
}

/**
 * A `ChatModel` over the `openai` package, for OpenAI or any OpenAI-compatible endpoint. Streamed chat
 * completions for text, JSON-schema structured output for objects. Resilient by default (per-attempt
 * timeout, retries with jittered backoff honouring Retry-After, circuit breaker, bulkhead; see
 * `withResilience`); the openai client's own retries are off. Throws `ExitBotError('invalid-argument')`
 * right here when an option is wrong; calls throw `ModelCallError`.
 *
 * @example
 * const model = openaiModel({ apiKey: key, model: 'gpt-4o-mini' });
 * for await (const text of model.streamText({ messages: [{ role: 'user', content: 'Hi' }] })) write(text);
 *
 * @example
 * // Ollama, with faster failure for an interactive chat
 * const local = openaiModel({
 *   apiKey: 'ollama',
 *   baseURL: 'http://localhost:11434/v1',
 *   model: 'llama3.1:8b',
 *   resilience: { streamTimeoutMs: 10_000, maxAttempts: 2 },
 * });
 */
export function openaiModel(options: OpenAIModelOptions): ChatModel {
  validateOptions(options);
  const baseURL = (options.baseURL ?? defaultBaseURL).replace(/\/+$/, '');
  const bare = createOpenAIChatModel({ ...options, baseURL });
  if (options.resilience === false) return bare;
  return withResilience(bare, {
    breakerKey: `${bare.provider}:${bare.modelId}:${baseURL}`,
    ...options.resilience,
  });
}
