import type { Locale } from '../protocol/events.ts';
import { locales } from '../protocol/events.ts';
import { type SentimentLanguage, sentimentLanguage } from './sentiment-languages.ts';

/** Polarity label of a text. */
export type SentimentLabel = 'negative' | 'neutral' | 'positive';

/** Offline sentiment of one text. */
export interface SentimentResult {
  /** Polarity in [-1, 1] (VADER's normalised compound score). */
  score: number;
  label: SentimentLabel;
  /** Sentiment-bearing words and phrases found, with their valence after negation and degree words. */
  terms: Array<{ term: string; valence: number }>;
}

/** Options of `analyzeSentiment()`. */
export interface SentimentOptions {
  /** Language of the text: 'en' | 'de' | 'fr' | 'es'. Default 'en'; other values fall back to 'en'. */
  locale?: Locale | (string & {});
}

/** Scores at or beyond this magnitude are labelled positive or negative (VADER's own threshold). */
export const sentimentLabelThreshold = 0.05;

// Constants of VADER (Hutto & Gilbert 2014): negation scalar, normalisation alpha, "!" emphasis.
const negationScalar = -0.74;
const normalizationAlpha = 15;
const exclamationStep = 0.292;
const capsIncrement = 0.733;
/** Weight of the clause before a contrast word ("but") and of the clause after it. */
const beforeContrast = 0.5;
const afterContrast = 1.5;
const maxPhraseWords = 4;
const negationWindow = 3;

interface Token {
  /** Lower-cased text used for lookups. */
  word: string;
  /** As written, for the all-caps emphasis rule. */
  original: string;
  /** Index of the clause (split at , ; . ! ? and dashes) the token is in. */
  clause: number;
}

const tokenPattern = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*|[.,;:!?]+|\s[–—-]\s/gu;
const elisionPattern = /^(n|l|d|j|m|t|s|c|qu|jusqu|lorsqu|puisqu)['’](.+)$/;

function tokenize(text: string, locale: Locale): Token[] {
  const tokens: Token[] = [];
  let clause = 0;
  for (const match of text.matchAll(tokenPattern)) {
    const raw = match[0];
    if (/^[.,;:!?\s–—-]+$/.test(raw)) {
      clause += 1;
      continue;
    }
    const word = raw.toLowerCase().replace(/’/g, "'");
    const elided = locale === 'fr' ? elisionPattern.exec(word) : null;
    if (elided) {
      tokens.push({ word: `${elided[1]}'`, original: raw, clause });
      tokens.push({ word: elided[2] as string, original: raw, clause });
      continue;
    }
    tokens.push({ word, original: raw, clause });
  }
  return tokens;
}

function phraseAt(tokens: Token[], index: number, length: number): string | undefined {
  const slice = tokens.slice(index, index + length);
  if (slice.length < length || slice.some((token) => token.clause !== slice[0]?.clause)) return undefined;
  return slice.map((token) => token.word).join(' ');
}

/** The longest lexicon phrase starting at `index`, or the word alone (also through its inflected forms). */
function lookup(
  tokens: Token[],
  index: number,
  language: SentimentLanguage,
): { term: string; valence: number; length: number } | undefined {
  for (let length = maxPhraseWords; length >= 2; length -= 1) {
    const phrase = phraseAt(tokens, index, length);
    if (phrase === undefined) continue;
    const valence = language.lexicon.get(phrase);
    if (valence !== undefined) return { term: phrase, valence, length };
  }
  const word = tokens[index]?.word ?? '';
  const direct = language.lexicon.get(word);
  if (direct !== undefined) return { term: word, valence: direct, length: 1 };
  for (const form of language.variants(word)) {
    const valence = language.lexicon.get(form);
    if (valence !== undefined) return { term: word, valence, length: 1 };
  }
  return undefined;
}

/** Length of the degree word or phrase starting at `index`, with its scalar, if any. */
function boosterAt(tokens: Token[], index: number, language: SentimentLanguage) {
  for (let length = 3; length >= 1; length -= 1) {
    const phrase = phraseAt(tokens, index, length);
    if (phrase === undefined) continue;
    const scalar = language.boosters.get(phrase);
    if (scalar !== undefined) return { scalar, length };
  }
  return undefined;
}

function contrastAt(tokens: Token[], index: number, language: SentimentLanguage): number {
  for (let length = 2; length >= 1; length -= 1) {
    const phrase = phraseAt(tokens, index, length);
    if (phrase !== undefined && language.contrasts.has(phrase)) return length;
  }
  return 0;
}

function isNegator(word: string | undefined, language: SentimentLanguage): boolean {
  if (word === undefined) return false;
  return language.negators.has(word) || (language === sentimentLanguage('en') && word.endsWith("n't"));
}

function normalize(sum: number): number {
  const score = sum / Math.sqrt(sum * sum + normalizationAlpha);
  return Math.max(-1, Math.min(1, score));
}

function resolveLocale(locale: string | undefined): Locale {
  const base = (locale ?? 'en').toLowerCase().slice(0, 2);
  return (locales as readonly string[]).includes(base) ? (base as Locale) : 'en';
}

/**
 * Scores the sentiment of a text offline and synchronously with VADER's rules (negation within three
 * words, degree words, "but" clauses, all-caps and "!" emphasis) over a lexicon per language: VADER's
 * for English, AFINN-165 translations for German, French and Spanish, plus workplace terms.
 *
 * @example
 * analyzeSentiment('I was not happy with my manager').label; // 'negative'
 * analyzeSentiment('Ich war sehr zufrieden', { locale: 'de' }).label; // 'positive'
 */
export function analyzeSentiment(text: string, options: SentimentOptions = {}): SentimentResult {
  const locale = resolveLocale(options.locale);
  const language = sentimentLanguage(locale);
  const tokens = tokenize(text, locale);
  const hasMixedCase = tokens.some((token) => token.original !== token.original.toUpperCase());
  const terms: Array<{ term: string; valence: number; index: number }> = [];
  const contrastIndexes: number[] = [];

  for (let index = 0; index < tokens.length; ) {
    const contrastLength = contrastAt(tokens, index, language);
    if (contrastLength > 0) {
      contrastIndexes.push(index);
      index += contrastLength;
      continue;
    }
    const booster = boosterAt(tokens, index, language);
    const found = lookup(tokens, index, language);
    // A degree word is not itself sentiment ("so", "super" are also in the lexicon), unless a phrase is longer.
    if (!found || (booster && booster.length >= found.length)) {
      index += booster?.length ?? 1;
      continue;
    }
    const token = tokens[index] as Token;
    let valence = found.valence;
    const shouted = /\p{Lu}{2,}/u.test(token.original) && token.original === token.original.toUpperCase();
    if (shouted && hasMixedCase && found.length === 1) valence += Math.sign(valence) * capsIncrement;
    // Degree words and negators among the three words before, within the same clause.
    let negated = false;
    for (let distance = 1; distance <= negationWindow; distance += 1) {
      const before = tokens[index - distance];
      if (!before || before.clause !== token.clause) break;
      const boost = language.boosters.get(before.word);
      if (boost !== undefined && valence !== 0) {
        const damping = distance === 1 ? 1 : distance === 2 ? 0.95 : 0.9;
        valence += Math.sign(valence) * boost * damping;
      }
      if (isNegator(before.word, language)) negated = true;
    }
    if (!negated && language.trailingNegators.size > 0) {
      for (let distance = found.length; distance < found.length + negationWindow; distance += 1) {
        const after = tokens[index + distance];
        if (!after || after.clause !== token.clause) break;
        if (language.trailingNegators.has(after.word)) negated = true;
      }
    }
    if (negated) valence *= negationScalar;
    terms.push({ term: found.term, valence, index });
    index += found.length;
  }

  // "X but Y": Y carries the speaker's overall judgement (VADER's rule, applied at the last contrast).
  const lastContrast = contrastIndexes.at(-1);
  let sum = 0;
  for (const term of terms) {
    let weight = 1;
    if (lastContrast !== undefined) weight = term.index < lastContrast ? beforeContrast : afterContrast;
    term.valence *= weight;
    sum += term.valence;
  }
  if (sum !== 0) {
    const exclamations = Math.min((text.match(/!/g) ?? []).length, 4);
    sum += Math.sign(sum) * exclamations * exclamationStep;
  }
  const score = Math.round(normalize(sum) * 10_000) / 10_000;
  const label: SentimentLabel =
    score >= sentimentLabelThreshold
      ? 'positive'
      : score <= -sentimentLabelThreshold
        ? 'negative'
        : 'neutral';
  return {
    score,
    label,
    terms: terms.map(({ term, valence }) => ({ term, valence: Math.round(valence * 1000) / 1000 })),
  };
}
