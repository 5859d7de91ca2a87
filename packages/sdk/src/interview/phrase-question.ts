import { ExitBotError } from '../errors/exitbot-error.ts';
import { normalizeText } from '../guide/normalize-text.ts';
import type { ChatMessage, ChatModel } from '../model/chat-model.ts';

/** Model output longer than this is not a question: the scripted text is served instead. */
export const maxQuestionLength = 600;

const leadingJunk = /^[\s"“”„«»]+/;
const trailingJunk = /[\s"“”„«»]+$/;
/** A placeholder the redactor did not hand out (the model made it up or mangled it). */
const leftoverPlaceholder = /\[(?:EMAIL|PHONE|URL|IBAN|CARD|NAME)_\d+\]/;
/** How far back an unclosed `[` may start and still be the beginning of a placeholder. */
const placeholderLookBehind = 24;

/**
 * Cleans model output as it streams: drops leading and trailing quotes and whitespace, and holds back
 * a trailing partial placeholder (`[NAM`) until it is complete, so that `restore()` sees it whole.
 * What `push()` and `finish()` return, concatenated, is the cleaned text.
 */
function createOutputCleaner(restore: (text: string) => string) {
  let buffer = '';
  let started = false;
  return {
    push(chunk: string): string {
      buffer += chunk;
      if (!started) {
        buffer = buffer.replace(leadingJunk, '');
        if (buffer === '') return '';
        started = true;
      }
      let cut = buffer.length;
      const open = buffer.lastIndexOf('[');
      if (open !== -1 && buffer.indexOf(']', open) === -1 && buffer.length - open <= placeholderLookBehind) {
        cut = open;
      }
      const trailing = trailingJunk.exec(buffer.slice(0, cut));
      if (trailing) cut = trailing.index;
      if (cut === 0) return '';
      const out = buffer.slice(0, cut);
      buffer = buffer.slice(cut);
      return restore(out);
    },
    finish(): string {
      const out = buffer.replace(trailingJunk, '');
      buffer = '';
      return out === '' ? '' : restore(out);
    },
  };
}

/** Input of `phraseQuestion()`. */
export interface PhraseRequest {
  model: ChatModel;
  messages: ChatMessage[];
  /** The scripted text, served when the model fails. */
  fallbackText: string;
  /** Normalized texts of questions already asked: a model that repeats one is not used. */
  previousTexts: ReadonlySet<string>;
  restore: (text: string) => string;
  emitDelta: (delta: string) => void;
  signal: AbortSignal | undefined;
}

/** What the employee is shown, and whether the fallback produced it. */
export interface PhraseResult {
  text: string;
  degraded: boolean;
}

function abortedError(signal: AbortSignal): ExitBotError {
  return new ExitBotError({
    code: 'aborted',
    message: 'the turn was aborted by the caller',
    cause: signal.reason,
  });
}

/**
 * Streams the model's phrasing of the next question as deltas and returns the final text. When the
 * model throws, stops, or produces something unusable (empty, too long, a repeat, a placeholder it
 * made up), the scripted text is returned with `degraded: true` (emitted as one delta when nothing
 * was streamed yet; otherwise `question-end` replaces what was streamed). A caller abort rejects
 * with `ExitBotError('aborted')` and never falls back.
 */
export async function phraseQuestion(request: PhraseRequest): Promise<PhraseResult> {
  const { signal } = request;
  if (signal?.aborted) throw abortedError(signal);

  // Our own controller: it follows the caller's signal and also lets us stop a runaway model.
  const controller = new AbortController();
  // Settles the chunk being awaited with `aborted` when the caller aborts. Racing every chunk against one
  // long-lived promise instead would leave a reaction on that promise per chunk until the turn ends.
  let stopWaiting: ((value: 'aborted') => void) | undefined;
  const onAbort = () => {
    controller.abort(signal?.reason);
    stopWaiting?.('aborted');
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  // Races a chunk against the caller's abort, so that a model which ignores its signal cannot hold the turn.
  const nextChunk = (iterator: AsyncIterator<string>): Promise<IteratorResult<string> | 'aborted'> => {
    if (!signal) return iterator.next();
    if (signal.aborted) return Promise.resolve('aborted');
    return new Promise((resolve, reject) => {
      stopWaiting = resolve;
      iterator.next().then(resolve, reject);
    });
  };

  const cleaner = createOutputCleaner(request.restore);
  let streamed = '';
  let rawLength = 0;
  let usable = true;
  let iterator: AsyncIterator<string> | undefined;
  try {
    iterator = request.model
      .streamText({
        messages: request.messages,
        signal: controller.signal,
        temperature: 0.4,
        maxOutputTokens: 300,
      })
      [Symbol.asyncIterator]();
    while (true) {
      const next = await nextChunk(iterator);
      if (next === 'aborted' || signal?.aborted) break;
      if (next.done) break;
      if (typeof next.value !== 'string') continue;
      rawLength += next.value.length;
      if (rawLength > maxQuestionLength) {
        usable = false;
        break;
      }
      const delta = cleaner.push(next.value);
      if (delta !== '') {
        streamed += delta;
        request.emitDelta(delta);
      }
    }
  } catch {
    // The model failed after its own retries: serve the scripted question below.
    usable = false;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) {
    controller.abort(signal.reason);
    void iterator?.return?.().catch(() => undefined);
    throw abortedError(signal);
  }
  if (!usable) {
    controller.abort();
    // Tell the stream we are done with it; its own errors no longer matter.
    void Promise.resolve(iterator?.return?.()).catch(() => undefined);
  }

  if (usable) {
    const rest = cleaner.finish();
    if (rest !== '') {
      streamed += rest;
      request.emitDelta(rest);
    }
    const text = streamed.trim();
    if (
      text !== '' &&
      text.length <= maxQuestionLength + 200 &&
      !leftoverPlaceholder.test(text) &&
      !request.previousTexts.has(normalizeText(text))
    ) {
      return { text, degraded: false };
    }
  }
  if (streamed === '') request.emitDelta(request.fallbackText);
  return { text: request.fallbackText, degraded: true };
}
