/** A buffered, replayable stream of events: the producer never waits for a reader. */
export interface EventChannel<T> {
  push(item: T): void;
  /** Ends the stream; with an error, readers get it after the buffered events. */
  close(error?: unknown): void;
  readonly iterable: AsyncIterable<T>;
}

// Events of one turn are few (tens of small objects), so the channel keeps them all: any number
// of readers can each read the whole turn, at their own pace, before or after it ends. A reader
// that stops early (break, return) stops only itself; the turn goes on.
/** Creates an event channel. */
export function createEventChannel<T>(): EventChannel<T> {
  const items: T[] = [];
  let closed = false;
  let failed = false;
  let failure: unknown;
  let waiters: (() => void)[] = [];

  const notify = () => {
    const current = waiters;
    waiters = [];
    for (const wake of current) wake();
  };

  return {
    push(item) {
      if (closed) return;
      items.push(item);
      notify();
    },
    close(error) {
      if (closed) return;
      closed = true;
      if (error !== undefined) {
        failed = true;
        failure = error;
      }
      notify();
    },
    iterable: {
      [Symbol.asyncIterator](): AsyncIterator<T> {
        let index = 0;
        let stopped = false;
        return {
          async next(): Promise<IteratorResult<T>> {
            while (!stopped) {
              if (index < items.length) return { value: items[index++] as T, done: false };
              if (closed) {
                stopped = true;
                if (failed) throw failure;
                break;
              }
              await new Promise<void>((resolve) => waiters.push(resolve));
            }
            return { value: undefined, done: true };
          },
          async return(): Promise<IteratorResult<T>> {
            stopped = true;
            return { value: undefined, done: true };
          },
        };
      },
    },
  };
}
