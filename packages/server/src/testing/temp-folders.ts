import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * Makes temporary folders (`exitbot-<prefix>-…` in the OS temp folder) for the tests of the surrounding
 * `describe` block, and removes them all after its tests.
 */
export function tempFolders(prefix: string): () => string {
  const folders: string[] = [];
  afterAll(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });
  return () => {
    const folder = mkdtempSync(join(tmpdir(), `exitbot-${prefix}-`));
    folders.push(folder);
    return folder;
  };
}
