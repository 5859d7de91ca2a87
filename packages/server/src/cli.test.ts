import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { loadConfig } from './env.ts';
import type { Actor } from './interviews/interview.service.ts';
import { createLogger } from './logger.ts';
import { openRuntime } from './runtime.ts';

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));

describe('exitbot token --interview', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'exitbot-cli-token-'));
  const environment = {
    EXITBOT_DATA_DIR: dataDir,
    EXITBOT_DEMO: 'false',
    EXITBOT_WIDGET_DIR: '/nonexistent',
    LOG_LEVEL: 'silent',
    DATABASE_URL: '',
  };
  const actor: Actor = { type: 'cli', id: 'test' };
  const open = () =>
    openRuntime({ config: loadConfig(environment), logger: createLogger({ level: 'silent' }) });
  const signWithCli = (tenantId: string, interviewId: string) =>
    spawnSync(process.execPath, [cli, 'token', '--tenant', tenantId, '--interview', interviewId], {
      env: { ...process.env, ...environment },
      encoding: 'utf8',
    });
  let tenantId = '';
  let interviewId = '';

  beforeAll(async () => {
    const { services, database } = await open();
    try {
      const tenant = await services.tenants.create({ name: 'Tokens', settings: { allowedOrigins: [] } });
      await services.tokens.ensureServerKey(tenant.id);
      const [created] = await services.interviews.create(tenant, [{ expiresInDays: 7 }], actor);
      tenantId = tenant.id;
      interviewId = created?.interview.id as string;
      // The first link is now superseded: the interview is at token version 2.
      await services.invitations.reissue(tenant, interviewId, {}, actor, { startedInterviews: true });
    } finally {
      await database.close();
    }
  }, 60_000);

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('should sign with the current token version so that the token works after a re-issue', async () => {
    const signed = signWithCli(tenantId, interviewId);
    expect(signed.stderr).toBe('');
    expect(signed.status).toBe(0);
    const token = signed.stdout.trim();
    const { services, database } = await open();
    try {
      const credential = await services.tokens.verifyInterviewToken(token);
      expect(credential.tokenVersion).toBe(2);
      const response = await createApp(services).request('/v1/interview', {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(200);
    } finally {
      await database.close();
    }
  }, 60_000);

  it('should refuse to sign for a revoked interview and say how to re-issue it', async () => {
    const { services, database } = await open();
    try {
      const tenant = await services.tenants.find(tenantId);
      if (!tenant) throw new Error('tenant missing');
      await services.invitations.revoke(tenant, interviewId, actor);
    } finally {
      await database.close();
    }
    const signed = signWithCli(tenantId, interviewId);
    expect(signed.status).toBe(1);
    expect(signed.stdout).toBe('');
    expect(signed.stderr).toContain(`interview ${interviewId} was revoked`);
    expect(signed.stderr).toContain(`/v1/hris/interviews/${interviewId}/reissue`);
  }, 60_000);
});
