// `exitbot serve` with EXITBOT_WORKERS > 1: a primary process that does the one-time work (migrations,
// generated secrets, the demo seed), then forks worker processes that serve exactly as a single process does
// (node:cluster: the primary accepts the connections and hands them to the workers round-robin). One Node
// process uses one core; the workers are replicas on one machine, with Postgres holding every interview's state.
import cluster, { type Worker } from 'node:cluster';
import { printBanner, publicBase } from './banner.ts';
import type { DemoSeed } from './demo.ts';
import type { Config } from './env.ts';
import type { Logger } from './logger.ts';

/** The argument that tells `exitbot serve` it runs as one of our workers (not under another cluster manager). */
export const clusterWorkerFlag = '--cluster-worker';

/** Longest wait before a worker that died is replaced (the wait doubles while workers keep dying). */
const maxRestartDelayMs = 30_000;

/** The workers not yet exited (an exiting worker may still be listed while its 'exit' event runs). */
function liveWorkers(): Worker[] {
  return Object.values(cluster.workers ?? {}).filter(
    (worker): worker is Worker => worker !== undefined && !worker.isDead(),
  );
}

/**
 * Runs the primary of `config.workers` worker processes until a signal stops it, then exits the process: 0
 * when every worker stopped cleanly, 1 otherwise. Workers that cannot start at first (port taken, database
 * refused) stop it with 1; once it served, a worker that dies is replaced (with a growing wait while the
 * replacements keep dying), as an orchestrator replaces a replica.
 */
export async function servePrimary(config: Config, logger: Logger): Promise<void> {
  let stopping = false;
  let forked = false;
  let announced = false;
  let firstSignalAt = 0;
  let exitCode = 0;
  /** Workers that got as far as listening. */
  const listening = new Set<number>();
  /** When workers exited within the last minute (after the start): each further one waits longer to be replaced. */
  const recentExits: number[] = [];
  let restartTimer: ReturnType<typeof setTimeout> | undefined;

  const finish = () => {
    logger.info('stopped', { exitCode });
    process.exit(exitCode);
  };
  const stopWorkers = () => {
    clearTimeout(restartTimer);
    const workers = liveWorkers();
    if (workers.length === 0) finish();
    for (const worker of workers) worker.process.kill('SIGTERM');
    // Workers bound their own drain by the shutdown timeout; this is the backstop for a stuck one.
    setTimeout(() => {
      logger.error('workers did not stop in time: killing them');
      exitCode = 1;
      for (const worker of liveWorkers()) worker.process.kill('SIGKILL');
    }, config.shutdownTimeoutMs + 15_000).unref();
  };
  const stop = (signal: string, code = 0) => {
    if (code !== 0) exitCode = code;
    if (stopping) {
      // As in a single process: a second signal a while after the first does not wait; one within a second
      // is the same Ctrl-C twice. Before the workers exist (migrations, the seed) it exits at once; after,
      // the workers see it as their second signal and exit 1 at once.
      if ((signal === 'SIGINT' || signal === 'SIGTERM') && performance.now() - firstSignalAt > 1_000) {
        logger.warn('second signal: exiting without waiting', { signal });
        exitCode = 1;
        if (!forked) process.exit(1);
        for (const worker of liveWorkers()) worker.process.kill('SIGTERM');
      }
      return;
    }
    stopping = true;
    firstSignalAt = performance.now();
    logger.info('signal received', { signal, workers: liveWorkers().length });
    if (forked) stopWorkers();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('uncaughtException', (error) => {
    logger.error('uncaught exception in the primary: stopping the workers', { error });
    setTimeout(() => process.exit(1), config.shutdownTimeoutMs + 20_000).unref();
    if (!forked) process.exit(1);
    stop('uncaughtException', 1);
  });

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
    process.exit(exitCode);
  }

  // Our workers run `exitbot serve --cluster-worker` (another cluster manager's workers are plain servers).
  cluster.setupPrimary({ args: [...process.argv.slice(2), clusterWorkerFlag] });
  const fork = () => {
    const worker = cluster.fork();
    // A failed spawn (a pids limit, EAGAIN) ends in 'exit' too; logged here, not thrown.
    worker.on('error', (error) => logger.error('worker process error', { worker: worker.id, error }));
  };
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
      // A worker still starting when the stop came ends by the signal itself: that is a clean stop too.
      const stoppedWhileStarting = !served && (signal === 'SIGTERM' || signal === 'SIGINT');
      if (code !== 0 && !stoppedWhileStarting) {
        exitCode = 1;
        logger.error('worker did not stop cleanly', { worker: worker.id, code, signal });
      }
      if (liveWorkers().length === 0) finish();
      return;
    }
    if (!announced) {
      // A worker that cannot start at first fails the same way again (port taken, bad database): stop.
      logger.error('a worker failed to start: stopping', { worker: worker.id, code, signal });
      stop('worker failed', 1);
      return;
    }
    const now = performance.now();
    recentExits.push(now);
    while ((recentExits[0] ?? now) < now - 60_000) recentExits.shift();
    // The first at once; then 1 s, 2 s, 4 s ... up to 30 s while they keep dying (a database that is down, a
    // crash on every request): the server stays up for what can still be served, and the logs say why.
    const delayMs =
      recentExits.length <= 1 ? 0 : Math.min(maxRestartDelayMs, 1_000 * 2 ** (recentExits.length - 2));
    logger.error('worker exited: starting a new one', { worker: worker.id, code, signal, inMs: delayMs });
    restartTimer = setTimeout(() => {
      if (!stopping) fork();
    }, delayMs);
  });
  forked = true;
  for (let index = 0; index < config.workers; index += 1) fork();
}
