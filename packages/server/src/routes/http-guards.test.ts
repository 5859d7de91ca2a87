import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, messageId, postMessage, type TestApp } from '../testing/test-app.ts';

describe('HTTP guards', () => {
  let fixture: TestApp;
  let interview: { id: string; token: string };

  beforeAll(async () => {
    fixture = await createTestApp('pglite');
    interview = await fixture.createInterview(fixture.tenantA);
  }, 60_000);

  afterAll(async () => {
    await fixture?.destroy();
  });

  it('should answer 413 to a 2 MB body before any work, with and without Content-Length', async () => {
    const big = JSON.stringify({
      clientMessageId: messageId(),
      type: 'answer',
      text: 'x'.repeat(2 * 1024 * 1024),
    });
    const withLength = await fixture.app.request('/v1/interview/messages', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(big.length) },
      body: big,
    });
    expect(withLength.status).toBe(413);
    expect(((await withLength.json()) as { error: { code: string } }).error.code).toBe('payload-too-large');
    const chunks = new TextEncoder().encode(big);
    const streamed = await fixture.app.request(
      new Request('http://exitbot.test/v1/interviews', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: new ReadableStream({
          start(controller) {
            for (let offset = 0; offset < chunks.length; offset += 65_536)
              controller.enqueue(chunks.slice(offset, offset + 65_536));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit),
    );
    expect(streamed.status).toBe(413);
  });

  it('should answer 400 naming the field for invalid bodies', async () => {
    const cases: [Record<string, unknown> | string, string][] = [
      [{ clientMessageId: 'short', type: 'start' }, 'clientMessageId'],
      [{ clientMessageId: messageId(), type: 'answer' }, 'text'],
      [{ clientMessageId: messageId(), type: 'answer', text: 'x'.repeat(4001) }, 'text'],
      [{ clientMessageId: messageId(), type: 'shout' }, 'type'],
      [{ clientMessageId: messageId(), type: 'start', extra: 1 }, 'extra'],
      ['{"clientMessageId": ', 'JSON'],
    ];
    for (const [body, field] of cases) {
      const response = await fixture.app.request('/v1/interview/messages', {
        method: 'POST',
        headers: { Authorization: `Bearer ${interview.token}`, 'Content-Type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      expect(response.status).toBe(400);
      const error = ((await response.json()) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe('invalid-request');
      expect(error.message).toContain(field);
    }
  });

  it('should allow CORS only for origins the tenant lists', async () => {
    const preflight = (origin: string) =>
      fixture.app.request('/v1/interview/messages', {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type',
        },
      });
    const allowed = await preflight('https://alpha.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://alpha.example');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('Authorization');
    const unknown = await preflight('https://evil.example');
    expect(unknown.headers.get('access-control-allow-origin')).toBeNull();

    const get = (origin: string) =>
      fixture.app.request('/v1/interview', {
        headers: { Authorization: `Bearer ${interview.token}`, Origin: origin },
      });
    const own = await get('https://alpha.example');
    expect(own.status).toBe(200);
    expect(own.headers.get('access-control-allow-origin')).toBe('https://alpha.example');
    const otherTenantsOrigin = await get('https://beta.example');
    expect(otherTenantsOrigin.status).toBe(403);
    expect(((await otherTenantsOrigin.json()) as { error: { code: string } }).error.code).toBe(
      'origin-not-allowed',
    );
  });

  it('should set secure headers and a request id', async () => {
    const response = await fixture.app.request('/healthz', { headers: { 'X-Request-Id': 'req-12345678' } });
    expect(response.headers.get('x-request-id')).toBe('req-12345678');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const page = await fixture.app.request('/admin');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    // Browsers ask every page for an icon: an empty answer, not a 404 in the logs.
    expect((await fixture.app.request('/favicon.ico')).status).toBe(204);
  });

  it('should answer 429 with Retry-After past the per-interview rate', async () => {
    const strict = await createTestApp('pglite', {
      database: fixture.database,
      env: { EXITBOT_RATE_LIMIT_INTERVIEW_PER_MINUTE: '15' },
    });
    const limited = await fixture.createInterview(fixture.tenantA);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let index = 0; index < 8; index += 1) {
      const response = await strict.app.request('/v1/interview', {
        headers: { Authorization: `Bearer ${limited.token}` },
      });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    expect(statuses.slice(0, 5).every((status) => status === 200)).toBe(true);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    const other = await postMessage(strict.app, interview.token, {
      clientMessageId: messageId(),
      type: 'start',
    });
    expect(other.status).toBe(200);
  }, 30_000);

  it('should serve /openapi.json built from the schemas, /readyz, and a 503 naming the build when the widget is missing', async () => {
    const document = (await (await fixture.app.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/interview/messages',
        '/v1/interviews/{id}/report',
        '/v1/admin/settings',
        '/v1/admin/guide',
      ]),
    );
    expect((await fixture.app.request('/readyz')).status).toBe(200);
    const widget = await createTestApp('pglite', {
      database: fixture.database,
      env: { EXITBOT_WIDGET_DIR: '/nonexistent/widget/dist' },
    });
    const missing = await widget.app.request('/exitbot.js');
    expect(missing.status).toBe(503);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain('build');
  }, 30_000);
});
