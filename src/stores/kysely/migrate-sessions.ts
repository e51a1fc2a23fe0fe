import { sql, type Kysely } from 'kysely';
import { sqlFamily, type SqlFamily } from './dialect.js';
import { acquireMigrationLock, LOCK_NAME, type MigrationTables } from './migration-lock.js';
import { sessionMigrations } from './session-migrations.js';
import { checkTableName, DEFAULT_MIGRATIONS_TABLE, DEFAULT_SESSION_TABLE } from './session-table.js';

/** Options of {@link migrateSessions}. */
export interface MigrateSessionsOptions {
  /** The session table; the same name you give {@link kyselyStore}. Default `tessera_sessions`. */
  readonly table?: string;
  /** tessera's own bookkeeping table (never your app's `kysely_migration`). Default `tessera_migrations`. */
  readonly migrationsTable?: string;
  /** How long to wait for a concurrent migrator before giving up. Default 90 s. */
  readonly lockTimeoutMs?: number;
}

/** What {@link migrateSessions} did. */
export interface MigrateSessionsResult {
  /** The migrations this call applied, in order; empty when the schema was already current. */
  readonly applied: readonly string[];
}

async function ensureBookkeeping(db: Kysely<MigrationTables>, family: SqlFamily, bookkeeping: string): Promise<void> {
  let create = db.schema
    .createTable(bookkeeping)
    .ifNotExists()
    .addColumn('name', 'varchar(191)', (c) => c.primaryKey())
    .addColumn('applied_at', 'bigint', (c) => c.notNull());
  if (family === 'mysql') create = create.modifyEnd(sql`default character set utf8mb4 collate utf8mb4_bin`);
  try {
    await create.execute();
  } catch (error) {
    // Two PostgreSQL sessions running CREATE TABLE IF NOT EXISTS at once can fail with a
    // duplicate pg_type row; if the table is there now, the other migrator made it.
    try {
      await db.selectFrom(bookkeeping).select('name').limit(1).execute();
    } catch {
      throw error;
    }
  }
}

async function appliedNames(db: Kysely<MigrationTables>, bookkeeping: string, prefix: string): Promise<Set<string>> {
  const rows = await db.selectFrom(bookkeeping).select('name').where('name', '<>', LOCK_NAME).execute();
  return new Set(rows.map((row) => String(row.name)).filter((name) => name.startsWith(prefix)));
}

/**
 * Creates or upgrades the session table with tessera's own small migration runner and
 * bookkeeping table. Idempotent, and safe when several processes migrate at once: a lock
 * row serialises them and the losers find the work done.
 *
 * @example
 * ```ts
 * import { migrateSessions } from 'tessera/kysely';
 *
 * const { applied } = await migrateSessions(db, { table: 'app_sessions' });
 * console.log(applied.length ? `applied ${applied.join(', ')}` : 'sessions schema is current');
 * ```
 */
export async function migrateSessions<DB>(database: Kysely<DB>, options: MigrateSessionsOptions = {}): Promise<MigrateSessionsResult> {
  const table = checkTableName('migrateSessions: table', options.table ?? DEFAULT_SESSION_TABLE);
  const bookkeeping = checkTableName('migrateSessions: migrationsTable', options.migrationsTable ?? DEFAULT_MIGRATIONS_TABLE);
  const family = sqlFamily(database as Kysely<unknown>);
  const db = database.withoutPlugins() as unknown as Kysely<MigrationTables>;
  const prefix = `${table}/`;

  await ensureBookkeeping(db, family, bookkeeping);
  const seen = await appliedNames(db, bookkeeping, prefix);
  if (sessionMigrations.every((migration) => seen.has(prefix + migration.name))) return { applied: [] };

  const release = await acquireMigrationLock(db, bookkeeping, options.lockTimeoutMs ?? 90_000);
  const applied: string[] = [];
  try {
    // Re-read under the lock: a migrator that held it before us may have done the work.
    const done = await appliedNames(db, bookkeeping, prefix);
    for (const migration of sessionMigrations) {
      if (done.has(prefix + migration.name)) continue;
      await migration.up({ db: db as Kysely<unknown>, family, table });
      await db
        .insertInto(bookkeeping)
        .values({ name: prefix + migration.name, applied_at: Date.now() })
        .execute();
      applied.push(migration.name);
    }
  } finally {
    await release();
  }
  return { applied };
}
