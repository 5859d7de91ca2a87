// Shared pieces of the deployment tests: the repository's paths, a Dockerfile reader, empty Postgres
// databases, pnpm, and child processes that serve HTTP.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** Absolute path of the repository root. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Reads a file of the repository as text. */
export function readRepoFile(path: string): string {
  return readFileSync(join(repoRoot, path), 'utf8');
}

/** One Dockerfile instruction, continuation lines joined. */
export interface DockerInstruction {
  keyword: string;
  /** `--name=value` flags before the arguments (`--mount` may repeat). */
  flags: { name: string; value: string }[];
  /** The rest of the line after the flags. */
  args: string;
  line: number;
}

/** One build stage: `FROM <image> AS <name>` and its instructions. */
export interface DockerStage {
  name: string;
  from: string;
  instructions: DockerInstruction[];
}

/** Splits a Dockerfile into stages (comments dropped, `\` continuations joined, flags separated). */
export function parseDockerfile(text: string): { args: DockerInstruction[]; stages: DockerStage[] } {
  const globalArgs: DockerInstruction[] = [];
  const stages: DockerStage[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const start = index;
    let line = lines[index] ?? '';
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.endsWith('\\') && index + 1 < lines.length) {
      index += 1;
      line = `${line.slice(0, -1)} ${(lines[index] ?? '').trim()}`;
    }
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!match?.[1] || match[2] === undefined)
      throw new Error(`Dockerfile line ${start + 1}: cannot read "${line}"`);
    const keyword = match[1].toUpperCase();
    let rest = match[2].trim();
    const flags: { name: string; value: string }[] = [];
    for (
      let flag = /^--([a-z-]+)(?:=(\S*))?\s+/.exec(rest);
      flag;
      flag = /^--([a-z-]+)(?:=(\S*))?\s+/.exec(rest)
    ) {
      flags.push({ name: flag[1] ?? '', value: flag[2] ?? '' });
      rest = rest.slice(flag[0].length);
    }
    const instruction: DockerInstruction = { keyword, flags, args: rest, line: start + 1 };
    if (keyword === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      stages.push({ name: from?.[2] ?? String(stages.length), from: from?.[1] ?? rest, instructions: [] });
    } else if (stages.length === 0) {
      globalArgs.push(instruction);
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { args: globalArgs, stages };
}

/** `KEY=value KEY2=value` (the ENV form the Dockerfile uses) as a record; `$VAR` left as written. */
export function parseEnvInstruction(args: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const pair of args.split(/\s+/).filter(Boolean)) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new Error(`ENV ${args}: only the KEY=value form is understood here`);
    entries[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return entries;
}

/** The admin connection for creating test databases (CI: DATABASE_URL; here: local trust auth). */
export function adminUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** A URL for another database (or user) of the same cluster as `base`. */
export function databaseUrl(
  base: string,
  options: { database: string; user?: string; password?: string },
): string {
  const url = new URL(base);
  url.pathname = `/${options.database}`;
  if (options.user) url.username = options.user;
  if (options.password) url.password = options.password;
  return url.toString();
}

/** Runs SQL as the admin user on one database (default: the admin URL's). */
export async function adminQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  options: { database?: string; url?: string } = {},
): Promise<T[]> {
  const url =
    options.url ?? (options.database ? databaseUrl(adminUrl(), { database: options.database }) : adminUrl());
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

/** An empty database created for one test, and how to drop it. */
export interface EmptyDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database with a random name (dropped with `drop()`, open connections included). */
export async function createEmptyDatabase(prefix: string): Promise<EmptyDatabase> {
  const name = `${prefix}_${crypto.randomUUID().slice(0, 8)}`;
  await adminQuery(`create database "${name}"`);
  return {
    name,
    url: databaseUrl(adminUrl(), { database: name }),
    drop: async () => {
      await adminQuery(`drop database if exists "${name}" with (force)`);
    },
  };
}

/** How to run pnpm here: `pnpm` on the PATH, else the version the root package.json pins, through npx. */
export function pnpmCommand(): string[] {
  if (spawnSync('pnpm', ['--version'], { stdio: 'ignore' }).status === 0) return ['pnpm'];
  const { packageManager } = JSON.parse(readRepoFile('package.json')) as { packageManager: string };
  return ['npx', '-y', packageManager];
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A child process whose output is kept, to wait for and to stop. */
export interface RunningProcess {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | string>;
}

/** Spawns a command (no shell unless the command is `sh`) and keeps its output. */
export function startProcess(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; uid?: number; gid?: number },
): RunningProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? options.uid }),
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  return {
    child,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs a command to its end; resolves with the exit code and the output. */
export async function runToEnd(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; uid?: number; gid?: number; timeoutMs?: number },
): Promise<{ code: number | string; output: string }> {
  const running = startProcess(command, args, options);
  const timer = setTimeout(() => running.child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const code = await running.exited;
  clearTimeout(timer);
  return { code, output: running.output() };
}

/** Polls `url` until it answers 200 (or the process exits, or the time is up). */
export async function waitForHttp(url: string, running: RunningProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void running.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the process exited before ${url} answered:\n${running.output()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${running.output()}`);
}

/** Polls the process's output until it matches (or the process exits, or the time is up). */
export async function waitForOutput(
  running: RunningProcess,
  pattern: RegExp,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(running.output())) {
    if (running.child.exitCode !== null || running.child.signalCode !== null)
      throw new Error(`the process exited before printing ${pattern}:\n${running.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** An environment for a child: PATH and HOME from ours, nothing else inherited. */
export function baseEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    ...extra,
  };
}

/** Keys valid for EXITBOT_SECRET and EXITBOT_MASTER_KEY. */
export function testKeys(): { EXITBOT_SECRET: string; EXITBOT_MASTER_KEY: string } {
  return {
    EXITBOT_SECRET: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url'),
    EXITBOT_MASTER_KEY: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64'),
  };
}
