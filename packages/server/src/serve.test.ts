import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './db/connect.ts';
import { demoTenantId } from './demo.ts';
import { loadConfig } from './env.ts';
import { createLogger } from './logger.ts';
import { startServer } from './serve.ts';
import { createTestDatabase } from './testing/test-database.ts';

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));

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
  const folders: string[] = [];
  const newFolder = () => {
    const folder = mkdtempSync(join(tmpdir(), 'exitbot-serve-stop-'));
    folders.push(folder);
    return folder;
  };
  afterAll(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

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
    const child = spawn(process.execPath, [cli, 'serve'], {
      env: {
        ...process.env,
        DATABASE_URL: '',
        PORT: '0',
        LOG_LEVEL: 'info',
        EXITBOT_DATA_DIR: dataDir,
        EXITBOT_WIDGET_DIR: '/nonexistent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
