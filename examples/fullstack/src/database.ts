import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely';
import type { UsersTable } from './users.js';

/** The app's own tables. Sessions are the session store's business, not listed here. */
export interface AppTables {
  users: UsersTable;
}

/** Which kind of database {@link openDatabase} opened. */
export type DatabaseDialect = 'sqlite' | 'postgres' | 'mysql';

/** The app's database: its own Kysely instance and pool, which the app creates, migrates and closes. */
export interface AppDatabase {
  readonly db: Kysely<AppTables>;
  readonly dialect: DatabaseDialect;
  /** What to print: the SQLite path or the URL without its password. */
  readonly label: string;
  close(): Promise<void>;
}

/** Options of {@link openDatabase}. */
export interface DatabaseOptions {
  /** The `application_name` of the PostgreSQL connections (what `pg_stat_activity` shows). Default `tessera-example`. */
  readonly applicationName?: string;
  /** Where a lost connection is reported; never given the URL or a password. Default `console.warn`. */
  readonly warn?: (line: string) => void;
  /**
   * Attach the pools' `error` listeners. Default true. Only the connection-loss test's
   * control turns this off, to show that without them a terminated backend kills the process.
   */
  readonly poolErrorHandlers?: boolean;
}

/** A URL as it may be printed: the password masked. */
export function withoutPassword(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

/**
 * Opens the database `url` names: `postgres://…` (a `pg` Pool), `mysql://…` or `mariadb://…`
 * (a mysql2 pool), or a SQLite path (better-sqlite3, WAL). The pools get `error` listeners:
 * an idle connection the server closes (a restart, `pg_terminate_backend`, a failover) is
 * logged and replaced on the next query instead of crashing the process with an unhandled
 * `error` event. No tables are made here: see `migrateUsers` and the session store.
 *
 * @example
 * ```ts
 * const database = await openDatabase(process.env.DATABASE_URL ?? '.data/app.db');
 * await migrateSessions(database.db);
 * const store = kyselyStore({ db: database.db });
 * ```
 */
export async function openDatabase(url: string, options: DatabaseOptions = {}): Promise<AppDatabase> {
  const warn = options.warn ?? console.warn;
  const handleErrors = options.poolErrorHandlers ?? true;
  const lost = (error: Error): void => warn(`tessera example: a database connection failed and leaves the pool: ${error.message}`);
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: url, max: 10, application_name: options.applicationName ?? 'tessera-example' });
    if (handleErrors) pool.on('error', lost);
    const db = new Kysely<AppTables>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', label: withoutPassword(url), close: () => db.destroy() };
  }
  if (/^(mysql|mariadb):\/\//i.test(url)) {
    const { createPool } = await import('mysql2');
    const pool = createPool({ uri: url.replace(/^mariadb:/i, 'mysql:'), connectionLimit: 10 });
    // mysql2 drops a failed connection from its pool but emits the error on the connection.
    if (handleErrors) pool.on('connection', (connection) => connection.on('error', lost));
    const db = new Kysely<AppTables>({ dialect: new MysqlDialect({ pool }) });
    return { db, dialect: 'mysql', label: withoutPassword(url), close: () => db.destroy() };
  }
  const { default: Database } = await import('better-sqlite3');
  if (url !== ':memory:') mkdirSync(dirname(url), { recursive: true });
  const database = new Database(url);
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<AppTables>({ dialect: new SqliteDialect({ database }) });
  return { db, dialect: 'sqlite', label: url, close: () => db.destroy() };
}

/** The embedded default: the app's SQLite file in `dataDir` (sessions get a file of their own, see `session-backend.ts`). */
export function defaultDatabasePath(dataDir: string): string {
  return join(dataDir, 'app.db');
}
