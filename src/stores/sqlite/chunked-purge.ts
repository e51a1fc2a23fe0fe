import type { Store } from '../../index.js';

/**
 * Rows one synchronous `DELETE` of {@link chunkedPurge} removes. Expired records lie scattered
 * through the file (their deadlines do not follow insertion order), so each costs about three
 * page writes (the table, the id index, the user index): 100 rows keep one statement at a few
 * milliseconds, where 500 held the event loop for 40–150 ms on a million-row file
 * (bench/purge-at-scale.mjs).
 */
export const PURGE_CHUNK_ROWS = 100;

/**
 * Wraps a SQLite store's `deleteExpired` so that a batch of any size is deleted in chunks of
 * at most `chunkRows`, yielding to the event loop between chunks. better-sqlite3 runs each
 * statement synchronously on the main thread: one large `DELETE` would stall every request
 * of the process for its whole duration. The contract is unchanged (at most `limit` deleted;
 * fewer means none are left); each chunk commits on its own, as each batch already did.
 */
export function chunkedPurge(deleteExpired: Store['deleteExpired'], chunkRows: number = PURGE_CHUNK_ROWS): Store['deleteExpired'] {
  return async (now: Date, limit: number): Promise<number> => {
    // Let the store judge a bad limit with its own error.
    if (!Number.isInteger(limit) || limit <= chunkRows) return deleteExpired(now, limit);
    let total = 0;
    for (;;) {
      const wanted = Math.min(chunkRows, limit - total);
      const deleted = await deleteExpired(now, wanted);
      total += deleted;
      if (deleted < wanted || total >= limit) return total;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
}
