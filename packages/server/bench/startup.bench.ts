// Start to serving on PGlite: the very first run (creates the database, migrates, seeds the demo) and a
// start on an existing data folder. Measured from spawning `exitbot serve` until /readyz answers 200 (the
// app is loaded and the database answers a query), the machine's load average printed alongside.
// Run: node bench/startup.bench.ts
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  figure,
  loadAverage,
  printTable,
  quantile,
  removeDir,
  rssMb,
  serverEnv,
  startServer,
} from './harness.ts';

const runs = 3;
const first: number[] = [];
const existing: number[] = [];
let rss = 0;
for (let run = 0; run < runs; run += 1) {
  const dataDir = mkdtempSync(join(tmpdir(), 'exitbot-bench-'));
  const env = serverEnv({ dataDir, env: { EXITBOT_DEMO: 'true', LOG_LEVEL: 'error' } });
  const cold = await startServer(env, '/readyz');
  first.push(cold.readyMs);
  await cold.stop();
  const warm = await startServer(env, '/readyz');
  existing.push(warm.readyMs);
  // Read once the start has settled: PGlite's boot briefly holds a few hundred MB more than it keeps.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  rss = Math.max(rss, rssMb(warm.pid));
  await warm.stop();
  removeDir(dataDir);
}
const firstMedian = quantile(first, 0.5);
const existingMedian = quantile(existing, 0.5);
printTable('Start to serving on PGlite (spawn to /readyz answering)', [
  {
    start: 'first run (new data folder)',
    'median ms': Math.round(firstMedian),
    'max ms': Math.round(Math.max(...first)),
    runs,
    load: loadAverage(),
  },
  {
    start: 'existing data folder',
    'median ms': Math.round(existingMedian),
    'max ms': Math.round(Math.max(...existing)),
    runs,
    load: loadAverage(),
  },
]);
process.stdout.write(`RSS 3 s after start: ${rss} MB\n`);
figure({
  name: 'start on PGlite, first run (new data folder), median',
  value: firstMedian,
  unit: 'ms',
  target: '< 3000 ms',
  ok: firstMedian < 3000,
});
figure({
  name: 'start on PGlite, existing data folder, median',
  value: existingMedian,
  unit: 'ms',
  target: '< 1000 ms',
  ok: existingMedian < 1000,
});
figure({ name: 'RSS 3 s after start on PGlite (existing data folder)', value: rss, unit: 'MB' });
