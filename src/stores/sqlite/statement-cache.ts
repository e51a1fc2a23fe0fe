import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { SessionError } from '../../index.js';

/** Options of {@link cacheStatements}. */
export interface StatementCacheOptions {
  /** How many distinct SQL strings to keep prepared; the least recently used goes first. Default 256. */
  readonly max?: number;
}

/**
 * Wraps a better-sqlite3 `Database` so that `prepare(sql)` returns a cached statement.
 * Kysely's SQLite driver prepares on every execution, most of a lookup's cost (docs/architecture.md,
 * "Performance"); under this wrapper each SQL string is prepared once per connection.
 * Pass the result to `SqliteDialect` in place of the database; every query keeps going
 * through Kysely, so the code path is the one the other dialects use.
 *
 * Sharing statements is safe because Kysely runs one query at a time on a SQLite
 * connection (its dialect reports no multiple connections).
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * import { Kysely, SqliteDialect } from 'kysely';
 * import { cacheStatements } from 'tessera/sqlite';
 *
 * const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: cacheStatements(new Database('app.db')) }) });
 * ```
 */
export function cacheStatements(database: SqliteDatabase, options: StatementCacheOptions = {}): SqliteDatabase {
  const max = options.max ?? 256;
  if (!Number.isInteger(max) || max < 1) throw new SessionError('INVALID_CONFIG', 'cacheStatements: max must be a positive integer');
  const cache = new Map<string, SqliteStatement>();
  return {
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached !== undefined) {
        // Re-insert so Map order is least-recently-used first.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > max) cache.delete(cache.keys().next().value as string);
      return statement;
    },
    close(): void {
      cache.clear();
      database.close();
    },
  };
}
