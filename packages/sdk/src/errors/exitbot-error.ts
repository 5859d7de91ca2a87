/** Every error code the SDK can raise. */
export type ExitBotErrorCode =
  | 'invalid-argument'
  | 'invalid-guide'
  | 'invalid-state'
  | 'model-call-failed'
  | 'model-timeout'
  | 'model-output-invalid'
  | 'circuit-open'
  | 'bulkhead-full'
  | 'aborted'
  | 'http-error'
  | 'network-error'
  | 'protocol-error';

const marker = Symbol.for('exitbot.error');

/** Base error of the SDK: a literal-union `code`, an optional `cause`, and `isInstance()` that works across package copies. */
export class ExitBotError extends Error {
  readonly [marker] = true;
  readonly code: ExitBotErrorCode;

  constructor(options: { code: ExitBotErrorCode; message: string; cause?: unknown }) {
    super(options.message, { cause: options.cause });
    this.name = 'ExitBotError';
    this.code = options.code;
  }

  /** True for any ExitBotError, even one thrown by another copy of the package. */
  static isInstance(error: unknown): error is ExitBotError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}

/** A failed call to a model provider; carries the HTTP status and whether a retry may help. */
export class ModelCallError extends ExitBotError {
  readonly statusCode: number | undefined;
  readonly isRetryable: boolean;
  /** Milliseconds the provider asked us to wait (Retry-After), when it said so. */
  readonly retryAfterMs: number | undefined;

  constructor(options: {
    message: string;
    statusCode?: number;
    isRetryable: boolean;
    retryAfterMs?: number;
    cause?: unknown;
    code?: ExitBotErrorCode;
  }) {
    super({ code: options.code ?? 'model-call-failed', message: options.message, cause: options.cause });
    this.name = 'ModelCallError';
    this.statusCode = options.statusCode;
    this.isRetryable = options.isRetryable;
    this.retryAfterMs = options.retryAfterMs;
  }

  static override isInstance(error: unknown): error is ModelCallError {
    return ExitBotError.isInstance(error) && 'isRetryable' in error;
  }
}
