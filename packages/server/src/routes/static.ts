import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { ApiError } from '../errors.ts';
import type { AppEnv } from '../http/context.ts';
import type { Services } from '../services.ts';

const pagesDir = fileURLToPath(new URL('../pages/', import.meta.url));
const assetName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;
const pageCsp =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

function contentType(name: string): string {
  const dot = name.lastIndexOf('.');
  return contentTypes[dot === -1 ? '' : name.slice(dot)] ?? 'application/octet-stream';
}

function widgetMissing(): ApiError {
  return new ApiError({
    status: 503,
    code: 'service-unavailable',
    message:
      'The widget bundle is not built: run `pnpm --filter @exitbot/widget build` (or `pnpm start`, which builds it)',
  });
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Widget bundles, the demo HR portal, the HR admin page and the standalone interview page. */
export function staticRoutes(services: Services) {
  const app = new Hono<AppEnv>();
  const { widgetDir } = services.config;
  let manifest: { entries: Record<string, string>; mtimeMs: number } | undefined;
  const pageCache = new Map<string, string>();

  async function readManifest(): Promise<Record<string, string>> {
    const file = join(widgetDir, 'manifest.json');
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(file);
    } catch {
      throw widgetMissing();
    }
    if (!manifest || manifest.mtimeMs !== info.mtimeMs) {
      manifest = {
        entries: JSON.parse(await readFile(file, 'utf8')) as Record<string, string>,
        mtimeMs: info.mtimeMs,
      };
    }
    return manifest.entries;
  }

  async function readAsset(name: string): Promise<Buffer | undefined> {
    for (const candidate of [join(widgetDir, 'assets', name), join(widgetDir, name)]) {
      try {
        return await readFile(candidate);
      } catch {
        // try the next place
      }
    }
    return undefined;
  }

  const scriptHeaders = {
    'Access-Control-Allow-Origin': '*',
    'Cross-Origin-Resource-Policy': 'cross-origin',
  };

  async function serveAlias(c: Context<AppEnv>, alias: string) {
    const entries = await readManifest();
    const target = entries[alias];
    if (!target) throw widgetMissing();
    const body = await readAsset(basename(target));
    if (!body) throw widgetMissing();
    return c.body(new Uint8Array(body), 200, {
      ...scriptHeaders,
      'Content-Type': contentType(alias),
      'Cache-Control': 'public, max-age=300',
    });
  }

  for (const alias of ['exitbot.js', 'exitbot.classic.js', 'insights.js']) {
    app.get(`/${alias}`, (c) => serveAlias(c, alias));
  }

  app.get('/assets/:name', async (c) => {
    const name = c.req.param('name');
    if (!assetName.test(name))
      throw new ApiError({ status: 404, code: 'not-found', message: 'No such asset' });
    const body = await readAsset(name);
    if (!body) {
      await readManifest();
      throw new ApiError({ status: 404, code: 'not-found', message: 'No such asset' });
    }
    return c.body(new Uint8Array(body), 200, {
      ...scriptHeaders,
      'Content-Type': contentType(name),
      'Cache-Control': 'public, max-age=31536000, immutable',
    });
  });

  async function page(name: string): Promise<string> {
    let text = pageCache.get(name);
    if (text === undefined) {
      text = await readFile(join(pagesDir, name), 'utf8');
      pageCache.set(name, text);
    }
    return text;
  }

  function html(c: Context<AppEnv>, body: string) {
    return c.html(body, 200, {
      'Content-Security-Policy': pageCsp,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    });
  }

  app.get('/pages/:file', async (c) => {
    const file = c.req.param('file');
    if (!/^[a-z0-9-]+\.(css|js)$/.test(file))
      throw new ApiError({ status: 404, code: 'not-found', message: 'No such file' });
    let text: string;
    try {
      text = await page(file);
    } catch {
      throw new ApiError({ status: 404, code: 'not-found', message: 'No such file' });
    }
    return c.body(text, 200, { 'Content-Type': contentType(file), 'Cache-Control': 'public, max-age=300' });
  });

  app.get('/demo', async (c) => {
    const tenantId = services.demoTenantId;
    if (!services.config.demo || !tenantId)
      throw new ApiError({ status: 404, code: 'not-found', message: 'The demo is off' });
    await services.demoReady;
    const decision = services.limits.tenant.take(tenantId);
    if (!decision.allowed) {
      throw new ApiError({
        status: 429,
        code: 'rate-limited',
        message: 'Too many demo interviews; retry later',
        headers: { 'Retry-After': String(decision.retryAfterSeconds) },
      });
    }
    const tenant = await services.tenants.get(tenantId);
    const [created] = await services.interviews.create(
      tenant,
      [
        {
          mode: 'confidential',
          locale:
            (['en', 'de', 'fr', 'es'] as const).find((locale) => locale === c.req.query('locale')) ?? 'en',
          expiresInDays: 1,
          attributes: {
            department: 'Engineering',
            location: 'Berlin',
            level: 'Senior',
            tenureMonths: 38,
            terminationType: 'voluntary',
          },
        },
      ],
      { type: 'system', id: 'demo-page', requestId: c.get('requestId') },
    );
    const template = await page('demo-portal.html');
    return html(
      c,
      template
        .replaceAll('%%INTERVIEW_TOKEN%%', escapeHtml(created?.token ?? ''))
        .replaceAll('%%INTERVIEW_ID%%', escapeHtml(created?.interview.id ?? ''))
        .replaceAll('%%BASE_URL%%', escapeHtml(services.config.publicUrl)),
    );
  });

  app.get('/admin', async (c) => html(c, await page('admin.html')));
  app.get('/interview', async (c) => html(c, await page('interview.html')));
  // Browsers ask for it on every page; no icon, and no 404 in the logs for it.
  app.get('/favicon.ico', (c) => c.body(null, 204, { 'Cache-Control': 'public, max-age=604800' }));

  return app;
}
