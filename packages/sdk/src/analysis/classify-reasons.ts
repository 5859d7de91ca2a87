import { z } from 'zod';
import type { LlmCache } from '../cache/llm-cache.ts';
import { cacheKey } from '../cache/llm-cache.ts';
import type { InterviewState } from '../interview/types.ts';
import type { ChatMessage, ChatModel } from '../model/chat-model.ts';
import { createRedactor, type Redactor } from '../privacy/redactor.ts';
import type { Locale } from '../protocol/events.ts';
import { type ReasonDefinition, type ReasonId, reasonIds, reasonTaxonomy } from './reason-taxonomy.ts';
import { analyzeSentiment } from './sentiment.ts';
import { generateValidatedObject, strictJsonSchema } from './structured-output.ts';
import {
  type EmployeeAnswer,
  employeeAnswers,
  findVerbatim,
  foldText,
  splitSentences,
} from './transcript.ts';

/** A reason for leaving with how sure the analysis is and the employee's own words behind it. */
export interface ReasonFinding {
  reason: ReasonId;
  /** 0..1. */
  confidence: number;
  /** Verbatim quotes from the employee's answers. */
  evidence: string[];
}

/** Why the employee is leaving: the main reason and up to three more. */
export interface ReasonClassification {
  primary: ReasonFinding;
  secondary: ReasonFinding[];
  /** 'llm' when a model classified, 'offline' for the keyword classifier. */
  source: 'llm' | 'offline';
}

/** Options of `classifyReasons()`. */
export interface ClassifyReasonsOptions {
  state: InterviewState;
  /** A real model classifies with structured output; without one (or with `scriptedModel()`) it runs offline. */
  model?: ChatModel;
  /** Reuses an earlier classification of the same redacted transcript. */
  cache?: LlmCache;
  /** Scopes cache entries. Default 'default'. */
  tenantId?: string;
  signal?: AbortSignal;
}

/** Zod schema of one reason finding. */
export const reasonFindingSchema = z.object({
  reason: z.enum(reasonIds).describe('A reason id from the taxonomy'),
  confidence: z.number().min(0).max(1).describe('How sure you are, 0 to 1'),
  evidence: z
    .array(z.string())
    .max(5)
    .describe("The employee's exact words supporting this reason, copied verbatim from their answers"),
});

/** Zod schema of a reason classification as a model returns it. */
export const reasonsSchema = z.object({
  primary: reasonFindingSchema,
  secondary: z
    .array(reasonFindingSchema)
    .max(3)
    .describe('Other reasons that clearly played a part; may be empty'),
});

/** Bump when the classification prompt changes, so cached results are not reused. */
export const reasonsPromptVersion = 'reasons-v1';
const maxSecondary = 3;

/** Topics whose answers speak most directly to the reason for leaving weigh double. */
const reasonTopicWeight: Record<string, number> = {
  'reason-for-leaving': 2,
  'what-would-have-made-you-stay': 1.5,
};

/** A clearly negative answer in one of these topics points at the matching reason even without keywords. */
const topicReason: Record<string, ReasonId> = {
  'pay-and-benefits': 'compensation',
  'manager-and-leadership': 'manager',
  'growth-and-career': 'career-growth',
  'role-and-workload': 'workload-burnout',
  'culture-and-team': 'culture',
};

interface CompiledReason {
  definition: ReasonDefinition;
  patterns: Record<Locale, RegExp[]>;
}

function compileKeyword(keyword: string): RegExp {
  const whole = keyword.endsWith(' ');
  const escaped = foldText(keyword.trim()).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}${whole ? '(?![\\p{L}\\p{N}])' : ''}`, 'u');
}

let compiled: CompiledReason[] | undefined;
function compiledReasons(): CompiledReason[] {
  compiled ??= reasonTaxonomy.map((definition) => ({
    definition,
    patterns: {
      en: definition.keywords.en.map(compileKeyword),
      de: definition.keywords.de.map(compileKeyword),
      fr: definition.keywords.fr.map(compileKeyword),
      es: definition.keywords.es.map(compileKeyword),
    },
  }));
  return compiled;
}

interface Tally {
  score: number;
  evidence: Array<{ text: string; weight: number }>;
}

function addEvidence(tally: Tally, text: string, weight: number) {
  tally.score += weight;
  const existing = tally.evidence.find((item) => item.text === text);
  if (existing) existing.weight = Math.max(existing.weight, weight);
  else tally.evidence.push({ text, weight });
}

function toFinding(reason: ReasonId, tally: Tally, confidence: number): ReasonFinding {
  return {
    reason,
    confidence: Math.round(confidence * 100) / 100,
    evidence: [...tally.evidence]
      .sort((a, b) => b.weight - a.weight)
      .slice(0, 3)
      .map((item) => item.text),
  };
}

/**
 * The offline classifier: keyword stems per language, weighted by the tone of the sentence they are
 * in (a critical sentence counts fully, a neutral one half, a happy one not at all for reasons that are
 * complaints) and by topic. Evidence is the employee's sentences that matched.
 */
export function classifyReasonsOffline(options: { state: InterviewState }): ReasonClassification {
  const { state } = options;
  const answers = employeeAnswers(state);
  const tallies = new Map<ReasonId, Tally>();
  const tallyOf = (reason: ReasonId) => {
    let tally = tallies.get(reason);
    if (!tally) {
      tally = { score: 0, evidence: [] };
      tallies.set(reason, tally);
    }
    return tally;
  };
  const reasons = compiledReasons();
  const locales: Locale[] = state.locale === 'en' ? ['en'] : [state.locale, 'en'];

  for (const answer of answers) {
    const topicWeight = reasonTopicWeight[answer.topicId] ?? 1;
    let matchedAny = false;
    for (const sentence of splitSentences(answer.text)) {
      const folded = foldText(sentence);
      const tone = analyzeTone(sentence, answer, state.locale);
      for (const { definition, patterns } of reasons) {
        const hits = locales.reduce(
          (count, locale) => count + patterns[locale].filter((pattern) => pattern.test(folded)).length,
          0,
        );
        if (hits === 0) continue;
        const toneWeight = definition.tone === 'any' ? 1 : tone;
        if (toneWeight === 0) continue;
        matchedAny = true;
        addEvidence(tallyOf(definition.id), sentence, topicWeight * toneWeight * Math.min(hits, 2));
      }
    }
    const reasonOfTopic = topicReason[answer.topicId];
    if (!matchedAny && reasonOfTopic && answer.sentiment.score <= -0.3) {
      const sentence = mostNegativeSentence(answer, state.locale);
      addEvidence(tallyOf(reasonOfTopic), sentence, Math.abs(answer.sentiment.score));
    }
  }

  const ranked = [...tallies.entries()].sort((a, b) => b[1].score - a[1].score);
  const first = ranked[0];
  if (!first) {
    const fallbackEvidence = answers.find((answer) => answer.topicId === 'reason-for-leaving') ?? answers[0];
    return {
      primary: {
        reason: 'other',
        confidence: 0.2,
        evidence: fallbackEvidence
          ? [splitSentences(fallbackEvidence.text)[0] ?? fallbackEvidence.text.trim()]
          : [],
      },
      secondary: [],
      source: 'offline',
    };
  }
  const total = ranked.reduce((sum, [, tally]) => sum + tally.score, 0);
  // Share of the evidence, discounted when there is little of it in absolute terms.
  const confidenceOf = (tally: Tally) =>
    Math.min(0.85, (tally.score / total) * (tally.score / (tally.score + 1.5)));
  const [primaryId, primaryTally] = first;
  const secondary = ranked
    .slice(1)
    .filter(([, tally]) => tally.score >= Math.max(1, primaryTally.score * 0.2))
    .slice(0, maxSecondary)
    .map(([reason, tally]) => toFinding(reason, tally, Math.max(0.05, confidenceOf(tally))));
  return {
    primary: toFinding(primaryId, primaryTally, Math.max(0.25, confidenceOf(primaryTally))),
    secondary,
    source: 'offline',
  };
}

function analyzeTone(sentence: string, answer: EmployeeAnswer, locale: Locale): number {
  const sentiment = sentenceSentiment(sentence, answer, locale);
  if (sentiment <= -0.05) return 1 + Math.min(1, Math.abs(sentiment));
  if (sentiment < 0.05) return 0.5;
  return 0;
}

function sentenceSentiment(sentence: string, answer: EmployeeAnswer, locale: Locale): number {
  // A one-sentence answer already has its score; longer ones are scored per sentence.
  if (sentence.length >= answer.text.trim().length - 1) return answer.sentiment.score;
  return scoreOf(sentence, locale);
}

function mostNegativeSentence(answer: EmployeeAnswer, locale: Locale): string {
  const sentences = splitSentences(answer.text);
  let best = sentences[0] ?? answer.text.trim();
  let bestScore = Number.POSITIVE_INFINITY;
  for (const sentence of sentences) {
    const score = scoreOf(sentence, locale);
    if (score < bestScore) {
      best = sentence;
      bestScore = score;
    }
  }
  return best;
}

function scoreOf(text: string, locale: Locale): number {
  return analyzeSentiment(text, { locale }).score;
}

/** The system prompt of the taxonomy, shared by the classification and the report prompts. */
export function taxonomyPrompt(): string {
  return reasonTaxonomy.map((reason) => `- ${reason.id}: ${reason.description}`).join('\n');
}

/** The transcript as the model sees it: redacted, one line per message, tagged with the topic. */
export function transcriptForModel(state: InterviewState, redactor: Redactor): string {
  return state.transcript
    .map((message) => {
      const speaker = message.role === 'employee' ? 'Employee' : 'Interviewer';
      const text = message.kind === 'decline' ? '(declined to answer)' : redactor.redact(message.text);
      return `[${message.topicId}] ${speaker}: ${text}`;
    })
    .join('\n');
}

/** The names to redact for this interview: employee, manager and company from its metadata. */
export function peopleNames(state: InterviewState): string[] {
  const { employeeName, managerName, companyName } = state.people ?? {};
  return [employeeName, managerName, companyName].filter((name): name is string => typeof name === 'string');
}

/** True for a model that can produce objects (anything but the scripted fallback). */
export function isRealModel(model: ChatModel | undefined): model is ChatModel {
  return model !== undefined && model.provider !== 'scripted';
}

/** Restores placeholders in findings and keeps only evidence found verbatim in the employee's answers. */
export function verifiedFindings(
  findings: readonly z.infer<typeof reasonFindingSchema>[],
  redactor: Redactor,
  answers: readonly { text: string }[],
): ReasonFinding[] {
  const seen = new Set<ReasonId>();
  const result: ReasonFinding[] = [];
  for (const finding of findings) {
    if (seen.has(finding.reason)) continue;
    seen.add(finding.reason);
    const evidence: string[] = [];
    for (const quote of finding.evidence) {
      const verbatim = findVerbatim(redactor.restore(quote), answers)?.text;
      if (verbatim && !evidence.includes(verbatim)) evidence.push(verbatim);
    }
    result.push({ reason: finding.reason, confidence: finding.confidence, evidence });
  }
  return result;
}

function classificationMessages(state: InterviewState, redactor: Redactor): ChatMessage[] {
  return [
    {
      role: 'system',
      content: [
        'You analyse exit interviews. Classify why the employee is leaving into this taxonomy:',
        taxonomyPrompt(),
        'Pick one primary reason and at most three secondary reasons that clearly played a part.',
        "Evidence must be the employee's own words, copied exactly from their answers (not the interviewer's).",
        'Placeholders like [NAME_1] or [EMAIL_1] stand for removed personal data; copy them as they are.',
        'Use "other" only when nothing else fits.',
      ].join('\n'),
    },
    { role: 'user', content: transcriptForModel(state, redactor) },
  ];
}

/**
 * Classifies the reasons for leaving: with a real model through validated structured output (PII
 * redacted first, evidence checked against the transcript), otherwise or on any failure offline.
 *
 * @example
 * const { primary } = await classifyReasons({ state, model: openaiModel({ apiKey, model: 'gpt-4o-mini' }) });
 * console.log(primary.reason, primary.confidence, primary.evidence);
 */
export async function classifyReasons(options: ClassifyReasonsOptions): Promise<ReasonClassification> {
  const { state, model, cache, signal } = options;
  if (!isRealModel(model)) return classifyReasonsOffline({ state });
  const redactor = createRedactor({ names: peopleNames(state) });
  const messages = classificationMessages(state, redactor);
  const jsonSchema = strictJsonSchema(reasonsSchema);
  const call = async () => {
    const result = await generateValidatedObject({
      model,
      schema: reasonsSchema,
      jsonSchema,
      schemaName: 'exit_reasons',
      messages,
      temperature: 0,
      signal,
    });
    if (!result.ok) throw result.error;
    return result.value;
  };
  let value: z.infer<typeof reasonsSchema>;
  try {
    if (cache) {
      const key = await cacheKey({
        tenantId: options.tenantId ?? 'default',
        provider: model.provider,
        model: model.modelId,
        promptVersion: reasonsPromptVersion,
        messages,
        parameters: { schema: 'exit_reasons', temperature: 0 },
      });
      value = await cache.getOrCompute(key, call);
    } else {
      value = await call();
    }
  } catch (error) {
    if (signal?.aborted) throw error;
    return classifyReasonsOffline({ state });
  }
  const answers = employeeAnswers(state);
  const [primary, ...secondary] = verifiedFindings([value.primary, ...value.secondary], redactor, answers);
  return { primary: primary as ReasonFinding, secondary: secondary.slice(0, maxSecondary), source: 'llm' };
}
