// A loopback web server for pages with no Content-Security-Policy at all: what an HR portal without any
// protection looks like, so that only the components' own escaping stands between text and the page.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running page server. */
export interface PlainPages {
  origin: string;
  /** Serves `html` at `path`; returns its URL. */
  page(path: string, html: string): string;
  close(): Promise<void>;
}

/** Starts the server on `port` (a free one when absent). */
export async function startPlainPages(port = 0): Promise<PlainPages> {
  const pages = new Map<string, string>();
  const server = createServer((request, response) => {
    const html = pages.get(new URL(request.url ?? '/', 'http://localhost').pathname);
    response.writeHead(html === undefined ? 404 : 200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    response.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    page(path, html) {
      pages.set(path, html);
      return `${origin}${path}`;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
