import { CamelCasePlugin, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionError } from '../../src/index.js';
import { kyselyStore, migrateSessions } from '../../src/stores/kysely/index.js';
import { testStore } from '../../src/testing/index.js';
import { uniqueTableName } from '../helpers/services.js';

/** Opens a new Kysely instance (its own pool or connection) on the backend under test. */
export type OpenDb = () => Kysely<unknown>;

const dropTable = (db: Kysely<unknown>, table: string) => db.schema.dropTable(table).ifExists().execute();

const sampleRow = { id: 'x', secretHash: 'h', previousSecretHash: null, previousSecretExpiresAt: null, userId: null, authenticatedAt: null, data: 'd', version: 1 };

/**
 * Registers, for one backend: the conformance suite on kyselyStore, and the migration
 * runner's guarantees (idempotent, concurrent migrators, stale and held locks).
 * Every table it makes has a unique name and is dropped afterwards.
 */
export function describeKyselyBackend(label: string, openDb: OpenDb): void {
  const table = uniqueTableName(`${label}_s`);
  const migrationsTable = uniqueTableName(`${label}_m`);
  const dropped: string[] = [table, migrationsTable];
  let db: Kysely<unknown>;
  let firstRun: readonly string[] = [];

  /** Creates a bookkeeping table by migrating a throwaway session table into it. */
  async function seedBookkeeping(bookkeeping: string): Promise<void> {
    const throwaway = uniqueTableName(`${label}_x`);
    dropped.push(throwaway);
    await migrateSessions(db, { table: throwaway, migrationsTable: bookkeeping });
  }

  beforeAll(async () => {
    db = openDb();
    firstRun = (await migrateSessions(db, { table, migrationsTable })).applied;
  });

  afterAll(async () => {
    for (const name of dropped) await dropTable(db, name);
    await db.destroy();
  });

  testStore({ describe, it, expect }, `kyselyStore on ${label}`, async () => {
    await sql`delete from ${sql.table(table)}`.execute(db);
    return kyselyStore({ db, table });
  });

  describe(`kyselyStore on ${label}: beyond the contract`, () => {
    it("ignores the instance's plugins (a CamelCasePlugin would rename the columns)", async () => {
      const store = kyselyStore({ db: db.withPlugin(new CamelCasePlugin()), table });
      const now = new Date();
      const record = { ...sampleRow, id: `camel-${Date.now()}`, createdAt: now, lastSeenAt: now, expiresAt: now, absoluteExpiresAt: now, userAgent: null, ipAddress: null };
      expect(await store.create(record)).toBe(true);
      expect(await store.get(record.id)).toEqual(record);
    });

    it('refuses a table name that is not a plain identifier, naming the option', () => {
      expect(() => kyselyStore({ db, table: 'sessions; drop table users' })).toThrowError(SessionError);
      expect(() => kyselyStore({ db, table: 'sessions; drop table users' })).toThrowError(/kyselyStore: table/);
    });
  });

  describe(`migrateSessions on ${label}`, () => {
    it('applies the initial migration once; a second run is a no-op', async () => {
      expect(firstRun).toEqual(['0001_create_sessions']);
      expect((await migrateSessions(db, { table, migrationsTable })).applied).toEqual([]);
    });

    it('two migrators on separate connections at once both succeed, and the work is done once', async () => {
      const fresh = uniqueTableName(`${label}_c`);
      const freshBookkeeping = uniqueTableName(`${label}_cm`);
      dropped.push(fresh, freshBookkeeping);
      const [a, b] = [openDb(), openDb()];
      try {
        const results = await Promise.all([a, b, db].map((each) => migrateSessions(each, { table: fresh, migrationsTable: freshBookkeeping })));
        expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, 1]);
        const store = kyselyStore({ db, table: fresh });
        expect(await store.get('missing')).toBe(null);
      } finally {
        await Promise.all([a.destroy(), b.destroy()]);
      }
    });

    it('takes over a lock left by a migrator that died', async () => {
      const fresh = uniqueTableName(`${label}_l`);
      const freshBookkeeping = uniqueTableName(`${label}_lm`);
      dropped.push(fresh, freshBookkeeping);
      await seedBookkeeping(freshBookkeeping);
      await sql`insert into ${sql.table(freshBookkeeping)} (name, applied_at) values ('~lock', ${Date.now() - 3_600_000})`.execute(db);
      expect((await migrateSessions(db, { table: fresh, migrationsTable: freshBookkeeping })).applied).toEqual(['0001_create_sessions']);
    });

    it('waits for a live lock and gives up with a message saying how to clear it', async () => {
      const fresh = uniqueTableName(`${label}_w`);
      const freshBookkeeping = uniqueTableName(`${label}_wm`);
      dropped.push(freshBookkeeping);
      await seedBookkeeping(freshBookkeeping);
      await sql`insert into ${sql.table(freshBookkeeping)} (name, applied_at) values ('~lock', ${Date.now()})`.execute(db);
      await expect(migrateSessions(db, { table: fresh, migrationsTable: freshBookkeeping, lockTimeoutMs: 200 })).rejects.toThrowError(/delete the row named "~lock"/);
    });
  });
}
