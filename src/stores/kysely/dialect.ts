import { MysqlAdapter, PostgresAdapter, SqliteAdapter, type Kysely } from 'kysely';
import { SessionError } from '../../index.js';

/** The SQL families the store supports; queries are shared, only DDL column types differ. */
export type SqlFamily = 'sqlite' | 'postgres' | 'mysql';

const BY_NAME: Readonly<Record<string, SqlFamily>> = { SqliteAdapter: 'sqlite', PostgresAdapter: 'postgres', MysqlAdapter: 'mysql' };

/**
 * Which SQL family a Kysely instance speaks, from its dialect's adapter. Falls back to
 * the adapter's class name so a second copy of kysely in node_modules still works.
 */
export function sqlFamily(db: Kysely<unknown>): SqlFamily {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof MysqlAdapter) return 'mysql';
  let proto: unknown = Object.getPrototypeOf(adapter);
  while (proto !== null && proto !== Object.prototype) {
    const family = BY_NAME[(proto as { constructor: { name: string } }).constructor.name];
    if (family) return family;
    proto = Object.getPrototypeOf(proto);
  }
  throw new SessionError('INVALID_CONFIG', 'db: the Kysely dialect must be SQLite, PostgreSQL or MySQL/MariaDB');
}
