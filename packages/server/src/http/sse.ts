import type { WireEvent } from '@exitbot/sdk';
import { endMarker, type TurnStream } from '../interviews/turn-stream.ts';

/** Options of `sseResponse()`. */
export interface SseOptions {
  /** Deltas after the first are coalesced and written at most this often. Default 30 ms. */
  flushIntervalMs?: number;
  /** A comment line keeps idle connections open this often. Default 15 s. */
  keepAliveMs?: number;
  headers?: Record<string, string>;
}

const encoder = new TextEncoder();

function format(event: WireEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Streams a turn as Server-Sent Events. The first delta of a question is written at once, later ones are
 * coalesced (one write per interval), other events flush pending text first. A client that goes away only
 * unsubscribes: the turn keeps running and is stored.
 */
export function sseResponse(stream: TurnStream, options: SseOptions = {}): Response {
  const interval = options.flushIntervalMs ?? 30;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  let unsubscribe: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let keepAlive: NodeJS.Timeout | undefined;
  let pending: { id: string; delta: string } | undefined;
  let lastWrite = 0;
  let open = true;
  const started = new Set<string>();

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          open = false;
        }
        lastWrite = performance.now();
      };
      const flush = () => {
        if (timer) {
          clearTimeout(timer);
          timer = undefined;
        }
        if (pending) {
          write(format({ type: 'question-delta', id: pending.id, delta: pending.delta }));
          pending = undefined;
        }
      };
      const finish = () => {
        flush();
        clearInterval(keepAlive);
        if (open) {
          open = false;
          try {
            controller.close();
          } catch {
            // already closed by a cancel
          }
        }
      };
      keepAlive = setInterval(() => write(': keep-alive\n\n'), keepAliveMs);
      keepAlive.unref();
      unsubscribe = stream.subscribe((event) => {
        if (event === endMarker) {
          finish();
          return;
        }
        if (event.type === 'question-delta') {
          if (pending && pending.id === event.id) pending.delta += event.delta;
          else {
            flush();
            pending = { id: event.id, delta: event.delta };
          }
          const elapsed = performance.now() - lastWrite;
          if (!started.has(event.id) || elapsed >= interval) {
            started.add(event.id);
            flush();
          } else if (!timer) {
            timer = setTimeout(flush, interval - elapsed);
          }
          return;
        }
        flush();
        write(format(event));
      });
    },
    cancel() {
      open = false;
      unsubscribe?.();
      clearTimeout(timer);
      clearInterval(keepAlive);
    },
  });

  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
      ...options.headers,
    },
  });
}
