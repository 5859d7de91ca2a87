// A store of interviews as JSON files, one per interview: what "your own storage" can look like.
// The engine keeps everything in `InterviewState`, plain JSON, so any key-value store will do (a
// Postgres jsonb column, Redis, S3, DynamoDB); this one needs nothing but a folder.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InterviewState } from '@exitbot/sdk';

/** Loads and saves interview states by id. */
export interface InterviewStore {
  /** The stored state, or undefined when there is none with this id. */
  load(id: string): Promise<InterviewState | undefined>;
  /** Stores the state under `state.id`, replacing what was there (atomically: a crash leaves the old or the new file). */
  save(state: InterviewState): Promise<void>;
  /** Ids of the stored interviews. */
  list(): Promise<string[]>;
  /** Deletes one interview (an employee's erasure request). */
  remove(id: string): Promise<void>;
}

const idPattern = /^[A-Za-z0-9_-]{1,100}$/;

/** Checks an id before it becomes part of a file name (no `../`, no slashes). */
function fileName(id: string): string {
  if (!idPattern.test(id)) throw new Error(`invalid interview id "${id}"`);
  return `${id}.json`;
}

/** An `InterviewStore` on JSON files in `directory` (created on first save). */
export function createJsonFileStore(options: { directory: string }): InterviewStore {
  const { directory } = options;
  return {
    async load(id) {
      let text: string;
      try {
        text = await readFile(join(directory, fileName(id)), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      const state = JSON.parse(text) as InterviewState;
      // A state written by a future SDK with another shape must not be resumed by this one.
      if (state.version !== 1)
        throw new Error(`interview ${id}: unsupported state version ${String(state.version)}`);
      return state;
    },
    async save(state) {
      await mkdir(directory, { recursive: true });
      const target = join(directory, fileName(state.id));
      const temporary = `${target}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, target);
    },
    async list() {
      try {
        return (await readdir(directory))
          .filter((name) => name.endsWith('.json'))
          .map((name) => name.slice(0, -5));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
    },
    async remove(id) {
      await rm(join(directory, fileName(id)), { force: true });
    },
  };
}
