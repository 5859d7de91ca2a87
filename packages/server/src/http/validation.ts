import type { ValidationTargets } from 'hono';
import { validator } from 'hono/validator';
import type { z } from 'zod';
import { ApiError } from '../errors.ts';

/** Turns zod issues into `details` of a 400 answer. */
export function issuesOf(error: z.ZodError) {
  return error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

/** Validates a request part with a zod schema; a bad value answers 400 naming the fields. */
export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(
  target: Target,
  schema: Schema,
) {
  return validator(target, (value) => {
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
}
