import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Error codes the API answers with. */
export type ApiErrorCode =
  | 'invalid-request'
  | 'invalid-guide'
  | 'guide-version-exists'
  | 'unauthorized'
  | 'forbidden'
  | 'origin-not-allowed'
  | 'not-found'
  | 'conflict'
  | 'turn-in-progress'
  | 'reply-pending'
  | 'interview-closed'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'rate-limited'
  | 'service-unavailable'
  | 'internal';

/** The one error type of the server; `app.onError` turns it into `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: ApiErrorCode;
  readonly details: unknown;
  readonly headers: Record<string, string> | undefined;

  constructor(options: {
    status: ContentfulStatusCode;
    code: ApiErrorCode;
    message: string;
    details?: unknown;
    headers?: Record<string, string>;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.name = 'ApiError';
    this.status = options.status;
    this.code = options.code;
    this.details = options.details ?? null;
    this.headers = options.headers;
  }
}

/** 404 for anything the caller's tenant does not have (same answer whether it exists elsewhere or not). */
export function notFound(what = 'Resource'): ApiError {
  return new ApiError({ status: 404, code: 'not-found', message: `${what} not found` });
}

/** 401 with the same message for every credential problem (the reason is only logged). */
export function unauthorized(): ApiError {
  return new ApiError({
    status: 401,
    code: 'unauthorized',
    message: 'Missing or invalid credentials',
    headers: { 'WWW-Authenticate': 'Bearer' },
  });
}
