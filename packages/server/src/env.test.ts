import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.ts';

describe('loadConfig', () => {
  it('should give working defaults for an empty environment', () => {
    const config = loadConfig({}, { cwd: '/srv/app' });
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: '/srv/app/.exitbot-data',
      openai: undefined,
      demo: true,
      workers: 1,
    });
    expect(config.publicUrl).toBe('http://localhost:3000');
  });

  it('should stop with a message naming the bad variable', () => {
    const cases: [Record<string, string>, string][] = [
      [{ PORT: 'eighty' }, 'PORT'],
      [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
      [{ OPENAI_BASE_URL: 'not a url' }, 'OPENAI_BASE_URL'],
      [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
      [{ EXITBOT_SECRET: 'short' }, 'EXITBOT_SECRET'],
      [{ EXITBOT_DEMO: 'maybe' }, 'EXITBOT_DEMO'],
      [{ EXITBOT_RATE_LIMIT_TENANT_PER_SECOND: '0' }, 'EXITBOT_RATE_LIMIT_TENANT_PER_SECOND'],
      [{ EXITBOT_MODEL_TRANSPORT: 'curl' }, 'EXITBOT_MODEL_TRANSPORT'],
    ];
    for (const [environment, variable] of cases) {
      expect(() => loadConfig(environment)).toThrow(ConfigError);
      expect(() => loadConfig(environment)).toThrow(new RegExp(variable));
    }
  });

  it('should run several workers only on Postgres, and take auto as one per CPU', () => {
    const databaseUrl = 'postgres://app@db/exitbot';
    expect(loadConfig({ DATABASE_URL: databaseUrl, EXITBOT_WORKERS: '4' }).workers).toBe(4);
    expect(loadConfig({ DATABASE_URL: databaseUrl, EXITBOT_WORKERS: 'auto' }).workers).toBe(
      availableParallelism(),
    );
    expect(loadConfig({ EXITBOT_WORKERS: '1' }).workers).toBe(1);
    expect(() => loadConfig({ EXITBOT_WORKERS: '2' })).toThrow(
      'Invalid configuration: EXITBOT_WORKERS: more than one worker needs DATABASE_URL',
    );
    expect(() => loadConfig({ EXITBOT_WORKERS: 'auto' })).toThrow(/EXITBOT_WORKERS: more than one/);
    for (const bad of ['0', 'two', '1.5', '257']) {
      expect(() => loadConfig({ DATABASE_URL: databaseUrl, EXITBOT_WORKERS: bad })).toThrow(
        'Invalid configuration: EXITBOT_WORKERS: must be a whole number from 1 to 256, or auto',
      );
    }
  });

  it('should use the LLM only when a key is set', () => {
    const config = loadConfig({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1/',
      EXITBOT_MODEL: 'llama3.1',
    });
    expect(config.openai).toMatchObject({
      apiKey: 'sk-test',
      baseURL: 'http://127.0.0.1:11434/v1',
      model: 'llama3.1',
      transport: 'undici',
    });
    const transport = (environment: Record<string, string>) =>
      loadConfig({ OPENAI_API_KEY: 'sk-test', ...environment }).openai?.transport;
    expect(transport({ EXITBOT_MODEL_TRANSPORT: 'fetch' })).toBe('fetch');
    // Node's fetch follows HTTP(S)_PROXY with NODE_USE_ENV_PROXY=1: then it stays the default.
    expect(transport({ NODE_USE_ENV_PROXY: '1' })).toBe('fetch');
    expect(transport({ NODE_USE_ENV_PROXY: '1', EXITBOT_MODEL_TRANSPORT: 'undici' })).toBe('undici');
    expect(transport({ NODE_USE_ENV_PROXY: '0' })).toBe('undici');
  });
});
