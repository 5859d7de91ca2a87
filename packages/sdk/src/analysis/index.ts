export {
  analyzeSentiment,
  type SentimentLabel,
  type SentimentOptions,
  type SentimentResult,
} from './sentiment.ts';
