// /openapi.json documents every API route the app serves, and nothing it does not serve.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { buildOpenApiDocument } from './openapi.ts';

describe('the OpenAPI document', () => {
  let fixture: TestApp;

  beforeAll(async () => {
    fixture = await createTestApp('pglite');
  }, 60_000);

  afterAll(async () => {
    await fixture?.destroy();
  });

  it('should list exactly the /v1 routes the app serves, each with its method', () => {
    const served = new Set(
      fixture.app.routes
        .filter((route) => route.path.startsWith('/v1/') && !['ALL', 'OPTIONS'].includes(route.method))
        .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    const document = buildOpenApiDocument() as { paths: Record<string, Record<string, unknown>> };
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method} ${path}`),
      ),
    );
    expect([...served].filter((route) => !documented.has(route)).sort()).toEqual([]);
    expect([...documented].filter((route) => route.includes(' /v1/') && !served.has(route)).sort()).toEqual(
      [],
    );
  });
});
