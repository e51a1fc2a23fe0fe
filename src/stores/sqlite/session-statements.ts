import type BetterSqlite3 from 'better-sqlite3';
import { SessionError } from '../../index.js';

/**
 * The session table's columns after `id`, in the order the statements below bind and read them
 * (the table itself is created by `migrateSessions` from `tessera/kysely`; times are epoch ms).
 */
const COLUMNS_AFTER_ID = [
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

// Identifier characters only, as migrateSessions requires: the name is spliced into the SQL.
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

/** sqliteStore's statements on one session table, each prepared once when the store is built. */
export interface SessionStatements {
  /** (id) → the {@link COLUMNS_AFTER_ID} values, raw: the id is the one asked for. */
  readonly get: BetterSqlite3.Statement<[string], unknown>;
  /** (id, then the {@link COLUMNS_AFTER_ID} values) */
  readonly insert: BetterSqlite3.Statement<unknown[]>;
  /** (the {@link COLUMNS_AFTER_ID} values, id, expected version) */
  readonly update: BetterSqlite3.Statement<unknown[]>;
  /** (the {@link COLUMNS_AFTER_ID} values without user_id, id, expected version, user_id) */
  readonly updateSameUser: BetterSqlite3.Statement<unknown[]>;
  /** (last_seen_at, expires_at, id) */
  readonly touch: BetterSqlite3.Statement<[number, number, string]>;
  /** (id) */
  readonly delete: BetterSqlite3.Statement<[string]>;
  /** (user_id) → the {@link COLUMNS_AFTER_ID} values then id, raw */
  readonly listByUser: BetterSqlite3.Statement<[string], unknown>;
  /** (user_id) */
  readonly deleteByUser: BetterSqlite3.Statement<[string]>;
  /** (user_id, except id) */
  readonly deleteByUserExcept: BetterSqlite3.Statement<[string, string]>;
  /** (now, limit) */
  readonly deleteExpired: BetterSqlite3.Statement<[number, number]>;
}

/**
 * Prepares the store's statements on `table`. The SQL is the Kysely store's (compare-and-swap
 * is `UPDATE … WHERE id = ? AND version = ?` judged by the changed-row count); the purge uses
 * SQLite's `LIMIT` inside `IN (…)`, which MySQL refuses but SQLite runs.
 */
export function prepareSessionStatements(database: BetterSqlite3.Database, table: string): SessionStatements {
  if (!TABLE_NAME.test(table)) throw new SessionError('INVALID_CONFIG', `sqliteStore: ${JSON.stringify(table)} is not a valid table name`);
  const t = `"${table}"`;
  const quoted = COLUMNS_AFTER_ID.map((column) => `"${column}"`);
  const assignments = (columns: readonly string[]) => columns.map((column) => `${column} = ?`).join(', ');
  return {
    get: database.prepare<[string], unknown>(`select ${quoted.join(', ')} from ${t} where "id" = ?`).raw(true),
    insert: database.prepare<unknown[]>(`insert into ${t} ("id", ${quoted.join(', ')}) values (${['?', ...quoted.map(() => '?')].join(', ')})`),
    update: database.prepare<unknown[]>(`update ${t} set ${assignments(quoted)} where "id" = ? and "version" = ?`),
    // The same update minus the indexed user_id column, for a record whose user did not change:
    // SQLite rewrites an index entry for every indexed column in the SET list, changed or not.
    updateSameUser: database.prepare<unknown[]>(`update ${t} set ${assignments(quoted.filter((column) => column !== '"user_id"'))} where "id" = ? and "version" = ? and "user_id" is ?`),
    touch: database.prepare<[number, number, string]>(`update ${t} set "last_seen_at" = ?, "expires_at" = ? where "id" = ?`),
    delete: database.prepare<[string]>(`delete from ${t} where "id" = ?`),
    listByUser: database.prepare<[string], unknown>(`select ${quoted.join(', ')}, "id" from ${t} where "user_id" = ?`).raw(true),
    deleteByUser: database.prepare<[string]>(`delete from ${t} where "user_id" = ?`),
    deleteByUserExcept: database.prepare<[string, string]>(`delete from ${t} where "user_id" = ? and "id" <> ?`),
    deleteExpired: database.prepare<[number, number]>(`delete from ${t} where "id" in (select "id" from ${t} where "expires_at" <= ? limit ?)`),
  };
}

/** better-sqlite3 refuses a write while a statement of the connection is iterating (a streamed Kysely query). */
export function isBusy(error: unknown): boolean {
  return error instanceof TypeError && error.message.includes('busy');
}
