// Test support (imported by *.test.ts only): answers shaped like the OpenAI chat completions HTTP API,
// for msw handlers. Not exported from the package.
import { HttpResponse, http } from 'msw';

/** Base URL the tests point `openaiModel()` at. */
export const fakeBaseURL = 'https://api.openai.test/v1';

const encoder = new TextEncoder();

function chunkData(id: string, delta: Record<string, unknown>, finishReason: string | null): string {
  return `data: ${JSON.stringify({
    id,
    object: 'chat.completion.chunk',
    created: 1_767_225_600,
    model: 'gpt-test',
    system_fingerprint: 'fp_test',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  })}\n\n`;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A streamed chat completion as OpenAI sends it: a role chunk, one chunk per text, a finish chunk, then
 * `data: [DONE]`. `hangAfter` stops sending (without closing) after that many text chunks; `errorAfter`
 * sends an error event after that many.
 */
export function streamResponse(
  texts: string[],
  options: { chunkDelayMs?: number; hangAfter?: number; errorAfter?: number } = {},
): HttpResponse<ReadableStream<Uint8Array>> {
  const id = `chatcmpl-${Math.random().toString(36).slice(2)}`;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode(chunkData(id, { role: 'assistant', content: '' }, null)));
      for (const [index, text] of texts.entries()) {
        if (options.hangAfter === index) return;
        if (options.errorAfter === index) {
          controller.enqueue(
            encoder.encode(
              `data: ${JSON.stringify({ error: { message: 'The server had an error', type: 'server_error' } })}\n\n`,
            ),
          );
          controller.close();
          return;
        }
        if (options.chunkDelayMs) await wait(options.chunkDelayMs);
        controller.enqueue(encoder.encode(chunkData(id, { content: text }, null)));
      }
      controller.enqueue(encoder.encode(chunkData(id, {}, 'stop')));
      controller.enqueue(encoder.encode('data: [DONE]\n\n'));
      controller.close();
    },
  });
  return new HttpResponse(body, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      // As OpenAI sends it. Without it msw ends the body by closing its fake socket, and undici then
      // trips an internal assertion when the client had aborted the read.
      'transfer-encoding': 'chunked',
    },
  });
}

/** A non-streamed chat completion whose message content is `content`. */
export function completionResponse(
  content: string | null,
  options: { refusal?: string; finishReason?: string } = {},
): HttpResponse<string> {
  return HttpResponse.json({
    id: 'chatcmpl-object',
    object: 'chat.completion',
    created: 1_767_225_600,
    model: 'gpt-test',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: options.refusal ?? null },
        logprobs: null,
        finish_reason: options.finishReason ?? 'stop',
      },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  }) as unknown as HttpResponse<string>;
}

/** An OpenAI-style error answer. */
export function errorResponse(status: number, headers: Record<string, string> = {}): HttpResponse<string> {
  return HttpResponse.json(
    {
      error: {
        message: `Fake error ${status}`,
        type: status >= 500 ? 'server_error' : 'invalid_request_error',
      },
    },
    { status, headers },
  ) as unknown as HttpResponse<string>;
}

/** One request the fake received. */
export interface RecordedRequest {
  body: Record<string, unknown>;
  headers: Headers;
  url: string;
  /** The request's signal: aborted when the client cancelled the HTTP request. */
  signal: AbortSignal;
  at: number;
}

type Responder = (request: Request, index: number) => Response | Promise<Response>;

/**
 * An msw handler for `POST <baseURL>/chat/completions` that records every request and answers with the
 * responders in order (the last one repeats).
 */
export function chatCompletions(responders: Responder[], baseURL: string = fakeBaseURL) {
  const requests: RecordedRequest[] = [];
  const handler = http.post(`${baseURL}/chat/completions`, async ({ request }) => {
    const index = requests.length;
    requests.push({
      body: (await request.clone().json()) as Record<string, unknown>,
      headers: request.headers,
      url: request.url,
      signal: request.signal,
      at: performance.now(),
    });
    const responder = responders[Math.min(index, responders.length - 1)];
    if (!responder) throw new Error('chatCompletions needs at least one responder');
    return responder(request, index);
  });
  return { handler, requests };
}

/** A responder that never answers until the client aborts the request (then the network errors). */
export function hangUntilAborted(request: Request): Promise<Response> {
  return new Promise((resolve) => {
    const done = () => resolve(HttpResponse.error());
    if (request.signal.aborted) done();
    request.signal.addEventListener('abort', done, { once: true });
  });
}
