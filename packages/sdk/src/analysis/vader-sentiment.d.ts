// vader-sentiment ships no types; this is the part of its API we use.
declare module 'vader-sentiment' {
  /** VADER scores of one text: proportions of negative, neutral and positive words, and the normalised compound in [-1, 1]. */
  export interface PolarityScores {
    neg: number;
    neu: number;
    pos: number;
    compound: number;
  }
  export const SentimentIntensityAnalyzer: {
    polarity_scores(text: string): PolarityScores;
  };
}
