import type BetterSqlite3 from 'better-sqlite3';
import { SYNC_LOOKUP, type SessionRecord, type SessionTouch, type Store, type SyncLookup } from '../../index.js';
import { SESSION_COLUMNS, sessionRowValues } from '../kysely/index.js';
import { LazyRowRecord, recordFromRow, type SessionRow } from './row-record.js';

/** The record's columns after `id`, in `SESSION_COLUMNS` order. */
function valuesAfterId(record: SessionRecord): unknown[] {
  return sessionRowValues(record).slice(1);
}

/** better-sqlite3 refuses a write while a statement of the connection is iterating (a streamed Kysely query). */
export function isBusy(error: unknown): boolean {
  return error instanceof TypeError && error.message.includes('busy');
}

/** The store members that run as direct statements. */
export type DirectMembers = Pick<Store, 'get' | 'create' | 'update' | 'touch' | 'delete'>;

/**
 * sqliteStore's per-request statements — look up, create, compare-and-swap update, touch,
 * delete by id — as cached better-sqlite3 statements on the store's own connection
 * (DESIGN.md §5), the lookup in raw mode. Kysely's executor (connection mutex, a few
 * promises) and a row object with 14 named keys cost more than SQLite's own work on these
 * one-row statements. Same SQL and the same contract as the Kysely store's; listing and
 * bulk deletes stay on Kysely.
 *
 * While the connection is inside a transaction (yours, through `store.db`), or a write finds
 * it busy streaming a query, the call goes through `viaKysely` instead, which waits its
 * turn: a statement here would read the transaction's uncommitted rows or write into it.
 */
export function directStatements(database: BetterSqlite3.Database, table: string, viaKysely: Store): DirectMembers {
  const quoted = SESSION_COLUMNS.map((column) => `"${column}"`);
  const get = database.prepare(`select ${quoted.slice(1).join(', ')} from "${table}" where "id" = ?`).raw(true);
  const insert = database.prepare(`insert into "${table}" (${quoted.join(', ')}) values (${SESSION_COLUMNS.map(() => '?').join(', ')})`);
  const update = database.prepare(`update "${table}" set ${quoted.slice(1).map((column) => `${column} = ?`).join(', ')} where "id" = ? and "version" = ?`);
  // The same update minus the indexed user_id column, for a record whose user did not change.
  const updateSameUser = database.prepare(
    `update "${table}" set ${quoted.slice(1).filter((column) => column !== '"user_id"').map((column) => `${column} = ?`).join(', ')} where "id" = ? and "version" = ? and "user_id" is ?`,
  );
  const touch = database.prepare(`update "${table}" set "last_seen_at" = ?, "expires_at" = ? where "id" = ?`);
  const remove = database.prepare(`delete from "${table}" where "id" = ?`);
  const lookup = (id: string): SessionRecord | null => {
    const row = get.get(id) as SessionRow | undefined;
    return row === undefined ? null : recordFromRow(id, row);
  };
  const getRecord = async (id: string): Promise<SessionRecord | null> => (database.inTransaction ? viaKysely.get(id) : lookup(id));
  // The engine's synchronous twin of get (see syncLookupOf): no promise, dates built on access.
  const syncLookup: SyncLookup = (id) => {
    if (database.inTransaction) return undefined;
    const row = get.get(id) as SessionRow | undefined;
    return row === undefined ? null : new LazyRowRecord(id, row);
  };
  Object.defineProperty(getRecord, SYNC_LOOKUP, { value: syncLookup });
  return {
    get: getRecord,

    async create(record: SessionRecord): Promise<boolean> {
      if (database.inTransaction) return viaKysely.create(record);
      try {
        insert.run(...sessionRowValues(record));
        return true;
      } catch (error) {
        if (isBusy(error)) return viaKysely.create(record);
        // As the Kysely store judges it: if the id is taken now, the insert lost to an existing record.
        if (lookup(record.id) !== null) return false;
        throw error;
      }
    },

    async update(record: SessionRecord, expectedVersion: number): Promise<boolean> {
      if (database.inTransaction) return viaKysely.update(record, expectedVersion);
      try {
        // SQLite rewrites an index entry for every indexed column in the SET list, changed or
        // not (~6 us here); the user changes only at sign-in, so first try without user_id.
        // Both statements compare-and-swap on the version.
        // Bound one by one, in SESSION_COLUMNS order without id and user_id: no value arrays to build
        // and spread on the common path of every rotate and data change.
        const previousSecretExpiresAt = record.previousSecretExpiresAt;
        const authenticatedAt = record.authenticatedAt;
        const sameUser = updateSameUser.run(
          record.secretHash,
          record.previousSecretHash,
          previousSecretExpiresAt === null ? null : previousSecretExpiresAt.getTime(),
          authenticatedAt === null ? null : authenticatedAt.getTime(),
          record.data,
          record.version,
          record.createdAt.getTime(),
          record.lastSeenAt.getTime(),
          record.expiresAt.getTime(),
          record.absoluteExpiresAt.getTime(),
          record.userAgent,
          record.ipAddress,
          record.id,
          expectedVersion,
          record.userId,
        );
        if (sameUser.changes > 0) return true;
        return update.run(...valuesAfterId(record), record.id, expectedVersion).changes > 0;
      } catch (error) {
        if (isBusy(error)) return viaKysely.update(record, expectedVersion);
        throw error;
      }
    },

    async touch(id: string, change: SessionTouch): Promise<boolean> {
      if (database.inTransaction) return viaKysely.touch(id, change);
      try {
        return touch.run(change.lastSeenAt.getTime(), change.expiresAt.getTime(), id).changes > 0;
      } catch (error) {
        if (isBusy(error)) return viaKysely.touch(id, change);
        throw error;
      }
    },

    async delete(id: string): Promise<boolean> {
      if (database.inTransaction) return viaKysely.delete(id);
      try {
        return remove.run(id).changes > 0;
      } catch (error) {
        if (isBusy(error)) return viaKysely.delete(id);
        throw error;
      }
    },
  };
}
