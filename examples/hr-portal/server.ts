// "Acme People", a small HR portal that embeds ExitBot: the departing employee's offboarding page with
// the exit interview, and the HR analytics page with the insights dashboard. Plain node:http, static
// pages, and a strict Content-Security-Policy on every page (no inline script or style, Trusted Types).
//
//   EXITBOT_ADMIN_TOKEN=<admin token printed by `pnpm start`> node server.ts
//
// Environment:
//   EXITBOT_URL            the ExitBot server (default http://localhost:3000)
//   EXITBOT_ADMIN_TOKEN    admin token of the tenant: used here, server side, to allow this portal's origin
//                          and to create an API key when EXITBOT_API_KEY is not given
//   EXITBOT_API_KEY        an API key of the tenant (exb_...): creates the interviews
//   EXITBOT_INSIGHTS_TOKEN token the analytics page gives the dashboard; best an analyst token
//                          (`exitbot token --tenant <id> --role analyst`). Default: the admin token.
//   PORT, HOST             where the portal listens (default 4000 on 127.0.0.1)
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import {
  type CreatedInterview,
  createExitBotApi,
  type DepartingEmployee,
  ExitBotApiError,
} from './exitbot-api.ts';

const exitbotUrl = new URL(process.env.EXITBOT_URL ?? 'http://localhost:3000').origin;
const adminToken = process.env.EXITBOT_ADMIN_TOKEN ?? '';
const port = Number(process.env.PORT ?? 4000);
const host = process.env.HOST ?? '127.0.0.1';
const portalOrigin = `http://${host === '127.0.0.1' || host === '0.0.0.0' ? 'localhost' : host}:${port}`;

if (!adminToken) {
  console.error(
    'Set EXITBOT_ADMIN_TOKEN to an admin token of your ExitBot tenant. `pnpm start` in the repository prints\n' +
      'one for the demo tenant ("Admin token (12 h): ..."). See examples/hr-portal/README.md.',
  );
  process.exit(1);
}

/**
 * The policy of every page: scripts only from this portal and ExitBot, API calls only to them, the
 * isolated interview frame only from ExitBot, no inline script or style, and DOM sinks only through
 * Lit's Trusted Types policy.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' ${exitbotUrl}`,
  "style-src 'self'",
  `connect-src 'self' ${exitbotUrl}`,
  `frame-src ${exitbotUrl}`,
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  'trusted-types lit-html',
].join('; ');

/** The employee "logged in" to this demo portal (a real portal reads this from its HR records). */
const employee: DepartingEmployee = {
  externalId: 'E-1042',
  name: 'Jordan Lee',
  department: 'Logistics',
  location: 'Hamburg',
  level: 'Senior',
  tenureMonths: 38,
  lastDay: '2026-12-31',
};

const api = createExitBotApi({ baseUrl: exitbotUrl, adminToken });
let apiKey = process.env.EXITBOT_API_KEY ?? '';
const insightsToken = process.env.EXITBOT_INSIGHTS_TOKEN ?? adminToken;
/** One interview per browser session (a cookie), so a reload continues the same conversation. */
const sessions = new Map<string, CreatedInterview>();
const pagesDir = join(import.meta.dirname, 'pages');
const assetsDir = join(import.meta.dirname, 'assets');

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

async function renderPage(name: string, values: Record<string, string>): Promise<string> {
  const template = await readFile(join(pagesDir, `${name}.html`), 'utf8');
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`${name}.html: no value for {{${key}}}`);
    return escapeHtml(value);
  });
}

function sessionOf(request: IncomingMessage, response: ServerResponse): string {
  const cookie = /(?:^|;\s*)portal_session=([\w-]{36})/.exec(request.headers.cookie ?? '')?.[1];
  if (cookie) return cookie;
  const created = randomUUID();
  response.setHeader('Set-Cookie', `portal_session=${created}; HttpOnly; SameSite=Lax; Path=/`);
  return created;
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer): void {
  response.writeHead(status, {
    'Content-Type': type,
    'Content-Security-Policy': contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  response.end(body);
}

const assetTypes: Record<string, string> = {
  'portal.css': 'text/css; charset=utf-8',
  'portal.js': 'text/javascript; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', portalOrigin);
  const html = 'text/html; charset=utf-8';
  const common = { exitbot: exitbotUrl, userName: employee.name };

  if (url.pathname === '/') {
    send(response, 200, html, await renderPage('home', common));
  } else if (url.pathname === '/offboarding') {
    const session = sessionOf(request, response);
    let interview = sessions.get(session);
    if (!interview) {
      interview = await api.createInterview({
        apiKey,
        employee,
        locale: url.searchParams.get('lang') ?? 'en',
      });
      sessions.set(session, interview);
    }
    // `?isolated` renders the interview in a frame on ExitBot's origin (see docs/embedding.md).
    const page = url.searchParams.has('isolated') ? 'offboarding-isolated' : 'offboarding';
    send(response, 200, html, await renderPage(page, { ...common, token: interview.token }));
  } else if (url.pathname === '/analytics') {
    send(
      response,
      200,
      html,
      await renderPage('analytics', { ...common, userName: 'Sam Rivera (HR)', token: insightsToken }),
    );
  } else if (url.pathname.startsWith('/assets/') && assetTypes[url.pathname.slice(8)]) {
    const name = url.pathname.slice(8);
    send(response, 200, assetTypes[name] ?? 'text/plain', await readFile(join(assetsDir, name)));
  } else {
    send(response, 404, 'text/plain; charset=utf-8', 'Not found');
  }
}

async function main(): Promise<void> {
  try {
    await api.health();
  } catch {
    console.error(
      `No ExitBot server answers at ${exitbotUrl}. Start one with \`pnpm start\` in the repository.`,
    );
    process.exit(1);
  }
  try {
    // The browser calls ExitBot from this portal's origin: the tenant must allow it.
    if (await api.allowOrigin(portalOrigin)) console.log(`Allowed ${portalOrigin} in the tenant's settings.`);
    if (!apiKey) {
      apiKey = await api.createApiKey('hr-portal example');
      console.log(`Created an API key for this portal (set EXITBOT_API_KEY=${apiKey} to reuse it).`);
    }
  } catch (error) {
    if (error instanceof ExitBotApiError && error.status === 401) {
      console.error(
        'ExitBot refused EXITBOT_ADMIN_TOKEN (expired, or from another server?). Use a fresh one.',
      );
      process.exit(1);
    }
    throw error;
  }
  if (insightsToken === adminToken) {
    console.log(
      'The analytics page gets the admin token; set EXITBOT_INSIGHTS_TOKEN to an analyst token in real use.',
    );
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error(error);
      if (!response.headersSent)
        send(response, 502, 'text/plain; charset=utf-8', 'ExitBot is not available right now.');
      else response.end();
    });
  });
  server.listen(port, host, () => {
    console.log(`Acme People HR portal on ${portalOrigin} (ExitBot at ${exitbotUrl})`);
    console.log(`  Employee offboarding with the exit interview:  ${portalOrigin}/offboarding`);
    console.log(`  The same, isolated in a frame:                ${portalOrigin}/offboarding?isolated`);
    console.log(`  HR analytics dashboard:                       ${portalOrigin}/analytics`);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

await main();
