export { redisStore, DEFAULT_REDIS_PREFIX } from './redis-store.js';
export type { RedisStoreOptions } from './redis-store.js';
export { cachedStore, DEFAULT_CACHE_PREFIX } from './cached-store.js';
export type { CachedStoreOptions } from './cached-store.js';
export type { ObservableRedisClient, RedisClient } from './redis-client.js';
