import type { Guide } from '../guide/types.ts';
import type { ChatModel } from '../model/chat-model.ts';
import type { InterviewEvent, InterviewMode, Locale } from '../protocol/events.ts';

/** Status of one topic within an interview. */
export type TopicStatus = 'pending' | 'active' | 'covered' | 'declined' | 'skipped';

/** One line of the transcript. */
export interface TranscriptMessage {
  /** Message id (employee answers: the client message id when given). */
  id: string;
  role: 'interviewer' | 'employee';
  /** What was said; empty for a decline given without words (the "skip" button). */
  text: string;
  topicId: string;
  /** interviewer: opening | probe | closing; employee: answer | decline */
  kind: 'opening' | 'probe' | 'closing' | 'answer' | 'decline';
  /** ISO timestamp. */
  at: string;
  /** Interviewer messages produced by the fallback after a model failure. */
  degraded?: boolean;
  /** Offline sentiment of an employee answer in [-1, 1]. */
  sentiment?: { score: number; label: 'negative' | 'neutral' | 'positive' };
}

/** Names known from the interview's metadata, redacted before text goes to a model. */
export interface InterviewPeople {
  employeeName?: string;
  managerName?: string;
  companyName?: string;
}

/** Progress of one topic: its status, the employee turns spent on it, and which probes were asked (indexes into `probes`). */
export interface TopicProgress {
  status: TopicStatus;
  turns: number;
  probesAsked: number[];
}

/** Why an interview ended: every topic done, the employee chose to stop, or the turn/time budget ran out. */
export type InterviewEndReason = 'completed' | 'finished-early' | 'budget-reached';

/** The whole interview as plain JSON: store it anywhere, resume it in any process. */
export interface InterviewState {
  version: 1;
  id: string;
  locale: Locale;
  mode: InterviewMode;
  guideId: string;
  status: 'active' | 'completed';
  endReason?: InterviewEndReason;
  /** The topic being asked about; null before `start()` and after the end. */
  currentTopicId: string | null;
  topics: Record<string, TopicProgress>;
  /** Employee turns so far (answers and declines). */
  turns: number;
  transcript: TranscriptMessage[];
  people: InterviewPeople;
  /** ISO timestamp of `createState()`, then of `start()` (the time budget counts from the first question). */
  startedAt: string;
  updatedAt: string;
  /** Count of interviewer messages served by the fallback. */
  degradedTurns: number;
}

/** What the employee did this turn. */
export type EmployeeInput =
  | { type: 'answer'; text: string; messageId?: string }
  | { type: 'decline'; messageId?: string }
  | { type: 'finish'; messageId?: string };

/**
 * The result of one turn. The turn runs as soon as it is created; `events` are buffered and can be
 * read at any pace, even after the turn ended (each reader gets them all; stopping early stops only
 * that reader). `state` resolves when the turn is complete, whether or not anyone reads the events,
 * and rejects only with `ExitBotError` 'aborted' when the caller's signal cancelled the turn.
 */
export interface TurnResult {
  events: AsyncIterable<InterviewEvent>;
  state: Promise<InterviewState>;
}

/** Options of `createInterviewer()`. */
export interface InterviewerOptions {
  /** Interview plan; defaults to the shipped default guide. */
  guide?: Guide;
  /** The model that phrases questions; defaults to `scriptedModel()`. */
  model?: ChatModel;
  /** Clock, for tests. Defaults to `() => new Date()`. */
  now?: () => Date;
  /** Id maker for messages. Defaults to `crypto.randomUUID()`. */
  generateId?: () => string;
}

/** The interview engine bound to a guide and a model. */
export interface Interviewer {
  /** A new interview's state (no question asked yet). */
  createState(options: {
    id: string;
    locale?: Locale;
    mode?: InterviewMode;
    people?: InterviewPeople;
  }): InterviewState;
  /** Opens the interview: yields the first question. */
  start(state: InterviewState, options?: { signal?: AbortSignal }): TurnResult;
  /** Takes the employee's input and yields the next step. */
  respond(state: InterviewState, input: EmployeeInput, options?: { signal?: AbortSignal }): TurnResult;
}
