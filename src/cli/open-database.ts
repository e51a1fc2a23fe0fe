import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely';
import { SessionError } from '../index.js';

/** A database the CLI opened, and how to close it. */
export interface OpenedDatabase {
  readonly db: Kysely<unknown>;
  /** What to call it in messages: the path, or the URL without its password. */
  readonly label: string;
  /** The better-sqlite3 connection under `db`, for a SQLite file. */
  readonly sqlite?: BetterSqlite3.Database;
}

/** A usage problem (a bad argument, an unsupported URL, a missing driver): exit code 2. */
export function usageError(message: string): SessionError {
  return new SessionError('INVALID_CONFIG', message);
}

/** Whether `error` is a usage problem: `INVALID_CONFIG`, from the CLI's arguments or a store's options. */
export function isUsageError(error: unknown): boolean {
  return error instanceof SessionError && error.code === 'INVALID_CONFIG';
}

/** The URL without its password, for messages. */
export function redact(target: string): string {
  return target.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

/** Imports an optional peer driver, or explains which package to install. */
async function importDriver<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND') throw usageError(`this database needs the "${name}" package: npm install ${name}`);
    throw error;
  }
}

/**
 * Opens the database a CLI argument names: `postgres://…`/`postgresql://…` (pg),
 * `mysql://…`/`mariadb://…` (mysql2), anything else a SQLite file (better-sqlite3).
 * Drivers are imported only when used: each is an optional peer. A SQLite file must
 * exist unless `create` (only `migrate` may create one).
 */
export async function openDatabase(target: string, options: { readonly create: boolean }): Promise<OpenedDatabase> {
  const label = redact(target);
  if (/^postgres(ql)?:\/\//i.test(target)) {
    const { default: pg } = await importDriver('pg', () => import('pg'));
    return { db: new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: target, max: 1 }) }) }), label };
  }
  if (/^(mysql|mariadb):\/\//i.test(target)) {
    const { createPool } = await importDriver('mysql2', () => import('mysql2'));
    const uri = target.replace(/^mariadb:/i, 'mysql:');
    return { db: new Kysely({ dialect: new MysqlDialect({ pool: createPool({ uri, connectionLimit: 1 }) }) }), label };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) throw usageError(`unsupported database URL scheme in ${label} (use postgres://, mysql:// or a SQLite file path)`);
  if (!options.create && !existsSync(target)) throw usageError(`no SQLite database at ${target} (run "tessera migrate ${target}" first)`);
  if (options.create && target !== ':memory:') mkdirSync(dirname(target), { recursive: true });
  const { default: Database } = await importDriver('better-sqlite3', () => import('better-sqlite3'));
  const database = new Database(target);
  // The same settings sqliteStore uses, so a migrate from the CLI leaves the file in WAL mode.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  // Loaded here, not at the top: tessera/sqlite imports better-sqlite3, which a PostgreSQL user may not have.
  const { cacheStatements } = await import('../stores/sqlite/index.js');
  return { db: new Kysely({ dialect: new SqliteDialect({ database: cacheStatements(database) }) }), label, sqlite: database };
}
