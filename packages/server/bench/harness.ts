// Shared benchmark plumbing: spawn the server and the fake model as child processes on loopback,
// create a tenant and interviews through the CLI and the API, post answers and time the stream.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const serverRoot = fileURLToPath(new URL('..', import.meta.url));
/** Keep-alive agent without a socket cap (the load generator must not be the bottleneck). */
export const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

/** A child process that prints its port on the first line. */
export interface Child {
  process: ChildProcess;
  port: number;
  stop(): Promise<void>;
}

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error(`timeout waiting for ${pattern}: ${buffer.slice(-500)}`)),
      timeoutMs,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = pattern.exec(buffer);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] ?? match[0]);
      }
    });
    child.on('exit', (code) => reject(new Error(`child exited ${code}: ${buffer.slice(-500)}`)));
  });
}

function stopper(child: ChildProcess) {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
    });
}

/** Starts the fake OpenAI-compatible model. */
export async function startFakeModel(): Promise<
  Child & { control(pacing: { tokens?: number; intervalMs?: number; firstDelayMs?: number }): Promise<void> }
> {
  const child = spawn(process.execPath, [join(serverRoot, 'bench/fake-openai-server.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = Number(await waitForLine(child, /^(\d+)\n/, 15_000));
  return {
    process: child,
    port,
    stop: stopper(child),
    async control(pacing) {
      await fetch(`http://127.0.0.1:${port}/control`, { method: 'POST', body: JSON.stringify(pacing) });
    },
  };
}

/** Options of `startServer()`. */
export interface ServerOptions {
  databaseUrl?: string;
  dataDir?: string;
  modelPort?: number;
  env?: Record<string, string>;
}

/** Environment of a benchmark server. */
export function serverEnv(options: ServerOptions): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    EXITBOT_DEMO: 'false',
    EXITBOT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    EXITBOT_RATE_LIMIT_INTERVIEW_PER_MINUTE: '100000',
    EXITBOT_RATE_LIMIT_TENANT_PER_SECOND: '1000000',
    EXITBOT_DB_POOL_SIZE: '20',
    EXITBOT_DATA_DIR: options.dataDir ?? mkdtempSync(join(tmpdir(), 'exitbot-bench-')),
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...(options.modelPort
      ? {
          OPENAI_API_KEY: 'sk-fake',
          OPENAI_BASE_URL: `http://127.0.0.1:${options.modelPort}/v1`,
          EXITBOT_MODEL: 'fake',
        }
      : {}),
    // BENCH_SERVER_NODE_OPTIONS=--cpu-prof profiles the benchmarked server (it is not passed on otherwise).
    ...(process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}),
    // BENCH_MODEL_TRANSPORT=fetch|undici compares the server's transports to the model (EXITBOT_MODEL_TRANSPORT).
    ...(process.env.BENCH_MODEL_TRANSPORT
      ? { EXITBOT_MODEL_TRANSPORT: process.env.BENCH_MODEL_TRANSPORT }
      : {}),
    ...options.env,
  };
}

/** Runs a CLI command with the benchmark environment and returns its stdout. */
export async function cli(args: string[], env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [join(serverRoot, 'src/cli.ts'), ...args], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`exitbot ${args.join(' ')} exited ${code}`);
  return out;
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts `exitbot serve` on a free port; resolves once `readyPath` (default /healthz) answers 200. */
export async function startServer(
  env: Record<string, string>,
  readyPath = '/healthz',
): Promise<Child & { pid: number; readyMs: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [join(serverRoot, 'src/cli.ts'), 'serve'], {
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error('server exited');
    if (Date.now() > deadline) throw new Error('server did not start');
    try {
      const response = await fetch(`http://127.0.0.1:${port}${readyPath}`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return {
    process: child,
    port,
    pid: child.pid as number,
    readyMs: performance.now() - started,
    stop: stopper(child),
  };
}

/** Resident set size of a process in MB. */
export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(match?.[1] ?? 0) / 1024);
}

/** Fields of /proc/<pid>/stat after the command name (field 3, the state, is index 0); empty when gone. */
function statFields(pid: number | string): string[] {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  } catch {
    return [];
  }
}

/**
 * CPU time (user + system) used so far, in milliseconds, by a process and its live child processes (the
 * worker processes of a server started with EXITBOT_WORKERS).
 */
export function cpuMs(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat (utime, stime) in clock ticks: 100 per second on Linux.
  const own = (fields: string[]) => (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 10;
  let total = own(statFields(pid));
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    // Field 4 of /proc/<pid>/stat is the parent's pid.
    if (Number(fields[1]) === pid) total += own(fields);
  }
  return total;
}

/** JSON request over the keep-alive agent. */
export function json<T>(
  port: number,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          ...(payload ? { 'Content-Length': Buffer.byteLength(payload) } : {}),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: (text ? JSON.parse(text) : null) as T }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Timing of one streamed answer. */
export interface StreamTiming {
  status: number;
  /** Milliseconds from sending the request to the first question-delta. */
  firstTokenMs: number;
  totalMs: number;
  ended: boolean;
}

/** Posts a message with `Accept: text/event-stream` and times the first delta and the end. */
export async function streamAnswer(
  port: number,
  token: string,
  body: Record<string, unknown>,
  onFirstToken?: () => void,
): Promise<StreamTiming> {
  // A keep-alive socket the server closed while idle fails on reuse; the message is idempotent, so resend it.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await streamAnswerOnce(port, token, body, onFirstToken);
    } catch (error) {
      if (attempt >= 3 || (error as NodeJS.ErrnoException).code !== 'ECONNRESET') throw error;
    }
  }
}

function streamAnswerOnce(
  port: number,
  token: string,
  body: Record<string, unknown>,
  onFirstToken?: () => void,
): Promise<StreamTiming> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const started = performance.now();
    let firstTokenMs = -1;
    let ended = false;
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/interview/messages',
        agent,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          Accept: 'text/event-stream',
          'Content-Length': Buffer.byteLength(payload),
        },
      },
      (response) => {
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (firstTokenMs < 0 && chunk.includes('event: question-delta')) {
            firstTokenMs = performance.now() - started;
            onFirstToken?.();
          }
          if (chunk.includes('event: interview-end')) ended = true;
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            firstTokenMs,
            totalMs: performance.now() - started,
            ended,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Creates a tenant with the CLI and returns its API key. */
export async function createTenant(
  env: Record<string, string>,
): Promise<{ tenantId: string; apiKey: string }> {
  const out = await cli(['tenant', 'create', '--name', 'bench'], env);
  const tenantId = /Tenant:\s+(\S+)/.exec(out)?.[1];
  const apiKey = /API key:\s+(\S+)/.exec(out)?.[1];
  if (!tenantId || !apiKey) throw new Error(`unexpected tenant create output: ${out}`);
  return { tenantId, apiKey };
}

/** Creates `count` interviews (bulk, 500 per call) and returns their tokens. */
export async function createInterviews(port: number, apiKey: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  while (tokens.length < count) {
    const size = Math.min(500, count - tokens.length);
    const { status, body } = await json<{ interviews: { token: string }[] }>(
      port,
      'POST',
      '/v1/interviews/bulk',
      apiKey,
      {
        interviews: Array.from({ length: size }, () => ({
          mode: 'confidential',
          attributes: { department: 'Bench' },
        })),
      },
    );
    if (status !== 201) throw new Error(`bulk create: ${status}`);
    tokens.push(...body.interviews.map((interview) => interview.token));
  }
  return tokens;
}

/** Runs `task` for every item with at most `concurrency` in flight. */
export async function pool<T, R>(
  items: T[],
  concurrency: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next;
        next += 1;
        results[index] = await task(items[index] as T);
      }
    }),
  );
  return results;
}

/** The q-quantile (0..1) of numbers. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/** Prints rows as an aligned table. */
export function printTable(title: string, rows: Record<string, string | number>[]): void {
  if (rows.length === 0) return;
  const headers = Object.keys(rows[0] as object);
  const widths = headers.map((header) =>
    Math.max(header.length, ...rows.map((row) => String(row[header]).length)),
  );
  const line = (cells: string[]) =>
    cells.map((cell, index) => cell.padEnd(widths[index] as number)).join('  ');
  process.stdout.write(`\n${title}\n${line(headers)}\n${line(widths.map((width) => '-'.repeat(width)))}\n`);
  for (const row of rows) process.stdout.write(`${line(headers.map((header) => String(row[header])))}\n`);
}

/** One figure for `pnpm bench` (scripts/bench.ts reads `@bench` lines); `target` and `ok` when there is a target. */
export function figure(input: {
  name: string;
  value: number;
  unit: string;
  target?: string;
  ok?: boolean;
}): void {
  const value = Number(input.value.toPrecision(4));
  process.stdout.write(`@bench ${JSON.stringify({ group: 'server', ...input, value })}\n`);
}

/** The 1-minute load average of the machine, to print with every figure (the machine is shared). */
export function loadAverage(): string {
  return loadavg()[0]?.toFixed(2) ?? '?';
}

/** Message id for the benchmark. */
export function messageId(): string {
  return `b_${crypto.randomUUID().replaceAll('-', '')}`;
}

/** Removes a data folder. */
export function removeDir(dir: string | undefined): void {
  if (dir?.includes('exitbot-bench-')) rmSync(dir, { recursive: true, force: true });
}
