import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../env.ts';
import { createLogger } from '../logger.ts';
import { openRuntime } from '../runtime.ts';
import { generateMasterKey } from './keyring.ts';

const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));

describe('exitbot keys rotate-master', () => {
  let dataDir: string;
  const oldKey = generateMasterKey();
  const newKey = generateMasterKey();
  const environment = (keys: Record<string, string>) => ({
    EXITBOT_DATA_DIR: dataDir,
    EXITBOT_DEMO: 'false',
    EXITBOT_WEBHOOK_ALLOW_PRIVATE: 'true',
    EXITBOT_SECRET: 'rotation-test-secret-rotation-test-secret',
    LOG_LEVEL: 'silent',
    ...keys,
  });
  const open = (keys: Record<string, string>) => {
    const config = loadConfig(environment(keys));
    return openRuntime({ config, logger: createLogger({ level: 'silent' }) });
  };
  let tenantId = '';
  let endpointId = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'exitbot-rotate-'));
    const { services, database } = await open({ EXITBOT_MASTER_KEY: oldKey });
    const tenant = await services.tenants.create({ name: 'Rotating' });
    tenantId = tenant.id;
    const created = await services.webhooks.createEndpoint(tenant.id, {
      url: 'http://127.0.0.1:9/hooks',
      eventTypes: ['interview.completed'],
    });
    endpointId = created.endpoint.id;
    await database.close();
  }, 60_000);

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('should re-wrap every data key so that the new master key alone opens the data, and the old one no longer does', () => {
    const run = (args: string[], keys: Record<string, string>) =>
      spawnSync(process.execPath, [cli, ...args], {
        env: { ...process.env, ...environment(keys), DATABASE_URL: '' },
        encoding: 'utf8',
      });
    const before = run(['keys', 'status'], { EXITBOT_MASTER_KEY: oldKey });
    expect(before.status).toBe(0);
    expect(before.stdout).toMatch(/1 data key\(s\) \(current\)/);

    const rotated = run(['keys', 'rotate-master'], {
      EXITBOT_MASTER_KEY: newKey,
      EXITBOT_MASTER_KEY_PREVIOUS: oldKey,
    });
    expect(rotated.stderr).toBe('');
    expect(rotated.stdout).toMatch(/^Re-wrapped 1 data key\(s\) of 1 tenant\(s\)/);
    const again = run(['keys', 'rotate-master'], {
      EXITBOT_MASTER_KEY: newKey,
      EXITBOT_MASTER_KEY_PREVIOUS: oldKey,
    });
    expect(again.stdout).toMatch(/^Re-wrapped 0 data key\(s\) of 1 tenant\(s\) .*; 1 already current/);
  }, 60_000);

  it('should open the sealed webhook secret with the new key alone and refuse the old key', async () => {
    const current = await open({ EXITBOT_MASTER_KEY: newKey });
    try {
      const rotated = await current.services.webhooks.rotateSecret(tenantId, endpointId);
      expect(rotated.secret).toMatch(/^whsec_/);
    } finally {
      await current.database.close();
    }
    const stale = await open({ EXITBOT_MASTER_KEY: oldKey });
    try {
      await expect(stale.services.encryption.forTenant(tenantId)).rejects.toThrow(/not configured/);
    } finally {
      await stale.database.close();
    }
  }, 60_000);
});
