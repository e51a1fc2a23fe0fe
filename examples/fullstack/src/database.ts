import { join } from 'node:path';
import { Kysely, MysqlDialect, PostgresDialect } from 'kysely';
import type { Store } from 'tessera';
import { kyselyStore, migrateSessions } from 'tessera/kysely';
import { sqliteStore } from 'tessera/sqlite';

/** The app's database: sessions (through a store) and users live in it. */
export interface AppDatabase {
  readonly db: Kysely<never>;
  readonly store: Store;
  /** What to print: the SQLite path or the URL without its password. */
  readonly label: string;
  close(): Promise<void>;
}

/**
 * Opens the database `DATABASE_URL` names (`postgres://…`, `mysql://…`, or a SQLite path);
 * without one, the embedded SQLite file `DATA_DIR/tessera.db`. Session tables are created
 * and migrated before this resolves.
 */
export async function openAppDatabase(databaseUrl: string | undefined, dataDir: string): Promise<AppDatabase> {
  if (databaseUrl && /^postgres(ql)?:\/\//i.test(databaseUrl)) {
    const { default: pg } = await import('pg');
    const db = new Kysely<never>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 10 }) }) });
    return fromKysely(db, databaseUrl);
  }
  if (databaseUrl && /^(mysql|mariadb):\/\//i.test(databaseUrl)) {
    const { createPool } = await import('mysql2');
    const db = new Kysely<never>({ dialect: new MysqlDialect({ pool: createPool({ uri: databaseUrl.replace(/^mariadb:/i, 'mysql:'), connectionLimit: 10 }) }) });
    return fromKysely(db, databaseUrl);
  }
  const path = databaseUrl ?? join(dataDir, 'tessera.db');
  const store = await sqliteStore(path);
  return { db: store.db as unknown as Kysely<never>, store, label: path, close: () => store.close() };
}

async function fromKysely(db: Kysely<never>, url: string): Promise<AppDatabase> {
  await migrateSessions(db);
  return { db, store: kyselyStore({ db }), label: url.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1:***@'), close: () => db.destroy() };
}
