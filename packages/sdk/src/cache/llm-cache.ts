import QuickLRU from 'quick-lru';
import { ExitBotError } from '../errors/exitbot-error.ts';

/** What makes an LLM result reusable: all of it goes into the key. */
export interface CacheKeyParts {
  tenantId: string;
  provider: string;
  model: string;
  /** Bump when the prompt template changes so old results are not reused. */
  promptVersion: string;
  messages: unknown;
  parameters?: unknown;
}

/** Options of `createLlmCache()`. */
export interface LlmCacheOptions {
  /** Most entries kept. Default 1000. */
  maxSize?: number;
  /** Time to live in milliseconds. Default 1 hour. */
  maxAgeMs?: number;
}

/** Hit/miss counters of a cache. */
export interface CacheStats {
  hits: number;
  misses: number;
  size: number;
}

/** An in-process LRU cache for LLM results, with a time to live and counters. */
export interface LlmCache {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  /** Returns the cached value for `key`, or computes, stores and returns it. Concurrent callers share one computation. */
  getOrCompute<T>(key: string, compute: () => Promise<T>): Promise<T>;
  /** Drops every entry (and in-flight computation) whose key starts with the tenant's prefix. */
  deleteTenant(tenantId: string): void;
  clear(): void;
  stats(): CacheStats;
}

const textEncoder = new TextEncoder();

function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  // Dates and other values with toJSON would otherwise all collapse to '{}' and share a key.
  const { toJSON } = value as { toJSON?: unknown };
  if (typeof toJSON === 'function') return stableStringify(toJSON.call(value));
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, entry]) => entry !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${stableStringify(entry)}`).join(',')}}`;
}

/**
 * A context-aware cache key: `<tenantId>:<sha256 hex>` over provider, model, prompt version,
 * messages and parameters (object keys sorted, so equal inputs give equal keys).
 */
export async function cacheKey(parts: CacheKeyParts): Promise<string> {
  const { tenantId, ...rest } = parts;
  const digest = await crypto.subtle.digest('SHA-256', textEncoder.encode(stableStringify(rest)));
  const hex = Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${encodeURIComponent(tenantId)}:${hex}`;
}

/**
 * Creates an LLM result cache on quick-lru with `maxAge`.
 *
 * @example
 * const cache = createLlmCache({ maxSize: 500, maxAgeMs: 10 * 60_000 });
 * const key = await cacheKey({ tenantId, provider: 'openai', model, promptVersion: 'report-v1', messages });
 * const report = await cache.getOrCompute(key, () => callModel());
 */
export function createLlmCache(options: LlmCacheOptions = {}): LlmCache {
  const maxSize = options.maxSize ?? 1000;
  const maxAgeMs = options.maxAgeMs ?? 60 * 60_000;
  if (!Number.isInteger(maxSize) || maxSize < 1) {
    throw new ExitBotError({
      code: 'invalid-argument',
      message: `maxSize must be a positive integer, got ${maxSize}`,
    });
  }
  if (!(maxAgeMs > 0)) {
    throw new ExitBotError({
      code: 'invalid-argument',
      message: `maxAgeMs must be positive, got ${maxAgeMs}`,
    });
  }
  const lru = new QuickLRU<string, unknown>({ maxSize, maxAge: maxAgeMs });
  // In-flight computations by key. deleteTenant() and clear() drop them, so a computation that finishes
  // after an erasure does not put the erased tenant's data back.
  const pending = new Map<string, Promise<unknown>>();
  let hits = 0;
  let misses = 0;

  const cache: LlmCache = {
    get<T>(key: string) {
      // has() rather than a check for undefined, so a stored undefined is a hit, not a perpetual miss.
      if (!lru.has(key)) {
        misses += 1;
        return undefined;
      }
      hits += 1;
      return lru.get(key) as T | undefined;
    },
    set(key, value) {
      lru.set(key, value);
    },
    async getOrCompute<T>(key: string, compute: () => Promise<T>) {
      if (lru.has(key)) return cache.get<T>(key) as T;
      misses += 1;
      const inFlight = pending.get(key);
      if (inFlight) return inFlight as Promise<T>;
      const promise: Promise<T> = Promise.resolve()
        .then(compute)
        .then(
          (value) => {
            if (pending.get(key) === promise) {
              pending.delete(key);
              lru.set(key, value);
            }
            return value;
          },
          (error: unknown) => {
            if (pending.get(key) === promise) pending.delete(key);
            throw error;
          },
        );
      pending.set(key, promise);
      return promise;
    },
    deleteTenant(tenantId) {
      const prefix = `${encodeURIComponent(tenantId)}:`;
      for (const key of [...lru.keys()]) if (key.startsWith(prefix)) lru.delete(key);
      for (const key of [...pending.keys()]) if (key.startsWith(prefix)) pending.delete(key);
    },
    clear() {
      lru.clear();
      pending.clear();
      hits = 0;
      misses = 0;
    },
    stats() {
      // quick-lru's own size still counts expired entries until they are touched; iterating drops them.
      let size = 0;
      for (const _key of lru.keys()) size += 1;
      return { hits, misses, size };
    },
  };
  return cache;
}
