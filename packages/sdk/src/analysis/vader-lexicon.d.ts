// vader-sentiment ships no types. We use its lexicon (the rules are applied in sentiment.ts, so that
// workplace terms and other languages can share them); this is the module's shape.
declare module 'vader-sentiment/src/vader_lexicon.js' {
  /** Word, emoticon or idiom -> mean valence rating on a -4..4 scale. */
  export const lexicon: Record<string, number>;
}
