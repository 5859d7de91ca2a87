// The message path under load, server and fake model in their own processes on loopback:
//   1. realistic pacing: N interviews replying at any moment (closed loops), the model streams 50 tokens 20 ms
//      apart: time to first token; and the harsher herd: N answers sent in the same millisecond
//   2. burst: 50 concurrent interviews, tokens at once: answers per second (PGlite, and Postgres with DATABASE_URL)
//   3. server-added time before the first token at a steady 300 answers/s (tokens at once)
// Every server first runs an untimed warm-up of the same kind of load: a server runs for days, and the first
// thousand turns of a fresh process mostly measure V8 compiling the code. The machine is shared (2 cores):
// the 1-minute load average is printed with each table.
// Run: node bench/message-path.bench.ts [--quick] [--only pacing|herd|burst|steady] [--workers N]
//   (DATABASE_URL=postgres://... for the Postgres figures; --workers N runs the Postgres server as N processes)
import { parseArgs } from 'node:util';
import {
  cli,
  cpuMs,
  createInterviews,
  createTenant,
  figure,
  loadAverage,
  messageId,
  pool,
  printTable,
  quantile,
  removeDir,
  serverEnv,
  startFakeModel,
  startServer,
  streamAnswer,
} from './harness.ts';
import { createBenchDatabase } from './postgres.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    only: { type: 'string', multiple: true },
    workers: { type: 'string', default: '1' },
  },
});
const quick = Boolean(values.quick);
/** `--only burst` (repeatable: pacing, herd, burst, steady) runs just those parts. */
const parts = new Set(values.only ?? ['pacing', 'herd', 'burst', 'steady']);
const databaseUrl = process.env.DATABASE_URL;
/** `--workers N`: the Postgres server runs as N worker processes (EXITBOT_WORKERS); PGlite is one process. */
const workers = Number(values.workers);
if (!Number.isInteger(workers) || workers < 1) throw new Error('--workers must be a whole number >= 1');
const answers = [
  'My manager rarely gave feedback and promotions were frozen.',
  'The workload was too high for most of the year.',
  'I would have stayed for a clear path to a senior role.',
];
type Kind = 'pglite' | 'postgres';
/** How a figure names the server: the database, and the worker processes when more than one. */
const label = (kind: Kind) => (kind === 'postgres' && workers > 1 ? `${kind}, ${workers} workers` : kind);
type FakeModel = Awaited<ReturnType<typeof startFakeModel>>;

/**
 * A migrated server with a tenant. `warmupMs`: first an untimed closed loop of 50 interviews, tokens at once,
 * for that long (the part of the bench that measures then sets the model's pacing itself).
 */
async function setup(kind: Kind, model: FakeModel, options: { warmupMs?: number } = {}) {
  const database = kind === 'postgres' && databaseUrl ? await createBenchDatabase(databaseUrl) : undefined;
  const env = serverEnv({
    modelPort: model.port,
    ...(database ? { databaseUrl: database.url, env: { EXITBOT_WORKERS: String(workers) } } : {}),
  });
  await cli(['migrate'], env);
  const { apiKey } = await createTenant(env);
  const server = await startServer(env);
  const teardown = async () => {
    await server.stop();
    await database?.drop();
    removeDir(env.EXITBOT_DATA_DIR);
  };
  await model.control({ tokens: 50, intervalMs: 0 });
  if (options.warmupMs) {
    try {
      await closedLoop(server.port, await createInterviews(server.port, apiKey, 1000), 50, options.warmupMs);
    } catch (error) {
      await teardown();
      throw error;
    }
  }
  return { server, apiKey, teardown };
}

async function startAll(port: number, tokens: string[]) {
  await pool(tokens, 50, (token) =>
    streamAnswer(port, token, { clientMessageId: messageId(), type: 'start' }),
  );
}

/**
 * `concurrency` loops of answer turns for `durationMs`, each on its own interviews (a new one when one ends).
 * `staggerMs`: each loop first waits a random time up to this (the loops then drift apart as real employees
 * would); `measureAfterMs`: only answers sent after this count in `firstTokens`.
 */
async function closedLoop(
  port: number,
  tokens: string[],
  concurrency: number,
  durationMs: number,
  options: { staggerMs?: number; measureAfterMs?: number } = {},
) {
  let next = 0;
  let answered = 0;
  let started = 0;
  let failures = 0;
  const firstTokens: number[] = [];
  const begin = performance.now();
  const measureFrom = begin + (options.measureAfterMs ?? 0);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      if (options.staggerMs) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * (options.staggerMs as number)));
      }
      while (performance.now() - begin < durationMs && next < tokens.length) {
        const token = tokens[next] as string;
        next += 1;
        await streamAnswer(port, token, { clientMessageId: messageId(), type: 'start' });
        started += 1;
        for (let turn = 0; performance.now() - begin < durationMs; turn += 1) {
          const sentAt = performance.now();
          const timing = await streamAnswer(port, token, {
            clientMessageId: messageId(),
            type: 'answer',
            text: answers[turn % answers.length] as string,
          });
          if (timing.status !== 200) {
            failures += 1;
            break;
          }
          answered += 1;
          if (sentAt >= measureFrom) firstTokens.push(timing.firstTokenMs);
          if (timing.ended) break;
        }
      }
    }),
  );
  return {
    answered,
    started,
    failures,
    firstTokens,
    seconds: (performance.now() - begin) / 1000,
    used: next,
  };
}

/**
 * Realistic pacing, as the target means it: N interviews are replying at any moment. Each loop sends its next
 * answer as soon as the previous reply ended (no reading or typing time, so this is N streams open all the
 * time); the loops start spread over the first second, as employees would, not in the same millisecond.
 */
async function pacingSteady(kind: Kind, model: FakeModel) {
  const rows: Record<string, string | number>[] = [];
  const { server, apiKey, teardown } = await setup(kind, model, { warmupMs: quick ? 3000 : 6000 });
  try {
    for (const concurrency of quick ? [400] : [100, 200, 400]) {
      const tokens = await createInterviews(server.port, apiKey, Math.ceil(concurrency * 1.5));
      await model.control({ tokens: 50, intervalMs: 20 });
      const cpuBefore = cpuMs(server.pid);
      const run = await closedLoop(server.port, tokens, concurrency, quick ? 8000 : 15_000, {
        staggerMs: 1000,
        measureAfterMs: 3000,
      });
      const serverCpu = (cpuMs(server.pid) - cpuBefore) / (run.answered + run.started);
      const p99 = quantile(run.firstTokens, 0.99);
      rows.push({
        database: label(kind),
        'replying at once': concurrency,
        'answers/s': Math.round(run.answered / run.seconds),
        'TTFT p50 ms': quantile(run.firstTokens, 0.5).toFixed(1),
        'TTFT p99 ms': p99.toFixed(1),
        'TTFT max ms': Math.max(...run.firstTokens).toFixed(1),
        'server CPU ms/turn': serverCpu.toFixed(2),
        failures: run.failures,
        load: loadAverage(),
      });
      figure({
        name: `pacing: TTFT p99, ${concurrency} interviews replying at once (${label(kind)})`,
        value: p99,
        unit: 'ms',
        ...(concurrency === 400 ? { target: '< 100 ms', ok: p99 < 100 && run.failures === 0 } : {}),
      });
    }
  } finally {
    await teardown();
  }
  return rows;
}

/** The harsher case: N answers sent in the same millisecond (rounds), every reply paced as above. */
async function pacing(kind: Kind, model: FakeModel) {
  const rows: Record<string, string | number>[] = [];
  const { server, apiKey, teardown } = await setup(kind, model, { warmupMs: quick ? 3000 : 6000 });
  try {
    for (const concurrency of quick ? [400] : [200, 400]) {
      const tokens = await createInterviews(server.port, apiKey, concurrency);
      await model.control({ tokens: 50, intervalMs: 0 });
      await startAll(server.port, tokens);
      await model.control({ tokens: 50, intervalMs: 20 });
      const firstTokens: number[] = [];
      let failures = 0;
      for (let round = 0; round < 3; round += 1) {
        const timings = await Promise.all(
          tokens.map((token) =>
            streamAnswer(server.port, token, {
              clientMessageId: messageId(),
              type: 'answer',
              text: answers[round] as string,
            }),
          ),
        );
        // The first round at this concurrency opens the connections and warms the path; it is not counted.
        if (round === 0) continue;
        for (const timing of timings) {
          if (timing.status !== 200 || timing.firstTokenMs < 0) failures += 1;
          else firstTokens.push(timing.firstTokenMs);
        }
      }
      const p99 = quantile(firstTokens, 0.99);
      rows.push({
        database: label(kind),
        'replies at once': concurrency,
        'TTFT p50 ms': quantile(firstTokens, 0.5).toFixed(1),
        'TTFT p99 ms': p99.toFixed(1),
        'TTFT max ms': Math.max(...firstTokens).toFixed(1),
        failures,
        load: loadAverage(),
      });
      figure({
        name: `pacing: TTFT p99, ${concurrency} answers sent in the same millisecond (${label(kind)})`,
        value: p99,
        unit: 'ms',
      });
    }
  } finally {
    await teardown();
  }
  return rows;
}

async function burst(kind: Kind, model: FakeModel) {
  const { server, apiKey, teardown } = await setup(kind, model);
  try {
    const tokens = await createInterviews(server.port, apiKey, quick ? 2000 : 3000);
    const warmup = await closedLoop(server.port, tokens, 50, quick ? 3000 : 5000);
    const cpuBefore = cpuMs(server.pid);
    const measured = await closedLoop(server.port, tokens.slice(warmup.used), 50, quick ? 4000 : 8000);
    const serverCpu = (cpuMs(server.pid) - cpuBefore) / (measured.answered + measured.started);
    const perSecond = measured.answered / measured.seconds;
    figure({
      name: `burst: answers/s, 50 concurrent interviews (${label(kind)})`,
      value: perSecond,
      unit: 'answers/s',
      ...(kind === 'postgres' ? { target: '> 900', ok: perSecond > 900 && measured.failures === 0 } : {}),
    });
    return {
      database: label(kind),
      concurrency: 50,
      'answers/s': Math.round(perSecond),
      'starts/s': Math.round(measured.started / measured.seconds),
      'TTFT p50 ms': quantile(measured.firstTokens, 0.5).toFixed(1),
      'TTFT p99 ms': quantile(measured.firstTokens, 0.99).toFixed(1),
      'server CPU ms/turn': serverCpu.toFixed(2),
      failures: measured.failures,
      load: loadAverage(),
    };
  } finally {
    await teardown();
  }
}

async function steadyRate(kind: Kind, model: FakeModel, rate: number) {
  const { server, apiKey, teardown } = await setup(kind, model, { warmupMs: quick ? 3000 : 5000 });
  try {
    const durationMs = quick ? 3000 : 6000;
    const tokens = await createInterviews(server.port, apiKey, 1500);
    await startAll(server.port, tokens);
    const idle = [...tokens];
    const firstTokens: number[] = [];
    let skipped = 0;
    let failures = 0;
    const inFlight: Promise<void>[] = [];
    const begin = performance.now();
    for (let index = 0; performance.now() - begin < durationMs; index += 1) {
      const due = begin + (index * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const token = idle.shift();
      if (!token) {
        skipped += 1;
        continue;
      }
      inFlight.push(
        streamAnswer(server.port, token, {
          clientMessageId: messageId(),
          type: 'answer',
          text: answers[index % 3] as string,
        }).then((timing) => {
          if (timing.status === 200 && timing.firstTokenMs >= 0) firstTokens.push(timing.firstTokenMs);
          else failures += 1;
          if (!timing.ended && timing.status === 200) idle.push(token);
        }),
      );
    }
    await Promise.all(inFlight);
    const p99 = quantile(firstTokens, 0.99);
    figure({
      name: `server-added time before the first token, p99 at ${rate} answers/s (${label(kind)})`,
      value: p99,
      unit: 'ms',
      target: '< 10 ms',
      ok: p99 < 10 && failures + skipped === 0,
    });
    return {
      database: label(kind),
      'answers/s offered': rate,
      'answers/s served': Math.round(firstTokens.length / (durationMs / 1000)),
      'server-added p50 ms': quantile(firstTokens, 0.5).toFixed(2),
      'server-added p99 ms': p99.toFixed(2),
      failures: failures + skipped,
      load: loadAverage(),
    };
  } finally {
    await teardown();
  }
}

const model = await startFakeModel();
try {
  const kinds: Kind[] = databaseUrl ? ['postgres', 'pglite'] : ['pglite'];
  const primary = kinds[0] as Kind;
  if (parts.has('pacing')) {
    printTable(
      'Realistic pacing: N interviews replying at any moment (closed loops, started over 1 s); the model streams 50 tokens 20 ms apart; time to first token at the client',
      await pacingSteady(primary, model),
    );
  }
  if (parts.has('herd')) {
    printTable(
      'N answers sent in the same millisecond (3 rounds, the first not counted); replies paced as above',
      await pacing(primary, model),
    );
  }
  if (parts.has('burst')) {
    const burstRows = [];
    for (const kind of kinds) burstRows.push(await burst(kind, model));
    printTable('Burst: 50 concurrent interviews, tokens at once', burstRows);
  }
  if (parts.has('steady')) {
    printTable('Server-added time before the first token (the fake model answers at once)', [
      await steadyRate(primary, model, 300),
    ]);
  }
} finally {
  await model.stop();
}
