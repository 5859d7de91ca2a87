import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { isUuid } from '../db/scope.ts';
import { notFound } from '../errors.ts';
import type { AppEnv } from '../http/context.ts';
import type { Services } from '../services.ts';

// The frame page's only inline code is this style; the CSP allows it by hash, nothing else inline.
const frameStyle =
  'html,body{margin:0;height:100%;background:transparent}' +
  'exit-interview{--exit-height:100vh;--exit-max-height:100vh;--exit-shadow:none}';
const frameStyleHash = `'sha256-${createHash('sha256').update(frameStyle).digest('base64')}'`;

const locales = new Set(['en', 'de', 'fr', 'es']);
const themes = new Set(['light', 'dark', 'auto']);

/**
 * The isolated mode's frame: `GET /embed/frame?tenant=<id>&lang=&theme=` serves a page that runs
 * `<exit-interview>` on the ExitBot origin, out of the host page's reach. It may only be framed by
 * the tenant's allowed origins (`frame-ancestors`), and it takes the interview token by postMessage
 * only from its parent, only from those same origins (listed in a meta tag the bundle reads).
 */
export function embedRoutes(services: Services) {
  const app = new Hono<AppEnv>();

  app.get('/frame', async (c) => {
    const tenantId = c.req.query('tenant');
    // The tenant here only selects whose origins may frame the page; the token, checked on every API
    // call, still decides which interview (and tenant) the frame can reach.
    const tenant = isUuid(tenantId) ? await services.tenants.find(tenantId) : undefined;
    if (!tenant) throw notFound('Tenant');
    const origins = tenant.settings.allowedOrigins;
    const lang = locales.has(c.req.query('lang') ?? '') ? c.req.query('lang') : undefined;
    const theme = themes.has(c.req.query('theme') ?? '') ? c.req.query('theme') : 'light';
    const csp = [
      "default-src 'none'",
      "script-src 'self'",
      `style-src 'self' ${frameStyleHash}`,
      "connect-src 'self'",
      "img-src 'self' data:",
      `frame-ancestors ${origins.length > 0 ? origins.join(' ') : "'none'"}`,
      "base-uri 'none'",
      "form-action 'none'",
      "require-trusted-types-for 'script'",
    ].join('; ');
    // Origins, lang and theme are validated above (origins by the settings schema), so they are safe in HTML.
    const page = `<!doctype html>
<html lang="${lang ?? 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="exitbot-allowed-origins" content="${origins.join(' ')}">
<title>Exit interview</title>
<style>${frameStyle}</style>
<script type="module" src="/exitbot.js"></script>
</head>
<body><exit-interview theme="${theme}"${lang ? ` lang="${lang}"` : ''}></exit-interview></body>
</html>
`;
    return c.html(page, 200, {
      'Content-Security-Policy': csp,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    });
  });

  return app;
}
