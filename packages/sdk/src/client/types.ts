import type { InterviewMode, Locale, WireEvent } from '../protocol/index.ts';

/** Where an interview stands, as the server reports it. */
export type InterviewStatus = 'invited' | 'active' | 'completed' | 'expired';

/** What the employee sends: begin, answer the current question, decline it, or stop early. */
export type MessageType = 'start' | 'answer' | 'decline' | 'finish';

/** One stored message of the transcript, in server order (`seq` grows by one per message). */
export interface TranscriptEntry {
  seq: number;
  role: 'interviewer' | 'employee';
  /** For the interviewer: opening / probe / closing; for the employee: answer / decline / finish / start. */
  kind: string;
  text: string;
  topicId: string | null;
  /** ISO 8601 time the server stored it. */
  at: string;
  /** True when the scripted fallback wrote this question because the model failed. */
  degraded?: boolean;
  /** The id the client sent the employee's message with. */
  clientMessageId?: string;
}

/** Topics covered out of the guide's total, and the topic under discussion. */
export interface InterviewProgress {
  covered: number;
  total: number;
  currentTopicId: string | null;
}

/** The interview as the employee's token sees it. */
export interface InterviewSummary {
  id: string;
  status: InterviewStatus;
  mode: InterviewMode;
  locale: Locale;
  progress: InterviewProgress;
  estimatedMinutes: number;
}

/** Answer of `GET /v1/interview`: the interview and its transcript so far. */
export interface InterviewSnapshot {
  interview: InterviewSummary;
  messages: TranscriptEntry[];
}

/** Answer of `GET /v1/interview/messages?after=`: what was stored after a sequence number. */
export interface MessagesPage {
  messages: TranscriptEntry[];
  status: InterviewStatus;
}

/** Options of {@link createExitBotClient}. */
export interface ExitBotClientOptions {
  /** Origin (and optional path prefix) of the ExitBot server, e.g. `https://exitbot.example.com`. */
  baseUrl: string;
  /** The interview token the employee was given. */
  token: string;
  /** A fetch implementation; defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

/** Options of {@link ExitBotClient.send}. */
export interface SendOptions {
  /** 8-64 characters of `[A-Za-z0-9_-]`; sending the same id again is stored once and replays the reply. */
  clientMessageId: string;
  type: MessageType;
  /** The answer text (1-4000 characters); only for `type: 'answer'`. */
  text?: string;
  signal?: AbortSignal;
}

/** Options shared by the read calls. */
export interface RequestOptions {
  signal?: AbortSignal;
}

/** A typed client for the employee side of the ExitBot HTTP API. */
export interface ExitBotClient {
  /** Reads the interview and its transcript so far (`GET /v1/interview`). */
  getInterview(options?: RequestOptions): Promise<InterviewSnapshot>;
  /** Reads the messages stored after sequence number `after` (`GET /v1/interview/messages`). */
  getMessages(options: { after: number } & RequestOptions): Promise<MessagesPage>;
  /**
   * Posts a message and yields the server's events as they stream in (`POST /v1/interview/messages`).
   * The request starts when iteration starts. Throws `ApiCallError` with `isNetworkError` when the
   * connection fails or the stream ends before the reply was stored.
   */
  send(options: SendOptions): AsyncIterable<WireEvent>;
}
