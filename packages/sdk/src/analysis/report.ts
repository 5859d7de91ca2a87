import type { LlmCache } from '../cache/llm-cache.ts';
import { cacheKey } from '../cache/llm-cache.ts';
import { defaultGuide } from '../guide/default-guide.ts';
import { localize } from '../guide/localize.ts';
import type { Guide } from '../guide/types.ts';
import type { InterviewState } from '../interview/types.ts';
import type { ChatMessage, ChatModel } from '../model/chat-model.ts';
import { createRedactor, type Redactor } from '../privacy/redactor.ts';
import type { Locale } from '../protocol/events.ts';
import {
  isRealModel,
  peopleNames,
  type ReasonFinding,
  taxonomyPrompt,
  transcriptForModel,
  verifiedFindings,
} from './classify-reasons.ts';
import { offlineReport } from './offline-report.ts';
import { type InterviewReport, type ReportContent, reportContentSchema } from './report-schema.ts';
import { generateValidatedObject, strictJsonSchema } from './structured-output.ts';
import { employeeAnswers, findVerbatim } from './transcript.ts';

/** Options of `generateReport()`. */
export interface GenerateReportOptions {
  /** The interview, usually completed. */
  state: InterviewState;
  /** The guide it followed, for topic titles. Default: the shipped guide. */
  guide?: Guide;
  /** A real model writes the report; without one (or with `scriptedModel()`) the offline report is returned. */
  model?: ChatModel;
  /** Reuses the report of an unchanged transcript: no second model call. */
  cache?: LlmCache;
  /** Scopes cache entries. Default 'default'. */
  tenantId?: string;
  /** Cancels the model call; the returned promise then rejects. */
  signal?: AbortSignal;
  /** Clock for `generatedAt`. Default `() => new Date()`. */
  now?: () => Date;
}

/** Bump when the report prompt or schema changes, so cached reports are not reused. */
export const reportPromptVersion = 'report-v1';
const reportSchemaName = 'exit_interview_report';
const reportTemperature = 0.2;

const languageNames: Record<Locale, string> = { en: 'English', de: 'German', fr: 'French', es: 'Spanish' };

let reportJsonSchema: ReturnType<typeof strictJsonSchema> | undefined;
/** The JSON schema sent to the model for the report (OpenAI strict-mode compatible). */
export function reportContentJsonSchema() {
  reportJsonSchema ??= strictJsonSchema(reportContentSchema);
  return reportJsonSchema;
}

/** The messages of the report request; every text of the interview in them is redacted. */
export function reportMessages(state: InterviewState, guide: Guide, redactor: Redactor): ChatMessage[] {
  const topics = guide.topics.map((topic) => `- ${topic.id}: ${localize(topic.title, 'en')}`).join('\n');
  const system = [
    'You write the report of an exit interview for HR. Be factual and fair; do not speculate beyond what the employee said.',
    `Write every free text (summary, signals, actions) in ${languageNames[state.locale]}.`,
    'Reasons for leaving, by id (primary = the main one; secondary = others that clearly played a part, at most three):',
    taxonomyPrompt(),
    'Topics of the interview, by id:',
    topics,
    'topicSentiment: one entry per topic the employee answered, score from -1 (very negative) to 1 (very positive).',
    "keyQuotes and evidence: the employee's exact words copied verbatim from their answers, never the interviewer's and never paraphrased.",
    'regrettableLoss.likely: true when the company would likely have wanted to keep this person and the reason was one it could act on.',
    'wouldReturn / wouldRecommend: from their own answers; "unknown" when they did not say.',
    'suggestedActions: concrete steps for HR or the manager, most useful first.',
    'Placeholders like [NAME_1], [EMAIL_1] or [PHONE_1] stand for removed personal data: keep them exactly as they are and invent no names.',
  ].join('\n');
  return [
    { role: 'system', content: system },
    {
      role: 'user',
      content: `Interview transcript (${state.locale}):\n${transcriptForModel(state, redactor)}`,
    },
  ];
}

/** Puts the personal data back and keeps only quotes and topics that are really in the interview. */
function finishContent(content: ReportContent, state: InterviewState, redactor: Redactor): ReportContent {
  const answers = employeeAnswers(state);
  const answeredTopics = new Set(answers.map((answer) => answer.topicId));
  const [primary, ...secondary] = verifiedFindings(
    [content.reasons.primary, ...content.reasons.secondary],
    redactor,
    answers,
  );
  const keyQuotes: ReportContent['keyQuotes'] = [];
  for (const quote of content.keyQuotes) {
    const found = findVerbatim(redactor.restore(quote.text), answers);
    if (!found || keyQuotes.some((existing) => existing.text === found.text)) continue;
    // The topic is where the words were said, whatever the model put.
    keyQuotes.push({ text: found.text, topicId: found.answer.topicId, sentiment: quote.sentiment });
  }
  const topicSentiment = content.topicSentiment.filter(
    (topic, index, all) =>
      answeredTopics.has(topic.topicId) &&
      all.findIndex((other) => other.topicId === topic.topicId) === index,
  );
  return {
    summary: redactor.restore(content.summary),
    reasons: { primary: primary as ReasonFinding, secondary: secondary.slice(0, 3) },
    topicSentiment,
    keyQuotes,
    regrettableLoss: {
      likely: content.regrettableLoss.likely,
      signals: content.regrettableLoss.signals.map((signal) => redactor.restore(signal)),
    },
    wouldReturn: content.wouldReturn,
    wouldRecommend: content.wouldRecommend,
    suggestedActions: content.suggestedActions.map((action) => redactor.restore(action)),
  };
}

/**
 * Writes the report of a finished interview. With a real model: personal data is redacted before the
 * model sees anything, the output is validated against `reportContentSchema` (repaired once, else the
 * offline report, marked `degraded`), quotes are checked against the transcript and placeholders are
 * put back. Without a model it returns `offlineReport()`. Invalid model output is never passed through.
 *
 * @example
 * const report = await generateReport({ state, model: openaiModel({ apiKey, model: 'gpt-4o-mini' }), cache });
 * console.log(report.source, report.summary, report.reasons.primary);
 */
export async function generateReport(options: GenerateReportOptions): Promise<InterviewReport> {
  const { state, model, cache, signal } = options;
  const guide = options.guide ?? defaultGuide;
  const now = options.now ?? (() => new Date());
  if (!isRealModel(model)) return offlineReport({ state, guide, now });

  const redactor = createRedactor({ names: peopleNames(state) });
  const messages = reportMessages(state, guide, redactor);
  const call = async (): Promise<ReportContent> => {
    const result = await generateValidatedObject({
      model,
      schema: reportContentSchema,
      jsonSchema: reportContentJsonSchema(),
      schemaName: reportSchemaName,
      messages,
      temperature: reportTemperature,
      signal,
    });
    if (!result.ok) throw result.error;
    return result.value;
  };

  let content: ReportContent;
  try {
    if (cache) {
      // The key holds only redacted text, so no personal data ends up in it; the value is redacted too.
      const key = await cacheKey({
        tenantId: options.tenantId ?? 'default',
        provider: model.provider,
        model: model.modelId,
        promptVersion: reportPromptVersion,
        messages,
        parameters: { schema: reportSchemaName, temperature: reportTemperature },
      });
      content = await cache.getOrCompute(key, call);
    } else {
      content = await call();
    }
  } catch (error) {
    if (signal?.aborted) throw error;
    return offlineReport({ state, guide, now, degraded: true });
  }

  return {
    interviewId: state.id,
    locale: state.locale,
    ...finishContent(content, state, redactor),
    source: 'llm',
    generatedAt: now().toISOString(),
    model: { provider: model.provider, modelId: model.modelId, promptVersion: reportPromptVersion },
    degraded: false,
  };
}
