import { SessionError } from '../../index.js';

/**
 * One row of the session table as tessera writes it. Times are epoch milliseconds
 * (better-sqlite3 cannot bind a `Date`, and an integer compares the same on every
 * dialect); column names are snake_case.
 *
 * Drivers read some columns back in other shapes (PostgreSQL returns `bigint` as a
 * string, MySQL returns `varbinary` as a `Buffer`): the store normalises them.
 * Add this interface to your own database type if you query the table yourself.
 */
export interface SessionTableRow {
  id: string;
  secret_hash: string;
  previous_secret_hash: string | null;
  previous_secret_expires_at: number | null;
  user_id: string | null;
  authenticated_at: number | null;
  data: string;
  version: number;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  absolute_expires_at: number;
  user_agent: string | null;
  ip_address: string | null;
}

/** The database shape the store queries: any table name, one row type. */
export type SessionTables = Record<string, SessionTableRow>;

/** The default table name. */
export const DEFAULT_SESSION_TABLE = 'tessera_sessions';

/** The default bookkeeping table of {@link migrateSessions}. */
export const DEFAULT_MIGRATIONS_TABLE = 'tessera_migrations';

// Identifier characters only, so a name can never smuggle SQL; 48 leaves room for the
// index suffixes within PostgreSQL's 63-byte identifier limit.
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

/**
 * Returns `name` when it is a safe table name, and throws `INVALID_CONFIG` naming
 * the option and the rule otherwise (a programmer error, reported at construction).
 */
export function checkTableName(option: string, name: string): string {
  if (typeof name !== 'string' || !TABLE_NAME.test(name)) {
    throw new SessionError('INVALID_CONFIG', `${option}: ${JSON.stringify(name)} is not a valid table name (letters, digits and "_", not starting with a digit, at most 48 characters)`);
  }
  return name;
}
