// A webhook receiver: verifies each request, answers 2xx quickly, ignores a webhook-id it has seen
// (ExitBot delivers at least once), and prints the event. Run: WEBHOOK_SECRET=whsec_... node receiver.ts
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from './verify.ts';

/** An event as ExitBot sends it. */
export interface ExitBotEvent {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** Options of `startReceiver()`. */
export interface ReceiverOptions {
  secret: () => string | undefined;
  port?: number;
  onEvent: (event: ExitBotEvent, id: string) => void;
  /** Answer 503 to the first N requests (to watch ExitBot retry). Default 0. */
  failFirst?: number;
}

/** Starts the receiver on 127.0.0.1; resolves with its URL. */
export async function startReceiver(options: ReceiverOptions): Promise<{ url: string; server: Server }> {
  const seen = new Set<string>();
  let toFail = options.failFirst ?? 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const secret = options.secret();
      const headers = {
        'webhook-id': request.headers['webhook-id'] as string | undefined,
        'webhook-timestamp': request.headers['webhook-timestamp'] as string | undefined,
        'webhook-signature': request.headers['webhook-signature'] as string | undefined,
      };
      if (!secret || !verifyWebhook(secret, headers, body)) {
        console.log('receiver: refused a request with a bad signature');
        response.writeHead(401).end();
        return;
      }
      if (toFail > 0) {
        toFail -= 1;
        console.log(`receiver: pretending to be down (503) for ${headers['webhook-id']}; ExitBot will retry`);
        response.writeHead(503).end();
        return;
      }
      const id = headers['webhook-id'] ?? '';
      response.writeHead(204).end();
      if (seen.has(id)) return;
      seen.add(id);
      options.onEvent(JSON.parse(body) as ExitBotEvent, id);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/exitbot-webhooks`, server };
}

if (import.meta.main) {
  const secret = process.env.WEBHOOK_SECRET;
  if (!secret?.startsWith('whsec_')) {
    console.error(
      'Set WEBHOOK_SECRET to the whsec_... secret ExitBot showed when you registered the endpoint.',
    );
    process.exit(1);
  }
  const { url } = await startReceiver({
    secret: () => secret,
    port: Number(process.env.PORT ?? 4000),
    onEvent: (event, id) => console.log(`${event.type} (${id})`, JSON.stringify(event.data)),
  });
  console.log(`Receiving ExitBot webhooks at ${url}`);
}
