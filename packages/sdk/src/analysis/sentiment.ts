import vader from 'vader-sentiment';
import type { Locale } from '../protocol/events.ts';

/** Polarity label of a text. */
export type SentimentLabel = 'negative' | 'neutral' | 'positive';

/** Offline sentiment of one text. */
export interface SentimentResult {
  /** Polarity in [-1, 1]. */
  score: number;
  label: SentimentLabel;
}

/** Options of `analyzeSentiment()`. */
export interface SentimentOptions {
  /** Language of the text. Default 'en'. */
  locale?: Locale;
}

/** Scores at or beyond this magnitude are labelled positive or negative (VADER's own threshold). */
const labelThreshold = 0.05;

/**
 * Scores the sentiment of a text offline and synchronously.
 *
 * @example
 * analyzeSentiment('I was not happy with my manager'); // { score: -0.46, label: 'negative' }
 */
export function analyzeSentiment(text: string, options: SentimentOptions = {}): SentimentResult {
  void options.locale;
  const score = vader.SentimentIntensityAnalyzer.polarity_scores(text).compound;
  const label: SentimentLabel =
    score >= labelThreshold ? 'positive' : score <= -labelThreshold ? 'negative' : 'neutral';
  return { score, label };
}
