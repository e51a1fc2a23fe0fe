import { SessionError } from '../index.js';
import { expiryCases } from './expiry-cases.js';
import { recordCases } from './record-cases.js';
import { STORE_CAPABILITIES, type StoreCapability, type StoreFactory, type TestApi, type TestStoreOptions } from './test-api.js';
import { touchCases } from './touch-cases.js';
import { updateCases } from './update-cases.js';
import { deleteByUserCases, listCases } from './user-cases.js';

const GROUPS: Readonly<Record<StoreCapability, (api: TestApi, makeStore: StoreFactory) => void>> = {
  'compare-and-swap': updateCases,
  touch: touchCases,
  'list-by-user': listCases,
  'delete-by-user': deleteByUserCases,
  'delete-expired': expiryCases,
};

/**
 * The conformance suite of the {@link Store} contract: a store is done when it passes.
 * Takes your runner's `describe`, `it` and `expect`, so it runs under vitest, jest or
 * `node:test` without tessera depending on any of them. `makeStore` is called once per
 * test and must resolve a fresh, empty store (optionally with a cleanup).
 *
 * @example
 * ```ts
 * import { describe, expect, it } from 'vitest';
 * import { redisStore } from 'tessera/redis';
 * import { testStore } from 'tessera/testing';
 *
 * testStore({ describe, it, expect }, 'redisStore', async () => {
 *   await redis.flushdb();
 *   return redisStore({ client: redis });
 * });
 * ```
 */
export function testStore(api: TestApi, name: string, makeStore: StoreFactory, options: TestStoreOptions = {}): void {
  const capabilities = new Set<StoreCapability>(options.capabilities ?? STORE_CAPABILITIES);
  for (const capability of capabilities) {
    if (!STORE_CAPABILITIES.includes(capability)) throw new SessionError('INVALID_CONFIG', `testStore: unknown capability ${JSON.stringify(capability)}`);
  }
  api.describe(`Store contract: ${name}`, () => {
    api.describe('get, create, delete', () => recordCases(api, makeStore));
    for (const capability of STORE_CAPABILITIES) {
      const register = GROUPS[capability];
      if (capabilities.has(capability)) api.describe(capability, () => register(api, makeStore));
    }
  });
}
