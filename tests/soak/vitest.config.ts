// `pnpm test:soak`: the long reliability runs, alone (they restart Postgres and load the machine):
// 200 concurrent interviews for 60 s, a real two-minute 503 window with production model settings,
// and a full Postgres cluster restart under the server.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'soak',
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['soak/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
