import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from './db/connect.ts';
import { demoSampleCount, demoTenantId } from './demo.ts';
import { loadConfig } from './env.ts';
import { createLogger } from './logger.ts';
import { startServer } from './serve.ts';
import { tempFolders } from './testing/temp-folders.ts';
import { createTestDatabase } from './testing/test-database.ts';

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));

/** `exitbot serve` in a child process on an embedded PGlite folder (port 0, info logs); `env` adds to it. */
function spawnServe(dataDir: string, env: Record<string, string> = {}) {
  return spawn(process.execPath, [cli, 'serve'], {
    env: {
      ...process.env,
      DATABASE_URL: '',
      PORT: '0',
      LOG_LEVEL: 'info',
      EXITBOT_DATA_DIR: dataDir,
      EXITBOT_WIDGET_DIR: '/nonexistent',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Everything a spawned server writes (stdout and stderr, as they arrive), and how it exits. */
function watchChild(child: ReturnType<typeof spawnServe>) {
  const seen = { output: '' };
  const append = (chunk: Buffer) => {
    seen.output += chunk.toString();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { seen, exited };
}

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

describe('stopping while the server starts', () => {
  const newFolder = tempFolders('serve-stop');

  it('should let the demo seed finish, close the port and the database, and reject with the abort reason when aborted after listen', async () => {
    const dataDir = newFolder();
    const config = loadConfig({
      PORT: '0',
      EXITBOT_DATA_DIR: dataDir,
      EXITBOT_WIDGET_DIR: '/nonexistent',
    });
    const stopping = new AbortController();
    let url = '';
    // Aborts the moment the server listens: the demo seed has started and is not finished.
    const logger = createLogger({
      level: 'info',
      write: (line) => {
        const entry = JSON.parse(line) as { msg: string; url?: string };
        if (entry.msg === 'listening') {
          url = entry.url ?? '';
          stopping.abort();
        }
      },
    });
    await expect(
      startServer({ config, logger, announce: false, signal: stopping.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(url).toMatch(/^http:\/\/[^/]+:\d+$/);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    // The folder lock is gone (the database is closed) and the seed was not cut half-way.
    expect(existsSync(join(dataDir, 'lock'))).toBe(false);
    const database = await openDatabase({ dataDir });
    try {
      const tenants = await sql<{ id: string }>`select id from tenants`.execute(database.db);
      expect(tenants.rows).toEqual([{ id: demoTenantId }]);
    } finally {
      await database.close();
    }
  }, 120_000);

  it('should exit 0 on SIGTERM right after /healthz answers, before the demo is announced', async () => {
    const dataDir = newFolder();
    const child = spawnServe(dataDir);
    let output = '';
    let stderr = '';
    let signalled = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const listening = /"msg":"listening".*?"url":"([^"]+)"/.exec(output);
        if (listening && !signalled) {
          signalled = true;
          // /healthz answers, then SIGTERM at once (what an orchestrator does when a rollout is cancelled).
          fetch(`${listening[1]}/healthz`).then((response) => {
            expect(response.status).toBe(200);
            child.kill('SIGTERM');
            resolve();
          }, reject);
        }
      });
      child.once('exit', () => reject(new Error(`exited before listening: ${output}${stderr}`)));
    });
    expect(await exited, stderr).toEqual({ code: 0, signal: null });
    expect(output).toContain('"msg":"signal received"');
    expect(output).toContain('"msg":"stopped"');
    expect(existsSync(join(dataDir, 'lock'))).toBe(false);
  }, 120_000);
});

describe.skipIf(!process.env.DATABASE_URL)(
  'stopping while an answer is on its way to the turn service',
  () => {
    it('should wait for a request admitted before the stop, and let its turn store the reply', async () => {
      const database = await createTestDatabase('postgres');
      const dataDir = mkdtempSync(join(tmpdir(), 'exitbot-serve-drain-'));
      try {
        const config = loadConfig({
          PORT: '0',
          LOG_LEVEL: 'silent',
          DATABASE_URL: database.url ?? '',
          EXITBOT_DATA_DIR: dataDir,
          EXITBOT_WIDGET_DIR: '/nonexistent',
        });
        const server = await startServer({
          config,
          logger: createLogger({ level: 'silent' }),
          announce: false,
        });
        const base = `http://127.0.0.1:${server.port}`;
        const token = /<exit-interview token="([^"]+)"/.exec(await (await fetch(`${base}/demo`)).text())?.[1];
        const interview = decodeJwt(token ?? '') as { sub: string };
        // A transaction of ours holds the interview's row: the answer's request waits inside the turn's
        // prepare step (admitted, its turn not started yet) until we let go.
        const holder = await database.handle.db.connection().execute(async (connection) => {
          await sql`begin`.execute(connection);
          await sql`select id from interviews where id = ${interview.sub} for update`.execute(connection);
          const posted = fetch(`${base}/v1/interview/messages`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ clientMessageId: 'drain-test-0001', type: 'start' }),
          }).then(async (response) => ({ status: response.status, body: await response.text() }));
          let admittedAndWaiting = false;
          for (let waited = 0; waited < 500 && !admittedAndWaiting; waited += 1) {
            const { rows } = await sql<{ waiting: number }>`
            select count(*)::int as waiting from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'`.execute(connection);
            admittedAndWaiting = Boolean(rows[0]?.waiting);
            if (!admittedAndWaiting) await new Promise((resolve) => setTimeout(resolve, 10));
          }
          expect(admittedAndWaiting).toBe(true);
          const closing = server.close();
          await new Promise((resolve) => setTimeout(resolve, 300));
          await sql`commit`.execute(connection);
          return { posted, closing };
        });
        const answer = await holder.posted;
        await holder.closing;
        expect(answer.status).toBe(200);
        expect(answer.body).toContain('"type":"reply-stored"');
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
        await database.destroy();
      }
    }, 60_000);
  },
);

describe('signals while a reply is being generated', () => {
  const newFolder = tempFolders('serve-signals');
  let hang: Server;
  let modelUrl = '';
  let modelCalls = 0;

  beforeAll(async () => {
    // A model that takes the request and never answers: the turn stays open until shutdown ends it.
    hang = createServer(() => {
      modelCalls += 1;
    });
    await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
    modelUrl = `http://127.0.0.1:${(hang.address() as AddressInfo).port}/v1`;
  });

  afterAll(async () => {
    hang.closeAllConnections();
    await new Promise((resolve) => hang.close(resolve));
  });

  /** The CLI with a turn waiting for the model; resolves once the model has the request. */
  async function serveWithOpenTurn(shutdownTimeoutMs: number) {
    const child = spawnServe(newFolder(), {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: modelUrl,
      EXITBOT_SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
    });
    const { seen, exited } = watchChild(child);
    while (!seen.output.includes('Demo HR portal')) {
      if (child.exitCode !== null) throw new Error(`exited before the demo was ready: ${seen.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const base = /"msg":"listening".*?"url":"([^"]+)"/.exec(seen.output)?.[1] ?? '';
    const token = /<exit-interview token="([^"]+)"/.exec(await (await fetch(`${base}/demo`)).text())?.[1];
    const calls = modelCalls;
    const posted = fetch(`${base}/v1/interview/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ clientMessageId: `signals-${Date.now()}`, type: 'start' }),
    }).then(
      (response) => response.text(),
      () => '',
    );
    while (modelCalls === calls) await new Promise((resolve) => setTimeout(resolve, 20));
    return { child, exited: exited.then(({ code }) => code), posted, output: () => seen.output };
  }

  it('should exit 1 at once on a second SIGTERM a while after the first, without waiting for the turn', async () => {
    const server = await serveWithOpenTurn(60_000);
    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(server.child.exitCode).toBeNull();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('"msg":"second signal: exiting without waiting"');
    await server.posted;
  }, 60_000);

  it('should take a Ctrl-C delivered twice within a second as one, and shut down in order (exit 0)', async () => {
    const server = await serveWithOpenTurn(1_000);
    server.child.kill('SIGINT');
    // The second one once the first was handled (two pending signals would merge into one).
    while (!server.output().includes('"msg":"signal received"'))
      await new Promise((resolve) => setTimeout(resolve, 5));
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
    expect(server.output()).not.toContain('second signal');
    expect(server.output()).toContain('"msg":"stopped"');
    await server.posted;
  }, 60_000);
});

describe.skipIf(!process.env.DATABASE_URL)('several worker processes on Postgres (EXITBOT_WORKERS)', () => {
  const newFolder = tempFolders('serve-workers');

  it('should seed once, serve from every worker, replace a worker that dies, and stop them all on SIGTERM', async () => {
    const database = await createTestDatabase('postgres');
    const child = spawnServe(newFolder(), { DATABASE_URL: database.url ?? '', EXITBOT_WORKERS: '2' });
    const { seen, exited } = watchChild(child);
    const lines = () =>
      seen.output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const waitFor = async (test: () => boolean, what: string) => {
      for (let waited = 0; !test(); waited += 50) {
        if (waited > 30_000 || child.exitCode !== null) throw new Error(`no ${what}:\n${seen.output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      await waitFor(() => seen.output.includes('Demo HR portal'), 'banner');
      const primaryLine = lines().find((line) => line.msg === 'listening' && line.workers === 2);
      const base = String(primaryLine?.url).replace('localhost', '127.0.0.1');
      // The primary seeded the demo and printed the URLs once; the workers did neither.
      expect(seen.output.match(/ExitBot is running on/g)).toHaveLength(1);
      expect(seen.output).toContain('Postgres, 2 worker processes');
      const interviews = await sql<{ count: number }>`select count(*)::int as count from interviews`.execute(
        database.handle.db,
      );
      // One demo interview and the demo tenant's sample history, once.
      expect(interviews.rows).toEqual([{ count: 1 + demoSampleCount }]);

      // Connections are handed out round-robin: a few new connections reach both workers.
      for (let index = 0; index < 6; index += 1) {
        const response = await fetch(`${base}/readyz`, { headers: { Connection: 'close' } });
        expect(response.status).toBe(200);
      }
      await waitFor(
        () => lines().filter((line) => line.msg === 'request' && line.path === '/readyz').length === 6,
        'request logs',
      );
      const servedBy = new Set(
        lines()
          .filter((line) => line.msg === 'request' && line.path === '/readyz')
          .map((line) => line.worker),
      );
      expect(servedBy).toEqual(new Set([1, 2]));

      // An interview turn through the workers: the demo page's interview starts and gets its first question.
      const token = /<exit-interview token="([^"]+)"/.exec(
        await (await fetch(`${base}/demo`, { headers: { Connection: 'close' } })).text(),
      )?.[1];
      const started = await fetch(`${base}/v1/interview/messages`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          Connection: 'close',
        },
        body: JSON.stringify({ clientMessageId: 'workers-test-0001', type: 'start' }),
      });
      expect(started.status).toBe(200);
      expect(await started.text()).toContain('"type":"reply-stored"');

      // A worker killed outright is replaced; the server keeps answering meanwhile.
      const firstPid = Number(
        lines().find((line) => line.msg === 'worker listening' && line.worker === 1)?.pid,
      );
      process.kill(firstPid, 'SIGKILL');
      await waitFor(
        () => lines().some((line) => line.msg === 'worker listening' && line.worker === 3),
        'new worker',
      );
      expect(lines().find((line) => line.msg === 'worker exited: starting a new one')).toMatchObject({
        worker: 1,
        signal: 'SIGKILL',
      });
      expect((await fetch(`${base}/readyz`, { headers: { Connection: 'close' } })).status).toBe(200);

      const workerPids = lines()
        .filter((line) => line.msg === 'worker listening')
        .map((line) => Number(line.pid));
      child.kill('SIGTERM');
      expect(await exited, seen.output).toEqual({ code: 0, signal: null });
      // Both live workers drained and stopped before the primary exited.
      expect(lines().filter((line) => line.msg === 'stopped' && line.worker !== undefined)).toHaveLength(2);
      for (const pid of workerPids) expect(() => process.kill(pid, 0)).toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await database.destroy();
    }
  }, 90_000);

  it('should stop with exit 1 when the workers cannot start (port taken), instead of restarting them', async () => {
    const database = await createTestDatabase('postgres');
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const child = spawnServe(newFolder(), {
        DATABASE_URL: database.url ?? '',
        EXITBOT_WORKERS: '2',
        PORT: String((taken.address() as AddressInfo).port),
      });
      const { seen, exited } = watchChild(child);
      expect((await exited).code, seen.output).toBe(1);
      expect(seen.output).toContain('EADDRINUSE');
      expect(seen.output).toContain('a worker failed to start: stopping');
      expect(seen.output).not.toContain('starting a new one');
    } finally {
      taken.close();
      await database.destroy();
    }
  }, 60_000);

  it('should exit 1 on a second signal while the primary still migrates, and 0 on a stop while workers start', async () => {
    const database = await createTestDatabase('postgres');
    const dataDir = newFolder();
    const env = { DATABASE_URL: database.url ?? '', EXITBOT_WORKERS: '2' };
    try {
      // On a new database the migrations wait for their lock, which this test holds: the primary is stuck in
      // its setup.
      const emptyName = `exitbot_t_${randomBytes(6).toString('hex')}`;
      await sql.raw(`create database ${emptyName}`).execute(database.handle.db);
      const emptyUrl = new URL(database.url ?? '');
      emptyUrl.pathname = `/${emptyName}`;
      const holder = new pg.Client({ connectionString: emptyUrl.toString() });
      await holder.connect();
      let released: { code: number | null; output: string };
      try {
        await holder.query('begin');
        await holder.query('select pg_advisory_xact_lock(4747001)');
        const child = spawnServe(dataDir, { ...env, DATABASE_URL: emptyUrl.toString() });
        const { seen, exited } = watchChild(child);
        let waiting = false;
        for (let waited = 0; !waiting && waited < 20_000; waited += 50) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          // Read outside the holder's transaction (which would see one cached snapshot of the activity).
          const { rows } = await sql<{ count: number }>`
            select count(*)::int as count from pg_stat_activity
            where datname = ${emptyName} and wait_event_type = 'Lock' and wait_event = 'advisory'`.execute(
            database.handle.db,
          );
          waiting = (rows[0]?.count ?? 0) > 0;
        }
        expect(waiting, seen.output).toBe(true);
        child.kill('SIGTERM');
        await new Promise((resolve) => setTimeout(resolve, 1_200));
        child.kill('SIGTERM');
        // It exits while the lock is still held: it did not wait for the setup.
        released = { code: (await exited).code, output: seen.output };
      } finally {
        await holder.end();
        await sql.raw(`drop database if exists ${emptyName} with (force)`).execute(database.handle.db);
      }
      expect(released.code, released.output).toBe(1);
      expect(released.output).toContain('second signal: exiting without waiting');

      // A stop the moment the workers exist (still booting, no signal handlers yet) is a clean stop.
      const child = spawnServe(dataDir, env);
      const { seen, exited } = watchChild(child);
      const childrenOf = (pid: number) =>
        readdirSync('/proc').filter((entry) => {
          if (!/^\d+$/.test(entry)) return false;
          try {
            return readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ')[1] === String(pid);
          } catch {
            return false;
          }
        });
      for (let waited = 0; childrenOf(child.pid ?? 0).length === 0; waited += 5) {
        if (waited > 30_000 || child.exitCode !== null) throw new Error(`no workers:\n${seen.output}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      child.kill('SIGTERM');
      expect(await exited, seen.output).toEqual({ code: 0, signal: null });
      expect(seen.output).toContain('"msg":"stopped","exitCode":0');
    } finally {
      await database.destroy();
    }
  }, 90_000);

  it('should refuse several workers on the embedded database, naming the variable', async () => {
    const { seen, exited } = watchChild(spawnServe(newFolder(), { EXITBOT_WORKERS: '2' }));
    expect((await exited).code).toBe(1);
    expect(seen.output).toContain('EXITBOT_WORKERS: more than one worker needs DATABASE_URL');
  }, 30_000);
});
