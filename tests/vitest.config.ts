import { existsSync } from 'node:fs';
import { defineProject } from 'vitest/config';

// Browser tests need Debian's Chromium; without it (a newcomer's laptop) they are left out and
// scripts/test.ts says so. CI installs it and refuses to run without it.
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const browserTests = ['widget/**', 'insights/dashboard.test.ts', 'faults/process-kill.test.ts'];

export default defineProject({
  test: {
    name: 'e2e',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'soak/**', ...(existsSync(chromiumPath) ? [] : browserTests)],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
