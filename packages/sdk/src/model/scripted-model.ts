import { ExitBotError } from '../errors/exitbot-error.ts';
import type { ChatMessage, ChatModel, ModelCallOptions } from './chat-model.ts';

// How the engine tells a model which question comes next: its last message is a `system` message
// holding the planned text between these two lines. A real model rephrases it; the scripted model
// says it word for word. Only the last message is read, and only when it is a system message, so
// an employee cannot smuggle a "planned question" in through their answer.
const openTag = '<planned_question>';
const closeTag = '</planned_question>';

/** Wraps the planned text the way `scriptedModel()` reads it (used by the interview engine). */
export function formatPlannedQuestion(text: string): string {
  return `${openTag}\n${text}\n${closeTag}`;
}

/** The planned text in the last (system) message, or undefined when there is none. */
export function readPlannedQuestion(messages: readonly ChatMessage[]): string | undefined {
  const last = messages[messages.length - 1];
  if (last?.role !== 'system') return undefined;
  const start = last.content.indexOf(openTag);
  const end = last.content.lastIndexOf(closeTag);
  if (start === -1 || end === -1 || end < start) return undefined;
  const text = last.content.slice(start + openTag.length, end).trim();
  return text === '' ? undefined : text;
}

function abortedError(signal: AbortSignal): ExitBotError {
  return new ExitBotError({ code: 'aborted', message: 'the model call was aborted', cause: signal.reason });
}

/**
 * A model that needs no network and no key: it streams the engine's planned question word by
 * word, deterministically. The default when no LLM is configured, and what the fallback serves.
 * `generateObject` is not supported (analysis detects provider `'scripted'` and works offline).
 *
 * @example
 * const interviewer = createInterviewer({ model: scriptedModel() });
 */
export function scriptedModel(): ChatModel {
  return {
    provider: 'scripted',
    modelId: 'scripted-guide',
    async *streamText(options: ModelCallOptions): AsyncIterable<string> {
      const text = readPlannedQuestion(options.messages);
      if (text === undefined) {
        throw new ExitBotError({
          code: 'invalid-argument',
          message:
            'scripted model: the last message must be a system message with a <planned_question> block',
        });
      }
      for (const chunk of text.match(/\S+\s*/g) ?? []) {
        if (options.signal?.aborted) throw abortedError(options.signal);
        yield chunk;
      }
    },
    async generateObject(): Promise<unknown> {
      throw new ExitBotError({
        code: 'invalid-argument',
        message: 'scripted model produces no structured output; use the offline analysis',
      });
    },
  };
}
