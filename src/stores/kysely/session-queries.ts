import type { Kysely } from 'kysely';
import { prepareQuery, type PreparedQuery } from './prepared-query.js';
import type { SessionTableRow, SessionTables } from './session-table.js';

/**
 * Every column of the session table, in the order the store binds them.
 */
export const SESSION_COLUMNS = [
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
] as const satisfies readonly (keyof SessionTableRow)[];

/** The store's statements, compiled once per table (see {@link prepareQuery}). */
export interface SessionQueries {
  /** (id) */
  readonly get: PreparedQuery;
  /** (every column, in {@link SESSION_COLUMNS} order) */
  readonly insert: PreparedQuery;
  /** (every column but id, in {@link SESSION_COLUMNS} order, then id, expected version) */
  readonly update: PreparedQuery;
  /** (last_seen_at, expires_at, id) */
  readonly touch: PreparedQuery;
  /** (id) */
  readonly delete: PreparedQuery;
  /** (user_id) */
  readonly listByUser: PreparedQuery;
  /** (user_id) */
  readonly deleteByUser: PreparedQuery;
  /** (user_id, except id) */
  readonly deleteByUserExcept: PreparedQuery;
  /** (now, limit) */
  readonly deleteExpired: PreparedQuery;
}

/**
 * Compiles the store's queries for one table. The statements are plain SQL every
 * supported dialect runs: compare-and-swap is `UPDATE … WHERE id = ? AND version = ?`
 * judged by the affected-row count, so no `RETURNING` (MariaDB has none on UPDATE).
 */
export function compileSessionQueries(db: Kysely<SessionTables>, table: string): SessionQueries {
  const updated = SESSION_COLUMNS.slice(1);
  return {
    get: prepareQuery((slot) => db.selectFrom(table).select(SESSION_COLUMNS).where('id', '=', slot<string>(0))),
    insert: prepareQuery((slot) => db.insertInto(table).values(Object.fromEntries(SESSION_COLUMNS.map((column, i) => [column, slot(i)])) as unknown as SessionTableRow)),
    update: prepareQuery((slot) =>
      db
        .updateTable(table)
        .set(Object.fromEntries(updated.map((column, i) => [column, slot(i)])) as Partial<SessionTableRow>)
        .where('id', '=', slot<string>(updated.length))
        .where('version', '=', slot<number>(updated.length + 1)),
    ),
    touch: prepareQuery((slot) =>
      db
        .updateTable(table)
        .set({ last_seen_at: slot<number>(0), expires_at: slot<number>(1) })
        .where('id', '=', slot<string>(2)),
    ),
    delete: prepareQuery((slot) => db.deleteFrom(table).where('id', '=', slot<string>(0))),
    listByUser: prepareQuery((slot) => db.selectFrom(table).select(SESSION_COLUMNS).where('user_id', '=', slot<string>(0))),
    deleteByUser: prepareQuery((slot) => db.deleteFrom(table).where('user_id', '=', slot<string>(0))),
    deleteByUserExcept: prepareQuery((slot) => db.deleteFrom(table).where('user_id', '=', slot<string>(0)).where('id', '<>', slot<string>(1))),
    // MySQL refuses LIMIT inside an IN subquery and a DELETE that reads its own table
    // (errors 1235, 1093); a derived table with LIMIT is materialised first on every dialect.
    deleteExpired: prepareQuery((slot) =>
      db
        .deleteFrom(table)
        .where('id', 'in', (eb) => eb.selectFrom(eb.selectFrom(table).select('id').where('expires_at', '<=', slot<number>(0)).limit(slot<number>(1)).as('expired')).select('expired.id')),
    ),
  };
}
