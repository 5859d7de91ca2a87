// A stand-in for a company's HR portal on its own origin, serving every page under the strict
// Content-Security-Policy the widget must live with: scripts only from itself and the ExitBot host,
// styles only from files, no inline anything, no eval, Trusted Types required.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { freePort } from './server.ts';

const portalStylesheet = new URL('./portal.css', import.meta.url);

/** A stylesheet that tries its best to wreck any widget that does not isolate its styles. */
export const hostileStylesheet = `
* { all: unset; font-size: 40px !important; font-family: "Comic Sans MS", cursive !important; }
html, body { display: block; }
button { display: none !important; }
textarea, input { display: none !important; visibility: hidden !important; }
div, section, p, li, ol, ul, span { color: #f0f !important; background: #ff0 !important; line-height: 3 !important;
  letter-spacing: 4px !important; text-transform: uppercase !important; }
svg { width: 300px !important; height: 300px !important; }
:root { --exit-x: 1; }
`;

/** Options of a portal page. */
export interface PortalPage {
  /** Markup placed in the main column, e.g. `<exit-interview token="...">`. */
  body: string;
  /** Script URLs in the head, in order (`{ src, module }`). */
  scripts: { src: string; module: boolean }[];
  title?: string;
  /** Adds the hostile stylesheet after the portal's own. */
  hostile?: boolean;
}

/** A running portal. */
export interface Portal {
  /** e.g. http://127.0.0.1:40001 */
  origin: string;
  /** The Content-Security-Policy every page gets. */
  csp: string;
  /** Serves `page` at `path` (replacing what was there). */
  page(path: string, page: PortalPage): string;
  close(): Promise<void>;
}

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Starts the portal on a free port; `exitbotOrigin` is the only other origin its CSP admits. */
export async function startPortal(options: { port?: number; exitbotOrigin: string }): Promise<Portal> {
  const port = options.port ?? (await freePort());
  const origin = `http://127.0.0.1:${port}`;
  const exitbot = options.exitbotOrigin;
  const csp = [
    "default-src 'self'",
    `script-src 'self' ${exitbot}`,
    "style-src 'self'",
    `connect-src 'self' ${exitbot}`,
    `frame-src ${exitbot}`,
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "require-trusted-types-for 'script'",
  ].join('; ');
  const pages = new Map<string, string>();

  const server: Server = createServer((request, response) => {
    void (async () => {
      const path = new URL(request.url ?? '/', origin).pathname;
      if (path === '/portal.css') {
        response.writeHead(200, { 'Content-Type': 'text/css; charset=utf-8' });
        response.end(await readFile(portalStylesheet));
        return;
      }
      if (path === '/hostile.css') {
        response.writeHead(200, { 'Content-Type': 'text/css; charset=utf-8' });
        response.end(hostileStylesheet);
        return;
      }
      const html = pages.get(path);
      if (html === undefined) {
        response.writeHead(404, { 'Content-Type': 'text/plain' });
        response.end('not found');
        return;
      }
      response.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': csp,
        'Cache-Control': 'no-store',
      });
      response.end(html);
    })();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    origin,
    csp,
    page(path, page) {
      const scripts = page.scripts
        .map(
          (script) =>
            `<script ${script.module ? 'type="module" ' : 'defer '}src="${escapeAttribute(script.src)}"></script>`,
        )
        .join('\n    ');
      pages.set(
        path,
        `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${page.title ?? 'Leaving Northwind · People portal'}</title>
    <link rel="stylesheet" href="/portal.css">
    ${page.hostile ? '<link rel="stylesheet" href="/hostile.css">' : ''}
    ${scripts}
  </head>
  <body>
    <header class="topbar">
      <span class="logo" aria-hidden="true">N</span>
      <strong class="company">Northwind People</strong>
      <nav aria-label="Portal"><a href="#">Home</a><a href="#">Time off</a><a href="#">Documents</a><a href="#" aria-current="page">Leaving</a></nav>
    </header>
    <main class="content">
      <p class="crumbs">Leaving Northwind / Exit interview</p>
      <h1>Before you go</h1>
      <p class="intro">We would like to hear about your time here. The conversation below is confidential and takes about ten minutes.</p>
      ${page.body}
    </main>
  </body>
</html>
`,
      );
      return `${origin}${path}`;
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

/** `<exit-interview>` markup with escaped attributes. */
export function widgetMarkup(attributes: Record<string, string | boolean>): string {
  const parts = Object.entries(attributes)
    .filter(([, value]) => value !== false)
    .map(([name, value]) => (typeof value === 'string' ? `${name}="${escapeAttribute(value)}"` : name));
  return `<exit-interview ${parts.join(' ')}></exit-interview>`;
}
