// docs/scaling.md says the server works behind PgBouncer in transaction mode: every query runs in an
// explicit transaction that sets the role and the tenant with set_config(..., true), and no session
// state is kept between transactions. The static part checks the server's SQL for anything that would
// outlive a transaction; the live part (where a pgbouncer binary is installed) serves two tenants at
// once through PgBouncer with two server connections and checks that neither sees the other's data.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminUrl,
  baseEnvironment,
  createEmptyDatabase,
  type EmptyDatabase,
  freePort,
  type RunningProcess,
  repoRoot,
  runToEnd,
  startProcess,
  testKeys,
  waitForHttp,
} from './support.ts';

/** Server sources that reach the database at run time (migrations run directly against Postgres). */
async function serverSources(): Promise<{ path: string; text: string }[]> {
  const root = join(repoRoot, 'packages/server/src');
  const files = (await readdir(root, { recursive: true }))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .filter((name) => !name.startsWith('migrations') && !name.startsWith('testing'));
  return Promise.all(
    files.map(async (name) => ({
      path: relative(repoRoot, join(root, name)),
      text: await readFile(join(root, name), 'utf8'),
    })),
  );
}

describe('the server under PgBouncer in transaction mode', () => {
  it('should keep no session state: no session SET, LISTEN/NOTIFY, session advisory lock, named statement or temp table', async () => {
    const sessionState = [
      /\bset_config\s*\([^)]*,\s*false\s*\)/i,
      /['"`]\s*set\s+(?!local\b)(session\s+)?[a-z_.]+\s*(=|to)\s/i,
      /\b(listen|unlisten)\s+[a-z_"]/i,
      /\bpg_notify\s*\(|\bnotify\s+[a-z_"]/i,
      /\bpg_(try_)?advisory_lock(_shared)?\s*\(/i,
      /\bcreate\s+(temp|temporary)\s+table\b/i,
      /\bdeclare\s+\w+\s+cursor\s+with\s+hold\b/i,
      /\bprepare\s+\w+\s+as\b/i,
    ];
    const offences: string[] = [];
    for (const { path, text } of await serverSources()) {
      for (const pattern of sessionState) {
        const match = pattern.exec(text);
        if (match) offences.push(`${path}: ${match[0]}`);
      }
      // node-postgres prepares a named (session-level) statement only when a query gets a `name`.
      if (/\bname\s*:\s*['"`][^'"`]+['"`]\s*,\s*text\s*:/.test(text))
        offences.push(`${path}: named statement`);
    }
    expect(offences).toEqual([]);
    // The one place that sets the tenant does it per transaction, in the transaction's first round trip.
    const scope = await readFile(join(repoRoot, 'packages/server/src/db/scope.ts'), 'utf8');
    expect(scope).toMatch(
      /begin; select set_config\('role', '\$\{role\}', true\), set_config\('app\.tenant_id', '\$\{tenantId\}', true\)/,
    );
  });

  // Debian installs it in /usr/sbin, which is not on every user's PATH.
  const pgbouncer = ['pgbouncer', '/usr/sbin/pgbouncer', '/usr/local/sbin/pgbouncer'].find(
    (binary) => spawnSync(binary, ['--version']).status === 0,
  );

  describe.skipIf(!pgbouncer)('live, with a pgbouncer binary', () => {
    let database: EmptyDatabase;
    let folder = '';
    let bouncer: RunningProcess;
    let server: RunningProcess;
    let serverUrl = '';
    // The servers and the CLI must share the keys (the CLI seals the tenant's signing key with them).
    const keys = testKeys();

    beforeAll(async () => {
      database = await createEmptyDatabase('exitbot_deploy_pgbouncer');
      folder = await mkdtemp(join(tmpdir(), 'exitbot-pgbouncer-'));
      const bouncerPort = await freePort();
      const upstream = new URL(adminUrl());
      await writeFile(
        join(folder, 'pgbouncer.ini'),
        [
          '[databases]',
          `${database.name} = host=${upstream.hostname} port=${upstream.port || 5432} user=${decodeURIComponent(upstream.username) || 'postgres'}${upstream.password ? ` password=${decodeURIComponent(upstream.password)}` : ''}`,
          '[pgbouncer]',
          'listen_addr = 127.0.0.1',
          `listen_port = ${bouncerPort}`,
          'auth_type = any',
          'pool_mode = transaction',
          // Two server connections for a server pool of ten: every request shares them with the other tenant's.
          'default_pool_size = 2',
          'max_client_conn = 200',
          'unix_socket_dir =',
        ].join('\n'),
      );
      // Migrations take a session-level lock: they run directly against Postgres (docs/scaling.md).
      const migrate = await runToEnd(process.execPath, ['packages/server/src/cli.ts', 'migrate'], {
        cwd: repoRoot,
        env: baseEnvironment({ DATABASE_URL: database.url }),
      });
      expect(migrate.code, migrate.output).toBe(0);
      const asRoot = process.getuid?.() === 0;
      bouncer = startProcess(
        pgbouncer as string,
        [...(asRoot ? ['-u', 'nobody'] : []), join(folder, 'pgbouncer.ini')],
        {
          cwd: folder,
          env: baseEnvironment({}),
        },
      );
      const port = await freePort();
      serverUrl = `http://127.0.0.1:${port}`;
      server = startProcess(process.execPath, ['packages/server/src/cli.ts', 'serve'], {
        cwd: repoRoot,
        env: baseEnvironment({
          DATABASE_URL: `postgres://exitbot@127.0.0.1:${bouncerPort}/${database.name}`,
          PORT: String(port),
          EXITBOT_DATA_DIR: join(folder, 'data'),
          EXITBOT_DEMO: 'false',
          EXITBOT_RATE_LIMIT_TENANT_PER_SECOND: '10000',
          LOG_LEVEL: 'warn',
          ...keys,
        }),
      });
      await waitForHttp(`${serverUrl}/readyz`, server);
    }, 120_000);

    afterAll(async () => {
      await server?.stop();
      await bouncer?.stop();
      await database?.drop();
      if (folder) await rm(folder, { recursive: true, force: true });
    });

    it('should keep two tenants apart over 200 interleaved requests on two shared server connections', async () => {
      // Two tenants, through the CLI on the direct URL (Postgres allows processes side by side).
      const tenants: { apiKey: string }[] = [];
      for (const name of ['Tenant A', 'Tenant B']) {
        const created = await runToEnd(
          process.execPath,
          ['packages/server/src/cli.ts', 'tenant', 'create', '--name', name],
          {
            cwd: repoRoot,
            env: baseEnvironment({
              DATABASE_URL: database.url,
              EXITBOT_DATA_DIR: join(folder, 'data'),
              LOG_LEVEL: 'silent',
              ...keys,
            }),
          },
        );
        expect(created.code, created.output).toBe(0);
        tenants.push({ apiKey: /API key:\s+(exb_\S+)/.exec(created.output)?.[1] ?? '' });
      }
      const call = (apiKey: string, path: string, init: RequestInit = {}) =>
        fetch(`${serverUrl}${path}`, {
          ...init,
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        });
      const requests = Array.from({ length: 200 }, async (_, index) => {
        const tenant = tenants[index % 2] as { apiKey: string };
        if (index % 4 < 2) {
          const response = await call(tenant.apiKey, '/v1/interviews', {
            method: 'POST',
            body: JSON.stringify({ attributes: { department: index % 2 === 0 ? 'A-dept' : 'B-dept' } }),
          });
          return response.status;
        }
        const response = await call(tenant.apiKey, '/v1/interviews?limit=200');
        const { interviews } = (await response.json()) as {
          interviews: { attributes?: { department?: string } }[];
        };
        const foreign = index % 2 === 0 ? 'B-dept' : 'A-dept';
        return interviews.some((interview) => JSON.stringify(interview).includes(foreign))
          ? 'leak'
          : response.status;
      });
      const statuses = await Promise.all(requests);
      expect(statuses.filter((status) => status !== 201 && status !== 200)).toEqual([]);
      for (const [index, tenant] of tenants.entries()) {
        const response = await call(tenant.apiKey, '/v1/interviews?limit=200');
        const { interviews } = (await response.json()) as { interviews: unknown[] };
        expect(interviews, `tenant ${index}`).toHaveLength(50);
      }
    });
  });
});
