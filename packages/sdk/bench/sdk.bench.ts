// SDK benchmarks: engine overhead per turn (scripted model, so the model costs ~nothing), cache hit cost,
// offline sentiment throughput, and the gzip size of the browser client+protocol entry.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import {
  analyzeSentiment,
  cacheKey,
  createInterviewer,
  createLlmCache,
  type InterviewState,
  scriptedModel,
} from '../src/index.ts';

function report(name: string, value: number, unit: string, target?: string, ok?: boolean): void {
  console.log(`@bench ${JSON.stringify({ group: 'sdk', name, value, unit, target, ok })}`);
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? 0;

// 1. Engine overhead per turn.
const answers = [
  'Mostly the pay. I was underpaid compared to the market and my manager never pushed for a raise.',
  'not sure',
  'The workload was heavy, we were always short-staffed and on call every other weekend.',
  "I'd rather not say",
  'My manager was supportive but had no say in promotions.',
  'There was no clear path to senior roles, and training budgets were cut twice.',
];
const interviewer = createInterviewer({ model: scriptedModel() });
const turnTimes: number[] = [];
let interviews = 0;
const deadline = performance.now() + 4000;
while (performance.now() < deadline && interviews < 400) {
  interviews += 1;
  let state: InterviewState = interviewer.createState({ id: `bench-${interviews}`, locale: 'en' });
  const opening = interviewer.start(state);
  for await (const _ of opening.events);
  state = await opening.state;
  for (let turn = 0; state.status === 'active' && turn < 40; turn += 1) {
    const started = performance.now();
    const result = interviewer.respond(state, { type: 'answer', text: answers[turn % answers.length]! });
    for await (const _ of result.events);
    state = await result.state;
    turnTimes.push(performance.now() - started);
  }
}
const turnMedian = median(turnTimes);
console.log(`engine: ${turnTimes.length} turns over ${interviews} interviews`);
report('engine turn overhead, median (scripted model)', turnMedian, 'ms', '< 1 ms', turnMedian < 1);
report('engine turn overhead, p99 (scripted model)', percentile(turnTimes, 0.99), 'ms');

// 2. Cache hit: SHA-256 key over a ~4 KB context + quick-lru lookup.
const cache = createLlmCache({ maxSize: 1000, maxAgeMs: 60_000 });
const messages = [{ role: 'user', content: 'x'.repeat(4096) }];
const parts = { tenantId: 't1', provider: 'openai', model: 'gpt', promptVersion: 'v1', messages };
cache.set(await cacheKey(parts), { summary: 'cached' });
const hitRounds = 20_000;
let hitStart = performance.now();
for (let i = 0; i < hitRounds; i += 1) cache.get(await cacheKey(parts));
const hitMicros = ((performance.now() - hitStart) / hitRounds) * 1000;
report('cache hit (SHA-256 of 4 KB context + lookup)', hitMicros, 'µs', 'negligible vs a model call');
hitStart = performance.now();
for (let i = 0; i < hitRounds; i += 1) cache.get('t1:precomputed');
report('cache lookup alone', ((performance.now() - hitStart) / hitRounds) * 1000, 'µs');

// 3. Offline sentiment throughput.
const sentences = [
  'I was not happy with how my manager handled the reorganisation.',
  'The team was great, honestly the best people I have worked with.',
  'Pay was fine but the workload was crushing and nobody listened.',
  'Ich war mit meinem Gehalt nicht zufrieden.',
  "J'ai adoré mon équipe mais la direction était absente.",
  'El ambiente era tóxico y no había oportunidades de crecer.',
];
const sentimentRounds = 30_000;
const sentimentStart = performance.now();
for (let i = 0; i < sentimentRounds; i += 1) {
  const text = sentences[i % sentences.length]!;
  analyzeSentiment(text, { locale: i % 6 === 3 ? 'de' : i % 6 === 4 ? 'fr' : i % 6 === 5 ? 'es' : 'en' });
}
const perSecond = sentimentRounds / ((performance.now() - sentimentStart) / 1000);
report('offline sentiment throughput', Math.round(perSecond), 'sentences/s');

// 4. Browser bundle of the client + protocol entry.
const entry = fileURLToPath(new URL('../src/client/index.ts', import.meta.url));
const bundle = await build({
  stdin: {
    contents: `export { createExitBotClient } from ${JSON.stringify(entry)}; export * from ${JSON.stringify(
      fileURLToPath(new URL('../src/protocol/index.ts', import.meta.url)),
    )};`,
    resolveDir: fileURLToPath(new URL('.', import.meta.url)),
    loader: 'ts',
  },
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
});
const code = bundle.outputFiles[0]!.contents;
const gzipKb = gzipSync(code, { level: 9 }).length / 1024;
report('client+protocol entry, browser bundle (gzip)', gzipKb, 'KB', '< 5 KB', gzipKb < 5);
report('client+protocol entry, browser bundle (minified)', code.length / 1024, 'KB');
