// The Docker image cannot be built here (no Docker daemon in CI), so this replays the Dockerfile: it
// lints it, installs the prod-deps stage's dependencies with the same pnpm command, lays the runtime
// stage out exactly as its COPY lines say, runs its RUN line, then starts its CMD with its ENV (as an
// unprivileged user when the tests run as root) against an empty Postgres database and on PGlite, and
// runs its HEALTHCHECK.
import { chmod, cp, mkdir, mkdtemp, readdir, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWidgetBuilt } from '../helpers/server.ts';
import {
  adminQuery,
  baseEnvironment,
  createEmptyDatabase,
  type DockerInstruction,
  type DockerStage,
  type EmptyDatabase,
  freePort,
  parseDockerfile,
  parseEnvInstruction,
  pnpmCommand,
  readRepoFile,
  repoRoot,
  runToEnd,
  startProcess,
  testKeys,
  waitForHttp,
  waitForOutput,
} from './support.ts';

const dockerfile = readRepoFile('Dockerfile');
const { stages } = parseDockerfile(dockerfile);
const stage = (name: string): DockerStage => {
  const found = stages.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`Dockerfile has no stage "${name}"`);
  return found;
};
const runtime = stages.at(-1) as DockerStage;
const all = (from: DockerStage, keyword: string): DockerInstruction[] =>
  from.instructions.filter((instruction) => instruction.keyword === keyword);
const imageNode = () => join(root, 'usr/local/bin/node');
const imagePath = () => `${root}/usr/local/bin:/usr/bin:/bin`;
const jsonArray = (instruction: DockerInstruction | undefined): string[] =>
  JSON.parse(instruction?.args.replace(/^CMD\s+/, '') ?? '[]') as string[];

// Where the replayed image's filesystem lives: <root>/app is WORKDIR, <root>/data the volume.
let root = '';
// The tests run as root on CI containers: the server then runs as nobody, as the image runs it as `node`.
const asUser = process.getuid?.() === 0 ? { uid: 65_534, gid: 65_534 } : {};

/** Maps the image's absolute paths into the replayed root. */
function inRoot(text: string): string {
  return text.replace(
    /(?<![\w.$-])\/(app|data|usr\/local\/bin)(?=[/\s"'\\]|$)/g,
    (_, path: string) => `${root}/${path}`,
  );
}

function imageEnvironment(): Record<string, string> {
  return Object.fromEntries(
    all(runtime, 'ENV').flatMap((instruction) => Object.entries(parseEnvInstruction(instruction.args))),
  );
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'exitbot-image-'));
  await chmod(root, 0o755);
  const app = join(root, 'app');
  await mkdir(app, { recursive: true });
  // The node image has node at /usr/local/bin/node; ours may live where an unprivileged user cannot reach.
  await mkdir(join(root, 'usr/local/bin'), { recursive: true });
  await cp(process.execPath, join(root, 'usr/local/bin/node'));

  // prod-deps stage: its COPY lines from the build context, then its pnpm install (offline: CI installed
  // every package into the store already).
  const prodDeps = stage('prod-deps');
  for (const instruction of prodDeps.instructions) {
    if (instruction.keyword === 'COPY') {
      const parts = instruction.args.split(/\s+/);
      const destination = join(app, parts.at(-1) ?? '.');
      await mkdir(destination, { recursive: true });
      for (const source of parts.slice(0, -1))
        await cp(join(repoRoot, source), join(destination, source.split('/').at(-1) ?? source));
    } else if (instruction.keyword === 'RUN') {
      const [command, ...args] = instruction.args.split(/\s+/).map((word) => word.replace(/^"(.*)"$/, '$1'));
      expect(command, 'the prod-deps stage only runs pnpm').toBe('pnpm');
      const [pnpm, ...pnpmArgs] = pnpmCommand();
      const result = await runToEnd(pnpm ?? 'pnpm', [...pnpmArgs, ...args, '--offline'], {
        cwd: app,
        env: { ...process.env, CI: 'true' },
        timeoutMs: 120_000,
      });
      expect(result.code, result.output).toBe(0);
    }
  }

  // build stage: its last RUN builds the widget; the runtime copies the result from it.
  const buildRuns = all(stage('build'), 'RUN').map((instruction) => instruction.args);
  expect(buildRuns.at(-1)).toBe('pnpm --filter @exitbot/widget build');
  await ensureWidgetBuilt();

  // runtime stage: every COPY (from the context, prod-deps or build), then its RUN with paths mapped.
  for (const instruction of runtime.instructions) {
    if (instruction.keyword === 'COPY') {
      const from = instruction.flags.find((flag) => flag.name === 'from')?.value;
      const [source = '', destination = ''] = instruction.args.split(/\s+/);
      const target = join(app, destination);
      if (from === 'prod-deps') {
        expect(source).toBe('/app');
        continue; // the prod-deps stage was installed into <root>/app itself
      }
      const sourcePath =
        from === 'build' ? join(repoRoot, source.replace(/^\/app\//, '')) : join(repoRoot, source);
      expect(from === undefined || from === 'build', `COPY --from=${from}`).toBe(true);
      await cp(sourcePath, target, {
        recursive: true,
        // .dockerignore keeps node_modules and build output of the context out of the image.
        filter: (path) =>
          from === 'build' || !/[/\\](node_modules|dist)([/\\]|$)/.test(path.slice(repoRoot.length)),
      });
    } else if (instruction.keyword === 'RUN') {
      const command = inRoot(instruction.args).replace(
        /chown node:node /g,
        asUser.uid === undefined ? 'true ' : `chown ${asUser.uid}:${asUser.gid} `,
      );
      const result = await runToEnd('sh', ['-c', command], {
        cwd: app,
        env: baseEnvironment({ PATH: imagePath() }),
      });
      expect(result.code, result.output).toBe(0);
    }
  }
}, 240_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('Dockerfile', () => {
  it('should pass the dockerfile-utils linter with no problem reported', () => {
    expect(validate(dockerfile)).toEqual([]);
  });

  it('should run as a non-root user on a slim Node 24 image with a health check on /healthz', () => {
    expect(runtime.from).toMatch(/^node:\$\{NODE_VERSION\}-.*slim$/);
    expect(dockerfile).toMatch(/^ARG NODE_VERSION=24$/m);
    expect(all(runtime, 'USER').at(-1)?.args).toBe('node');
    const healthcheck = all(runtime, 'HEALTHCHECK');
    expect(healthcheck).toHaveLength(1);
    expect(healthcheck[0]?.args).toContain('/healthz');
    expect(imageEnvironment()).toMatchObject({ HOST: '0.0.0.0', NODE_ENV: 'production' });
  });

  it('should install production dependencies only, with the SDK linked from the workspace (not under node_modules)', async () => {
    const app = join(root, 'app');
    // devDependencies of the server are absent.
    await expect(stat(join(app, 'packages/server/node_modules/@types/pg'))).rejects.toThrow();
    // Type stripping refuses .ts under node_modules: the SDK must resolve to packages/sdk.
    const link = join(app, 'packages/server/node_modules/@exitbot/sdk');
    expect(await realpath(link)).toBe(join(app, 'packages/sdk'));
    // The widget build the server serves is in place.
    expect(await readdir(join(app, 'packages/widget/dist'))).toContain('manifest.json');
  });

  describe('started as the image starts it', () => {
    let database: EmptyDatabase;
    beforeAll(async () => {
      database = await createEmptyDatabase('exitbot_deploy_image');
    });
    afterAll(async () => {
      await database?.drop();
    });

    async function startImage(extra: Record<string, string>) {
      const port = await freePort();
      const [command, ...args] = jsonArray(all(runtime, 'CMD').at(-1));
      const environment = Object.fromEntries(
        Object.entries(imageEnvironment()).map(([key, value]) => [key, inRoot(value)]),
      );
      const env = baseEnvironment({
        ...environment,
        PATH: imagePath(),
        PORT: String(port),
        LOG_LEVEL: 'warn',
        ...extra,
      });
      expect(command).toBe('node');
      const running = startProcess(imageNode(), args, {
        cwd: join(root, 'app'),
        env,
        ...asUser,
      });
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, running);
      // The server answers while it seeds the demo tenant; it handles SIGTERM once it has printed its URLs.
      await waitForOutput(running, /ExitBot is running on/);
      return { running, port, env };
    }

    it('should migrate an empty Postgres database, serve the API and the widget, and pass its HEALTHCHECK', async () => {
      const { running, port, env } = await startImage({ DATABASE_URL: database.url, ...testKeys() });
      try {
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
        expect(await ready.json()).toEqual({ status: 'ready', database: 'postgres' });
        const script = await fetch(`http://127.0.0.1:${port}/exitbot.js`);
        expect(script.status).toBe(200);
        expect(script.headers.get('content-type')).toContain('javascript');
        const tables = await adminQuery<{ count: number }>(
          `select count(*)::int as count from pg_tables where schemaname = 'public' and tablename = 'interviews'`,
          { database: database.name },
        );
        expect(tables[0]?.count).toBe(1);

        // The HEALTHCHECK command, as Docker runs it inside the container (exec form).
        const healthcheck = all(runtime, 'HEALTHCHECK')[0]?.args ?? '';
        const [checkCommand, ...checkArgs] = JSON.parse(healthcheck.replace(/^.*?CMD\s+/, '')) as string[];
        expect(checkCommand).toBe('node');
        const healthy = await runToEnd(imageNode(), checkArgs, { cwd: join(root, 'app'), env, ...asUser });
        expect(healthy.code, healthy.output).toBe(0);

        // The `exitbot` command the RUN line installs works and finds the same database.
        const migrate = await runToEnd(join(root, 'usr/local/bin/exitbot'), ['migrate'], {
          cwd: join(root, 'app'),
          env,
          ...asUser,
        });
        expect(migrate).toEqual({ code: 0, output: 'Nothing to migrate.\n' });
      } finally {
        expect(await running.stop()).toBe(0);
      }
      expect(running.output()).not.toMatch(/"level":"error"/);
    });

    it('should then refuse an unhealthy server in its HEALTHCHECK', async () => {
      // Nothing listens on this port: the same command must fail, or it checks nothing.
      const healthcheck = all(runtime, 'HEALTHCHECK')[0]?.args ?? '';
      const [, ...checkArgs] = JSON.parse(healthcheck.replace(/^.*?CMD\s+/, '')) as string[];
      const unhealthy = await runToEnd(process.execPath, checkArgs, {
        cwd: repoRoot,
        env: baseEnvironment({ PORT: String(await freePort()) }),
      });
      expect(unhealthy.code).toBe(1);
    });

    it('should start on the embedded PGlite database in the /data volume when no DATABASE_URL is given', async () => {
      const { running, port } = await startImage({});
      try {
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
        expect(await ready.json()).toEqual({ status: 'ready', database: 'pglite' });
      } finally {
        expect(await running.stop()).toBe(0);
      }
      const data = await readdir(join(root, 'data'));
      expect(data).toEqual(expect.arrayContaining(['pgdata', 'secret', 'master.key']));
    });
  });
});
