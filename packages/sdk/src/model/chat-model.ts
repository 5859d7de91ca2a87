/** One message of a chat with a model. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Call settings shared by both model operations. */
export interface ModelCallOptions {
  messages: ChatMessage[];
  /**
   * Cancels the HTTP request. It is not aborted once a call has returned or its stream has ended: a model
   * must not leave work tied to it for clean-up.
   */
  signal?: AbortSignal;
  temperature?: number;
  maxOutputTokens?: number;
}

/** A JSON schema (draft 2020-12 subset accepted by OpenAI structured outputs). */
export type JsonSchema = Record<string, unknown>;

/** The one small interface every model implements: stream text, or produce an object matching a JSON schema. */
export interface ChatModel {
  /** Provider name, part of cache keys and breaker identity (e.g. 'openai', 'scripted'). */
  readonly provider: string;
  readonly modelId: string;
  /** Streams text chunks as the model produces them. */
  streamText(options: ModelCallOptions): AsyncIterable<string>;
  /** Returns the model's raw parsed JSON for the schema; callers validate it. */
  generateObject(options: ModelCallOptions & { schema: JsonSchema; schemaName: string }): Promise<unknown>;
}
