// The Procfile's commands, run as a buildpack platform runs them (`sh -c` from the app's root, PORT and
// DATABASE_URL from the platform), against an empty Postgres database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminQuery,
  baseEnvironment,
  createEmptyDatabase,
  type EmptyDatabase,
  freePort,
  readRepoFile,
  repoRoot,
  runToEnd,
  startProcess,
  testKeys,
  waitForHttp,
} from './support.ts';

const processes = Object.fromEntries(
  readRepoFile('Procfile')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
    }),
) as Record<string, string>;

let database: EmptyDatabase;
const keys = testKeys();

beforeAll(async () => {
  database = await createEmptyDatabase('exitbot_deploy_procfile');
});

afterAll(async () => {
  await database?.drop();
});

describe('Procfile', () => {
  it('should declare a web process and a release phase', () => {
    expect(Object.keys(processes).sort()).toEqual(['release', 'web']);
  });

  it('should refuse to start without a database and keys, since a dyno loses its disk at every restart', async () => {
    for (const command of [processes.release, processes.web]) {
      const result = await runToEnd('sh', ['-c', command ?? ''], {
        cwd: repoRoot,
        env: baseEnvironment({ PORT: String(await freePort()), EXITBOT_SECRET: keys.EXITBOT_SECRET }),
      });
      expect(result.code).toBe(1);
      expect(result.output).toContain('DATABASE_URL EXITBOT_MASTER_KEY');
    }
  });

  it('should migrate an empty Postgres database in the release phase, then find nothing to do', async () => {
    const env = baseEnvironment({ DATABASE_URL: database.url, ...keys });
    const first = await runToEnd('sh', ['-c', processes.release ?? ''], { cwd: repoRoot, env });
    expect(first.code, first.output).toBe(0);
    expect(first.output).toMatch(/^Applied: 2026_\d\d_\d\d_\d{4}_create_core_tables/);
    const tables = await adminQuery<{ count: number }>(
      `select count(*)::int as count from pg_tables where schemaname = 'public' and tablename in ('tenants', 'interviews', 'messages')`,
      { database: database.name },
    );
    expect(tables[0]?.count).toBe(3);
    const second = await runToEnd('sh', ['-c', processes.release ?? ''], { cwd: repoRoot, env });
    expect(second).toEqual({ code: 0, output: 'Nothing to migrate.\n' });
  });

  it('should serve on $PORT on every interface and stop cleanly on SIGTERM', async () => {
    const port = await freePort();
    const web = startProcess('sh', ['-c', processes.web ?? ''], {
      cwd: repoRoot,
      env: baseEnvironment({
        DATABASE_URL: database.url,
        PORT: String(port),
        EXITBOT_DEMO: 'false',
        ...keys,
      }),
    });
    try {
      // 127.0.0.2 is loopback too, but only a server bound to 0.0.0.0 answers on it (the platform's
      // router reaches the dyno on its own address, never on 127.0.0.1).
      await waitForHttp(`http://127.0.0.2:${port}/healthz`, web);
      const ready = await fetch(`http://127.0.0.2:${port}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready', database: 'postgres' });
    } finally {
      // `exec` in the script makes the server the process the platform signals.
      expect(await web.stop()).toBe(0);
    }
    expect(web.output()).toContain('"msg":"stopped"');
  });
});
