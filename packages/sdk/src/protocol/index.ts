export type {
  AnswerAcceptedEvent,
  ErrorEvent,
  InterviewEndEvent,
  InterviewEvent,
  InterviewMode,
  Locale,
  QuestionDeltaEvent,
  QuestionEndEvent,
  QuestionStartEvent,
  ReplyStoredEvent,
  TopicChangeEvent,
  WireEvent,
} from './events.ts';
export { locales } from './events.ts';
