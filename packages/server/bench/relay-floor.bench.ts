// The floor of relaying a streamed model reply on this machine: CPU a process spends reading a response that
// arrives in 51 separate chunks 20 ms apart (the pacing of message-path.bench.ts), with nothing done to the
// chunks, through Node's fetch (the openai client's default), through the server's transport under the openai
// client (undici's request(), the body as a web stream: createModelFetch) and through node:http. 200
// responses at once; the fake model runs in its own process. Whatever the server does per token comes on top.
// Run: node bench/relay-floor.bench.ts
import { Agent, request as httpRequest } from 'node:http';
import { createModelFetch } from '../src/interviews/model-fetch.ts';
import { figure, printTable, startFakeModel } from './harness.ts';

const streams = 200;
const model = await startFakeModel();
await model.control({ tokens: 50, intervalMs: 20 });
const url = `http://127.0.0.1:${model.port}/v1/chat/completions`;
const body = JSON.stringify({ model: 'fake', stream: true, messages: [{ role: 'user', content: 'Hello' }] });
const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
const modelFetch = createModelFetch();

/** Reads one streamed response through `read` (a fetch); resolves with the number of chunks. */
async function viaFetch(read: typeof fetch = fetch): Promise<number> {
  const response = await read(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let chunks = 0;
  while (!(await reader.read()).done) chunks += 1;
  return chunks;
}

function viaHttp(): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        let chunks = 0;
        res.on('data', () => {
          chunks += 1;
        });
        res.on('end', () => resolve(chunks));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const rows: Record<string, string | number>[] = [];
try {
  for (const [name, read] of [
    ['fetch', () => viaFetch()],
    ['server transport', () => viaFetch(modelFetch)],
    ['node:http', viaHttp],
  ] as const) {
    await Promise.all(Array.from({ length: streams }, () => read())); // warm-up: connections, JIT
    let cpu = 0;
    let chunks = 0;
    for (let round = 0; round < 3; round += 1) {
      const before = process.cpuUsage();
      const counts = await Promise.all(Array.from({ length: streams }, () => read()));
      const used = process.cpuUsage(before);
      cpu += used.user + used.system;
      chunks += counts.reduce((sum, count) => sum + count, 0);
    }
    const perChunk = cpu / chunks;
    rows.push({ client: name, responses: streams * 3, chunks, 'CPU µs per chunk': perChunk.toFixed(1) });
    figure({
      name: `reading a paced streamed response: CPU per chunk (${name})`,
      value: perChunk,
      unit: 'µs',
    });
  }
  printTable(`${streams} streamed responses at once, 50 tokens 20 ms apart, each token its own chunk`, rows);
} finally {
  await model.stop();
}
