import type { Context } from 'hono';
import { ApiError } from '../errors.ts';

/** `bodyLimit` error handler: 413 in the API's error shape. */
export function payloadTooLarge(_c: Context): never {
  throw new ApiError({ status: 413, code: 'payload-too-large', message: 'The request body is too large' });
}
