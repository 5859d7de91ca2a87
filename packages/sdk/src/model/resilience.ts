import {
  type BulkheadPolicy,
  bulkhead,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  DelegateBackoff,
  ExponentialBackoff,
  handleWhen,
  type IBackoff,
  type IRetryBackoffContext,
  isBrokenCircuitError,
  isBulkheadRejectedError,
  isTaskCancelledError,
  type RetryPolicy,
  retry,
  type TimeoutPolicy,
  TimeoutStrategy,
  timeout,
} from 'cockatiel';
import { ExitBotError, ModelCallError } from '../errors/exitbot-error.ts';
import type { ChatModel, JsonSchema, ModelCallOptions } from './chat-model.ts';
import { abortedError, throwIfAborted } from './model-errors.ts';

/** Options of `withResilience()`; every field has a default. */
export interface ResilienceOptions {
  /** Time limit of one `generateObject` attempt. Default 60 000 ms. */
  timeoutMs?: number;
  /** `streamText`: longest wait for the first chunk of an attempt, and between two chunks. Default 20 000 ms. */
  streamTimeoutMs?: number;
  /** Attempts per call, the first included (retries happen on transient errors only). Default 3. */
  maxAttempts?: number;
  /** Scale of the first backoff delay; later delays grow exponentially with decorrelated jitter. Default 250 ms. */
  initialDelayMs?: number;
  /** Longest backoff delay, and the longest Retry-After honoured: when a provider asks for more, we do not retry. Default 30 000 ms. */
  maxDelayMs?: number;
  /** Consecutive failed calls (after their retries) that open the circuit breaker. Default 5. */
  breakerThreshold?: number;
  /** How long an open breaker rejects calls before letting one trial call through. Default 30 000 ms. */
  halfOpenAfterMs?: number;
  /** Calls running at once through one breaker key. Default 32. */
  bulkheadLimit?: number;
  /** Calls allowed to wait for a slot; beyond it calls fail with code `bulkhead-full`. Default 128. */
  bulkheadQueue?: number;
  /**
   * Identity of the shared breaker and bulkhead (module scope, one per key). Default `provider:modelId`;
   * `openaiModel()` adds the base URL. The first model created for a key sets the breaker's and bulkhead's
   * sizes. Append a tenant id to isolate tenants that use their own provider accounts.
   */
  breakerKey?: string;
}

type Settings = Required<ResilienceOptions>;

/** State of one circuit breaker (and its bulkhead), for health checks and metrics. */
export interface CircuitBreakerStatus {
  key: string;
  state: 'closed' | 'open' | 'half-open' | 'isolated';
  /** Failed calls in a row counted so far (resets on success). */
  consecutiveFailures: number;
  /** Calls holding a bulkhead slot right now. */
  activeCalls: number;
  /** Calls waiting for a bulkhead slot. */
  queuedCalls: number;
}

interface PolicyEntry {
  breaker: CircuitBreakerPolicy;
  counter: ConsecutiveBreaker;
  bulkhead: BulkheadPolicy;
  bulkheadLimit: number;
  bulkheadQueue: number;
}

// One breaker and bulkhead per key for the whole process (per replica by design, see DESIGN.md).
const registry = new Map<string, PolicyEntry>();

/** Forgets every circuit breaker and bulkhead, so the next call starts closed. Meant for tests. */
export function resetCircuitBreakers(): void {
  registry.clear();
}

const stateNames: Record<CircuitState, CircuitBreakerStatus['state']> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/** The state of every circuit breaker created so far in this process. */
export function getCircuitBreakerStates(): CircuitBreakerStatus[] {
  return [...registry].map(([key, entry]) => ({
    key,
    state: stateNames[entry.breaker.state],
    consecutiveFailures: entry.counter.state,
    activeCalls: entry.bulkheadLimit - entry.bulkhead.executionSlots,
    queuedCalls: entry.bulkheadQueue - entry.bulkhead.queueSlots,
  }));
}

/** Failures worth another attempt: transient provider errors whose Retry-After we are willing to wait. */
function isRetryableFailure(error: unknown, maxDelayMs: number): boolean {
  return (
    ModelCallError.isInstance(error) &&
    (error.code === 'model-call-failed' || error.code === 'model-timeout') &&
    error.isRetryable &&
    (error.retryAfterMs === undefined || error.retryAfterMs <= maxDelayMs)
  );
}

/**
 * Failures that say the provider is unhealthy. A 429 is left out: rate limits belong to one account,
 * and with a breaker shared by every tenant on the same model one tenant's quota must not cut off the rest.
 */
function isProviderFailure(error: unknown): boolean {
  return (
    ModelCallError.isInstance(error) &&
    (error.code === 'model-call-failed' || error.code === 'model-timeout') &&
    error.isRetryable &&
    error.statusCode !== 429
  );
}

function policiesFor(key: string, settings: Settings): PolicyEntry {
  let entry = registry.get(key);
  if (!entry) {
    const counter = new ConsecutiveBreaker(settings.breakerThreshold);
    entry = {
      breaker: circuitBreaker(handleWhen(isProviderFailure), {
        breaker: counter,
        halfOpenAfter: settings.halfOpenAfterMs,
      }),
      counter,
      bulkhead: bulkhead(settings.bulkheadLimit, settings.bulkheadQueue),
      bulkheadLimit: settings.bulkheadLimit,
      bulkheadQueue: settings.bulkheadQueue,
    };
    registry.set(key, entry);
  }
  return entry;
}

/** Turns the policies' own errors into `ModelCallError`s; a cancelled caller always gets `aborted`. */
function toPolicyError(error: unknown, key: string, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return abortedError(signal);
  if (isBrokenCircuitError(error)) {
    return new ModelCallError({
      code: 'circuit-open',
      message: `The circuit breaker for ${key} is open after repeated failures; no request was sent`,
      isRetryable: true,
      cause: error,
    });
  }
  if (isBulkheadRejectedError(error)) {
    return new ModelCallError({
      code: 'bulkhead-full',
      message: `Too many concurrent calls to ${key}; no request was sent`,
      isRetryable: true,
      cause: error,
    });
  }
  return error;
}

/**
 * Settles with the promise, or rejects with `aborted` as soon as the caller's signal fires. Needed because
 * cockatiel's retry does not cut its backoff sleep short on abort, and a call queued in the bulkhead waits
 * for a slot; the abandoned run stops at its next attempt, which sees the aborted signal.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  promise.catch(() => {});
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(signal));
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Aborts `target` when `source` aborts; returns the function that undoes the link. */
function linkAbort(source: AbortSignal | undefined, target: AbortController): () => void {
  if (!source) return () => {};
  if (source.aborted) {
    target.abort(source.reason);
    return () => {};
  }
  const onAbort = () => target.abort(source.reason);
  source.addEventListener('abort', onAbort, { once: true });
  return () => source.removeEventListener('abort', onAbort);
}

function checkNumber(
  name: string,
  value: number,
  rule: 'positive' | 'positive-integer' | 'non-negative-integer' | 'non-negative',
): number {
  const valid =
    Number.isFinite(value) &&
    (rule === 'positive' || rule === 'positive-integer' ? value > 0 : value >= 0) &&
    (rule === 'positive-integer' || rule === 'non-negative-integer' ? Number.isInteger(value) : true);
  if (!valid) {
    throw new ExitBotError({
      code: 'invalid-argument',
      message: `withResilience: ${name} must be a ${rule.replaceAll('-', ' ')} number, got ${value}`,
    });
  }
  return value;
}

function resolveSettings(model: ChatModel, options: ResilienceOptions): Settings {
  const breakerKey = options.breakerKey ?? `${model.provider}:${model.modelId}`;
  if (typeof breakerKey !== 'string' || breakerKey === '') {
    throw new ExitBotError({
      code: 'invalid-argument',
      message: 'withResilience: breakerKey must be a non-empty string',
    });
  }
  return {
    timeoutMs: checkNumber('timeoutMs', options.timeoutMs ?? 60_000, 'positive'),
    streamTimeoutMs: checkNumber('streamTimeoutMs', options.streamTimeoutMs ?? 20_000, 'positive'),
    maxAttempts: checkNumber('maxAttempts', options.maxAttempts ?? 3, 'positive-integer'),
    initialDelayMs: checkNumber('initialDelayMs', options.initialDelayMs ?? 250, 'non-negative'),
    maxDelayMs: checkNumber('maxDelayMs', options.maxDelayMs ?? 30_000, 'non-negative'),
    breakerThreshold: checkNumber('breakerThreshold', options.breakerThreshold ?? 5, 'positive-integer'),
    halfOpenAfterMs: checkNumber('halfOpenAfterMs', options.halfOpenAfterMs ?? 30_000, 'non-negative'),
    bulkheadLimit: checkNumber('bulkheadLimit', options.bulkheadLimit ?? 32, 'positive-integer'),
    bulkheadQueue: checkNumber('bulkheadQueue', options.bulkheadQueue ?? 128, 'non-negative-integer'),
    breakerKey,
  };
}

function createRetryPolicy(settings: Settings): RetryPolicy {
  const exponential = new ExponentialBackoff({
    initialDelay: settings.initialDelayMs,
    maxDelay: settings.maxDelayMs,
  });
  type BackoffState = IBackoff<unknown> | undefined;
  // Jittered exponential delay, but never shorter than the Retry-After the provider asked for.
  const backoff = new DelegateBackoff<IRetryBackoffContext<unknown>, BackoffState>((context, previous) => {
    const next = previous ? previous.next(context) : exponential.next();
    const error = 'error' in context.result ? context.result.error : undefined;
    const retryAfterMs = ModelCallError.isInstance(error) ? (error.retryAfterMs ?? 0) : 0;
    return { delay: Math.min(settings.maxDelayMs, Math.max(next.duration, retryAfterMs)), state: next };
  });
  return retry(
    handleWhen((error) => isRetryableFailure(error, settings.maxDelayMs)),
    { maxAttempts: settings.maxAttempts - 1, backoff },
  );
}

function timeoutError(ms: number, what: string): ModelCallError {
  return new ModelCallError({
    code: 'model-timeout',
    message: `The model sent ${what} within ${ms} ms`,
    isRetryable: true,
  });
}

/** Runs one attempt under the timeout policy, turning its cancellation into a retryable `model-timeout`. */
async function runAttempt<T>(
  policy: TimeoutPolicy,
  ms: number,
  what: string,
  signal: AbortSignal | undefined,
  attempt: (attemptSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  throwIfAborted(signal);
  try {
    return await policy.execute((context) => attempt(context.signal), signal);
  } catch (error) {
    if (signal?.aborted) throw abortedError(signal);
    if (isTaskCancelledError(error)) throw timeoutError(ms, what);
    throw error;
  }
}

interface OpenedStream {
  iterator: AsyncIterator<string>;
  first: IteratorResult<string>;
  /** Aborts the winning attempt's request; linked to the caller's signal for the stream's lifetime. */
  controller: AbortController;
  unlinkCaller: () => void;
}

/**
 * The gaps between chunks of an open stream, watched with one timer per stream: each chunk only moves a
 * deadline (a timer per chunk costs more than relaying the chunk). When a gap exceeds `ms`, the request is
 * aborted and the pending `next()` fails with `model-timeout`, even if the model ignores the abort.
 */
function watchGaps(opened: OpenedStream, ms: number, callerSignal: AbortSignal | undefined) {
  let deadline = Date.now() + ms;
  // The pending read's reject while the model is awaited. Each read settles on its own: racing every read
  // against one long-lived timeout promise would leave a reaction on it per chunk until the stream ends.
  let waiting: ((error: unknown) => void) | undefined;
  let expired: ModelCallError | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    // The consumer's own time between two reads does not count as a gap of the model.
    const left = waiting ? deadline - Date.now() : ms;
    if (left > 0) {
      timer = setTimeout(check, left);
      return;
    }
    timer = undefined;
    opened.controller.abort();
    expired = timeoutError(ms, 'no further text');
    const fail = waiting;
    waiting = undefined;
    fail?.(expired);
  };
  timer = setTimeout(check, ms);
  // The caller's abort ends a pending read at once, even from a model that ignores its signal.
  const onCallerAbort = () => {
    const fail = waiting;
    waiting = undefined;
    if (callerSignal) fail?.(abortedError(callerSignal));
  };
  callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    /** `next()` on the stream, failing with `model-timeout` when no chunk arrives in time. */
    next(): Promise<IteratorResult<string>> {
      if (expired) return Promise.reject(expired);
      if (callerSignal?.aborted) return Promise.reject(abortedError(callerSignal));
      deadline = Date.now() + ms;
      return new Promise((resolve, reject) => {
        waiting = reject;
        opened.iterator.next().then(
          (result) => {
            waiting = undefined;
            resolve(result);
          },
          (error: unknown) => {
            waiting = undefined;
            reject(error);
          },
        );
      });
    },
    stop(): void {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/**
 * Wraps a model with the resilience policies, composed as DESIGN.md says: a per-attempt timeout
 * (aggressive, and it aborts the attempt's request) inside a retry (bounded attempts, exponential
 * backoff with decorrelated jitter, transient errors only, Retry-After honoured up to `maxDelayMs`)
 * inside a bulkhead inside a circuit breaker (consecutive failures, shared per `breakerKey`).
 *
 * Streams: the timeout covers the time to the first chunk and every gap between chunks; retries
 * happen only before the first chunk was yielded, so text is never duplicated. The bulkhead slot is
 * held until the stream ends, and a failure mid-stream counts for the breaker.
 *
 * Errors are `ModelCallError`s: codes `model-call-failed`, `model-timeout`, `model-output-invalid`,
 * `circuit-open` and `bulkhead-full` (no request sent), `aborted` (the caller's signal fired).
 *
 * @example
 * const model = withResilience(myModel, { maxAttempts: 2, streamTimeoutMs: 8_000, breakerThreshold: 3 });
 */
export function withResilience(model: ChatModel, options: ResilienceOptions = {}): ChatModel {
  const settings = resolveSettings(model, options);
  const key = settings.breakerKey;
  const retryPolicy = createRetryPolicy(settings);
  // The attempt's signal fires on timeout only: by the time an attempt returns, its request has ended (an
  // answer) or is handed on (an open stream, unlinked from it). Aborting it on return as well would create
  // an AbortError (a stack trace) per call for nothing.
  const timeoutOptions = { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false };
  const objectTimeout = timeout(settings.timeoutMs, timeoutOptions);
  const streamTimeout = timeout(settings.streamTimeoutMs, timeoutOptions);

  async function openStream(
    call: ModelCallOptions,
    attemptSignal: AbortSignal,
    callerSignal: AbortSignal | undefined,
  ): Promise<OpenedStream> {
    const controller = new AbortController();
    const unlinkCaller = linkAbort(callerSignal, controller);
    // The attempt's signal fires on timeout: once the stream is open it no longer concerns it.
    const unlinkAttempt = linkAbort(attemptSignal, controller);
    try {
      const iterator = model.streamText({ ...call, signal: controller.signal })[Symbol.asyncIterator]();
      const first = await iterator.next();
      if (attemptSignal.aborted) {
        // The attempt timed out (or the caller left) while a model that ignores its signal was still on its
        // way to this chunk: nobody reads this stream, so it is closed here.
        void iterator.return?.().catch(() => {});
        throw attemptSignal.reason ?? new Error('the attempt was abandoned');
      }
      return { iterator, first, controller, unlinkCaller };
    } catch (error) {
      unlinkCaller();
      controller.abort();
      throw error;
    } finally {
      unlinkAttempt();
    }
  }

  async function* streamText(call: ModelCallOptions): AsyncGenerator<string> {
    const callerSignal = call.signal;
    throwIfAborted(callerSignal);
    const entry = policiesFor(key, settings);

    let ready!: { resolve: (opened: OpenedStream) => void; reject: (error: unknown) => void };
    const opened = new Promise<OpenedStream>((resolve, reject) => {
      ready = { resolve, reject };
    });
    let finish!: (error?: unknown) => void;
    const finished = new Promise<void>((resolve, reject) => {
      finish = (error) => (error === undefined ? resolve() : reject(error));
    });
    // The breaker and bulkhead cover the whole stream: the slot is held and the outcome recorded until
    // the consumer is done. Only opening the stream (up to its first chunk) is retried.
    entry.breaker
      .execute(
        () =>
          entry.bulkhead.execute(async () => {
            const stream = await retryPolicy.execute(
              () =>
                runAttempt(
                  streamTimeout,
                  settings.streamTimeoutMs,
                  'no text',
                  callerSignal,
                  (attemptSignal) => openStream(call, attemptSignal, callerSignal),
                ),
              callerSignal,
            );
            ready.resolve(stream);
            await finished;
          }, callerSignal),
        callerSignal,
      )
      .catch((error: unknown) => {
        ready.reject(toPolicyError(error, key, callerSignal));
      });

    let stream: OpenedStream;
    try {
      stream = await untilAborted(opened, callerSignal);
    } catch (error) {
      finish();
      throw error;
    }
    let failure: unknown;
    let complete = false;
    const gaps = watchGaps(stream, settings.streamTimeoutMs, callerSignal);
    try {
      if (stream.first.done) {
        complete = true;
        return;
      }
      yield stream.first.value;
      while (true) {
        const result = await gaps.next();
        if (result.done) {
          complete = true;
          return;
        }
        yield result.value;
      }
    } catch (error) {
      failure = callerSignal?.aborted ? abortedError(callerSignal) : error;
      throw failure;
    } finally {
      gaps.stop();
      // A consumer that stops early is not a failure of the provider.
      finish(failure);
      stream.unlinkCaller();
      // Stops the request when the consumer stopped early or the stream failed. A complete answer leaves it
      // alone: the model may still read the end of its response, which keeps the connection for the next call.
      if (!complete) {
        stream.controller.abort();
        stream.iterator.return?.().catch(() => {});
      }
    }
  }

  async function generateObject(call: ModelCallOptions & { schema: JsonSchema; schemaName: string }) {
    const callerSignal = call.signal;
    throwIfAborted(callerSignal);
    const entry = policiesFor(key, settings);
    const run = entry.breaker.execute(
      () =>
        entry.bulkhead.execute(
          () =>
            retryPolicy.execute(
              () =>
                runAttempt(objectTimeout, settings.timeoutMs, 'no object', callerSignal, (attemptSignal) =>
                  model.generateObject({ ...call, signal: attemptSignal }),
                ),
              callerSignal,
            ),
          callerSignal,
        ),
      callerSignal,
    );
    try {
      return await untilAborted(run, callerSignal);
    } catch (error) {
      throw toPolicyError(error, key, callerSignal);
    }
  }

  return { provider: model.provider, modelId: model.modelId, streamText, generateObject };
}
