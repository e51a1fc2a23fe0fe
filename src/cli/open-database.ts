import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely';
import { parseTarget, usageError } from './database-target.js';

export { isUsageError, redact, redactMessage, usageError } from './database-target.js';

/** A database the CLI opened, and how to close it. */
export interface OpenedDatabase {
  readonly db: Kysely<unknown>;
  /** What to call it in messages: the path, or the URL without its password. */
  readonly label: string;
  /** The better-sqlite3 connection under `db`, for a SQLite file. */
  readonly sqlite?: BetterSqlite3.Database;
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
 * Opens the database a CLI argument names ({@link parseTarget}): `postgres://…`/
 * `postgresql://…` (pg), `mysql://…`/`mariadb://…` (mysql2), `sqlite:`/`file:` URLs and
 * plain paths a SQLite file (better-sqlite3). Drivers are imported only when used: each
 * is an optional peer. A SQLite file must exist unless `create` (only `migrate` may
 * create one, with its directory).
 */
export async function openDatabase(argument: string, options: { readonly create: boolean }): Promise<OpenedDatabase> {
  const target = parseTarget(argument);
  const { label } = target;
  if (target.kind === 'postgres') {
    const { default: pg } = await importDriver('pg', () => import('pg'));
    return { db: new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: target.url, max: 1 }) }) }), label };
  }
  if (target.kind === 'mysql') {
    const { createPool } = await importDriver('mysql2', () => import('mysql2'));
    return { db: new Kysely({ dialect: new MysqlDialect({ pool: createPool({ uri: target.url, connectionLimit: 1 }) }) }), label };
  }
  const { path } = target;
  if (!options.create && !existsSync(path)) throw usageError(`no SQLite database at ${path} (run "tessera migrate ${argument}" first)`);
  if (options.create && path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
  const { default: Database } = await importDriver('better-sqlite3', () => import('better-sqlite3'));
  const database = new Database(path);
  // The same settings sqliteStore uses, so a migrate from the CLI leaves the file in WAL mode.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  // Loaded here, not at the top: tessera/sqlite imports better-sqlite3, which a PostgreSQL user may not have.
  const { cacheStatements } = await import('../stores/sqlite/index.js');
  return { db: new Kysely({ dialect: new SqliteDialect({ database: cacheStatements(database) }) }), label, sqlite: database };
}
