// Test helper: a real HTTP receiver on 127.0.0.1 that records every request and answers as told.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  event: { type: string; timestamp: string; data: Record<string, unknown> };
  status: number;
}

/** A recording receiver. */
export interface TestReceiver {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** Status for the next requests (first entries first); afterwards `fallbackStatus`. */
  plan: number[];
  fallbackStatus: number;
  /** Milliseconds to wait before answering. */
  delayMs: number;
  /** Stops listening (connections are refused until `reopen()`). */
  close(): Promise<void>;
  /** Listens again on the same port. */
  reopen(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 (a random port unless given). */
export async function startTestReceiver(port = 0): Promise<TestReceiver> {
  let server: Server;
  const receiver: TestReceiver = {
    url: '',
    port,
    received: [],
    plan: [],
    fallbackStatus: 204,
    delayMs: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    reopen: () => listen(receiver.port),
  };
  async function listen(at: number): Promise<void> {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const status = receiver.plan.shift() ?? receiver.fallbackStatus;
        receiver.received.push({ headers: request.headers, body, event: JSON.parse(body), status });
        setTimeout(
          () => response.writeHead(status).end(status >= 400 ? 'receiver says no' : ''),
          receiver.delayMs,
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(at, '127.0.0.1', resolve));
    receiver.port = (server.address() as AddressInfo).port;
    receiver.url = `http://127.0.0.1:${receiver.port}/hooks`;
  }
  await listen(port);
  return receiver;
}

/**
 * Reference verification written from the Standard Webhooks specification (independent of the
 * server's signing code): HMAC-SHA256 keyed with the base64 part of `whsec_...` over "id.timestamp.body".
 */
export function referenceSignatureValid(secret: string, webhook: ReceivedWebhook): boolean {
  const id = String(webhook.headers['webhook-id'] ?? '');
  const timestamp = String(webhook.headers['webhook-timestamp'] ?? '');
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${webhook.body}`).digest('base64');
  return String(webhook.headers['webhook-signature'] ?? '')
    .split(' ')
    .some((part) => part === `v1,${expected}`);
}

/** Polls `condition` (running `tick` before each check) until it holds or `timeoutMs` passes. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  options: { tick?: () => Promise<unknown>; timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    await options.tick?.();
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
}
