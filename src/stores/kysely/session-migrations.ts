import { sql, type Kysely } from 'kysely';
import type { SqlFamily } from './dialect.js';

/** What a migration step needs to know about where it runs. */
export interface MigrationContext {
  readonly db: Kysely<unknown>;
  readonly family: SqlFamily;
  readonly table: string;
}

/** One schema change of the session table. Names sort in the order they apply; never edit a shipped one. */
export interface SessionMigration {
  readonly name: string;
  up(context: MigrationContext): Promise<void>;
}

/**
 * Column types per family. MySQL/MariaDB compares `varchar` case-insensitively and
 * ignores trailing spaces, which would make two base64url ids (or two user ids) one:
 * `varbinary` compares bytes. Its `text` holds only 64 KB, so data is `mediumtext`.
 */
function types(family: SqlFamily) {
  const mysql = family === 'mysql';
  return {
    key: mysql ? sql`varbinary(64)` : sql`varchar(64)`,
    userId: mysql ? sql`varbinary(255)` : sql`varchar(255)`,
    data: mysql ? sql`mediumtext` : sql`text`,
  };
}

async function indexExists(context: MigrationContext, name: string): Promise<boolean> {
  // MySQL has no CREATE INDEX IF NOT EXISTS (MariaDB does); this is for a migration that
  // crashed between creating its indexes and recording itself.
  const { rows } = await sql<{ n: number }>`select count(*) as n from information_schema.statistics
    where table_schema = database() and table_name = ${context.table} and index_name = ${name}`.execute(context.db);
  return Number(rows[0]?.n ?? 0) > 0;
}

async function createIndex(context: MigrationContext, name: string, column: string): Promise<void> {
  const { db, family, table } = context;
  if (family === 'mysql') {
    if (!(await indexExists(context, name))) await db.schema.createIndex(name).on(table).column(column).execute();
    return;
  }
  await db.schema.createIndex(name).ifNotExists().on(table).column(column).execute();
}

/** tessera's migrations, in order. */
export const sessionMigrations: readonly SessionMigration[] = [
  {
    name: '0001_create_sessions',
    async up(context) {
      const { db, family, table } = context;
      const t = types(family);
      let create = db.schema
        .createTable(table)
        .ifNotExists()
        .addColumn('id', t.key, (c) => c.primaryKey())
        .addColumn('secret_hash', t.key, (c) => c.notNull())
        .addColumn('previous_secret_hash', t.key)
        .addColumn('previous_secret_expires_at', 'bigint')
        .addColumn('user_id', t.userId)
        .addColumn('authenticated_at', 'bigint')
        .addColumn('data', t.data, (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('absolute_expires_at', 'bigint', (c) => c.notNull())
        .addColumn('user_agent', 'text')
        .addColumn('ip_address', 'varchar(255)');
      // utf8mb4 so a user agent with emoji survives a server whose default is latin1/utf8mb3.
      if (family === 'mysql') create = create.modifyEnd(sql`default character set utf8mb4 collate utf8mb4_bin`);
      await create.execute();
      await createIndex(context, `${table}_user_id_idx`, 'user_id');
      await createIndex(context, `${table}_expires_at_idx`, 'expires_at');
    },
  },
];
