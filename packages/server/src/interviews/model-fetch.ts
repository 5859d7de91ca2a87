// The `fetch` the server gives the OpenAI-compatible model: node:http(s) with keep-alive agents. Every turn
// makes one streamed model call; through the global fetch (undici) that call costs about 0.4 ms more CPU,
// which at hundreds of turns a second is a good part of a core. Anything this fetch does not handle the
// way the model calls need it (a Request object, a streamed or form body, a redirect) goes to the global
// fetch unchanged.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pipeline, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);

function plainHeaders(headers: HeadersInit | undefined): Record<string, string> {
  const plain: Record<string, string> = {};
  if (!headers) return plain;
  if (headers instanceof Headers || Array.isArray(headers)) {
    for (const [name, value] of headers instanceof Headers ? headers.entries() : headers) {
      plain[name.toLowerCase()] = value as string;
    }
    return plain;
  }
  for (const [name, value] of Object.entries(headers)) plain[name.toLowerCase()] = value;
  return plain;
}

function decoded(response: IncomingMessage): Readable {
  const encoding = response.headers['content-encoding'];
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : undefined;
  // pipeline() carries an error of the response (reset, abort) on to the decoder, so the reader sees it.
  return decoder ? pipeline(response, decoder, () => {}) : response;
}

/** A web stream over a Node stream, one chunk per read, pausing the socket while the reader is behind. */
function webBody(source: Readable, abort: () => void): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        source.on('data', (chunk: Buffer) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 1) <= 0) source.pause();
        });
        source.once('end', () => controller.close());
        source.once('error', (error) => controller.error(error));
      },
      pull() {
        source.resume();
      },
      cancel() {
        abort();
      },
    },
    { highWaterMark: 16 },
  );
}

/** Options of `createModelFetch()`. */
export interface ModelFetchOptions {
  /** Sockets per origin. Default unlimited: the model bulkhead (EXITBOT_MODEL_CONCURRENCY) is the limit. */
  maxSockets?: number;
}

/** Creates the model `fetch` (node:http and node:https with keep-alive agents). */
export function createModelFetch(options: ModelFetchOptions = {}): typeof fetch {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? Number.POSITIVE_INFINITY };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent(agentOptions);

  const modelFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const body = init.body;
    if (
      input instanceof Request ||
      !(body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array)
    ) {
      return fetch(input, init);
    }
    const url = typeof input === 'string' ? new URL(input) : input;
    const https = url.protocol === 'https:';
    if (!https && url.protocol !== 'http:') return fetch(input, init);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) {
      return Promise.reject(signal.reason ?? new DOMException('This operation was aborted', 'AbortError'));
    }
    return new Promise<Response>((resolve, reject) => {
      const outgoing = (https ? httpsRequest : httpRequest)(
        url,
        {
          method: init.method ?? 'GET',
          headers: plainHeaders(init.headers),
          agent: https ? httpsAgent : httpAgent,
          ...(signal ? { signal } : {}),
        },
        (incoming) => {
          const status = incoming.statusCode ?? 0;
          if (redirectStatuses.has(status) && init.redirect !== 'manual') {
            incoming.resume();
            resolve(fetch(input, init));
            return;
          }
          const headers = new Headers();
          const raw = incoming.rawHeaders;
          for (let index = 0; index + 1 < raw.length; index += 2) {
            headers.append(raw[index] as string, raw[index + 1] as string);
          }
          const empty = nullBodyStatuses.has(status) || init.method === 'HEAD';
          if (empty) incoming.resume();
          resolve(
            new Response(
              empty
                ? null
                : webBody(decoded(incoming), () =>
                    incoming.destroy(new DOMException('Aborted', 'AbortError')),
                  ),
              { status, statusText: incoming.statusMessage ?? '', headers },
            ),
          );
        },
      );
      outgoing.once('error', (error) => {
        // As the global fetch reports them: an abort is the AbortError itself, anything else a TypeError.
        if (error.name === 'AbortError') reject(error);
        else reject(new TypeError('fetch failed', { cause: error }));
      });
      outgoing.end(body ?? undefined);
    });
  };
  return modelFetch as typeof fetch;
}
