import type { AnswerAcceptedEvent, WireEvent } from '@exitbot/sdk';

/** Listener of a turn's events. */
export type TurnListener = (event: WireEvent) => void;

/**
 * The events of one turn, produced independently of any HTTP request: a client that disconnects only
 * unsubscribes, the turn still runs to the end and is stored. Late subscribers get the buffered events first.
 */
export class TurnStream {
  readonly accepted: AnswerAcceptedEvent | undefined;
  readonly done: Promise<WireEvent[]>;
  #events: WireEvent[] = [];
  #listeners = new Set<TurnListener>();
  #closed = false;
  #resolve!: (events: WireEvent[]) => void;

  constructor(accepted: AnswerAcceptedEvent | undefined) {
    this.accepted = accepted;
    this.done = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    if (accepted) this.push(accepted);
  }

  /** Whether the turn has ended (stored, replayed or failed). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Adds an event and hands it to every subscriber. */
  push(event: WireEvent): void {
    if (this.#closed) return;
    appendCompacted(this.#events, event);
    for (const listener of this.#listeners) listener(event);
  }

  /** Ends the turn. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const listener of this.#listeners) listener(endMarker);
    this.#listeners.clear();
    this.#resolve(compactEvents(this.#events));
  }

  /** Replays the events so far, then delivers new ones; returns the unsubscribe function. `endMarker` signals the end. */
  subscribe(listener: TurnListener): () => void {
    for (const event of this.#events) listener(event);
    if (this.#closed) {
      listener(endMarker);
      return () => undefined;
    }
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** Delivered once to a subscriber when the turn has ended (never sent on the wire). */
export const endMarker = { type: 'turn-closed' } as unknown as WireEvent;

/**
 * Appends an event, merging a delta into the previous delta of the same question: a turn keeps one delta
 * per question however many tokens the model streams (late subscribers and stored events get the text
 * in one piece; live subscribers already had every token).
 */
export function appendCompacted(events: WireEvent[], event: WireEvent): void {
  const last = events[events.length - 1];
  if (event.type === 'question-delta' && last?.type === 'question-delta' && last.id === event.id) {
    events[events.length - 1] = { ...last, delta: last.delta + event.delta };
  } else {
    events.push(event);
  }
}

/** Merges consecutive deltas of the same question into one (for JSON answers and for storage). */
export function compactEvents(events: WireEvent[]): WireEvent[] {
  const compacted: WireEvent[] = [];
  for (const event of events) appendCompacted(compacted, event);
  return compacted;
}
