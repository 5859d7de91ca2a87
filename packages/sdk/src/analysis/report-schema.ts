import { z } from 'zod';
import { reasonsSchema } from './classify-reasons.ts';

/** Zod schema of a polarity label. */
export const sentimentLabelSchema = z.enum(['negative', 'neutral', 'positive']);

/** Zod schema of a yes/no/maybe answer; 'unknown' when the interview did not tell. */
export const outlookSchema = z.enum(['yes', 'no', 'maybe', 'unknown']);

/** Zod schema of the sentiment about one topic of the guide. */
export const topicSentimentSchema = z.object({
  topicId: z.string().describe('A topic id from the transcript'),
  score: z.number().min(-1).max(1).describe('-1 very negative .. 1 very positive'),
  label: sentimentLabelSchema,
});

/** Zod schema of a quote worth reading. */
export const keyQuoteSchema = z.object({
  text: z.string().describe("The employee's exact words, copied verbatim from one answer"),
  topicId: z.string(),
  sentiment: sentimentLabelSchema,
});

/** Zod schema of what the model writes: the report's content, without the metadata added around it. */
export const reportContentSchema = z.object({
  summary: z.string().min(1).describe('Two to four neutral sentences for HR, in the interview language'),
  reasons: reasonsSchema,
  topicSentiment: z.array(topicSentimentSchema).describe('One entry per topic the employee answered'),
  keyQuotes: z.array(keyQuoteSchema).max(6).describe('Up to six telling quotes, strongest first'),
  regrettableLoss: z.object({
    likely: z.boolean().describe('True when the company would likely have wanted to keep this person'),
    signals: z
      .array(z.string())
      .max(6)
      .describe('Short phrases: what points to (or against) a regrettable loss'),
  }),
  wouldReturn: outlookSchema.describe('Would they work here again, from their own answer'),
  wouldRecommend: outlookSchema.describe(
    'Would they recommend the company as an employer, from their own answer',
  ),
  suggestedActions: z
    .array(z.string())
    .max(6)
    .describe('Concrete actions for HR or the manager, most useful first'),
});

/** Zod schema of a finished interview's report as stored and served. */
export const interviewReportSchema = reportContentSchema.extend({
  interviewId: z.string(),
  locale: z.enum(['en', 'de', 'fr', 'es']),
  /** 'llm' when a model wrote it, 'offline' when it was built without one. */
  source: z.enum(['llm', 'offline']),
  generatedAt: z.iso.datetime(),
  /** The model that wrote it (null for offline reports). */
  model: z.object({ provider: z.string(), modelId: z.string(), promptVersion: z.string() }).nullable(),
  /** True when a model was configured but failed or answered off-schema, so this is the offline report. */
  degraded: z.boolean(),
});

/** The model-written part of a report. */
export type ReportContent = z.infer<typeof reportContentSchema>;
/** A finished interview's report. */
export type InterviewReport = z.infer<typeof interviewReportSchema>;
/** 'yes' | 'no' | 'maybe' | 'unknown'. */
export type Outlook = z.infer<typeof outlookSchema>;
