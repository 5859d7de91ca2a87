import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { printBanner, publicBase } from './banner.ts';
import type { DatabaseHandle } from './db/connect.ts';
import { type DemoSeed, demoTenantId, ensureDemo } from './demo.ts';
import type { Config } from './env.ts';
import type { Logger } from './logger.ts';
import { openRuntime } from './runtime.ts';

/** A running server. */
export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, lets running replies finish and be stored (bounded), stops jobs, closes the database. */
  close(): Promise<void>;
}

/**
 * Starts the HTTP server: database, migrations, listen, job runner and demo seed (when on); resolves once the
 * demo is seeded. When `signal` aborts before that, it waits for the step under way (migrations, the seed),
 * closes what it opened and rejects with `signal.reason`.
 */
export async function startServer(options: {
  config: Config;
  logger: Logger;
  /** Print the demo URLs and admin token to stdout. Default true. */
  announce?: boolean;
  /** A database already being opened. */
  database?: Promise<DatabaseHandle>;
  /** Stops a start under way (a SIGTERM before the server is up); after the start, call `close()`. */
  signal?: AbortSignal;
  /** The demo tenant is already seeded (by the primary of several workers): serve it, seed nothing. */
  demoSeeded?: boolean;
}): Promise<RunningServer> {
  const { config, logger, signal } = options;
  if (signal?.aborted) {
    await (await options.database?.catch(() => undefined))?.close();
    signal.throwIfAborted();
  }
  const started = performance.now();
  const { services, database } = await openRuntime({
    config,
    logger,
    ...(options.database ? { database: options.database } : {}),
  });
  if (signal?.aborted) {
    await database.close();
    signal.throwIfAborted();
  }
  // The demo is seeded after listen (the start is not held up); /demo waits for it.
  if (config.demo) services.demoTenantId = demoTenantId;
  const app = createApp(services);
  let draining = false;
  // Requests admitted before shutdown started and not yet answered: an employee's answer among them may not
  // have reached the turn service yet (auth, prepare), so the drain waits for them before it waits for turns.
  const admitted = new Set<Promise<Response>>();
  const admit = (request: Request, env: unknown) => {
    const response = Promise.resolve(app.fetch(request, env as never));
    admitted.add(response);
    const settle = () => admitted.delete(response);
    response.then(settle, settle);
    return response;
  };
  // Once shutdown starts, requests on kept-alive connections get 503 and the connection closes.
  const fetchOrDrain = (request: Request, env: unknown) =>
    draining
      ? new Response(
          JSON.stringify({
            error: { code: 'service-unavailable', message: 'The server is restarting; retry', details: null },
          }),
          {
            status: 503,
            headers: { 'Content-Type': 'application/json', Connection: 'close', 'Retry-After': '1' },
          },
        )
      : admit(request, env);
  const server = serve({ fetch: fetchOrDrain, port: config.port, hostname: config.host });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    // EADDRINUSE and the like: release the database (and the PGlite folder lock) before failing.
    await database.close().catch(() => undefined);
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const startupMs = Math.round(performance.now() - started);
  const seeding: Promise<DemoSeed | undefined> =
    config.demo && !options.demoSeeded ? ensureDemo(services) : Promise.resolve(undefined);
  services.demoReady = seeding.then(() => undefined);
  // Awaited by /demo (which answers the failure); nobody may be waiting when the seed fails.
  services.demoReady.catch(() => undefined);
  services.jobs.start();
  // Retention sweeps are queued per tenant on a schedule; erasures reach this replica's caches.
  services.privacy.startSchedule(() => services.jobs.kick());
  void services.cachePurger.start();
  const base = publicBase(config, port);
  logger.info('listening', {
    url: base,
    database: database.kind,
    model: services.models.usesLlm ? (config.openai?.model ?? 'custom') : 'scripted',
    startupMs,
  });
  let closing: Promise<void> | undefined;
  const running: RunningServer = {
    url: base,
    port,
    close() {
      closing ??= (async () => {
        logger.info('shutting down', { runningTurns: services.turns.runningTurns });
        draining = true;
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        if ('closeIdleConnections' in server) server.closeIdleConnections();
        const deadline = performance.now() + config.shutdownTimeoutMs;
        const remaining = () => Math.max(0, deadline - performance.now());
        // Bounded on its own (a client that stalls while sending its body must not take the turns' time).
        await withTimeout(Promise.allSettled([...admitted]), Math.min(remaining(), 3_000));
        const drained = await services.turns.drain(remaining());
        if (!drained)
          logger.warn('shutdown timeout: some replies were not stored', {
            runningTurns: services.turns.runningTurns,
          });
        services.privacy.stopSchedule();
        services.cachePurger.stop();
        // Jobs in hand get what is left of the shutdown time (at least 5 s); one cut short runs again
        // elsewhere once its lease ends.
        if (!(await withTimeout(services.jobs.stop(), Math.max(remaining(), 5_000))))
          logger.warn('shutdown timeout: jobs still running are retried after their lease');
        // A stop during startup lets the demo seed finish its transactions before the database closes.
        await seeding.catch(() => undefined);
        // Streams have ended with their turns; anything still open is cut now.
        if ('closeAllConnections' in server) server.closeAllConnections();
        await serverClosed;
        await database.close();
        logger.info('stopped');
      })();
      return closing;
    },
  };
  // A stop during the seed starts draining at once (new requests get 503); the seed itself is awaited.
  const stopDuringStartup = () => void running.close().catch(() => undefined);
  signal?.addEventListener('abort', stopDuringStartup, { once: true });
  const demo = await seeding.catch(async (error: unknown) => {
    if (signal?.aborted) return undefined;
    await running.close().catch(() => undefined);
    throw error;
  });
  signal?.removeEventListener('abort', stopDuringStartup);
  if (signal?.aborted) {
    await running.close();
    signal.throwIfAborted();
  }
  if (demo && options.announce !== false) {
    printBanner({ base, config, demo, database: database.kind, usesLlm: services.models.usesLlm });
  }

  return running;
}

/** Resolves true when `work` settles within `ms`, false otherwise (the work goes on). */
function withTimeout(work: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = work.then(
    () => true,
    () => true,
  );
  return Promise.race([settled, delay(ms, false, { ref: false })]);
}
