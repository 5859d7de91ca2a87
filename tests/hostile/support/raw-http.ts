// Raw HTTP/1.1 over a TCP socket for bodies fetch will not send as-is: exact bytes, invalid UTF-8,
// chunked transfer without Content-Length. Like a browser it keeps the connection alive (HTTP/1.1
// default), stops uploading as soon as the server answers (a 413 arrives before the body is done) and
// keeps what it received when the server closes.
import { connect } from 'node:net';

/** The answer to a raw request. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** Body bytes written before the server answered or closed. */
  bytesWritten: number;
  /** The server's second answer when `then` was given (same connection), or undefined when it closed. */
  next?: { status: number; headers: Record<string, string>; text: string };
}

/** Options of `rawRequest()`. */
export interface RawRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** The exact body bytes. */
  body?: Buffer;
  /** Send the body in chunks of this size with Transfer-Encoding: chunked (no Content-Length). */
  chunkSize?: number;
  /** Send the whole body, then this request line on the same connection (its answer is `next`). */
  then?: string;
}

interface Parsed {
  status: number;
  headers: Record<string, string>;
  text: string;
  rest: Buffer;
}

/** Parses one complete response at the start of `data`, or returns undefined when it is not complete yet. */
function parseResponse(data: Buffer, closed: boolean): Parsed | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const head = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '')?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = data.subarray(end + 4);
  if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    if (body.length < length) return undefined;
    return { status, headers, text: body.subarray(0, length).toString('utf8'), rest: body.subarray(length) };
  }
  if (headers['transfer-encoding'] === 'chunked') {
    const pieces: Buffer[] = [];
    for (;;) {
      const lineEnd = body.indexOf('\r\n');
      if (lineEnd === -1) return undefined;
      const size = Number.parseInt(body.subarray(0, lineEnd).toString('latin1'), 16);
      if (body.length < lineEnd + 2 + size + 2) return undefined;
      if (size === 0)
        return {
          status,
          headers,
          text: Buffer.concat(pieces).toString('utf8'),
          rest: body.subarray(lineEnd + 4),
        };
      pieces.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
      body = body.subarray(lineEnd + 2 + size + 2);
    }
  }
  return closed ? { status, headers, text: body.toString('utf8'), rest: Buffer.alloc(0) } : undefined;
}

/** Sends one request with exactly the given bytes; resolves with the server's answer (status 0 when none came). */
export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const target = new URL(url);
  const body = options.body ?? Buffer.alloc(0);
  const lines = [
    `${options.method ?? 'POST'} ${target.pathname}${target.search} HTTP/1.1`,
    `Host: ${target.host}`,
    ...Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    options.chunkSize === undefined ? `Content-Length: ${body.length}` : 'Transfer-Encoding: chunked',
  ];
  return new Promise((resolve) => {
    const socket = connect(Number(target.port), target.hostname);
    let received = Buffer.alloc(0);
    let answered = false;
    let bytesWritten = 0;
    let first: Parsed | undefined;
    const finish = () => {
      const parsed = parseResponse(received, false) ?? parseResponse(received, true);
      let next: RawResponse['next'];
      if (options.then && parsed) {
        const second = parseResponse(parsed.rest, true);
        if (second) next = { status: second.status, headers: second.headers, text: second.text };
      }
      resolve({
        status: parsed?.status ?? 0,
        headers: parsed?.headers ?? {},
        text: parsed?.text ?? '',
        bytesWritten,
        ...(next ? { next } : {}),
      });
    };
    socket.on('data', (data: Buffer) => {
      answered = true;
      received = Buffer.concat([received, data]);
      if (!first) first = parseResponse(received, false);
      if (first && !options.then) {
        // Like a browser on a keep-alive connection: the answer is in, we are done with this socket.
        socket.destroy();
        return;
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', finish);
    socket.setTimeout(15_000, () => socket.destroy());
    const writeAll = async () => {
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      const size = options.chunkSize ?? 256 * 1024;
      for (let offset = 0; offset < body.length; offset += size) {
        // A reused connection needs the whole body sent (framing); otherwise stop at the answer.
        if ((answered && !options.then) || socket.destroyed) return;
        const piece = body.subarray(offset, offset + size);
        const frame =
          options.chunkSize === undefined
            ? piece
            : Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
        const flushed = socket.write(frame, () => undefined);
        bytesWritten += piece.length;
        if (!flushed) await new Promise((resolve) => socket.once('drain', resolve));
      }
      if (options.chunkSize !== undefined && (options.then || !answered) && !socket.destroyed)
        socket.write('0\r\n\r\n', () => undefined);
      if (options.then && !socket.destroyed) {
        socket.write(`${options.then}\r\nHost: ${target.host}\r\nConnection: close\r\n\r\n`, () => undefined);
      }
    };
    writeAll().catch(() => undefined);
  });
}
