// A fake OpenAI-compatible chat-completions endpoint for benchmarks: streams `tokens` pieces `intervalMs`
// apart (0 = all at once). Run as a child process: node bench/fake-openai-server.ts; it prints its port.
// POST /control { tokens, intervalMs, firstDelayMs } changes the pacing for the next requests.
import { createServer } from 'node:http';

let pacing = { tokens: 50, intervalMs: 20, firstDelayMs: 0 };
let requests = 0;
const words = ['What', ' part', ' of', ' the', ' work', ' did', ' you', ' enjoy', ' most,', ' and'];

const server = createServer((request, response) => {
  if (request.method === 'POST' && request.url === '/control') {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      pacing = { ...pacing, ...(JSON.parse(body) as Partial<typeof pacing>) };
      response.end(JSON.stringify({ pacing, requests }));
    });
    return;
  }
  if (request.method === 'POST' && request.url?.endsWith('/chat/completions')) {
    requests += 1;
    const id = requests;
    request.resume();
    request.on('end', () => {
      const { tokens, intervalMs, firstDelayMs } = pacing;
      response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      const chunk = (content: string | null, finish: string | null) =>
        `data: ${JSON.stringify({ id: `c${id}`, object: 'chat.completion.chunk', created: 0, model: 'fake', choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }] })}\n\n`;
      // A unique tail so that the engine never sees a repeated question.
      const pieces = Array.from({ length: tokens }, (_, index) => words[index % words.length] as string);
      pieces.push(` (${id})?`);
      let index = 0;
      const send = () => {
        if (response.destroyed) return;
        if (intervalMs === 0) {
          response.write(
            `${pieces.map((piece) => chunk(piece, null)).join('') + chunk(null, 'stop')}data: [DONE]\n\n`,
          );
          response.end();
          return;
        }
        response.write(chunk(pieces[index] as string, null));
        index += 1;
        if (index < pieces.length) setTimeout(send, intervalMs);
        else {
          response.end(`${chunk(null, 'stop')}data: [DONE]\n\n`);
        }
      };
      setTimeout(send, firstDelayMs);
    });
    return;
  }
  response.writeHead(404).end();
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => process.exit(0));
