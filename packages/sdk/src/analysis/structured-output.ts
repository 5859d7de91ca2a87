import { z } from 'zod';
import { ExitBotError } from '../errors/exitbot-error.ts';
import type { ChatMessage, ChatModel, JsonSchema } from '../model/chat-model.ts';
import { isAbortError } from '../model/model-errors.ts';

/**
 * Keywords left out of the schema sent to the model: not every OpenAI-compatible server accepts them in
 * strict mode. The zod schema still enforces them when the answer is validated.
 */
const portableOmissions = [
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minItems',
  'maxItems',
];

/**
 * The JSON schema of a zod schema in the form OpenAI's strict structured outputs accept: every object
 * lists all its properties as required and forbids others, and only portable keywords are kept (bounds
 * and lengths are left to validation). Throws when the schema has optional properties (strict mode
 * cannot express them; use `.nullable()`).
 */
export function strictJsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'throw' });
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        visit(item, `${path}[${index}]`);
      });
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (record.type === 'object' && typeof record.properties === 'object' && record.properties !== null) {
      const keys = Object.keys(record.properties);
      const required = new Set((record.required as string[] | undefined) ?? []);
      const missing = keys.filter((key) => !required.has(key));
      if (missing.length > 0) {
        throw new ExitBotError({
          code: 'invalid-argument',
          message: `${path || 'schema'} has optional properties (${missing.join(', ')}); strict structured output needs them required`,
        });
      }
      record.additionalProperties = false;
    }
    for (const keyword of portableOmissions) delete record[keyword];
    for (const [key, value] of Object.entries(record)) visit(value, path ? `${path}.${key}` : key);
  };
  visit(json, '');
  return json;
}

/** The outcome of asking a model for an object: the validated value, or why there is none. */
export type StructuredResult<T> =
  | { ok: true; value: T; calls: number; repaired: boolean }
  | { ok: false; reason: 'model-error' | 'invalid-output'; error: unknown; calls: number };

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 20)
    .map((issue) => `- ${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('\n');
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 6000 ? `${text.slice(0, 6000)}…` : text;
}

function isInvalidOutputError(error: unknown): boolean {
  return ExitBotError.isInstance(error) && error.code === 'model-output-invalid';
}

/**
 * Asks `model` for an object matching `schema` and validates it. Malformed or off-schema output is
 * repaired once (one more call that shows the model its validation errors); if that fails too, or the
 * call itself fails, the result says so and nothing unvalidated is returned. An abort is rethrown.
 */
export async function generateValidatedObject<T>(options: {
  model: ChatModel;
  schema: z.ZodType<T>;
  jsonSchema: JsonSchema;
  schemaName: string;
  messages: ChatMessage[];
  temperature?: number;
  signal?: AbortSignal;
}): Promise<StructuredResult<T>> {
  const { model, schema, jsonSchema, schemaName, signal } = options;
  let messages = options.messages;
  let lastError: unknown;
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    let raw: unknown;
    try {
      raw = await model.generateObject({
        messages,
        schema: jsonSchema,
        schemaName,
        temperature: options.temperature,
        signal,
      });
    } catch (error) {
      if (isAbortError(error) || signal?.aborted) throw error;
      if (!isInvalidOutputError(error)) return { ok: false, reason: 'model-error', error, calls: attempt };
      lastError = error;
      const message = error instanceof Error ? error.message : String(error);
      messages = [
        ...options.messages,
        {
          role: 'user',
          content: `Your previous answer could not be used: ${message}. Reply again with only a valid JSON object that matches the schema "${schemaName}".`,
        },
      ];
      continue;
    }
    const parsed = schema.safeParse(raw);
    if (parsed.success) return { ok: true, value: parsed.data, calls: attempt, repaired: attempt > 1 };
    lastError = parsed.error;
    messages = [
      ...options.messages,
      { role: 'assistant', content: preview(raw) },
      {
        role: 'user',
        content: `That JSON does not match the schema "${schemaName}":\n${describeIssues(parsed.error)}\nReply again with the corrected JSON object only.`,
      },
    ];
  }
  return { ok: false, reason: 'invalid-output', error: lastError, calls: 2 };
}
