export {
  analyzeSentiment,
  type SentimentLabel,
  type SentimentOptions,
  type SentimentResult,
  sentimentLabelThreshold,
} from './sentiment.ts';
