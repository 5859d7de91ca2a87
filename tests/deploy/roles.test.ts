// deploy/postgres/init-roles.sh (what docker-compose.yml mounts into Postgres) on an empty database of
// the test cluster: the migrator login applies the migrations, the runtime login serves, and the runtime
// login is what the brief asks for: no superuser, no table owner, row-level security in force.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminQuery,
  adminUrl,
  baseEnvironment,
  createEmptyDatabase,
  databaseUrl,
  type EmptyDatabase,
  freePort,
  repoRoot,
  runToEnd,
  startProcess,
  testKeys,
  waitForHttp,
  waitForOutput,
} from './support.ts';

const suffix = crypto.randomUUID().slice(0, 8);
const migrator = `exitbot_deploy_mig_${suffix}`;
const runtime = `exitbot_deploy_run_${suffix}`;
let database: EmptyDatabase;
let dataDir = '';

function initRoles(): { status: number | null; output: string } {
  const admin = new URL(adminUrl());
  const result = spawnSync('sh', [join(repoRoot, 'deploy/postgres/init-roles.sh')], {
    env: baseEnvironment({
      PGHOST: admin.hostname,
      PGPORT: admin.port || '5432',
      ...(admin.password ? { PGPASSWORD: decodeURIComponent(admin.password) } : {}),
      POSTGRES_USER: decodeURIComponent(admin.username) || 'postgres',
      POSTGRES_DB: database.name,
      EXITBOT_MIGRATOR_USER: migrator,
      EXITBOT_DB_USER: runtime,
      EXITBOT_MIGRATOR_PASSWORD: 'migrator-password',
      EXITBOT_DB_PASSWORD: 'runtime-password',
    }),
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}${result.error ?? ''}` };
}

const urlFor = (user: string, password: string) =>
  databaseUrl(adminUrl(), { database: database.name, user, password });

/** Runs one statement as a login, outside any ExitBot transaction. */
async function asLogin(user: string, password: string, text: string) {
  return adminQuery<{ count: number }>(text, { url: urlFor(user, password) });
}

beforeAll(async () => {
  expect(spawnSync('psql', ['--version']).status, 'psql (the Postgres client) must be installed').toBe(0);
  database = await createEmptyDatabase('exitbot_deploy_roles');
  dataDir = await mkdtemp(join(tmpdir(), 'exitbot-roles-'));
});

afterAll(async () => {
  await database?.drop();
  await adminQuery(`drop role if exists "${migrator}"`).catch(() => undefined);
  await adminQuery(`drop role if exists "${runtime}"`).catch(() => undefined);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('deploy/postgres/init-roles.sh', () => {
  it('should create the two logins without superuser, role or database creation rights, and run twice', async () => {
    for (let run = 0; run < 2; run += 1) {
      const result = initRoles();
      expect(result.status, result.output).toBe(0);
    }
    const logins = await adminQuery<{
      rolname: string;
      rolsuper: boolean;
      rolcreaterole: boolean;
      rolcreatedb: boolean;
      rolbypassrls: boolean;
    }>(
      `select rolname, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls from pg_roles
       where rolname in ('${migrator}', '${runtime}') order by rolname`,
    );
    expect(logins).toHaveLength(2);
    for (const login of logins) {
      expect(login).toMatchObject({
        rolsuper: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolbypassrls: false,
      });
    }
    const owner = await adminQuery<{ member: boolean }>(
      `select pg_has_role('${runtime}', 'exitbot_owner', 'member') as member`,
    );
    expect(owner[0]?.member).toBe(false);
  });

  it("should let the migrator apply every migration, as compose's migrate service does", async () => {
    const env = baseEnvironment({ DATABASE_URL: urlFor(migrator, 'migrator-password') });
    const first = await runToEnd(process.execPath, ['packages/server/src/cli.ts', 'migrate'], {
      cwd: repoRoot,
      env,
    });
    expect(first.code, first.output).toBe(0);
    expect(first.output).toMatch(/^Applied: 2026_/);
    const second = await runToEnd(process.execPath, ['packages/server/src/cli.ts', 'migrate'], {
      cwd: repoRoot,
      env,
    });
    expect(second).toEqual({ code: 0, output: 'Nothing to migrate.\n' });
  });

  it('should serve as the runtime login, which owns nothing and sees no tenant row outside a request', async () => {
    const port = await freePort();
    const server = startProcess(process.execPath, ['packages/server/src/cli.ts', 'serve'], {
      cwd: repoRoot,
      env: baseEnvironment({
        DATABASE_URL: urlFor(runtime, 'runtime-password'),
        PORT: String(port),
        EXITBOT_DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        ...testKeys(),
      }),
    });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/readyz`, server);
      // It handles SIGTERM once the demo is seeded and the URLs are printed.
      await waitForOutput(server, /ExitBot is running on/);
      // The demo page creates a demo interview through the app role (row-level security in force).
      const demo = await fetch(`http://127.0.0.1:${port}/demo`);
      expect(demo.status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(server.output()).not.toMatch(/"level":"error"/);

    const stored = await adminQuery<{ count: number }>('select count(*)::int as count from interviews', {
      database: database.name,
    });
    expect(stored[0]?.count).toBeGreaterThan(0);
    // Outside a request's transaction (no tenant set) the runtime login sees none of them...
    const seen = await asLogin(runtime, 'runtime-password', 'select count(*)::int as count from interviews');
    expect(seen[0]?.count).toBe(0);
    // ...cannot switch row-level security off, and cannot create tables.
    await expect(
      asLogin(runtime, 'runtime-password', 'alter table interviews disable row level security'),
    ).rejects.toThrow(/must be owner/);
    await expect(asLogin(runtime, 'runtime-password', 'create table intruder (id int)')).rejects.toThrow(
      /permission denied/,
    );
  });
});
