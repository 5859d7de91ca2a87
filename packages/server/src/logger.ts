import type { LogLevel } from './env.ts';

const severity: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Fields attached to a log line. Never put message text, tokens or keys here. */
export type LogFields = Record<string, unknown>;

/** A structured JSON logger: one line per entry on stdout (stderr for warn and error). */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
  readonly level: LogLevel;
}

/** Options of `createLogger()`. */
export interface LoggerOptions {
  /** Lowest level written. Default 'info'. */
  level?: LogLevel;
  /** Where lines go; defaults to process.stdout / process.stderr. */
  write?: (line: string, level: LogLevel) => void;
  /** Fields on every line. */
  fields?: LogFields;
}

function serializeError(error: unknown): unknown {
  if (error instanceof Error) {
    return {
      name: error.name,
      message: error.message,
      code: (error as { code?: unknown }).code,
      stack: error.stack,
    };
  }
  return error;
}

const defaultWrite = (line: string, level: LogLevel) => {
  if (level === 'warn' || level === 'error') process.stderr.write(line);
  else process.stdout.write(line);
};

/** Creates a JSON-lines logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const threshold = severity[level];
  const write = options.write ?? defaultWrite;
  const base = options.fields ?? {};
  const log = (entryLevel: LogLevel, message: string, fields?: LogFields) => {
    if (severity[entryLevel] < threshold) return;
    const entry: LogFields = { time: new Date().toISOString(), level: entryLevel, msg: message, ...base };
    if (fields) {
      for (const [key, value] of Object.entries(fields)) {
        entry[key] = key === 'error' || key === 'err' ? serializeError(value) : value;
      }
    }
    write(`${JSON.stringify(entry)}\n`, entryLevel);
  };
  return {
    level,
    debug: (message, fields) => log('debug', message, fields),
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
    child: (fields) => createLogger({ level, write, fields: { ...base, ...fields } }),
  };
}
