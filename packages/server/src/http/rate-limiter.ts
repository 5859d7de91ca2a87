/** Outcome of taking a token from a bucket. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Options of `createRateLimiter()`. */
export interface RateLimiterOptions {
  /** Most requests allowed in a burst. */
  capacity: number;
  /** Tokens added back per second. */
  refillPerSecond: number;
  /** Buckets kept before idle ones are dropped. Default 100 000. */
  maxKeys?: number;
  now?: () => number;
}

/** An in-process token bucket per key (per replica by design: N replicas allow N times the rate). */
export function createRateLimiter(options: RateLimiterOptions) {
  const now = options.now ?? (() => performance.now());
  const maxKeys = options.maxKeys ?? 100_000;
  const buckets = new Map<string, { tokens: number; at: number }>();

  function prune(at: number): void {
    for (const [key, bucket] of buckets) {
      if (bucket.tokens + ((at - bucket.at) / 1000) * options.refillPerSecond >= options.capacity)
        buckets.delete(key);
    }
    if (buckets.size >= maxKeys) buckets.clear();
  }

  return {
    /** Takes one token for `key`. */
    take(key: string): RateDecision {
      const at = now();
      let bucket = buckets.get(key);
      if (!bucket) {
        if (buckets.size >= maxKeys) prune(at);
        bucket = { tokens: options.capacity, at };
        buckets.set(key, bucket);
      } else {
        bucket.tokens = Math.min(
          options.capacity,
          bucket.tokens + ((at - bucket.at) / 1000) * options.refillPerSecond,
        );
        bucket.at = at;
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / options.refillPerSecond)),
      };
    },
    /** Number of buckets held. */
    get size(): number {
      return buckets.size;
    },
  };
}

/** A token-bucket limiter. */
export type RateLimiter = ReturnType<typeof createRateLimiter>;
