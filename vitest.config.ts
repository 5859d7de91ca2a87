import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'tests'],
    // Most tests wait on Postgres, PGlite or a socket rather than the CPU: two workers on this 2-core machine
    // take the unit and server projects from ~245 s to ~150 s. The e2e project stays one file at a time.
    maxWorkers: 2,
  },
});
