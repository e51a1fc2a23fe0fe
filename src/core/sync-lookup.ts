import type { SessionRecord, Store } from './store.js';

/**
 * The key under which a store's own `get` function may carry a synchronous twin (an optional
 * fast path for stores whose driver is synchronous, as sqliteStore's better-sqlite3 is). The
 * engine uses it only when it hangs on the very `get` function the store exposes.
 *
 * @example
 * ```ts
 * import { SYNC_LOOKUP, type SyncLookup } from 'tessera';
 * const lookup: SyncLookup = (id) => rowToRecord(statement.get(id));
 * Object.defineProperty(store.get, SYNC_LOOKUP, { value: lookup });
 * ```
 */
export const SYNC_LOOKUP: unique symbol = Symbol('tessera.syncLookup');

/**
 * A synchronous twin of `Store.get`: the record, `null` for none, or `undefined` when it
 * cannot answer right now (the connection is inside a transaction) and `get()` must be awaited.
 * The record it returns is for the engine only and may compute its `Date` fields on access.
 */
export type SyncLookup = (id: string) => SessionRecord | null | undefined;

/**
 * The synchronous lookup of `store`, if its `get` is exactly a function that carries one.
 * The twin hangs on the `get` function itself, not on the store object: a wrapper that
 * replaces `get` (a cache, a counter, `{ ...store, get }`) replaces the twin with it, so the
 * engine never bypasses a wrapper. Saves the promise and microtask turn of an async `get`
 * (≈ 0.4 µs of a ≈ 17 µs load; BENCHMARKS.md, "Performance changes made for issue 7").
 */
export function syncLookupOf(store: Store): SyncLookup | undefined {
  return (store.get as { readonly [SYNC_LOOKUP]?: SyncLookup })[SYNC_LOOKUP];
}
