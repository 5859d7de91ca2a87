// Memory with many open streams: N interviews wait for replies that the fake model streams one token
// per second; the server's RSS is read from /proc after the interviews' starts settled, ten seconds after every
// stream has its first token, and at its peak (sampled every 250 ms) while the streams open.
// Run: node bench/streams-rss.bench.ts [--streams 3000]   (DATABASE_URL=postgres://... for Postgres)
import { parseArgs } from 'node:util';
import {
  cli,
  createInterviews,
  createTenant,
  figure,
  loadAverage,
  messageId,
  pool,
  printTable,
  removeDir,
  rssMb,
  serverEnv,
  startFakeModel,
  startServer,
  streamAnswer,
} from './harness.ts';
import { createBenchDatabase } from './postgres.ts';

const { values } = parseArgs({ options: { streams: { type: 'string', default: '3000' } } });
const streams = Number(values.streams);
const databaseUrl = process.env.DATABASE_URL;
const model = await startFakeModel();
const database = databaseUrl ? await createBenchDatabase(databaseUrl) : undefined;
const env = serverEnv({
  modelPort: model.port,
  ...(database ? { databaseUrl: database.url } : {}),
  env: {
    EXITBOT_MODEL_CONCURRENCY: String(streams + 100),
    EXITBOT_MODEL_QUEUE: String(streams + 100),
    EXITBOT_SHUTDOWN_TIMEOUT_MS: '1000',
  },
});
const kind = database ? 'Postgres' : 'PGlite';
try {
  await cli(['migrate'], env);
  const { apiKey } = await createTenant(env);
  const server = await startServer(env);
  try {
    const tokens = await createInterviews(server.port, apiKey, streams);
    await model.control({ tokens: 20, intervalMs: 0 });
    await pool(tokens, 50, (token) =>
      streamAnswer(server.port, token, { clientMessageId: messageId(), type: 'start' }),
    );
    const afterStartsRss = rssMb(server.pid);
    // A server runs for days: let V8 collect the garbage of that burst before measuring (it does so when idle).
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    const idleRss = rssMb(server.pid);
    let peakRss = idleRss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssMb(server.pid));
    }, 250);
    await model.control({ tokens: 60, intervalMs: 1000 });
    let withFirstToken = 0;
    let resolveAll: () => void = () => undefined;
    const allStreaming = new Promise<void>((resolve) => {
      resolveAll = resolve;
    });
    const begin = performance.now();
    const open = tokens.map((token) =>
      streamAnswer(
        server.port,
        token,
        { clientMessageId: messageId(), type: 'answer', text: 'The workload was too high.' },
        () => {
          withFirstToken += 1;
          if (withFirstToken === streams) resolveAll();
        },
      ).catch(() => undefined),
    );
    await Promise.race([allStreaming, new Promise((resolve) => setTimeout(resolve, 60_000))]);
    const openMs = performance.now() - begin;
    // Ten seconds into the streams (each lasts a minute): the steady state with every stream open.
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const streamingRss = rssMb(server.pid);
    clearInterval(sampler);
    const perStreamKb = ((streamingRss - idleRss) * 1024) / Math.max(1, withFirstToken);
    printTable(`Open streams (${kind}; the model streams 1 token per second)`, [
      {
        'open streams': withFirstToken,
        'RSS right after the starts MB': afterStartsRss,
        'RSS idle MB': idleRss,
        'RSS streaming MB': streamingRss,
        'peak RSS MB': peakRss,
        'per stream KB': Math.round(perStreamKb),
        'all first tokens after ms': Math.round(openMs),
        load: loadAverage(),
      },
    ]);
    figure({
      name: `RSS with ${streams} open streams (${kind})`,
      value: streamingRss,
      unit: 'MB',
      target: '< 400 MB',
      ok: streamingRss < 400 && withFirstToken === streams,
    });
    figure({
      name: `RSS before the streams, ${streams} interviews started, settled 20 s (${kind})`,
      value: idleRss,
      unit: 'MB',
    });
    figure({ name: `peak RSS while ${streams} streams open (${kind})`, value: peakRss, unit: 'MB' });
    figure({ name: `memory per open stream (${kind})`, value: perStreamKb, unit: 'KB' });
    figure({
      name: `open streams with their first token within 60 s (${kind})`,
      value: withFirstToken,
      unit: 'streams',
    });
    // The model goes first: the turns then end at once (degraded) instead of streaming for another minute.
    await model.stop();
    await server.stop();
    // The server cut the streams; their requests need not settle.
    void open;
  } finally {
    await server.stop();
  }
} finally {
  await model.stop();
  await database?.drop();
  removeDir(env.EXITBOT_DATA_DIR);
}
