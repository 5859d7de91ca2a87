import { ExitBotError, ModelCallError } from '../errors/exitbot-error.ts';

/** True for HTTP statuses a retry may fix: request timeout, conflict, rate limit and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * Reads how long a provider asked us to wait, in milliseconds: `retry-after-ms` first (OpenAI's
 * extension), then `retry-after` as delta-seconds or an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfterMs(
  headers: Pick<Headers, 'get'> | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const milliseconds = headers.get('retry-after-ms')?.trim();
  if (milliseconds && /^\d+(\.\d+)?$/.test(milliseconds)) return Math.ceil(Number(milliseconds));
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  // An HTTP date names a weekday and month; this keeps Date.parse from reading '-5' as a year.
  if (!/[a-z]{3}/i.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The error every model call throws when the caller's AbortSignal fired. */
export function abortedError(signal?: AbortSignal): ModelCallError {
  return new ModelCallError({
    code: 'aborted',
    message: 'The model call was aborted by the caller',
    isRetryable: false,
    cause: signal?.reason,
  });
}

/** True when the error comes from a cancelled call (ours, the openai package's or a DOM AbortError). */
export function isAbortError(error: unknown): boolean {
  if (ExitBotError.isInstance(error)) return error.code === 'aborted';
  return (
    typeof error === 'object' &&
    error !== null &&
    'name' in error &&
    (error.name === 'AbortError' || error.name === 'APIUserAbortError')
  );
}

/**
 * True when a model call failed in a way the scripted fallback should cover, so the interview goes on
 * marked `degraded`: every failure (HTTP errors, timeouts, open breaker, full bulkhead, invalid output,
 * even a bug in a custom model) except a cancellation by the caller, which should stop the turn instead.
 */
export function isDegradedError(error: unknown): boolean {
  return !isAbortError(error);
}

/** Throws the aborted error when the signal has already fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedError(signal);
}

/** Resolves after `ms`, or rejects with the aborted error as soon as the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
