import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExitBotError } from '../errors/exitbot-error.ts';
import { cacheKey, createLlmCache } from './llm-cache.ts';

const parts = {
  tenantId: 'acme',
  provider: 'openai',
  model: 'gpt-test',
  promptVersion: 'report-v1',
  messages: [{ role: 'user', content: 'I left for a better offer.' }],
  parameters: { temperature: 0 },
};

afterEach(() => {
  vi.useRealTimers();
});

describe('cacheKey', () => {
  it('should be stable for equal inputs whatever the order of object keys', async () => {
    const reordered = {
      parameters: { temperature: 0 },
      messages: [{ content: 'I left for a better offer.', role: 'user' }],
      promptVersion: 'report-v1',
      model: 'gpt-test',
      provider: 'openai',
      tenantId: 'acme',
    };

    expect(await cacheKey(parts)).toBe(await cacheKey(reordered));
    expect(await cacheKey(parts)).toMatch(/^acme:[0-9a-f]{64}$/);
  });

  it('should differ by tenant, provider, model, prompt version, messages and parameters', async () => {
    const variants = [
      parts,
      { ...parts, tenantId: 'globex' },
      { ...parts, provider: 'azure' },
      { ...parts, model: 'gpt-other' },
      { ...parts, promptVersion: 'report-v2' },
      { ...parts, messages: [{ role: 'user', content: 'I left for a worse offer.' }] },
      { ...parts, parameters: { temperature: 0.2 } },
    ];

    const keys = await Promise.all(variants.map((variant) => cacheKey(variant)));

    expect(new Set(keys).size).toBe(variants.length);
  });

  it('should not let a tenant id containing the separator collide with another tenant', async () => {
    const tricky = await cacheKey({ ...parts, tenantId: 'a:b' });
    expect(tricky.startsWith('a%3Ab:')).toBe(true);
    expect(tricky.startsWith('a:')).toBe(false);
  });

  it('should tell dates apart instead of collapsing them to {}', async () => {
    const january = await cacheKey({ ...parts, parameters: { since: new Date('2026-01-01T00:00:00Z') } });
    const february = await cacheKey({ ...parts, parameters: { since: new Date('2026-02-01T00:00:00Z') } });
    expect(january).not.toBe(february);
  });
});

describe('createLlmCache', () => {
  it('should count a miss, then a hit, and report its size', async () => {
    const cache = createLlmCache();
    const key = await cacheKey(parts);

    expect(cache.get(key)).toBeUndefined();
    cache.set(key, { summary: 'pay' });

    expect(cache.get(key)).toEqual({ summary: 'pay' });
    expect(cache.stats()).toEqual({ hits: 1, misses: 1, size: 1 });
  });

  it('should compute on a miss and answer from the cache afterwards without computing again', async () => {
    const cache = createLlmCache();
    const compute = vi.fn(async () => ({ summary: 'manager' }));

    const first = await cache.getOrCompute('k', compute);
    const second = await cache.getOrCompute('k', compute);

    expect(first).toEqual({ summary: 'manager' });
    expect(second).toBe(first);
    expect(compute).toHaveBeenCalledTimes(1);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
  });

  it('should expire entries after maxAgeMs', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-01T10:00:00Z') });
    const cache = createLlmCache({ maxAgeMs: 60_000 });
    const compute = vi.fn(async () => 'report');
    await cache.getOrCompute('k', compute);

    vi.advanceTimersByTime(59_000);
    expect(cache.get('k')).toBe('report');
    vi.advanceTimersByTime(2_000);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.stats().size).toBe(0);

    await cache.getOrCompute('k', compute);
    expect(compute).toHaveBeenCalledTimes(2);
  });

  it('should keep tenants apart and delete one tenant without touching another', async () => {
    const cache = createLlmCache();
    const acme = await cacheKey(parts);
    const globex = await cacheKey({ ...parts, tenantId: 'globex' });
    cache.set(acme, 'acme report');
    cache.set(globex, 'globex report');

    expect(cache.get(acme)).toBe('acme report');
    expect(cache.get(globex)).toBe('globex report');

    cache.deleteTenant('acme');

    expect(cache.get(acme)).toBeUndefined();
    expect(cache.get(globex)).toBe('globex report');
  });

  it('should share one computation between concurrent callers', async () => {
    const cache = createLlmCache();
    let release!: (value: string) => void;
    const compute = vi.fn(
      () =>
        new Promise<string>((resolve) => {
          release = resolve;
        }),
    );

    const callers = Promise.all([
      cache.getOrCompute('k', compute),
      cache.getOrCompute('k', compute),
      cache.getOrCompute('k', compute),
    ]);
    await vi.waitFor(() => expect(compute).toHaveBeenCalled());
    release('once');

    expect(await callers).toEqual(['once', 'once', 'once']);
    expect(compute).toHaveBeenCalledTimes(1);
  });

  it('should not cache a failed computation, and retry it on the next call', async () => {
    const cache = createLlmCache();
    const compute = vi.fn().mockRejectedValueOnce(new Error('model down')).mockResolvedValueOnce('ok');

    await expect(cache.getOrCompute('k', compute)).rejects.toThrow('model down');
    expect(await cache.getOrCompute('k', compute)).toBe('ok');
    expect(compute).toHaveBeenCalledTimes(2);
  });

  it('should turn a synchronous throw in compute into a rejection', async () => {
    const cache = createLlmCache();
    const compute = (): Promise<string> => {
      throw new Error('sync');
    };

    await expect(cache.getOrCompute('k', compute)).rejects.toThrow('sync');
  });

  it('should not store the result of a computation that finishes after its tenant was deleted', async () => {
    const cache = createLlmCache();
    const key = await cacheKey(parts);
    let release!: (value: string) => void;
    const pending = cache.getOrCompute(
      key,
      () =>
        new Promise<string>((resolve) => {
          release = resolve;
        }),
    );
    await vi.waitFor(() => expect(release).toBeTypeOf('function'));

    cache.deleteTenant('acme');
    release('erased data');

    expect(await pending).toBe('erased data');
    expect(cache.get(key)).toBeUndefined();
    expect(cache.stats().size).toBe(0);
  });

  it('should cache an undefined result instead of recomputing it forever', async () => {
    const cache = createLlmCache();
    const compute = vi.fn(async () => undefined);

    await cache.getOrCompute('k', compute);
    await cache.getOrCompute('k', compute);

    expect(compute).toHaveBeenCalledTimes(1);
  });

  it('should evict the least recently used entry beyond maxSize', () => {
    const cache = createLlmCache({ maxSize: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    cache.set('d', 4);

    expect(cache.get('d')).toBe(4);
    expect(cache.get('c')).toBe(3);
    expect(cache.stats().size).toBeLessThanOrEqual(2);
  });

  it('should reset entries and counters on clear', () => {
    const cache = createLlmCache();
    cache.set('k', 1);
    cache.get('k');
    cache.clear();

    expect(cache.stats()).toEqual({ hits: 0, misses: 0, size: 0 });
  });

  it('should reject bad options where it is created', () => {
    for (const options of [{ maxSize: 0 }, { maxSize: 1.5 }, { maxAgeMs: 0 }, { maxAgeMs: Number.NaN }]) {
      let thrown: unknown;
      try {
        createLlmCache(options);
      } catch (error) {
        thrown = error;
      }
      expect(ExitBotError.isInstance(thrown) && thrown.code).toBe('invalid-argument');
    }
  });
});
