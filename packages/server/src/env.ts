import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Thrown when an environment variable has a bad value; the message names the variable. */
export class ConfigError extends Error {
  readonly variable: string;

  constructor(options: { variable: string; message: string }) {
    super(`Invalid configuration: ${options.variable}: ${options.message}`);
    this.name = 'ConfigError';
    this.variable = options.variable;
  }
}

const booleanSchema = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

const masterKeySchema = z
  .string()
  .refine(
    (value) => /^[A-Za-z0-9+/_-]{43}=?$/.test(value.trim()),
    'must be 32 random bytes in base64 (openssl rand -base64 32)',
  );

const urlSchema = z
  .url()
  .refine((value) => /^https?:\/\//.test(value), 'must start with http:// or https://')
  .transform((value) => value.replace(/\/+$/, ''));

/** The schema of every environment variable the server reads (names as in the environment). */
export const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// or postgresql:// URL')
    .optional(),
  EXITBOT_DATA_DIR: z.string().min(1).default('.exitbot-data'),
  EXITBOT_DB_POOL_SIZE: positiveInt(500).default(10),
  EXITBOT_WORKERS: z
    .string()
    .refine(
      (value) => value === 'auto' || (/^\d{1,3}$/.test(value) && Number(value) >= 1 && Number(value) <= 256),
      'must be a whole number from 1 to 256, or auto',
    )
    .default('1'),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: urlSchema.optional(),
  EXITBOT_MODEL: z.string().min(1).default('gpt-4o-mini'),
  EXITBOT_MODEL_TIMEOUT_MS: positiveInt(600_000).default(20_000),
  EXITBOT_MODEL_REPORT_TIMEOUT_MS: positiveInt(600_000).default(60_000),
  EXITBOT_MODEL_MAX_ATTEMPTS: positiveInt(10).default(3),
  EXITBOT_MODEL_BREAKER_THRESHOLD: positiveInt(1000).default(5),
  EXITBOT_MODEL_BREAKER_RESET_MS: positiveInt(3_600_000).default(30_000),
  EXITBOT_MODEL_CONCURRENCY: positiveInt(100_000).default(512),
  EXITBOT_MODEL_QUEUE: positiveInt(1_000_000).default(2048),
  EXITBOT_MODEL_TRANSPORT: z.enum(['undici', 'fetch']).optional(),
  /** Node's own switch for HTTP proxies from HTTP(S)_PROXY (its fetch follows them; undici's request() does not). */
  NODE_USE_ENV_PROXY: z.string().optional(),
  EXITBOT_PUBLIC_URL: urlSchema.optional(),
  EXITBOT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  EXITBOT_DEMO: booleanSchema.default(true),
  EXITBOT_RATE_LIMIT_INTERVIEW_PER_MINUTE: positiveInt(100_000).default(30),
  EXITBOT_RATE_LIMIT_TENANT_PER_SECOND: positiveInt(1_000_000).default(50),
  EXITBOT_INTERVIEW_TTL_DAYS: positiveInt(365).default(30),
  EXITBOT_ADMIN_TOKEN_TTL_HOURS: positiveInt(24 * 30).default(12),
  EXITBOT_JOB_POLL_MS: positiveInt(60_000).default(1000),
  EXITBOT_JOB_LEASE_MS: positiveInt(3_600_000).default(300_000),
  EXITBOT_SHUTDOWN_TIMEOUT_MS: positiveInt(600_000).default(10_000),
  EXITBOT_TURN_LEASE_MS: positiveInt(3_600_000).default(30_000),
  EXITBOT_WIDGET_DIR: z.string().min(1).optional(),
  EXITBOT_SSE_FLUSH_MS: z.coerce.number().int().min(0).max(1000).default(30),
  EXITBOT_MASTER_KEY: masterKeySchema.optional(),
  EXITBOT_MASTER_KEY_PREVIOUS: masterKeySchema.optional(),
  EXITBOT_WEBHOOK_ALLOW_PRIVATE: booleanSchema.default(false),
});

/** Log levels, least to most severe. */
export type LogLevel = z.infer<typeof environmentSchema>['LOG_LEVEL'];

/** The validated server configuration (parsed once at start). */
export interface Config {
  port: number;
  host: string;
  /** Postgres URL; undefined means the embedded PGlite database in `dataDir`. */
  databaseUrl: string | undefined;
  /** Absolute path of the data folder (PGlite files, generated secret). */
  dataDir: string;
  poolSize: number;
  /** Server processes serving one port (`serve` only); more than one needs Postgres. */
  workers: number;
  openai:
    | {
        apiKey: string;
        baseURL: string | undefined;
        model: string;
        /**
         * How requests reach the provider: `undici` (undici's `request()` under the openai client, the
         * cheaper way to read a stream) or `fetch` (Node's own fetch, which follows NODE_USE_ENV_PROXY).
         */
        transport: 'undici' | 'fetch';
        /** How model calls fail fast: per-attempt timeouts, attempts, circuit breaker (see `withResilience`). */
        resilience: {
          /** Longest wait for the first and for each next piece of a streamed question. */
          streamTimeoutMs: number;
          /** Time limit of one structured-output (report) attempt. */
          timeoutMs: number;
          maxAttempts: number;
          /** Consecutive failed calls that open the breaker. */
          breakerThreshold: number;
          /** How long an open breaker waits before one trial call. */
          halfOpenAfterMs: number;
          /** Model calls running at once per process (the bulkhead); more wait in a queue of `bulkheadQueue`. */
          bulkheadLimit: number;
          bulkheadQueue: number;
        };
      }
    | undefined;
  /** The model name used when an OpenAI-compatible key is configured. */
  model: string;
  /** Public base URL without a trailing slash. */
  publicUrl: string;
  /** Master key material; undefined means a secret generated in the data folder. */
  secret: string | undefined;
  logLevel: LogLevel;
  demo: boolean;
  rateLimits: { interviewPerMinute: number; tenantPerSecond: number };
  interviewTtlDays: number;
  adminTokenTtlHours: number;
  jobPollMs: number;
  /** How long a claimed job is hidden from other runners; a job whose runner died is retried after it. */
  jobLeaseMs: number;
  shutdownTimeoutMs: number;
  /**
   * How long a turn holds its interview before another request (or replica) may take it over. After a
   * crash, a re-sent answer waits at most this long for its reply; keep it above the slowest model turn.
   */
  turnLeaseMs: number;
  /** Folder with the widget build (`manifest.json` and hashed bundles). */
  widgetDir: string;
  /** Streamed question text is written at most this often (ms) after the first piece. */
  sseFlushMs: number;
  /** Base64 master key wrapping the tenants' data keys; undefined means one generated in the data folder. */
  masterKey: string | undefined;
  /** The master key being rotated away from (accepted for unwrapping only). */
  previousMasterKey: string | undefined;
  /** Deliver webhooks to private, loopback and link-local addresses (off in production). */
  webhookAllowPrivate: boolean;
}

/** Parses and validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(
  environment: Record<string, string | undefined> = process.env,
  options: { cwd?: string; widgetDir?: string } = {},
): Config {
  const cleaned = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = environmentSchema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError({
      variable: String(issue?.path[0] ?? 'environment'),
      message: issue?.message ?? 'invalid value',
    });
  }
  const env = result.data;
  const workers = env.EXITBOT_WORKERS === 'auto' ? availableParallelism() : Number(env.EXITBOT_WORKERS);
  if ((env.EXITBOT_WORKERS === 'auto' || workers > 1) && !env.DATABASE_URL) {
    throw new ConfigError({
      variable: 'EXITBOT_WORKERS',
      message:
        'more than one worker needs DATABASE_URL (the embedded PGlite database belongs to one process)',
    });
  }
  const cwd = options.cwd ?? process.cwd();
  const host = env.HOST;
  const displayHost = host === '0.0.0.0' || host === '::' || host === '127.0.0.1' ? 'localhost' : host;
  return {
    port: env.PORT,
    host,
    databaseUrl: env.DATABASE_URL,
    dataDir: resolve(cwd, env.EXITBOT_DATA_DIR),
    poolSize: env.EXITBOT_DB_POOL_SIZE,
    workers,
    openai: env.OPENAI_API_KEY
      ? {
          apiKey: env.OPENAI_API_KEY,
          baseURL: env.OPENAI_BASE_URL,
          model: env.EXITBOT_MODEL,
          // A proxy that Node's fetch would follow keeps being followed: the default is then fetch.
          transport:
            env.EXITBOT_MODEL_TRANSPORT ??
            (env.NODE_USE_ENV_PROXY && env.NODE_USE_ENV_PROXY !== '0' ? 'fetch' : 'undici'),
          resilience: {
            streamTimeoutMs: env.EXITBOT_MODEL_TIMEOUT_MS,
            timeoutMs: env.EXITBOT_MODEL_REPORT_TIMEOUT_MS,
            maxAttempts: env.EXITBOT_MODEL_MAX_ATTEMPTS,
            breakerThreshold: env.EXITBOT_MODEL_BREAKER_THRESHOLD,
            halfOpenAfterMs: env.EXITBOT_MODEL_BREAKER_RESET_MS,
            bulkheadLimit: env.EXITBOT_MODEL_CONCURRENCY,
            bulkheadQueue: env.EXITBOT_MODEL_QUEUE,
          },
        }
      : undefined,
    model: env.EXITBOT_MODEL,
    publicUrl: env.EXITBOT_PUBLIC_URL ?? `http://${displayHost}:${env.PORT}`,
    secret: env.EXITBOT_SECRET,
    logLevel: env.LOG_LEVEL,
    demo: env.EXITBOT_DEMO,
    rateLimits: {
      interviewPerMinute: env.EXITBOT_RATE_LIMIT_INTERVIEW_PER_MINUTE,
      tenantPerSecond: env.EXITBOT_RATE_LIMIT_TENANT_PER_SECOND,
    },
    interviewTtlDays: env.EXITBOT_INTERVIEW_TTL_DAYS,
    adminTokenTtlHours: env.EXITBOT_ADMIN_TOKEN_TTL_HOURS,
    jobPollMs: env.EXITBOT_JOB_POLL_MS,
    jobLeaseMs: env.EXITBOT_JOB_LEASE_MS,
    shutdownTimeoutMs: env.EXITBOT_SHUTDOWN_TIMEOUT_MS,
    turnLeaseMs: env.EXITBOT_TURN_LEASE_MS,
    sseFlushMs: env.EXITBOT_SSE_FLUSH_MS,
    masterKey: env.EXITBOT_MASTER_KEY,
    previousMasterKey: env.EXITBOT_MASTER_KEY_PREVIOUS,
    webhookAllowPrivate: env.EXITBOT_WEBHOOK_ALLOW_PRIVATE,
    widgetDir: env.EXITBOT_WIDGET_DIR
      ? resolve(cwd, env.EXITBOT_WIDGET_DIR)
      : (options.widgetDir ?? fileURLToPath(new URL('../../widget/dist', import.meta.url))),
  };
}
