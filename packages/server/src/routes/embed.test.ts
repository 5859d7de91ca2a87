import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

describe('GET /embed/frame', () => {
  let fixture: TestApp;
  beforeAll(async () => {
    fixture = await createTestApp('pglite');
  }, 60_000);
  afterAll(async () => {
    await fixture.destroy();
  }, 60_000);

  it('should let only the tenant allowed origins frame the page and name them for the postMessage check', async () => {
    const response = await fixture.app.request(
      `/embed/frame?tenant=${fixture.tenantA.id}&lang=de&theme=dark`,
    );
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain('frame-ancestors https://alpha.example;');
    expect(csp).toContain("require-trusted-types-for 'script'");
    expect(csp).not.toContain('unsafe');
    const html = await response.text();
    expect(html).toContain('<meta name="exitbot-allowed-origins" content="https://alpha.example">');
    expect(html).toContain('<script type="module" src="/exitbot.js"></script>');
    expect(html).toContain('<exit-interview theme="dark" lang="de"></exit-interview>');
    // The one inline style is allowed by its hash, so it must hash to what the CSP names.
    const style = /<style>(.*)<\/style>/.exec(html)?.[1] ?? '';
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
  });

  it('should allow no framing at all for a tenant without allowed origins', async () => {
    const tenant = await fixture.services.tenants.create({ name: 'Closed' });
    const response = await fixture.app.request(`/embed/frame?tenant=${tenant.id}`);
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await response.text()).toContain('<meta name="exitbot-allowed-origins" content="">');
  });

  it('should answer 404 for an unknown or malformed tenant', async () => {
    for (const tenant of ['00000000-0000-4000-8000-000000000000', 'nope', '']) {
      const response = await fixture.app.request(`/embed/frame?tenant=${tenant}`);
      expect(response.status).toBe(404);
    }
  });

  it('should not reflect anything but the known locales and themes', async () => {
    const response = await fixture.app.request(
      `/embed/frame?tenant=${fixture.tenantA.id}&lang=${encodeURIComponent('"><script>alert(1)</script>')}&theme=x`,
    );
    const html = await response.text();
    expect(html).not.toContain('alert(1)');
    expect(html).toContain('<exit-interview theme="light"></exit-interview>');
  });
});
