import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Store } from '../../index.js';
import { SessionError } from '../../index.js';
import { DEFAULT_SESSION_TABLE, kyselyStore, migrateSessions, type SessionTables } from '../kysely/index.js';
import { sqlitePurge } from './chunked-purge.js';
import { directStatements } from './direct-statements.js';
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
  /** The Kysely instance on the file (with the statement cache), for your own queries. */
  readonly db: Kysely<SessionTables>;
  /** Closes the database; the store is unusable afterwards. */
  close(): Promise<void>;
}

function isFile(path: string): boolean {
  return path !== '' && path !== ':memory:' && !path.startsWith('file:');
}

/**
 * The zero-setup store: one SQLite file with WAL, `synchronous=NORMAL` and a
 * `busy_timeout`, created and migrated before the promise resolves, so concurrent
 * first requests never race a migration. Statements are prepared once per SQL string
 * ({@link cacheStatements}), and the per-request statements by id skip Kysely's executor.
 * `':memory:'` gives a private in-memory database.
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
  if (isFile(path)) mkdirSync(dirname(path), { recursive: true });
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
  const store = kyselyStore({ db, ...(options.table === undefined ? {} : { table: options.table }) });
  // The table name was checked by migrateSessions and kyselyStore above.
  const direct = directStatements(database, options.table ?? DEFAULT_SESSION_TABLE, store);
  return Object.freeze({ ...store, ...direct, deleteExpired: sqlitePurge(store.deleteExpired, database), db, close: () => db.destroy() });
}
