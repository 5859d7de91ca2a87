import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isPrivateAddress, UnsafeUrlError } from './address-guard.ts';

/** The outcome of one webhook request. */
export interface SendResult {
  statusCode: number | null;
  /** Network, timeout or SSRF refusal; null when the receiver answered. */
  error: string | null;
  /** The first bytes of the answer (for the attempts view). */
  responseExcerpt: string | null;
  durationMs: number;
}

/** Options of `sendWebhookRequest()`. */
export interface SendOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Whole-request timeout. Default 10 s. */
  timeoutMs?: number;
  allowPrivate: boolean;
  /** Bytes of the answer kept. Default 500. */
  excerptBytes?: number;
}

/** Sends one POST without following redirects; never throws (failures come back in `error`). */
export function sendWebhookRequest(options: SendOptions): Promise<SendResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const excerptBytes = options.excerptBytes ?? 500;
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<SendResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, durationMs: elapsed() });
    };
    let url: URL;
    try {
      url = new URL(options.url);
      const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
      if (!options.allowPrivate && isIP(host) && isPrivateAddress(host)) {
        throw new UnsafeUrlError('private or loopback address refused');
      }
    } catch (error) {
      finish({ statusCode: null, error: (error as Error).message, responseExcerpt: null });
      return;
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      url,
      {
        method: 'POST',
        headers: {
          ...options.headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(options.body)),
          'user-agent': 'ExitBot-Webhooks/1',
        },
        ...(options.allowPrivate ? {} : { lookup: guardedLookup }),
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept < excerptBytes) {
            chunks.push(chunk.subarray(0, excerptBytes - kept));
            kept += Math.min(chunk.length, excerptBytes - kept);
          }
        });
        response.on('end', () =>
          finish({
            statusCode: response.statusCode ?? null,
            error: null,
            responseExcerpt: chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : null,
          }),
        );
        response.on('error', (error) =>
          finish({ statusCode: response.statusCode ?? null, error: error.message, responseExcerpt: null }),
        );
      },
    );
    const deadline = setTimeout(
      () => request.destroy(new Error(`timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    request.on('timeout', () => request.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    request.on('error', (error: NodeJS.ErrnoException) =>
      finish({
        statusCode: null,
        error:
          error.code && error.code !== 'EXITBOT_PRIVATE_ADDRESS'
            ? `${error.code}: ${error.message}`
            : error.message,
        responseExcerpt: null,
      }),
    );
    request.on('close', () => clearTimeout(deadline));
    request.end(options.body);
  });
}
