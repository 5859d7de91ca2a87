export {
  type ClassifyReasonsOptions,
  classifyReasons,
  classifyReasonsOffline,
  type ReasonClassification,
  type ReasonFinding,
  reasonFindingSchema,
  reasonsPromptVersion,
  reasonsSchema,
} from './classify-reasons.ts';
export { type OfflineReportOptions, offlineReport } from './offline-report.ts';
export {
  type ReasonDefinition,
  type ReasonId,
  reasonDefinition,
  reasonIds,
  reasonTaxonomy,
} from './reason-taxonomy.ts';
export {
  type GenerateReportOptions,
  generateReport,
  reportContentJsonSchema,
  reportPromptVersion,
} from './report.ts';
export {
  type InterviewReport,
  interviewReportSchema,
  keyQuoteSchema,
  type Outlook,
  outlookSchema,
  type ReportContent,
  reportContentSchema,
  sentimentLabelSchema,
  topicSentimentSchema,
} from './report-schema.ts';
export {
  analyzeSentiment,
  type SentimentLabel,
  type SentimentOptions,
  type SentimentResult,
  sentimentLabelThreshold,
} from './sentiment.ts';
export { strictJsonSchema } from './structured-output.ts';
