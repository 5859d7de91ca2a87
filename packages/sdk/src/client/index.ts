export { ApiCallError } from './api-call-error.ts';
export { readEventStream } from './event-stream.ts';
export { createExitBotClient } from './exitbot-client.ts';
export type {
  ExitBotClient,
  ExitBotClientOptions,
  InterviewProgress,
  InterviewSnapshot,
  InterviewStatus,
  InterviewSummary,
  MessagesPage,
  MessageType,
  RequestOptions,
  SendOptions,
  TranscriptEntry,
} from './types.ts';
