export {
  type CacheKeyParts,
  type CacheStats,
  cacheKey,
  createLlmCache,
  type LlmCache,
  type LlmCacheOptions,
} from './llm-cache.ts';
