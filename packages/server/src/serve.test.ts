import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './env.ts';
import { createLogger } from './logger.ts';
import { startServer } from './serve.ts';

describe('startServer on an embedded PGlite data folder', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'exitbot-serve-test-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('should seed the demo on first start, serve it, stop cleanly, and keep the data across a restart', async () => {
    const config = loadConfig({
      PORT: '0',
      LOG_LEVEL: 'silent',
      EXITBOT_DATA_DIR: dataDir,
      EXITBOT_WIDGET_DIR: '/nonexistent',
    });
    const logger = createLogger({ level: 'silent' });
    const first = await startServer({ config, logger, announce: false });
    const base = `http://127.0.0.1:${first.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready', database: 'pglite' });
    const demo = await fetch(`${base}/demo`);
    expect(demo.status).toBe(200);
    expect(demo.headers.get('content-security-policy')).toContain("script-src 'self'");
    const page = await demo.text();
    const token = /<exit-interview token="([^"]+)"/.exec(page)?.[1];
    expect(token?.split('.')).toHaveLength(3);
    const interview = await fetch(`${base}/v1/interview`, { headers: { Authorization: `Bearer ${token}` } });
    expect(interview.status).toBe(200);
    await first.close();
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();

    const second = await startServer({ config, logger, announce: false });
    const again = await fetch(`http://127.0.0.1:${second.port}/v1/interview`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(again.status).toBe(200);
    await second.close();
  }, 120_000);
});
