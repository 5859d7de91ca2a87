// The server's model for an OpenAI-compatible endpoint. Streamed text, the call every turn makes, goes
// straight over node:http(s) with keep-alive sockets and its server-sent events are parsed from the socket
// reads: through the SDK's openaiModel (the openai client, a web stream, a line decoder and three async
// generators per token) the same call costs about 0.5 ms more and every relayed token some tens of
// microseconds more, which decides how many interviews one process can stream at once. Structured output
// (reports) is rare and goes through the SDK's openaiModel. Both run under the SDK's resilience policies
// (timeouts, retries, circuit breaker, bulkhead) with the breaker key openaiModel would use.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import {
  type ChatModel,
  isRetryableStatus,
  type JsonSchema,
  ModelCallError,
  type ModelCallOptions,
  openaiModel,
  parseRetryAfterMs,
  type ResilienceOptions,
  withResilience,
} from '@exitbot/sdk';
import { createModelFetch } from './model-fetch.ts';

/** Options of `openaiCompatibleModel()`. */
export interface OpenAICompatibleModelOptions {
  apiKey: string;
  model: string;
  /** Default `https://api.openai.com/v1`. */
  baseURL?: string;
  /** Resilience settings (see the SDK's `withResilience`); `false` for a bare model (tests). */
  resilience?: ResilienceOptions | false;
}

const defaultBaseURL = 'https://api.openai.com/v1';
/** An error body longer than this is cut before it is parsed for a message. */
const maxErrorBody = 64 * 1024;

function abortedError(signal: AbortSignal | undefined): ModelCallError {
  return new ModelCallError({
    code: 'aborted',
    message: 'The model call was aborted by the caller',
    isRetryable: false,
    cause: signal?.reason,
  });
}

function headerGetter(response: IncomingMessage): Pick<Headers, 'get'> {
  return {
    get: (name: string) => {
      const value = response.headers[name.toLowerCase()];
      return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
    },
  };
}

function decodedBody(response: IncomingMessage): AsyncIterable<Buffer> {
  const encoding = response.headers['content-encoding'];
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : undefined;
  // pipeline() carries a failure of the response (reset, abort) on to the decoder and so to the reader.
  return decoder ? pipeline(response, decoder, () => {}) : response;
}

async function errorFromResponse(response: IncomingMessage): Promise<ModelCallError> {
  const status = response.statusCode ?? 0;
  let text = '';
  for await (const chunk of decodedBody(response)) {
    if (text.length < maxErrorBody) text += chunk.toString('utf8');
  }
  let message = `The model provider answered HTTP ${status}`;
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string };
    const detail = typeof parsed.error === 'string' ? parsed.error : parsed.error?.message;
    if (typeof detail === 'string' && detail) message = `${status} ${detail}`;
  } catch {
    // not JSON: keep the status message
  }
  return new ModelCallError({
    message,
    statusCode: status,
    isRetryable: isRetryableStatus(status),
    retryAfterMs: parseRetryAfterMs(headerGetter(response)),
  });
}

/**
 * Server-sent events of a chat-completions stream: `data:` lines joined per event, `[DONE]` ends it. An
 * event carrying an `error` object means the provider failed in the middle of its answer (retryable).
 */
function createCompletionParser() {
  let buffer = '';
  let data: string[] = [];
  let done = false;
  let failure: ModelCallError | undefined;
  const dispatch = (texts: string[]) => {
    if (data.length === 0) return;
    const payload = data.join('\n');
    data = [];
    if (payload.startsWith('[DONE]')) {
      done = true;
      return;
    }
    const chunk = JSON.parse(payload) as {
      error?: { message?: string };
      choices?: { delta?: { content?: string | null } }[];
    };
    if (chunk.error) {
      // Delivered after the text that came before it in the same read.
      failure = new ModelCallError({
        message: chunk.error.message ?? 'The model failed in the middle of its answer',
        isRetryable: true,
        cause: chunk.error,
      });
      done = true;
      return;
    }
    const text = chunk.choices?.[0]?.delta?.content;
    if (text) texts.push(text);
  };
  return {
    get done() {
      return done;
    },
    /** The provider's error event, if the stream carried one (after the texts before it). */
    get failure() {
      return failure;
    },
    /** Feeds decoded text; returns the text deltas of the events it completed (nothing after [DONE]). */
    feed(text: string, final = false): string[] {
      const texts: string[] = [];
      if (done) return texts;
      buffer += text;
      let start = 0;
      for (;;) {
        const newline = buffer.indexOf('\n', start);
        if (newline === -1) break;
        const line =
          buffer.charCodeAt(newline - 1) === 13
            ? buffer.slice(start, newline - 1)
            : buffer.slice(start, newline);
        start = newline + 1;
        if (line === '') dispatch(texts);
        else if (line.startsWith('data:'))
          data.push(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5));
        if (done) break;
      }
      buffer = buffer.slice(start);
      if (final && !done) {
        if (buffer.startsWith('data:'))
          data.push(buffer.charCodeAt(5) === 32 ? buffer.slice(6) : buffer.slice(5));
        buffer = '';
        dispatch(texts);
      }
      return texts;
    },
  };
}

/** The bare streamed-text call (no resilience). */
function createStreamer(options: { apiKey: string; model: string; baseURL: string }) {
  const url = new URL(`${options.baseURL}/chat/completions`);
  const https = url.protocol === 'https:';
  const agent = https
    ? new HttpsAgent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY })
    : new HttpAgent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const send = https ? httpsRequest : httpRequest;
  const authorization = `Bearer ${options.apiKey}`;

  function open(body: string, signal: AbortSignal | undefined): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const outgoing = send(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            authorization,
            'content-type': 'application/json',
            accept: 'text/event-stream',
            'content-length': Buffer.byteLength(body),
          },
          ...(signal ? { signal } : {}),
        },
        resolve,
      );
      outgoing.once('error', (error) => {
        if (signal?.aborted) reject(abortedError(signal));
        else
          reject(
            new ModelCallError({
              message: `Could not reach the model provider: ${error.message}`,
              isRetryable: true,
              cause: error,
            }),
          );
      });
      outgoing.end(body);
    });
  }

  return async function* streamText(call: ModelCallOptions): AsyncGenerator<string> {
    const signal = call.signal;
    if (signal?.aborted) throw abortedError(signal);
    const body = JSON.stringify({
      model: options.model,
      messages: call.messages.map(({ role, content }) => ({ role, content })),
      stream: true,
      ...(call.temperature === undefined ? {} : { temperature: call.temperature }),
      ...(call.maxOutputTokens === undefined ? {} : { max_completion_tokens: call.maxOutputTokens }),
    });
    const response = await open(body, signal);
    if ((response.statusCode ?? 0) < 200 || (response.statusCode ?? 0) >= 300) {
      throw await errorFromResponse(response);
    }
    const parser = createCompletionParser();
    const decoder = new StringDecoder('utf8');
    let produced = false;
    try {
      for await (const chunk of decodedBody(response)) {
        // Read to the end even after [DONE]: a response read to its end leaves the socket for the next call.
        for (const text of parser.feed(decoder.write(chunk))) {
          produced = true;
          yield text;
        }
        if (parser.failure) throw parser.failure;
      }
      if (!parser.done) {
        for (const text of parser.feed(decoder.end(), true)) {
          produced = true;
          yield text;
        }
      }
    } catch (error) {
      if (ModelCallError.isInstance(error)) throw error;
      if (signal?.aborted) throw abortedError(signal);
      throw new ModelCallError({
        message: `The model stream failed: ${error instanceof Error ? error.message : String(error)}`,
        isRetryable: true,
        cause: error,
      });
    } finally {
      // Stopped early (consumer, error, [DONE] before the end of the body): free the socket.
      if (!response.complete) response.destroy();
    }
    if (signal?.aborted) throw abortedError(signal);
    if (!produced) {
      throw new ModelCallError({
        code: 'model-output-invalid',
        message: 'The model returned no text',
        isRetryable: false,
      });
    }
  };
}

/**
 * A `ChatModel` for an OpenAI-compatible endpoint, tuned for the server's message path: streamed text over
 * node:http(s), structured output through the SDK's `openaiModel`, both under `withResilience`.
 */
export function openaiCompatibleModel(options: OpenAICompatibleModelOptions): ChatModel {
  const baseURL = (options.baseURL ?? defaultBaseURL).replace(/\/+$/, '');
  const objects = openaiModel({
    apiKey: options.apiKey,
    model: options.model,
    baseURL,
    resilience: false,
    fetch: createModelFetch(),
  });
  const bare: ChatModel = {
    provider: 'openai',
    modelId: options.model,
    streamText: createStreamer({ apiKey: options.apiKey, model: options.model, baseURL }),
    generateObject: (call: ModelCallOptions & { schema: JsonSchema; schemaName: string }) =>
      objects.generateObject(call),
  };
  if (options.resilience === false) return bare;
  return withResilience(bare, {
    // The key openaiModel() uses, so that both share one breaker and bulkhead per endpoint and model.
    breakerKey: `openai:${options.model}:${baseURL}`,
    ...options.resilience,
  });
}
