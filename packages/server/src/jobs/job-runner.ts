import type { DatabaseHandle } from '../db/connect.ts';
import type { OutboxRow } from '../db/database.ts';
import { withWorker } from '../db/scope.ts';
import type { Logger } from '../logger.ts';
import { claimJobs, completeJob, failJob } from './outbox.repository.ts';

/** Runs one job; throwing schedules a retry with backoff. */
export type JobHandler = (job: OutboxRow) => Promise<void>;

/** Options of `createJobRunner()`. */
export interface JobRunnerOptions {
  database: DatabaseHandle;
  logger: Logger;
  handlers: Record<string, JobHandler>;
  /** Poll interval when idle. Default 1000 ms. */
  pollMs?: number;
  /** Jobs claimed per poll. Default 5. */
  batchSize?: number;
  /** How long a claimed job is hidden from other runners. Default 5 minutes. */
  leaseMs?: number;
}

/** Delay before retry `attempt` (1-based): exponential from 2 s, capped at 10 minutes, with jitter. */
export function retryDelayMs(attempt: number): number {
  const base = Math.min(600_000, 2_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/** The in-process outbox runner: polls, claims with FOR UPDATE SKIP LOCKED, retries with backoff. */
export type JobRunner = ReturnType<typeof createJobRunner>;

/** Creates the job runner (not started). */
export function createJobRunner(options: JobRunnerOptions) {
  const { database, logger, handlers } = options;
  const pollMs = options.pollMs ?? 1000;
  const batchSize = options.batchSize ?? 5;
  const leaseMs = options.leaseMs ?? 300_000;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stopped = true;
  /** Set by stop(): `runOnce()` claims no further batch. */
  let stopping = false;
  let current: Promise<number> | undefined;
  let kickRequested = false;

  async function runJob(job: OutboxRow): Promise<void> {
    const handler = handlers[job.topic];
    try {
      if (!handler) throw new Error(`No handler for topic ${job.topic}`);
      await handler(job);
      await withWorker(database, (db) => completeJob(db, job.id));
      logger.info('job done', {
        jobId: job.id,
        topic: job.topic,
        tenantId: job.tenant_id,
        attempts: job.attempts,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const outcome = await withWorker(database, (db) =>
        failJob(db, job, message, new Date(Date.now() + retryDelayMs(job.attempts))),
      );
      logger.warn('job failed', {
        jobId: job.id,
        topic: job.topic,
        tenantId: job.tenant_id,
        attempts: job.attempts,
        outcome,
        error,
      });
    }
  }

  /**
   * Claims and runs every due job once; resolves with how many ran. Once `stop()` was called it claims no
   * further batch (the jobs left are due for the next process, or this one after a restart).
   */
  async function runOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      if (stopping) return total;
      const jobs = await withWorker(database, (db) => claimJobs(db, batchSize, leaseMs));
      if (jobs.length === 0) return total;
      // Every job of the batch ends before the next claim or a stop returns, even when one of them failed.
      const outcomes = await Promise.allSettled(jobs.map(runJob));
      total += jobs.length;
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  function schedule(delay: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, delay);
    timer.unref();
  }

  async function tick(): Promise<void> {
    if (stopped || running) return;
    running = true;
    kickRequested = false;
    current = runOnce().catch((error) => {
      logger.error('job poll failed', { error });
      return 0;
    });
    await current;
    running = false;
    current = undefined;
    schedule(kickRequested ? 0 : pollMs);
  }

  return {
    runOnce,
    /** Starts polling. */
    start(): void {
      if (!stopped) return;
      stopped = false;
      stopping = false;
      schedule(0);
    },
    /** Runs a poll soon (a job was just queued in this process). */
    kick(): void {
      if (stopped) return;
      if (running) kickRequested = true;
      else schedule(0);
    },
    /** Stops polling and claiming, and waits for the jobs in hand (not for the rest of the backlog). */
    async stop(): Promise<void> {
      stopped = true;
      stopping = true;
      clearTimeout(timer);
      await current;
    },
  };
}
