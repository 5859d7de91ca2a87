import { ModelCallError } from '../errors/exitbot-error.ts';
import type { ChatMessage, ChatModel, JsonSchema, ModelCallOptions } from '../model/chat-model.ts';
import { abortedError, sleep, throwIfAborted } from '../model/model-errors.ts';

/** What one call to a `MockModel` does. Calls consume queued outcomes in order, then use the defaults. */
export type MockOutcome =
  | {
      type: 'chunks';
      /** Text chunks streamed by `streamText`; `generateObject` parses their concatenation as JSON. */
      chunks: string[];
      /** Wait before the first chunk. Default 0. */
      initialDelayMs?: number;
      /** Wait between chunks. Default 0. */
      chunkDelayMs?: number;
      /** Thrown after the last chunk, to simulate a stream that breaks mid-answer. */
      errorAfterChunks?: unknown;
    }
  | {
      type: 'object';
      /** Returned by `generateObject`; `streamText` streams it as one JSON chunk. */
      object: unknown;
      delayMs?: number;
    }
  | {
      type: 'error';
      /** Thrown by the call (after `delayMs`). */
      error: unknown;
      delayMs?: number;
    }
  | {
      /** Never answers; rejects with a `ModelCallError` code `aborted` once the call's signal fires. */
      type: 'hang';
    };

/** Options of `new MockModel()`. */
export interface MockModelOptions {
  /** Default `'mock'`. */
  provider?: string;
  /** Default `'mock-model'`. */
  modelId?: string;
  /** Chunks `streamText` streams when no outcome is queued. Default `['Hello', ' from', ' the mock.']`. */
  chunks?: string[];
  /** Wait before the first default chunk. Default 0. */
  initialDelayMs?: number;
  /** Wait between default chunks. Default 0. */
  chunkDelayMs?: number;
  /** What `generateObject` returns when no outcome is queued: a value, or a function of the call. Default `{}`. */
  object?:
    | ((call: MockModelCall) => unknown)
    | Record<string, unknown>
    | unknown[]
    | string
    | number
    | boolean
    | null;
  /** When set, every call without a queued outcome throws it. */
  error?: unknown;
  /** Outcomes consumed one per call (either method), in order. */
  outcomes?: MockOutcome[];
}

/** One recorded call to a `MockModel`. */
export interface MockModelCall {
  method: 'streamText' | 'generateObject';
  /** A copy of the messages as they were at call time. */
  messages: ChatMessage[];
  temperature: number | undefined;
  maxOutputTokens: number | undefined;
  /** Only for `generateObject`. */
  schema: JsonSchema | undefined;
  schemaName: string | undefined;
  /** The signal the call received (check `.aborted` to assert cancellation reached the model). */
  signal: AbortSignal | undefined;
}

/** Options of `simulateTextStream()`. */
export interface SimulateTextStreamOptions {
  chunks: string[];
  /** Wait before the first chunk. Default 0. */
  initialDelayMs?: number;
  /** Wait between chunks. Default 0. */
  chunkDelayMs?: number;
  /** Stops the stream with a `ModelCallError` code `aborted`. */
  signal?: AbortSignal;
}

/**
 * An async iterable that yields the chunks with the given delays, honouring an AbortSignal: handy for
 * writing your own fake `ChatModel`.
 *
 * @example
 * const fake: ChatModel = {
 *   provider: 'fake', modelId: 'fake',
 *   streamText: ({ signal }) => simulateTextStream({ chunks: ['Hi', '!'], chunkDelayMs: 10, signal }),
 *   generateObject: async () => ({}),
 * };
 */
export async function* simulateTextStream(options: SimulateTextStreamOptions): AsyncGenerator<string> {
  const { chunks, initialDelayMs = 0, chunkDelayMs = 0, signal } = options;
  throwIfAborted(signal);
  for (const [index, chunk] of chunks.entries()) {
    const wait = index === 0 ? initialDelayMs : chunkDelayMs;
    if (wait > 0) await sleep(wait, signal);
    else throwIfAborted(signal);
    yield chunk;
  }
}

function hang(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (signal?.aborted) reject(abortedError(signal));
    signal?.addEventListener('abort', () => reject(abortedError(signal)), { once: true });
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ModelCallError({
      code: 'model-output-invalid',
      message: 'The model returned malformed JSON',
      isRetryable: false,
      cause: error,
    });
  }
}

/**
 * A `ChatModel` for tests: records every call, streams configured chunks (optionally with delays), returns
 * configured objects, and fails or hangs on demand, per call or in a sequence. No network.
 *
 * @example
 * import { MockModel } from '@exitbot/sdk/test';
 *
 * const model = new MockModel({ chunks: ['What made you ', 'decide to leave?'] });
 * model.enqueue({ type: 'error', error: new ModelCallError({ message: 'down', statusCode: 503, isRetryable: true }) });
 * // first call throws, the second streams the chunks
 * expect(model.calls).toHaveLength(2);
 * expect(model.calls[1]?.messages.at(-1)?.content).toContain('pay');
 */
export class MockModel implements ChatModel {
  readonly provider: string;
  readonly modelId: string;
  /** Every call made so far, in order. */
  readonly calls: MockModelCall[] = [];
  private readonly defaults: MockModelOptions;
  private readonly outcomes: MockOutcome[];

  constructor(options: MockModelOptions = {}) {
    this.provider = options.provider ?? 'mock';
    this.modelId = options.modelId ?? 'mock-model';
    this.defaults = options;
    this.outcomes = [...(options.outcomes ?? [])];
  }

  /** The recorded `streamText` calls. */
  get streamTextCalls(): MockModelCall[] {
    return this.calls.filter((call) => call.method === 'streamText');
  }

  /** The recorded `generateObject` calls. */
  get generateObjectCalls(): MockModelCall[] {
    return this.calls.filter((call) => call.method === 'generateObject');
  }

  /** Queues outcomes for the next calls, after those already queued. */
  enqueue(...outcomes: MockOutcome[]): this {
    this.outcomes.push(...outcomes);
    return this;
  }

  /** Forgets the recorded calls and the queued outcomes. */
  reset(): void {
    this.calls.length = 0;
    this.outcomes.length = 0;
  }

  streamText(options: ModelCallOptions): AsyncIterable<string> {
    const call = this.record('streamText', options);
    return this.stream(this.outcomes.shift() ?? this.defaultTextOutcome(), call.signal);
  }

  async generateObject(
    options: ModelCallOptions & { schema: JsonSchema; schemaName: string },
  ): Promise<unknown> {
    const call = this.record('generateObject', options);
    const signal = call.signal;
    const outcome = this.outcomes.shift();
    throwIfAborted(signal);
    if (!outcome) {
      if (this.defaults.error !== undefined) throw this.defaults.error;
      const object = this.defaults.object;
      return typeof object === 'function' ? object(call) : structuredClone(object ?? {});
    }
    switch (outcome.type) {
      case 'hang':
        return hang(signal);
      case 'error':
        if (outcome.delayMs) await sleep(outcome.delayMs, signal);
        throw outcome.error;
      case 'object':
        if (outcome.delayMs) await sleep(outcome.delayMs, signal);
        return structuredClone(outcome.object);
      case 'chunks': {
        let text = '';
        for await (const chunk of simulateTextStream({ ...outcome, signal })) text += chunk;
        if (outcome.errorAfterChunks !== undefined) throw outcome.errorAfterChunks;
        return parseJson(text);
      }
    }
  }

  private record(
    method: MockModelCall['method'],
    options: ModelCallOptions & { schema?: JsonSchema; schemaName?: string },
  ): MockModelCall {
    const call: MockModelCall = {
      method,
      messages: options.messages.map((message) => ({ ...message })),
      temperature: options.temperature,
      maxOutputTokens: options.maxOutputTokens,
      schema: options.schema,
      schemaName: options.schemaName,
      signal: options.signal,
    };
    this.calls.push(call);
    return call;
  }

  private defaultTextOutcome(): MockOutcome {
    if (this.defaults.error !== undefined) return { type: 'error', error: this.defaults.error };
    return {
      type: 'chunks',
      chunks: this.defaults.chunks ?? ['Hello', ' from', ' the mock.'],
      initialDelayMs: this.defaults.initialDelayMs,
      chunkDelayMs: this.defaults.chunkDelayMs,
    };
  }

  private async *stream(outcome: MockOutcome, signal: AbortSignal | undefined): AsyncGenerator<string> {
    throwIfAborted(signal);
    switch (outcome.type) {
      case 'hang':
        await hang(signal);
        return;
      case 'error':
        if (outcome.delayMs) await sleep(outcome.delayMs, signal);
        throw outcome.error;
      case 'object':
        if (outcome.delayMs) await sleep(outcome.delayMs, signal);
        yield JSON.stringify(outcome.object);
        return;
      case 'chunks':
        yield* simulateTextStream({ ...outcome, signal });
        if (outcome.errorAfterChunks !== undefined) throw outcome.errorAfterChunks;
    }
  }
}
