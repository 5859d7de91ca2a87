import type { InterviewState, TranscriptMessage } from '../interview/types.ts';
import { analyzeSentiment, type SentimentLabel } from './sentiment.ts';

/** One employee answer with its sentiment (taken from the state, or computed when missing). */
export interface EmployeeAnswer {
  text: string;
  topicId: string;
  /** The interviewer message this answers, when there is one. */
  question: string | undefined;
  sentiment: { score: number; label: SentimentLabel };
}

/** The employee's answers (declines left out), in order. */
export function employeeAnswers(state: InterviewState): EmployeeAnswer[] {
  const answers: EmployeeAnswer[] = [];
  let lastQuestion: TranscriptMessage | undefined;
  for (const message of state.transcript) {
    if (message.role === 'interviewer') {
      lastQuestion = message;
      continue;
    }
    if (message.kind !== 'answer' || message.text.trim() === '') continue;
    const sentiment = message.sentiment ?? analyzeSentiment(message.text, { locale: state.locale });
    answers.push({
      text: message.text,
      topicId: message.topicId,
      question: lastQuestion?.topicId === message.topicId ? lastQuestion.text : undefined,
      sentiment: { score: sentiment.score, label: sentiment.label },
    });
  }
  return answers;
}

/** The sentences of a text, each a verbatim (trimmed) substring of it. */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const match of text.matchAll(/[^.!?…\n]+(?:[.!?…]+|$)/g)) {
    const sentence = match[0].trim();
    if (/[\p{L}\p{N}]/u.test(sentence)) sentences.push(sentence);
  }
  return sentences;
}

/** Lower case, without diacritics, typographic apostrophes made plain: for keyword matching. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[’‘]/g, "'");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Finds `quote` in the employee's answers and returns the answer's own text for it (and the answer), so
 * a quote is always verbatim. Spacing, quote marks and dash styles may differ; words may not. Returns undefined
 * when the quote is not in the transcript.
 */
export function findVerbatim<T extends { text: string }>(
  quote: string,
  answers: readonly T[],
): { text: string; answer: T } | undefined {
  const core = quote
    .trim()
    .replace(/^["'“”‘’«»„…\s]+|["'“”‘’«»…\s]+$/g, '')
    .replace(/^\.\.\.|\.\.\.$/g, '')
    .trim();
  if (core.length < 3) return undefined;
  const pattern = core
    .split(/\s+/)
    .map((word) =>
      escapeRegExp(word)
        .replace(/['’‘]/g, "['’‘]")
        .replace(/["“”«»„]/g, '["“”«»„]')
        .replace(/[-–—]/g, '[-–—]'),
    )
    .join('\\s+');
  const regex = new RegExp(pattern, 'u');
  for (const answer of answers) {
    const match = regex.exec(answer.text);
    if (match) return { text: match[0], answer };
  }
  return undefined;
}
