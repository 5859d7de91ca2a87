import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { ExitBotError } from '../errors/index.ts';
import type { WireEvent } from '../protocol/index.ts';

const wireEventTypes: ReadonlySet<string> = new Set<WireEvent['type']>([
  'question-start',
  'question-delta',
  'question-end',
  'topic-change',
  'interview-end',
  'error',
  'answer-accepted',
  'reply-stored',
]);

/**
 * Parses one SSE message into a `WireEvent`; undefined for event types this client does not know
 * (a newer server may add some), throws a protocol error for data that is not a JSON event.
 */
export function parseWireEvent(message: EventSourceMessage): WireEvent | undefined {
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch (error) {
    throw new ExitBotError({
      code: 'protocol-error',
      message: 'The server sent an event that is not JSON.',
      cause: error,
    });
  }
  if (typeof data !== 'object' || data === null || typeof (data as { type?: unknown }).type !== 'string') {
    throw new ExitBotError({ code: 'protocol-error', message: 'The server sent an event without a type.' });
  }
  return wireEventTypes.has((data as { type: string }).type) ? (data as WireEvent) : undefined;
}

/** Reads a `text/event-stream` body and yields its events as they arrive; cancels the body when the consumer stops early. */
export async function* readEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<WireEvent> {
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => pending.push(message) });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let done = false;
  try {
    while (!done) {
      const chunk = await reader.read();
      done = chunk.done;
      parser.feed(done ? decoder.decode() : decoder.decode(chunk.value, { stream: true }));
      for (let message = pending.shift(); message !== undefined; message = pending.shift()) {
        const event = parseWireEvent(message);
        if (event !== undefined) yield event;
      }
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
