// Memory with many open streams: N interviews wait for replies that the fake model streams one token
// per second; once every stream has its first token the server's RSS is read from /proc.
// Run: node bench/streams-rss.bench.ts [--streams 3000]
import { parseArgs } from 'node:util';
import {
  cli,
  createInterviews,
  createTenant,
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
    const idleRss = rssMb(server.pid);
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
      ),
    );
    await Promise.race([allStreaming, new Promise((resolve) => setTimeout(resolve, 60_000))]);
    const openMs = performance.now() - begin;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const streamingRss = rssMb(server.pid);
    printTable(`Open streams (${database ? 'Postgres' : 'PGlite'}; the model streams 1 token per second)`, [
      {
        'open streams': withFirstToken,
        'RSS idle MB': idleRss,
        'RSS streaming MB': streamingRss,
        'per stream KB': Math.round(((streamingRss - idleRss) * 1024) / Math.max(1, withFirstToken)),
        'all first tokens after ms': Math.round(openMs),
      },
    ]);
    await model.control({ tokens: 1, intervalMs: 0 });
    await server.stop();
    await Promise.allSettled(open);
  } finally {
    await server.stop();
  }
} finally {
  await model.stop();
  await database?.drop();
  removeDir(env.EXITBOT_DATA_DIR);
}
