// `exitbot serve` with EXITBOT_WORKERS > 1: a primary process that does the one-time work (migrations,
// generated secrets, the demo seed), then forks worker processes that share the port (node:cluster hands
// out connections round-robin) and serve exactly as a single process does. One Node process uses one core;
// the workers are replicas on one machine, with Postgres holding every interview's state.
import cluster, { type Worker } from 'node:cluster';
import { printBanner, publicBase } from './banner.ts';
import type { DemoSeed } from './demo.ts';
import type { Config } from './env.ts';
import type { Logger } from './logger.ts';

/** A worker that served and then died is replaced; this many replacements within a minute stop the server. */
const maxRestartsPerMinute = 5;

/** The workers not yet exited (an exiting worker may still be listed while its 'exit' event runs). */
function liveWorkers(): Worker[] {
  return Object.values(cluster.workers ?? {}).filter(
    (worker): worker is Worker => worker !== undefined && !worker.isDead(),
  );
}

/**
 * Runs the primary of `config.workers` worker processes until a signal stops it; exits the process (0 when
 * every worker stopped cleanly, 1 otherwise). The workers run `exitbot serve` with `cluster.isWorker` set.
 */
export async function servePrimary(config: Config, logger: Logger): Promise<void> {
  let stopping = false;
  let firstSignalAt = 0;
  let exitCode = 0;
  const listening = new Set<number>();
  const restarts: number[] = [];

  const finish = () => {
    logger.info('stopped', { exitCode });
    process.exit(exitCode);
  };
  const stopWorkers = () => {
    const workers = liveWorkers();
    if (workers.length === 0) finish();
    for (const worker of workers) worker.process.kill('SIGTERM');
    // Workers bound their own drain by the shutdown timeout; this is the backstop for a stuck one.
    setTimeout(() => {
      logger.error('workers did not stop in time: killing them');
      for (const worker of liveWorkers()) worker.process.kill('SIGKILL');
      exitCode = 1;
    }, config.shutdownTimeoutMs + 15_000).unref();
  };
  const stop = (signal: string) => {
    if (stopping) {
      // As in a single process: a second signal a while after the first does not wait (the workers see it
      // as their second signal and exit 1 at once); one within a second is the same Ctrl-C twice.
      if (performance.now() - firstSignalAt > 1_000) {
        logger.warn('second signal: stopping the workers without waiting', { signal });
        exitCode = 1;
        for (const worker of liveWorkers()) worker.process.kill('SIGTERM');
      }
      return;
    }
    stopping = true;
    firstSignalAt = performance.now();
    logger.info('signal received', { signal, workers: liveWorkers().length });
    if (forked) stopWorkers();
  };
  let forked = false;
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  // The one-time work, before any worker starts: two workers must not both migrate, generate the secrets or
  // seed the demo.
  const [{ openRuntime }, { ensureDemo }] = await Promise.all([import('./runtime.ts'), import('./demo.ts')]);
  const { services, database } = await openRuntime({ config, logger });
  const usesLlm = services.models.usesLlm;
  let demo: DemoSeed | undefined;
  try {
    if (config.demo && !stopping) demo = await ensureDemo(services);
  } finally {
    await database.close();
  }
  if (stopping) {
    logger.info('stopped during startup');
    process.exit(0);
  }

  const fork = () => cluster.fork();
  let announced = false;
  cluster.on('listening', (worker, address) => {
    listening.add(worker.id);
    logger.info('worker listening', { worker: worker.id, pid: worker.process.pid });
    if (!announced && listening.size === config.workers) {
      announced = true;
      const base = publicBase(config, address.port);
      logger.info('listening', { url: base, database: 'postgres', workers: config.workers });
      if (demo) printBanner({ base, config, demo, database: 'postgres', usesLlm, workers: config.workers });
    }
  });
  cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
    const served = listening.delete(worker.id);
    if (stopping) {
      if (code !== 0) exitCode = 1;
      if (liveWorkers().length === 0) finish();
      return;
    }
    const now = performance.now();
    restarts.push(now);
    while (restarts.length > 0 && (restarts[0] ?? now) < now - 60_000) restarts.shift();
    // A worker that never got as far as listening fails the same way again (port taken, bad database): stop.
    if (!served || restarts.length > maxRestartsPerMinute) {
      logger.error(served ? 'workers keep exiting: stopping' : 'a worker failed to start: stopping', {
        worker: worker.id,
        code,
        signal,
      });
      exitCode = 1;
      stopping = true;
      firstSignalAt = now;
      stopWorkers();
      return;
    }
    logger.error('worker exited: starting a new one', { worker: worker.id, code, signal });
    fork();
  });
  forked = true;
  for (let index = 0; index < config.workers; index += 1) fork();
}
