import { ExitBotError } from '../errors/index.ts';

/**
 * A failed call to the ExitBot API. `code` is `'http-error'` when the server answered with an error
 * status (see `status` and the server's `serverCode`), `'network-error'` when no complete answer
 * arrived (offline, connection reset, stream cut before the reply was stored).
 */
export class ApiCallError extends ExitBotError {
  /** HTTP status; undefined for network errors. */
  readonly status: number | undefined;
  /** The `error.code` from the server's JSON error body, when it sent one. */
  readonly serverCode: string | undefined;
  /** The `error.details` from the server's JSON error body, when it sent any. */
  readonly details: unknown;
  /**
   * True when the request may succeed if sent again unchanged (network errors, 408, 429, 5xx).
   * Named `retryable`, not `isRetryable`, so `ModelCallError.isInstance()` does not match it.
   */
  readonly retryable: boolean;
  /** Milliseconds the server asked us to wait (Retry-After), when it said so. */
  readonly retryAfterMs: number | undefined;

  constructor(options: {
    code: 'http-error' | 'network-error';
    message: string;
    status?: number;
    serverCode?: string;
    details?: unknown;
    retryAfterMs?: number;
    cause?: unknown;
  }) {
    super({ code: options.code, message: options.message, cause: options.cause });
    this.name = 'ApiCallError';
    this.status = options.status;
    this.serverCode = options.serverCode;
    this.details = options.details;
    this.retryAfterMs = options.retryAfterMs;
    this.retryable =
      options.code === 'network-error' ||
      (options.status !== undefined &&
        (options.status === 408 || options.status === 429 || options.status >= 500));
  }

  /** True when no answer came from the server: the widget queues and retries these. */
  get isNetworkError(): boolean {
    return this.code === 'network-error';
  }

  /** True for any ApiCallError, even one thrown by another copy of the package. */
  static override isInstance(error: unknown): error is ApiCallError {
    return ExitBotError.isInstance(error) && 'retryable' in error && 'serverCode' in error;
  }
}
