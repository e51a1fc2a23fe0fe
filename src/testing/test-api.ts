import type { Store } from '../index.js';

/**
 * The assertions the suite uses, typed by shape so vitest's and jest's `expect` fit as
 * they are. Under `node:test`, wrap `node:assert`:
 * `(actual) => ({ toBe: (e) => assert.strictEqual(actual, e), toEqual: (e) => assert.deepStrictEqual(actual, e) })`.
 */
export type ExpectLike = (actual: unknown) => {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
};

/** The test functions of your runner, passed in so tessera depends on none of them. */
export interface TestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>): void;
  expect: ExpectLike;
}

/** A store to test, with an optional cleanup run after each test (drop a table, close a file). */
export interface StoreFixture {
  readonly store: Store;
  cleanup?(): void | Promise<void>;
}

/** Called once per test; must resolve a fresh, empty store. */
export type StoreFactory = () => Store | StoreFixture | Promise<Store | StoreFixture>;

/**
 * The groups of the contract beyond get/create/delete, which every store must pass.
 * A backend that cannot do some of them (the sealed-cookie mode cannot list or
 * compare-and-swap) declares what it can and runs that subset.
 */
export const STORE_CAPABILITIES = ['compare-and-swap', 'touch', 'list-by-user', 'delete-by-user', 'delete-expired'] as const;

/** One group of {@link STORE_CAPABILITIES}. */
export type StoreCapability = (typeof STORE_CAPABILITIES)[number];

/** Options of `testStore()`. */
export interface TestStoreOptions {
  /** The groups this store supports. Default: all of {@link STORE_CAPABILITIES}. */
  readonly capabilities?: readonly StoreCapability[];
}
