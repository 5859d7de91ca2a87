import { analyzeSentiment, type SentimentResult } from '../analysis/index.ts';
import { normalizeText } from '../guide/normalize-text.ts';
import type { Locale } from '../protocol/events.ts';

/** What kind of answer the employee gave, which decides whether the engine probes or moves on. */
export type AnswerKind = 'decline' | 'vague' | 'emotional' | 'short' | 'substantial';

/** The engine's reading of one answer. */
export interface AnswerAssessment {
  kind: AnswerKind;
  /** Number of words in the answer. */
  words: number;
  sentiment: SentimentResult;
}

/** Answers with fewer words than this are short: worth a probe. */
const shortAnswerWords = 6;
/** Sentiment at or beyond this magnitude (VADER compound) marks an emotionally loaded answer. */
const strongSentiment = 0.5;

// Phrases are written normalized (no accents, no punctuation). They are matched in every language
// whatever the interview's locale: people switch language, and the lists do not collide.

/** A whole answer that is only one of these (plus a "please") is a decline. */
const declineAnswers = new Set([
  // en
  'pass',
  'i pass',
  'skip',
  'skip it',
  'skip this',
  'skip that',
  'skip this one',
  'skip this question',
  'next',
  'next one',
  'next question',
  'no comment',
  'move on',
  "let's move on",
  'lets move on',
  // de
  'weiter',
  'uberspringen',
  'nachste frage',
  'keine angabe',
  'kein kommentar',
  'lieber nicht',
  // fr
  'passer',
  'je passe',
  'on passe',
  'passons',
  'suivant',
  'question suivante',
  'sans commentaire',
  'pas de commentaire',
  // es
  'paso',
  'saltar',
  'siguiente',
  'siguiente pregunta',
  'sin comentarios',
  'pasemos',
  'me la salto',
]);

/** A short answer containing one of these is a decline ("I'd rather not say", "möchte ich nicht sagen" ...). */
const declinePhrases = [
  // en
  'rather not say',
  'rather not answer',
  'rather not talk',
  'rather not discuss',
  'rather not comment',
  'rather not go into',
  'rather not share',
  'prefer not to say',
  'prefer not to answer',
  'prefer not to talk',
  'prefer not to discuss',
  'prefer not to comment',
  'prefer not to share',
  'prefer not to go into',
  "don't want to talk about",
  'dont want to talk about',
  "don't want to answer",
  'dont want to answer',
  "don't want to discuss",
  'dont want to discuss',
  'not comfortable answering',
  'not comfortable sharing',
  'not comfortable talking',
  "i'll pass",
  'ill pass',
  "i'd like to skip",
  'id like to skip',
  'skip this question',
  // de
  'mochte ich nicht sagen',
  'mochte ich nichts sagen',
  'mochte ich lieber nicht',
  'mochte ich nicht beantworten',
  'mochte ich nicht antworten',
  'mochte nicht daruber',
  'mochte daruber nicht',
  'mochte ich nicht daruber',
  'mochte ich daruber nicht',
  'mochte das nicht',
  'mochte ich das nicht',
  'will ich nicht sagen',
  'will nicht daruber',
  'will daruber nicht',
  'mochte ich lieber nichts',
  'lieber nichts sagen',
  'mochte ich nicht sprechen',
  'mochte ich nicht reden',
  'nicht daruber sprechen',
  'nicht daruber reden',
  'dazu sage ich nichts',
  'dazu mochte ich nichts',
  'frage uberspringen',
  // fr
  'prefere ne pas',
  'prefererais ne pas',
  'prefere pas',
  'ne souhaite pas repondre',
  'ne souhaite pas en parler',
  'ne veux pas repondre',
  'ne veux pas en parler',
  "pas envie d'en parler",
  'sans commentaire',
  'passer cette question',
  // es
  'prefiero no decir',
  'prefiero no decirlo',
  'prefiero no responder',
  'prefiero no contestar',
  'prefiero no hablar',
  'prefiero no comentar',
  'prefiero no entrar',
  'no quiero hablar',
  'no quiero responder',
  'no quiero contestar',
  'no deseo responder',
  'no deseo contestar',
  'no deseo hablar',
  'paso de esta',
  'saltar esta pregunta',
];

/** A decline phrase counts only in an answer at most this many words longer than the phrase. */
const declineSlackWords = 5;

/** Politeness around a one-word decline ("skip, please", "weiter bitte"). */
const politeWords = new Set([
  'please',
  'thanks',
  'thank',
  'you',
  'bitte',
  'danke',
  'merci',
  'svp',
  "s'il",
  'vous',
  'plait',
  'por',
  'favor',
  'gracias',
]);

/** An answer that is mostly one of these says little: worth a probe ("not sure", "passt schon", "bof", "da igual"). */
const vaguePhrases = [
  // en
  'not sure',
  'unsure',
  'dunno',
  'idk',
  "don't know",
  'dont know',
  'no idea',
  'fine',
  'ok',
  'okay',
  'alright',
  'all right',
  'whatever',
  'meh',
  'hard to say',
  'difficult to say',
  'maybe',
  'i guess',
  'kind of',
  'sort of',
  'so so',
  'not really',
  'nothing really',
  'nothing',
  'n a',
  'average',
  'yes',
  'yeah',
  'no',
  'nope',
  // de
  'weiss nicht',
  'weiß nicht',
  'weiss ich nicht',
  'weiß ich nicht',
  'keine ahnung',
  'passt schon',
  'passt',
  'egal',
  'schwer zu sagen',
  'kann ich nicht sagen',
  'vielleicht',
  'nichts',
  'geht so',
  'alles gut',
  'na ja',
  'naja',
  'nicht wirklich',
  'eher nicht',
  'ja',
  'nein',
  // fr
  'je ne sais pas',
  'je sais pas',
  'sais pas',
  'chais pas',
  'aucune idee',
  'pas sur',
  'pas sure',
  'ca va',
  'ca allait',
  "c'est bien",
  "c'etait bien",
  'correct',
  'bof',
  'peu importe',
  'rien',
  'pas grand chose',
  'difficile a dire',
  'dur a dire',
  'peut etre',
  'pas vraiment',
  'comme ci comme ca',
  'oui',
  'non',
  // es
  'no se',
  'no lo se',
  'ni idea',
  'esta bien',
  'estaba bien',
  'bien',
  'da igual',
  'me da igual',
  'lo que sea',
  'nada',
  'no estoy seguro',
  'no estoy segura',
  'quizas',
  'quiza',
  'tal vez',
  'dificil de decir',
  'mas o menos',
  'regular',
  'normal',
  'si',
  'no mucho',
  'vale',
].map((phrase) => ({ padded: ` ${phrase} `, words: phrase.split(' ').length }));

/** A vague phrase counts only in an answer at most this many words longer than the phrase ("it was fine really"). */
const vagueSlackWords = 3;

const declinePhrasesPadded = declinePhrases.map((phrase) => ({
  padded: ` ${phrase} `,
  words: phrase.split(' ').length,
}));

function countWords(normalized: string): number {
  return normalized === '' ? 0 : normalized.split(' ').length;
}

/** True when the text says the employee does not want to answer ("I'd rather not say", "skip", "prefiero no decirlo"). */
export function isDecline(text: string): boolean {
  return declineIn(normalizeText(text));
}

function declineIn(normalized: string): boolean {
  if (normalized === '') return false;
  const words = normalized.split(' ');
  if (words.length <= 4) {
    const core = words.filter((word) => !politeWords.has(word)).join(' ');
    if (declineAnswers.has(core)) return true;
  }
  const padded = ` ${normalized} `;
  return declinePhrasesPadded.some(
    (phrase) => words.length <= phrase.words + declineSlackWords && padded.includes(phrase.padded),
  );
}

function vagueIn(normalized: string, words: number): boolean {
  if (words === 0) return true;
  const padded = ` ${normalized} `;
  return vaguePhrases.some(
    (phrase) => words <= phrase.words + vagueSlackWords && padded.includes(phrase.padded),
  );
}

/**
 * Reads one answer: a decline, vague ("not sure", "it's fine"), emotionally loaded (strong sentiment),
 * short (under six words) or substantial. Offline and synchronous.
 */
export function assessAnswer(text: string, options: { locale?: Locale } = {}): AnswerAssessment {
  const normalized = normalizeText(text);
  const words = countWords(normalized);
  const sentiment = analyzeSentiment(text, { locale: options.locale ?? 'en' });
  let kind: AnswerKind;
  if (declineIn(normalized)) kind = 'decline';
  else if (vagueIn(normalized, words)) kind = 'vague';
  else if (Math.abs(sentiment.score) >= strongSentiment) kind = 'emotional';
  else if (words < shortAnswerWords) kind = 'short';
  else kind = 'substantial';
  return { kind, words, sentiment };
}
