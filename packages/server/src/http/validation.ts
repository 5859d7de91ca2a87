import type { Context, ValidationTargets } from 'hono';
import { validator } from 'hono/validator';
import type { z } from 'zod';
import { ApiError } from '../errors.ts';

/** Turns zod issues into `details` of a 400 answer. */
export function issuesOf(error: z.ZodError) {
  return error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const unpairedSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function invalidBody(message: string): ApiError {
  return new ApiError({ status: 400, code: 'invalid-request', message });
}

/**
 * Refuses a body that is not valid UTF-8 (decoding would silently turn the bad bytes into U+FFFD and
 * store text the client never sent). Runs after the body limits, so it reads at most a limited body.
 */
async function requireUtf8Body(c: Context): Promise<void> {
  if (
    !/^application\/([\w.-]+\+)?json$/i.test((c.req.header('content-type') ?? '').split(';')[0]?.trim() ?? '')
  )
    return;
  const bytes = await c.req.arrayBuffer();
  try {
    strictUtf8.decode(bytes);
  } catch {
    throw invalidBody('The request body is not valid UTF-8');
  }
}

/**
 * Finds a string (key or value) Postgres cannot store as sent: one with a NUL character or an unpaired
 * surrogate. Iterative, so a deeply nested body cannot overflow the stack.
 */
function findUnstorableString(value: unknown): string | undefined {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'string') {
      if (item.includes('\u0000')) return 'a NUL character';
      if (unpairedSurrogate.test(item)) return 'an unpaired surrogate';
    } else if (Array.isArray(item)) {
      pending.push(...item);
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) pending.push(key, child);
    }
  }
  return undefined;
}

/** Validates a request part with a zod schema; a bad value answers 400 naming the fields. */
export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(
  target: Target,
  schema: Schema,
) {
  const middleware = validator(target, (value) => {
    if (target === 'json') {
      const problem = findUnstorableString(value);
      if (problem) throw invalidBody(`The request body contains ${problem}`);
    }
    const result = schema.safeParse(value);
    if (!result.success) {
      const issues = issuesOf(result.error);
      throw new ApiError({
        status: 400,
        code: 'invalid-request',
        message: `Invalid ${target}: ${issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ')}`,
        details: { issues },
      });
    }
    return result.data as z.output<Schema>;
  });
  if (target !== 'json') return middleware;
  const checked: typeof middleware = async (c, next) => {
    await requireUtf8Body(c);
    return middleware(c, next);
  };
  return checked;
}
