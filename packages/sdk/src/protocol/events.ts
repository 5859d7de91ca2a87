/** Locales that the shipped texts cover. */
export type Locale = 'en' | 'de' | 'fr' | 'es';
export const locales: readonly Locale[] = ['en', 'de', 'fr', 'es'];

/** Who can read what the employee says. */
export type InterviewMode = 'identified' | 'confidential' | 'anonymous';

/** The interviewer starts a new question (or probe). */
export interface QuestionStartEvent {
  type: 'question-start';
  /** Message id of the question, stable across retries of the same turn. */
  id: string;
  topicId: string;
  kind: 'opening' | 'probe' | 'closing';
}
/** A piece of the question text, in order. */
export interface QuestionDeltaEvent {
  type: 'question-delta';
  id: string;
  delta: string;
}
/** The question is complete; `text` is the whole question. */
export interface QuestionEndEvent {
  type: 'question-end';
  id: string;
  topicId: string;
  text: string;
  /** True when the scripted fallback answered because the model failed. */
  degraded: boolean;
}
/** The interview moves from one topic to the next. */
export interface TopicChangeEvent {
  type: 'topic-change';
  from: string | null;
  to: string;
  /** 0-based index of `to` among the guide's topics and the total count, for progress. */
  index: number;
  total: number;
}
/** The interview is over. */
export interface InterviewEndEvent {
  type: 'interview-end';
  reason: 'completed' | 'finished-early' | 'budget-reached';
}
/** Something went wrong; `retryable` says whether sending the same request again may help. */
export interface ErrorEvent {
  type: 'error';
  code: string;
  message: string;
  retryable: boolean;
}

/** Events the engine yields while it decides and phrases the next step. */
export type InterviewEvent =
  | QuestionStartEvent
  | QuestionDeltaEvent
  | QuestionEndEvent
  | TopicChangeEvent
  | InterviewEndEvent
  | ErrorEvent;

/** Wire-only: the server stored the employee's answer (sent first on the SSE stream). */
export interface AnswerAcceptedEvent {
  type: 'answer-accepted';
  clientMessageId: string;
  /** Sequence number of the stored answer in the transcript. */
  seq: number;
  /** True when this answer had been stored before (an idempotent repeat). */
  duplicate: boolean;
}
/** Wire-only: the server stored the interviewer's reply (sent after `question-end`). */
export interface ReplyStoredEvent {
  type: 'reply-stored';
  seq: number;
}

/** Everything that can travel on the SSE stream: engine events plus the server's acknowledgements. */
export type WireEvent = InterviewEvent | AnswerAcceptedEvent | ReplyStoredEvent;
