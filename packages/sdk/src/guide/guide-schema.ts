import { z } from 'zod';
import { ExitBotError } from '../errors/exitbot-error.ts';
import { normalizeText } from './normalize-text.ts';
import type { Guide, LocalizedText } from './types.ts';

const maxTextLength = 600;

const textSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(maxTextLength, `must be at most ${maxTextLength} characters`);

/** Schema of a text given per locale: `en` is required, `de`, `fr` and `es` are optional. */
export const localizedTextSchema: z.ZodType<LocalizedText> = z.strictObject({
  en: textSchema,
  de: textSchema.optional(),
  fr: textSchema.optional(),
  es: textSchema.optional(),
});

const topicIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(
    /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
    'must be lowercase letters, digits and single dashes (e.g. "pay-and-benefits")',
  );

const guideTopicSchema = z.strictObject({
  id: topicIdSchema,
  title: localizedTextSchema,
  opening: localizedTextSchema,
  probes: z
    .array(localizedTextSchema)
    .min(2, 'must have at least 2 items')
    .max(10, 'must have at most 10 items'),
  required: z.boolean(),
  maxTurns: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(20, 'must be at most 20'),
  probeBriefAnswers: z.boolean().optional(),
});

/** Schema of an interview guide (zod); `parseGuide()` wraps it with readable errors. */
export const guideSchema: z.ZodType<Guide> = z
  .strictObject({
    id: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
    version: z.number().int('must be a whole number').min(1, 'must be at least 1'),
    topics: z
      .array(guideTopicSchema)
      .min(1, 'must have at least 1 item')
      .max(30, 'must have at most 30 items'),
    budget: z.strictObject({
      maxTurns: z
        .number()
        .int('must be a whole number')
        .min(1, 'must be at least 1')
        .max(200, 'must be at most 200'),
      targetMinutes: z.number().positive('must be greater than 0').max(240, 'must be at most 240'),
    }),
    introduction: localizedTextSchema.optional(),
    closing: localizedTextSchema,
  })
  .superRefine((guide, context) => {
    const seen = new Set<string>();
    guide.topics.forEach((topic, index) => {
      if (seen.has(topic.id)) {
        context.addIssue({
          code: 'custom',
          path: ['topics', index, 'id'],
          message: `duplicate topic id "${topic.id}"`,
        });
      }
      seen.add(topic.id);
    });
    // The engine never asks the same question twice; a guide that repeats one would force it to.
    const questionAt = new Map<string, string>();
    guide.topics.forEach((topic, topicIndex) => {
      const questions: [PropertyKey[], LocalizedText][] = [
        [['topics', topicIndex, 'opening'], topic.opening],
        ...topic.probes.map((probe, probeIndex): [PropertyKey[], LocalizedText] => [
          ['topics', topicIndex, 'probes', probeIndex],
          probe,
        ]),
      ];
      for (const [path, text] of questions) {
        for (const [locale, value] of Object.entries(text)) {
          if (typeof value !== 'string') continue;
          const key = `${locale}:${normalizeText(value)}`;
          const earlier = questionAt.get(key);
          if (earlier) {
            context.addIssue({
              code: 'custom',
              path: [...path, locale],
              message: `repeats the question at ${earlier}`,
            });
          } else {
            questionAt.set(key, formatPath([...path, locale]));
          }
        }
      }
    });
    const required = guide.topics.filter((topic) => topic.required).length;
    if (guide.budget.maxTurns < required) {
      context.addIssue({
        code: 'custom',
        path: ['budget', 'maxTurns'],
        message: `must be at least ${required}, the number of required topics`,
      });
    }
  });

/** One problem found in a guide: where (`topics[2].probes`) and what. */
export interface GuideIssue {
  path: string;
  message: string;
}

/** `['topics', 2, 'probes']` -> `topics[2].probes`. */
function formatPath(path: readonly PropertyKey[]): string {
  let result = '';
  for (const segment of path) {
    if (typeof segment === 'number') result += `[${segment}]`;
    else result += result ? `.${String(segment)}` : String(segment);
  }
  return result || 'guide';
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

const typeNames: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'an array',
  object: 'an object',
};

function describeIssues(error: z.ZodError, input: unknown): GuideIssue[] {
  const issues: GuideIssue[] = [];
  const seenPaths = new Set<string>();
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ path: formatPath([...issue.path, key]), message: 'unknown field' });
      }
      continue;
    }
    const path = formatPath(issue.path);
    // zod may report more than one problem for one wrong value (its type, then a length check); the first says it.
    if (seenPaths.has(path)) continue;
    seenPaths.add(path);
    if (issue.code === 'invalid_type') {
      const value = valueAt(input, issue.path);
      const expected = typeNames[issue.expected] ?? issue.expected;
      issues.push({ path, message: value === undefined ? 'is required' : `must be ${expected}` });
    } else {
      issues.push({ path, message: issue.message });
    }
  }
  return issues;
}

/**
 * Validates a guide (a tenant's own interview plan) and returns it with texts trimmed.
 * Throws `ExitBotError` with code `'invalid-guide'` whose message names each bad field,
 * e.g. `invalid guide: topics[2].probes: must have at least 2 items`.
 *
 * @example
 * const guide = parseGuide(JSON.parse(body));
 */
export function parseGuide(input: unknown): Guide {
  const result = guideSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = describeIssues(result.error, input);
  const shown = issues.slice(0, 5).map((issue) => `${issue.path}: ${issue.message}`);
  if (issues.length > shown.length) shown.push(`and ${issues.length - shown.length} more`);
  throw new ExitBotError({
    code: 'invalid-guide',
    message: `invalid guide: ${shown.join('; ')}`,
    cause: issues,
  });
}
