// Start to serving on PGlite: the very first run (creates the database, migrates, seeds the demo) and a
// start on an existing data folder. Measured from spawning `exitbot serve` until /healthz answers.
// Run: node bench/startup.bench.ts
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printTable, quantile, removeDir, rssMb, serverEnv, startServer } from './harness.ts';

const runs = 3;
const first: number[] = [];
const existing: number[] = [];
let rss = 0;
for (let run = 0; run < runs; run += 1) {
  const dataDir = mkdtempSync(join(tmpdir(), 'exitbot-bench-'));
  const env = serverEnv({ dataDir, env: { EXITBOT_DEMO: 'true', LOG_LEVEL: 'error' } });
  const cold = await startServer(env);
  first.push(cold.readyMs);
  await cold.stop();
  const warm = await startServer(env);
  existing.push(warm.readyMs);
  rss = Math.max(rss, rssMb(warm.pid));
  await warm.stop();
  removeDir(dataDir);
}
printTable('Start to serving on PGlite (spawn to /healthz answering)', [
  {
    start: 'first run (new data folder)',
    'median ms': Math.round(quantile(first, 0.5)),
    'max ms': Math.round(Math.max(...first)),
    runs,
  },
  {
    start: 'existing data folder',
    'median ms': Math.round(quantile(existing, 0.5)),
    'max ms': Math.round(Math.max(...existing)),
    runs,
  },
]);
process.stdout.write(`RSS after start: ${rss} MB\n`);
