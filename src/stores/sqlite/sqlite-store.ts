import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { SessionError, type MaybePromise, type SessionRecord, type SessionTouch, type Store } from '../../index.js';
import { migrateSessions, type SessionTables } from '../kysely/index.js';
import { sqlitePurge } from './chunked-purge.js';
import { prepareDatabaseDirectory } from './database-file.js';
import { recordFromRow, valuesAfterId, type ListedRow, type SessionRow } from './row-record.js';
import { isBusy, prepareSessionStatements } from './session-statements.js';
import { cacheStatements } from './statement-cache.js';

/** The default database file, relative to the working directory. */
export const DEFAULT_SQLITE_PATH = '.data/sessions.db';

/** Options of {@link sqliteStore}. */
export interface SqliteStoreOptions {
  /** The session table. Default `tessera_sessions`. */
  readonly table?: string;
  /** How long a write waits for another process's lock before failing. Default 5000. */
  readonly busyTimeoutMs?: number;
}

/** The store {@link sqliteStore} resolves: a {@link Store} that owns its database. */
export interface SqliteStore extends Store {
  /**
   * The Kysely instance on the store's connection (with {@link cacheStatements}), for your own
   * queries. While you hold a transaction on it, the store's calls wait for it to end, so they
   * never read or write your uncommitted rows; while you stream a query, its writes wait.
   */
  readonly db: Kysely<SessionTables>;
  /** Closes the database; the store is unusable afterwards. */
  close(): Promise<void>;
}

/**
 * The zero-setup store: one SQLite file with WAL, `synchronous=NORMAL` and a
 * `busy_timeout`, created and migrated before the promise resolves, so concurrent
 * first requests never race a migration. Every store call runs a better-sqlite3 statement
 * prepared once, when the store is built; `get` answers synchronously, with a plain record.
 * `':memory:'` gives a private in-memory database.
 * With no path the file is {@link DEFAULT_SQLITE_PATH} and its directory is created; an
 * explicit path's directory must exist, or it throws `SessionError('INVALID_CONFIG')`.
 *
 * @example
 * ```ts
 * import { createSessions } from 'tessera';
 * import { sqliteStore } from 'tessera/sqlite';
 *
 * const store = await sqliteStore('.data/sessions.db');
 * const sessions = createSessions({ store, secrets: [process.env.SESSION_SECRET!] });
 * process.on('SIGTERM', () => void store.close());
 * ```
 */
export async function sqliteStore(path: string = DEFAULT_SQLITE_PATH, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) throw new SessionError('INVALID_CONFIG', 'sqliteStore: busyTimeoutMs must be a non-negative integer');
  prepareDatabaseDirectory(path, DEFAULT_SQLITE_PATH);
  const database = new Database(path);
  let db: Kysely<SessionTables>;
  try {
    // WAL lets readers run during a write; NORMAL is durable across application crashes
    // in WAL mode and skips an fsync per commit (sqlite.org/pragma.html#pragma_synchronous).
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma(`busy_timeout = ${busyTimeoutMs}`);
    db = new Kysely<SessionTables>({ dialect: new SqliteDialect({ database: cacheStatements(database) }) });
  } catch (error) {
    database.close();
    throw error;
  }
  try {
    await migrateSessions(db, options.table === undefined ? {} : { table: options.table });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  try {
    return sessionStore(database, db, options.table ?? DEFAULT_TABLE);
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

/** The table migrateSessions creates when given none. */
const DEFAULT_TABLE = 'tessera_sessions';

/**
 * The store over `database`, whose Kysely instance (for the app, and for the migration) is `db`.
 * Each call runs its statement at once, unless the connection is not the store's right now: the
 * app holds a transaction on it through `db` (a statement would read its uncommitted rows or write
 * into it), or a write finds it busy with a query the app streams. The call then waits for its
 * turn on `db`'s connection (Kysely runs one query or transaction at a time on a SQLite
 * connection) and runs there: `get` then answers with a promise.
 */
function sessionStore(database: Database.Database, db: Kysely<SessionTables>, table: string): SqliteStore {
  const sql = prepareSessionStatements(database, table);
  /** Runs `run` once Kysely hands out the connection: after the app's transaction or streamed query. */
  const waitTurn = <T>(run: () => T): Promise<T> => db.connection().execute(async () => run());
  /** Runs `run` now, or after its turn when the app holds a transaction or the connection is busy. */
  const call = async <T>(run: () => T): Promise<T> => {
    if (database.inTransaction) return waitTurn(run);
    try {
      return run();
    } catch (error) {
      if (isBusy(error)) return waitTurn(run);
      throw error;
    }
  };
  const lookup = (id: string): SessionRecord | null => {
    const row = sql.get.get(id) as SessionRow | undefined;
    return row === undefined ? null : recordFromRow(id, row);
  };
  const insert = (record: SessionRecord): boolean => {
    try {
      sql.insert.run(record.id, ...valuesAfterId(record));
      return true;
    } catch (error) {
      // As the Kysely store judges it: if the id is taken now, the insert lost to an existing record.
      if (!isBusy(error) && lookup(record.id) !== null) return false;
      throw error;
    }
  };
  const update = (record: SessionRecord, expectedVersion: number): boolean => {
    // The user changes only at sign-in, so first try without the indexed user_id (see
    // updateSameUser). Both statements compare-and-swap on the version. Bound one by one, in
    // column order without user_id: no value array to build and spread on the common path.
    const previousSecretExpiresAt = record.previousSecretExpiresAt;
    const authenticatedAt = record.authenticatedAt;
    const sameUser = sql.updateSameUser.run(
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
    return sql.update.run(...valuesAfterId(record), record.id, expectedVersion).changes > 0;
  };
  const deleteExpired = async (at: Date, limit: number): Promise<number> => {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('deleteExpired: limit must be a positive integer');
    return call(() => sql.deleteExpired.run(at.getTime(), limit).changes);
  };

  const store: SqliteStore = {
    get(id: string): MaybePromise<SessionRecord | null> {
      if (database.inTransaction) return waitTurn(() => lookup(id));
      try {
        return lookup(id);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    create: (record: SessionRecord) => call(() => insert(record)),
    update: (record: SessionRecord, expectedVersion: number) => call(() => update(record, expectedVersion)),
    touch: (id: string, touch: SessionTouch) => call(() => sql.touch.run(touch.lastSeenAt.getTime(), touch.expiresAt.getTime(), id).changes > 0),
    delete: (id: string) => call(() => sql.delete.run(id).changes > 0),
    listByUser: (userId: string) => call(() => (sql.listByUser.all(userId) as ListedRow[]).map((row) => recordFromRow(row[13], row as unknown as SessionRow))),
    deleteByUser: (userId: string, exceptId?: string) => call(() => (exceptId === undefined ? sql.deleteByUser.run(userId) : sql.deleteByUserExcept.run(userId, exceptId)).changes),
    deleteExpired: sqlitePurge(deleteExpired, database),
    db,
    close: () => db.destroy(),
  };
  return Object.freeze(store);
}
