import type BetterSqlite3 from 'better-sqlite3';
import type { Store } from '../../index.js';
import { isBusy } from './session-statements.js';

/**
 * Rows one synchronous `DELETE` of {@link chunkedPurge} removes. Expired records lie scattered
 * through the file (their deadlines do not follow insertion order), so each costs about three
 * page writes (the table, the id index, the user index). On a million-row file
 * (bench/purge-at-scale.mjs, 2026-11-28): 500 rows in one statement held a concurrent load for up
 * to 57 ms; 100-row chunks took ≈ 2.3 ms and a checkpoint of theirs ≈ 7 ms; 50-row chunks ≈ 1.2 ms
 * and their checkpoint ≈ 4 ms, for a longest wait of 12.9–15.6 ms (BENCHMARKS.md). The whole
 * purge takes about 1.6 times as long as with 100-row chunks and SQLite's automatic checkpoints.
 */
export const PURGE_CHUNK_ROWS = 50;

/**
 * The `afterChunk` of a purge on a SQLite file: a PASSIVE checkpoint, which copies what no
 * reader still needs into the database file and never waits. Skipped on a closed connection
 * (the store was closed while the last chunk's turn was pending: every delete has committed),
 * inside a transaction the app holds on the connection (SQLite refuses it there), and while
 * the app streams a query on it: what it leaves, SQLite's automatic checkpoint copies later.
 * A failed checkpoint (an I/O error) does not fail the purge, whose deletes have committed: it
 * is reported once per store as a process warning, and the deletes go on.
 */
function walCheckpoint(database: BetterSqlite3.Database): () => void {
  let warned = false;
  return () => {
    if (!database.open || database.inTransaction) return;
    try {
      database.pragma('wal_checkpoint(PASSIVE)');
    } catch (error) {
      if (isBusy(error) || warned) return;
      warned = true;
      process.emitWarning(`tessera/sqlite: a WAL checkpoint after a purge chunk failed (${error instanceof Error ? error.message : String(error)}); SQLite's automatic checkpoints remain`, {
        code: 'TESSERA_PURGE_CHECKPOINT',
      });
    }
  };
}

const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Wraps a SQLite store's `deleteExpired` so that a batch of any size is deleted in chunks of
 * at most `chunkRows`, yielding to the event loop between chunks. better-sqlite3 runs each
 * statement synchronously on the main thread: one large `DELETE` would stall every request
 * of the process for its whole duration. The contract is unchanged (at most `limit` deleted;
 * fewer means none are left); each chunk commits on its own, as each batch already did (unless
 * the app holds a transaction on the connection: the chunks then commit with it). A store
 * closed during a purge rejects the chunk after the close, as any call on a closed store does.
 *
 * `afterChunk`, when given, runs in a turn of its own after each chunk that deleted rows:
 * sqliteStore checkpoints the WAL there. Otherwise SQLite's automatic checkpoint, which copies
 * the WAL into the database file once it reaches 1000 pages, runs inside the chunk whose commit
 * reaches them, and a request waiting for that chunk waits for both (about 25 ms at a million
 * records, bench/purge-at-scale.mjs).
 */
export function chunkedPurge(deleteExpired: Store['deleteExpired'], chunkRows: number = PURGE_CHUNK_ROWS, afterChunk?: () => void): Store['deleteExpired'] {
  return async (now: Date, limit: number): Promise<number> => {
    // Let the store judge a bad limit with its own error.
    if (!Number.isInteger(limit) || limit <= 0) return deleteExpired(now, limit);
    let total = 0;
    for (;;) {
      const wanted = Math.min(chunkRows, limit - total);
      const deleted = await deleteExpired(now, wanted);
      total += deleted;
      if (deleted > 0 && afterChunk) {
        await nextTurn();
        afterChunk();
      }
      if (deleted < wanted || total >= limit) return total;
      await nextTurn();
    }
  };
}

/**
 * The purge of a store on the better-sqlite3 connection `database` (sqliteStore's, and the CLI's
 * on a SQLite file): {@link chunkedPurge} in chunks of {@link PURGE_CHUNK_ROWS}, with a WAL
 * checkpoint after each chunk unless the database lives in memory. Decided by the connection,
 * not the path: better-sqlite3 opens a `file:` name as a plain file.
 */
export function sqlitePurge(deleteExpired: Store['deleteExpired'], database: BetterSqlite3.Database): Store['deleteExpired'] {
  return chunkedPurge(deleteExpired, PURGE_CHUNK_ROWS, database.memory ? undefined : walCheckpoint(database));
}
