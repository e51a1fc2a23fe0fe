import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { memoryRateLimiter, memoryStore, SessionError } from '../../src/index.js';
import { cachedStore, redisStore, type RedisClient } from '../../src/stores/redis/index.js';
import { cacheStatements, sqliteStore } from '../../src/stores/sqlite/index.js';
import { testStore, type StoreCapability, type TestApi } from '../../src/testing/index.js';
import { harness } from '../helpers/engine.js';

/** A client that is never called: the options are refused before any command. */
const idle: RedisClient = { call: () => Promise.reject(new Error('not called')) };
const noop: TestApi = { describe: () => {}, it: () => {}, expect: () => ({ toBe() {}, toEqual() {} }) };

async function thrown(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a configuration error');
}

// One error type for every configuration mistake: SessionError('INVALID_CONFIG'), naming the option.
describe('every configuration error is SessionError INVALID_CONFIG naming the option', () => {
  it.each<[string, () => unknown, string]>([
    ['memoryRateLimiter limit', () => memoryRateLimiter({ limit: 1.5 }), 'limit'],
    ['memoryRateLimiter window', () => memoryRateLimiter({ limit: 1, window: '1w' as never }), 'window'],
    ['purgeExpired batchSize', () => harness().sessions.purgeExpired({ batchSize: 0 }), 'batchSize'],
    ['sqliteStore busyTimeoutMs', () => sqliteStore(':memory:', { busyTimeoutMs: -1 }), 'busyTimeoutMs'],
    ['cacheStatements max', () => cacheStatements(new Database(':memory:'), { max: 0 }), 'max'],
    ['redisStore prefix', () => redisStore({ client: idle, prefix: '' }), 'prefix'],
    ['redisStore client keyPrefix', () => redisStore({ client: { ...idle, options: { keyPrefix: 'app:' } } as RedisClient }), 'keyPrefix'],
    ['cachedStore ttlSeconds', () => cachedStore({ cache: idle, store: memoryStore(), ttlSeconds: 0 }), 'ttlSeconds'],
    ['testStore capabilities', () => testStore(noop, 'x', () => memoryStore(), { capabilities: ['list' as StoreCapability] }), 'capability'],
  ])('%s', async (_name, run, option) => {
    const error = await thrown(run);
    expect(error).toBeInstanceOf(SessionError);
    expect(error).toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringContaining(option) });
  });
});
