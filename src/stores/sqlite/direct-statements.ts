import type BetterSqlite3 from 'better-sqlite3';
import type { SessionRecord, Store } from '../../index.js';

/** The columns the lookup reads, in the order of the array each row comes back as. */
const COLUMNS = [
  'id',
  'secret_hash',
  'previous_secret_hash',
  'previous_secret_expires_at',
  'user_id',
  'authenticated_at',
  'data',
  'version',
  'created_at',
  'last_seen_at',
  'expires_at',
  'absolute_expires_at',
  'user_agent',
  'ip_address',
] as const;

type Row = [string, string, string | null, number | null, string | null, number | null, string, number, number, number, number, number, string | null, string | null];

function recordFromValues(row: Row): SessionRecord {
  return {
    id: row[0],
    secretHash: row[1],
    previousSecretHash: row[2],
    previousSecretExpiresAt: row[3] === null ? null : new Date(row[3]),
    userId: row[4],
    authenticatedAt: row[5] === null ? null : new Date(row[5]),
    data: row[6],
    version: row[7],
    createdAt: new Date(row[8]),
    lastSeenAt: new Date(row[9]),
    expiresAt: new Date(row[10]),
    absoluteExpiresAt: new Date(row[11]),
    userAgent: row[12],
    ipAddress: row[13],
  };
}

/**
 * `Store.get` for sqliteStore: the lookup every request with a cookie makes, as one cached
 * better-sqlite3 statement on the store's own connection (DESIGN.md §5), in raw mode. Kysely's
 * executor (connection mutex, a few promises) and a row object with 14 named keys cost more
 * than the SQLite lookup itself; the other queries stay on Kysely.
 *
 * While the connection is inside a transaction (yours, through `store.db`) or busy streaming a
 * query, the lookup goes through Kysely instead, which waits its turn: a read here would see the
 * transaction's uncommitted rows.
 */
export function directGet(database: BetterSqlite3.Database, table: string, viaKysely: Store['get']): Store['get'] {
  const statement = database.prepare(`select ${COLUMNS.map((column) => `"${column}"`).join(', ')} from "${table}" where "id" = ?`).raw(true);
  return async (id: string): Promise<SessionRecord | null> => {
    if (database.inTransaction) return viaKysely(id);
    let row: Row | undefined;
    try {
      row = statement.get(id) as Row | undefined;
    } catch (error) {
      // better-sqlite3: "This database connection is busy executing a query" (an open iterator).
      if (error instanceof TypeError && error.message.includes('busy')) return viaKysely(id);
      throw error;
    }
    return row === undefined ? null : recordFromValues(row);
  };
}
