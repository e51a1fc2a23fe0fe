import type { Kysely, QueryResult } from 'kysely';
import type { SessionRecord, SessionTouch, Store } from '../../index.js';
import { sqlFamily } from './dialect.js';
import { recordFromRow, sessionRowValues, type RawSessionRow } from './row-mapping.js';
import { compileSessionQueries } from './session-queries.js';
import { checkTableName, DEFAULT_SESSION_TABLE, type SessionTables } from './session-table.js';

/** Options of {@link kyselyStore}. */
export interface KyselyStoreOptions<DB> {
  /** Your Kysely instance (SQLite, PostgreSQL or MySQL/MariaDB). tessera never destroys it. */
  readonly db: Kysely<DB>;
  /** The session table, created by {@link migrateSessions} with the same name. Default `tessera_sessions`. */
  readonly table?: string;
}

function affected(result: QueryResult<unknown>): number {
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * A {@link Store} on your Kysely instance: one code path for SQLite, PostgreSQL and
 * MariaDB/MySQL. Its queries are compiled once here, not per request; create the table
 * first with {@link migrateSessions} (or `tessera migrate`).
 *
 * Your instance's plugins are not applied (a `CamelCasePlugin` would rename the
 * columns the store reads).
 *
 * @example
 * ```ts
 * import { Kysely, PostgresDialect } from 'kysely';
 * import pg from 'pg';
 * import { createSessions } from 'tessera';
 * import { kyselyStore, migrateSessions } from 'tessera/kysely';
 *
 * const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString }) }) });
 * await migrateSessions(db);
 * const sessions = createSessions({ store: kyselyStore({ db }), secrets: [secret] });
 * ```
 */
export function kyselyStore<DB>(options: KyselyStoreOptions<DB>): Store {
  const table = checkTableName('kyselyStore: table', options.table ?? DEFAULT_SESSION_TABLE);
  sqlFamily(options.db as Kysely<unknown>);
  const db = options.db.withoutPlugins() as unknown as Kysely<SessionTables>;
  const q = compileSessionQueries(db, table);

  const store: Store = {
    async get(id: string): Promise<SessionRecord | null> {
      const { rows } = await db.executeQuery<RawSessionRow>(q.get([id]));
      const row = rows[0];
      return row === undefined ? null : recordFromRow(row);
    },

    async create(record: SessionRecord): Promise<boolean> {
      try {
        await db.executeQuery(q.insert(sessionRowValues(record)));
        return true;
      } catch (error) {
        // Judged by re-reading rather than by error codes, which differ per driver:
        // if the id is taken now, the insert lost to an existing record.
        const taken = await db.executeQuery<RawSessionRow>(q.get([record.id])).then(
          ({ rows }) => rows.length > 0,
          () => false,
        );
        if (taken) return false;
        throw error;
      }
    },

    async update(record: SessionRecord, expectedVersion: number): Promise<boolean> {
      const values = sessionRowValues(record);
      values.push(values.shift(), expectedVersion);
      return affected(await db.executeQuery(q.update(values))) > 0;
    },

    async touch(id: string, touch: SessionTouch): Promise<boolean> {
      return affected(await db.executeQuery(q.touch([touch.lastSeenAt.getTime(), touch.expiresAt.getTime(), id]))) > 0;
    },

    async delete(id: string): Promise<boolean> {
      return affected(await db.executeQuery(q.delete([id]))) > 0;
    },

    async listByUser(userId: string): Promise<SessionRecord[]> {
      const { rows } = await db.executeQuery<RawSessionRow>(q.listByUser([userId]));
      return rows.map(recordFromRow);
    },

    async deleteByUser(userId: string, exceptId?: string): Promise<number> {
      const query = exceptId === undefined ? q.deleteByUser([userId]) : q.deleteByUserExcept([userId, exceptId]);
      return affected(await db.executeQuery(query));
    },

    async deleteExpired(now: Date, limit: number): Promise<number> {
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError('deleteExpired: limit must be a positive integer');
      return affected(await db.executeQuery(q.deleteExpired([now.getTime(), limit])));
    },
  };
  return Object.freeze(store);
}
