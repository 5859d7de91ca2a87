import { defaultGuide } from '../guide/default-guide.ts';
import { localize } from '../guide/localize.ts';
import type { Guide } from '../guide/types.ts';
import type { InterviewState } from '../interview/types.ts';
import type { Locale } from '../protocol/events.ts';
import { classifyReasonsOffline, type ReasonClassification } from './classify-reasons.ts';
import { reasonDefinition } from './reason-taxonomy.ts';
import type { InterviewReport, Outlook } from './report-schema.ts';
import { analyzeSentiment, type SentimentLabel, sentimentLabelThreshold } from './sentiment.ts';
import { type EmployeeAnswer, employeeAnswers, foldText, splitSentences } from './transcript.ts';

/** Options of `offlineReport()`. */
export interface OfflineReportOptions {
  state: InterviewState;
  /** The guide the interview followed, for topic titles. Default: the shipped guide. */
  guide?: Guide;
  /** Clock for `generatedAt`. Default `() => new Date()`. */
  now?: () => Date;
  /** Marks the report as the fallback of a failed model call. Default false. */
  degraded?: boolean;
}

type Tone = SentimentLabel | 'mixed';

interface Phrases {
  primary(reason: string): string;
  secondary(reasons: string[]): string;
  noReason: string;
  tone(tone: Tone, answers: number): string;
  critical(topics: string[]): string;
  positive(topics: string[]): string;
  outlook(wouldReturn: Outlook, wouldRecommend: Outlook): string;
  outlookWord: Record<Exclude<Outlook, 'unknown'>, string>;
  avoidableReason(reason: string): string;
  unavoidableReason(reason: string): string;
  wouldReturn: string;
  wouldNotReturn: string;
  wouldRecommend: string;
  spokeWell(topics: string[]): string;
  reachOut: string;
  list(items: string[]): string;
}

function joinList(items: string[], and: string): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${and} ${items.at(-1)}`;
}

const phrases: Record<Locale, Phrases> = {
  en: {
    primary: (reason) => `The main reason for leaving was ${reason.toLowerCase()}.`,
    secondary: (reasons) => `${capitalize(joinList(reasons, 'and'))} also played a part.`,
    noReason: 'No clear reason for leaving came up in the answers.',
    tone: (tone, answers) =>
      `The tone across ${answers} ${answers === 1 ? 'answer' : 'answers'} was ${{ negative: 'mostly negative', neutral: 'mostly neutral', positive: 'mostly positive', mixed: 'mixed' }[tone]}.`,
    critical: (topics) => `Most critical about: ${topics.join(', ')}.`,
    positive: (topics) => `Most positive about: ${topics.join(', ')}.`,
    outlook: (back, recommend) =>
      [
        back !== 'unknown' ? `Would work here again: ${phrases.en.outlookWord[back]}.` : '',
        recommend !== 'unknown' ? `Would recommend the company: ${phrases.en.outlookWord[recommend]}.` : '',
      ]
        .filter(Boolean)
        .join(' '),
    outlookWord: { yes: 'yes', no: 'no', maybe: 'maybe' },
    avoidableReason: (reason) => `Left for a reason the company can act on (${reason.toLowerCase()})`,
    unavoidableReason: (reason) =>
      `Left for a reason outside the company's control (${reason.toLowerCase()})`,
    wouldReturn: 'Would consider working here again',
    wouldNotReturn: 'Would not work here again',
    wouldRecommend: 'Would recommend the company as an employer',
    spokeWell: (topics) => `Spoke well of ${topics.join(', ').toLowerCase()}`,
    reachOut: 'Keep in touch: this person is open to coming back.',
    list: (items) => joinList(items, 'and'),
  },
  de: {
    primary: (reason) => `Hauptgrund für den Weggang: ${reason}.`,
    secondary: (reasons) => `Außerdem spielten eine Rolle: ${joinList(reasons, 'und')}.`,
    noReason: 'In den Antworten wurde kein klarer Grund für den Weggang genannt.',
    tone: (tone, answers) =>
      `Der Ton in ${answers} ${answers === 1 ? 'Antwort' : 'Antworten'} war ${{ negative: 'überwiegend negativ', neutral: 'überwiegend neutral', positive: 'überwiegend positiv', mixed: 'gemischt' }[tone]}.`,
    critical: (topics) => `Am kritischsten zu: ${topics.join(', ')}.`,
    positive: (topics) => `Am positivsten zu: ${topics.join(', ')}.`,
    outlook: (back, recommend) =>
      [
        back !== 'unknown' ? `Würde wieder hier arbeiten: ${phrases.de.outlookWord[back]}.` : '',
        recommend !== 'unknown'
          ? `Würde das Unternehmen empfehlen: ${phrases.de.outlookWord[recommend]}.`
          : '',
      ]
        .filter(Boolean)
        .join(' '),
    outlookWord: { yes: 'ja', no: 'nein', maybe: 'vielleicht' },
    avoidableReason: (reason) => `Geht aus einem Grund, auf den das Unternehmen Einfluss hat (${reason})`,
    unavoidableReason: (reason) =>
      `Geht aus einem Grund außerhalb des Einflusses des Unternehmens (${reason})`,
    wouldReturn: 'Würde eine Rückkehr in Betracht ziehen',
    wouldNotReturn: 'Würde nicht wieder hier arbeiten',
    wouldRecommend: 'Würde das Unternehmen als Arbeitgeber empfehlen',
    spokeWell: (topics) => `Äußerte sich positiv zu: ${topics.join(', ')}`,
    reachOut: 'In Kontakt bleiben: Diese Person ist offen für eine Rückkehr.',
    list: (items) => joinList(items, 'und'),
  },
  fr: {
    primary: (reason) => `Raison principale du départ : ${reason.toLowerCase()}.`,
    secondary: (reasons) => `Ont également joué : ${joinList(reasons, 'et').toLowerCase()}.`,
    noReason: 'Aucune raison claire de départ n’est ressortie des réponses.',
    tone: (tone, answers) =>
      `Le ton de ${answers} ${answers === 1 ? 'réponse' : 'réponses'} était ${{ negative: 'plutôt négatif', neutral: 'plutôt neutre', positive: 'plutôt positif', mixed: 'partagé' }[tone]}.`,
    critical: (topics) => `Points les plus critiques : ${topics.join(', ')}.`,
    positive: (topics) => `Points les plus positifs : ${topics.join(', ')}.`,
    outlook: (back, recommend) =>
      [
        back !== 'unknown' ? `Reviendrait travailler ici : ${phrases.fr.outlookWord[back]}.` : '',
        recommend !== 'unknown' ? `Recommanderait l’entreprise : ${phrases.fr.outlookWord[recommend]}.` : '',
      ]
        .filter(Boolean)
        .join(' '),
    outlookWord: { yes: 'oui', no: 'non', maybe: 'peut-être' },
    avoidableReason: (reason) =>
      `Part pour une raison sur laquelle l’entreprise peut agir (${reason.toLowerCase()})`,
    unavoidableReason: (reason) =>
      `Part pour une raison hors du contrôle de l’entreprise (${reason.toLowerCase()})`,
    wouldReturn: 'Envisagerait de revenir',
    wouldNotReturn: 'Ne reviendrait pas travailler ici',
    wouldRecommend: 'Recommanderait l’entreprise comme employeur',
    spokeWell: (topics) => `S’est montré positif sur : ${topics.join(', ').toLowerCase()}`,
    reachOut: 'Garder le contact : cette personne est ouverte à un retour.',
    list: (items) => joinList(items, 'et'),
  },
  es: {
    primary: (reason) => `El motivo principal de la salida: ${reason.toLowerCase()}.`,
    secondary: (reasons) => `También influyeron: ${joinList(reasons, 'y').toLowerCase()}.`,
    noReason: 'En las respuestas no apareció un motivo claro de la salida.',
    tone: (tone, answers) =>
      `El tono de ${answers} ${answers === 1 ? 'respuesta' : 'respuestas'} fue ${{ negative: 'mayormente negativo', neutral: 'mayormente neutro', positive: 'mayormente positivo', mixed: 'mixto' }[tone]}.`,
    critical: (topics) => `Más crítico con: ${topics.join(', ')}.`,
    positive: (topics) => `Más positivo con: ${topics.join(', ')}.`,
    outlook: (back, recommend) =>
      [
        back !== 'unknown' ? `Volvería a trabajar aquí: ${phrases.es.outlookWord[back]}.` : '',
        recommend !== 'unknown' ? `Recomendaría la empresa: ${phrases.es.outlookWord[recommend]}.` : '',
      ]
        .filter(Boolean)
        .join(' '),
    outlookWord: { yes: 'sí', no: 'no', maybe: 'quizás' },
    avoidableReason: (reason) =>
      `Se va por un motivo sobre el que la empresa puede actuar (${reason.toLowerCase()})`,
    unavoidableReason: (reason) => `Se va por un motivo ajeno a la empresa (${reason.toLowerCase()})`,
    wouldReturn: 'Se plantearía volver',
    wouldNotReturn: 'No volvería a trabajar aquí',
    wouldRecommend: 'Recomendaría la empresa como empleador',
    spokeWell: (topics) => `Habló bien de: ${topics.join(', ').toLowerCase()}`,
    reachOut: 'Mantener el contacto: esta persona está abierta a volver.',
    list: (items) => joinList(items, 'y'),
  },
};

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Stance words, checked in this order on text folded to lower case without diacritics. */
const stancePatterns: Record<Locale, Array<[Exclude<Outlook, 'unknown'>, RegExp]>> = {
  en: [
    ['maybe', /\b(maybe|perhaps|possibly|depends|might|not sure|unsure|if|who knows|could see myself)\b/],
    ['no', /\b(no|nope|never|not|wouldn't|won't|wouldnt|wont|unlikely|doubt)\b/],
    [
      'yes',
      /\b(yes|yeah|yep|sure|definitely|absolutely|of course|certainly|happily|gladly|i would|i'd|would love|in a heartbeat)\b/,
    ],
  ],
  de: [
    [
      'maybe',
      /\b(vielleicht|eventuell|moglicherweise|kommt (darauf|drauf) an|unter umstanden|wenn|falls|mal sehen|weiss nicht)\b/,
    ],
    ['no', /\b(nein|nie|niemals|eher nicht|auf keinen fall|nicht|kaum)\b/],
    ['yes', /\b(ja|gern|gerne|auf jeden fall|sicher|bestimmt|klar|naturlich|durchaus|absolut|wurde)\b/],
  ],
  fr: [
    [
      'maybe',
      /(peut-etre|ca depend|cela depend|eventuellement|pourquoi pas|je ne sais pas|pas sur|possible|\bsi (le|la|les|l'|on|c'))/,
    ],
    ['no', /\b(non|jamais|pas|aucun|aucune)\b/],
    [
      'yes',
      /\b(oui|bien sur|absolument|volontiers|certainement|sans hesiter|avec plaisir|reviendrais|recommanderais|recommande)\b/,
    ],
  ],
  es: [
    [
      'maybe',
      /\b(quiza|quizas|tal vez|depende|a lo mejor|puede que|no lo se|no estoy segur[oa]|posiblemente|si (cambia|mejora|hubiera|hubiese))/,
    ],
    ['no', /\b(no|nunca|jamas|de ninguna manera)\b/],
    ['yes', /\b(claro|por supuesto|desde luego|seguro|sin duda|encantad[oa]|volveria|recomendaria)\b/],
  ],
};

const recommendPattern = /\b(recommend|empfehl|weiterempfehl|recommand|recomend)/;
const returnPattern =
  /\b(back|again|return|rejoin|boomerang|zuruck|wieder|ruckkehr|revenir|reviendr|retour|de nouveau|volver|volveria|regresar|de nuevo)/;

/** A clear yes or no at the start of a sentence outweighs what follows ("Yes, but not in the same team"). */
const leadingStance: Record<Locale, { yes: RegExp; no: RegExp }> = {
  en: {
    yes: /^(yes|yeah|yep|sure|absolutely|definitely|of course|certainly)\b/,
    no: /^(no|nope|never|not really)\b/,
  },
  de: { yes: /^(ja|gerne?|klar|auf jeden fall|naturlich|sicher)\b/, no: /^(nein|nie|niemals|eher nicht)\b/ },
  fr: { yes: /^(oui|bien sur|absolument|volontiers|certainement)\b/, no: /^(non|jamais|pas vraiment)\b/ },
  es: { yes: /^(claro|por supuesto|desde luego|sin duda)\b/, no: /^(no|nunca|jamas)\b/ },
};

function stanceOf(text: string, locale: Locale): Exclude<Outlook, 'unknown'> | undefined {
  const folded = foldText(text);
  const leading = leadingStance[locale];
  if (leading.no.test(folded)) return 'no';
  const [maybe, ...rest] = stancePatterns[locale];
  if (maybe?.[1].test(folded)) return 'maybe';
  // Spanish "sí" (yes) and "si" (if) differ only by the accent that folding removes.
  const spanishYes = locale === 'es' && /(^|[^\p{L}])sí([^\p{L}]|$)/u.test(text.toLowerCase());
  if (leading.yes.test(folded) || spanishYes) return 'yes';
  for (const [stance, pattern] of rest) if (pattern.test(folded)) return stance;
  return undefined;
}

/** Would-return and would-recommend from the answers in the guide's return/recommend topic. */
export function outlookFromAnswers(
  answers: readonly EmployeeAnswer[],
  locale: Locale,
): { wouldReturn: Outlook; wouldRecommend: Outlook } {
  let wouldReturn: Outlook = 'unknown';
  let wouldRecommend: Outlook = 'unknown';
  for (const answer of answers) {
    if (!/return|recommend|come-back|boomerang/.test(answer.topicId)) continue;
    const questionAbout =
      answer.question && recommendPattern.test(foldText(answer.question)) ? 'recommend' : 'return';
    for (const sentence of splitSentences(answer.text)) {
      const folded = foldText(sentence);
      const subject = recommendPattern.test(folded)
        ? 'recommend'
        : returnPattern.test(folded)
          ? 'return'
          : questionAbout;
      const stance = stanceOf(sentence, locale);
      if (!stance) continue;
      if (subject === 'recommend' && wouldRecommend === 'unknown') wouldRecommend = stance;
      if (subject === 'return' && wouldReturn === 'unknown') wouldReturn = stance;
    }
  }
  return { wouldReturn, wouldRecommend };
}

function labelOf(score: number): SentimentLabel {
  if (score >= sentimentLabelThreshold) return 'positive';
  if (score <= -sentimentLabelThreshold) return 'negative';
  return 'neutral';
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Mean sentiment of the answers per topic, in the order topics first come up. */
export function topicSentimentOf(answers: readonly EmployeeAnswer[]) {
  const byTopic = new Map<string, number[]>();
  for (const answer of answers) {
    const scores = byTopic.get(answer.topicId) ?? [];
    scores.push(answer.sentiment.score);
    byTopic.set(answer.topicId, scores);
  }
  return [...byTopic.entries()].map(([topicId, scores]) => {
    const score = round(scores.reduce((sum, value) => sum + value, 0) / scores.length);
    return { topicId, score, label: labelOf(score) };
  });
}

/** The sentences with the strongest feeling (at least five words), at most two per topic. */
function keyQuotesOf(answers: readonly EmployeeAnswer[], locale: Locale) {
  const candidates: Array<{ text: string; topicId: string; score: number }> = [];
  for (const answer of answers) {
    for (const sentence of splitSentences(answer.text)) {
      if (sentence.split(/\s+/).length < 5) continue;
      candidates.push({
        text: sentence,
        topicId: answer.topicId,
        score: analyzeSentiment(sentence, { locale }).score,
      });
    }
  }
  candidates.sort((a, b) => Math.abs(b.score) - Math.abs(a.score));
  const perTopic = new Map<string, number>();
  const quotes: Array<{ text: string; topicId: string; sentiment: SentimentLabel }> = [];
  for (const candidate of candidates) {
    if (quotes.length >= 5 || Math.abs(candidate.score) < 0.2) break;
    const count = perTopic.get(candidate.topicId) ?? 0;
    if (count >= 2) continue;
    perTopic.set(candidate.topicId, count + 1);
    quotes.push({ text: candidate.text, topicId: candidate.topicId, sentiment: labelOf(candidate.score) });
  }
  return quotes;
}

function toneOf(answers: readonly EmployeeAnswer[]): Tone {
  const scores = answers.map((answer) => answer.sentiment.score);
  const mean = scores.reduce((sum, value) => sum + value, 0) / Math.max(1, scores.length);
  if (Math.max(...scores) >= 0.3 && Math.min(...scores) <= -0.3 && Math.abs(mean) < 0.3) return 'mixed';
  return labelOf(mean);
}

/** The topic's title in the guide (or the shipped guide), else its id. */
function topicTitle(topicId: string, guide: Guide, locale: Locale): string {
  const topic = guide.topics.find((candidate) => candidate.id === topicId);
  return topic ? localize(topic.title, locale) : topicId;
}

/** Whether losing this person is likely regrettable, and the signals for and against, in `locale`. */
export function regrettableLossOf(options: {
  reasons: Pick<ReasonClassification, 'primary'>;
  wouldReturn: Outlook;
  wouldRecommend: Outlook;
  positiveTopics: string[];
  locale: Locale;
}) {
  const text = phrases[options.locale];
  const primary = reasonDefinition(options.reasons.primary.reason);
  const label = primary.label[options.locale];
  const signals: string[] = [];
  if (primary.id !== 'other') {
    signals.push(primary.avoidable ? text.avoidableReason(label) : text.unavoidableReason(label));
  }
  if (options.wouldReturn === 'yes' || options.wouldReturn === 'maybe') signals.push(text.wouldReturn);
  if (options.wouldReturn === 'no') signals.push(text.wouldNotReturn);
  if (options.wouldRecommend === 'yes') signals.push(text.wouldRecommend);
  if (options.positiveTopics.length > 0) signals.push(text.spokeWell(options.positiveTopics));
  const goodwill =
    options.wouldReturn === 'yes' ||
    options.wouldReturn === 'maybe' ||
    options.wouldRecommend === 'yes' ||
    options.positiveTopics.length > 0;
  return { likely: primary.avoidable && goodwill && options.wouldReturn !== 'no', signals };
}

/**
 * Builds a finished interview's report with no model at all, in the interview's language: reasons from
 * the offline classifier, per-topic sentiment from the answers' scores, the strongest quotes, would
 * return/recommend from the answers to that topic, and actions from the taxonomy.
 *
 * @example
 * const report = offlineReport({ state });
 * console.log(report.summary, report.reasons.primary.reason);
 */
export function offlineReport(options: OfflineReportOptions): InterviewReport {
  const { state } = options;
  const guide = options.guide ?? defaultGuide;
  const locale = state.locale;
  const text = phrases[locale];
  const answers = employeeAnswers(state);
  const reasons = classifyReasonsOffline({ state });
  const topicSentiment = topicSentimentOf(answers);
  const { wouldReturn, wouldRecommend } = outlookFromAnswers(answers, locale);
  const title = (topicId: string) => topicTitle(topicId, guide, locale);
  // The return/recommend and closing topics are outlooks, not parts of the job to praise or criticise.
  const aboutTheJob = (topicId: string) => !/return|recommend|anything/.test(topicId);
  const critical = topicSentiment
    .filter((topic) => topic.score <= -0.2 && aboutTheJob(topic.topicId))
    .sort((a, b) => a.score - b.score)
    .slice(0, 3)
    .map((topic) => title(topic.topicId));
  const positive = topicSentiment
    .filter((topic) => topic.score >= 0.2 && aboutTheJob(topic.topicId))
    .sort((a, b) => b.score - a.score)
    .slice(0, 3)
    .map((topic) => title(topic.topicId));

  const labelOfReason = (id: (typeof reasons.primary)['reason']) => reasonDefinition(id).label[locale];
  const summary = [
    reasons.primary.reason === 'other' && reasons.primary.evidence.length === 0
      ? text.noReason
      : text.primary(labelOfReason(reasons.primary.reason)),
    reasons.secondary.length > 0
      ? text.secondary(reasons.secondary.map((item) => labelOfReason(item.reason)))
      : '',
    answers.length > 0 ? text.tone(toneOf(answers), answers.length) : '',
    critical.length > 0 ? text.critical(critical) : '',
    positive.length > 0 ? text.positive(positive) : '',
    text.outlook(wouldReturn, wouldRecommend),
  ]
    .filter(Boolean)
    .join(' ');

  const regrettableLoss = regrettableLossOf({
    reasons,
    wouldReturn,
    wouldRecommend,
    positiveTopics: positive,
    locale,
  });
  const suggestedActions = [reasons.primary, ...reasons.secondary]
    .filter((finding) => finding.reason !== 'other' || reasons.secondary.length === 0)
    .map((finding) => reasonDefinition(finding.reason).action[locale])
    .slice(0, 3);
  if (regrettableLoss.likely && (wouldReturn === 'yes' || wouldReturn === 'maybe'))
    suggestedActions.push(text.reachOut);

  return {
    interviewId: state.id,
    locale,
    summary,
    reasons: { primary: reasons.primary, secondary: reasons.secondary },
    topicSentiment,
    keyQuotes: keyQuotesOf(answers, locale),
    regrettableLoss,
    wouldReturn,
    wouldRecommend,
    suggestedActions,
    source: 'offline',
    generatedAt: (options.now?.() ?? new Date()).toISOString(),
    model: null,
    degraded: options.degraded ?? false,
  };
}
