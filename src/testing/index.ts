export { testStore } from './test-store.js';
export { STORE_CAPABILITIES } from './test-api.js';
export type { ExpectLike, StoreCapability, StoreFactory, StoreFixture, TestApi, TestStoreOptions } from './test-api.js';
