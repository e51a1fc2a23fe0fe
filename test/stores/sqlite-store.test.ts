import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, sql, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheStatements, sqliteStore } from '../../src/stores/sqlite/index.js';
import { testStore } from '../../src/testing/index.js';
import { describeKyselyBackend } from './kysely-backend.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-sqlite-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
// sqliteStore(path) needs the directory to exist (test/stores/sqlite-path.test.ts).
const freshPath = () => {
  const dir = join(root, `run-${++counter}`);
  mkdirSync(dir);
  return join(dir, 'sessions.db');
};

testStore({ describe, it, expect }, 'sqliteStore (file)', async () => {
  const store = await sqliteStore(freshPath());
  return { store, cleanup: () => store.close() };
});

describe('sqliteStore', () => {
  it('creates the parent directory and sets WAL, synchronous=NORMAL and busy_timeout', async () => {
    const store = await sqliteStore(freshPath());
    try {
      const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(store.db)).rows[0] as object)[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe(1); // NORMAL
      expect(await pragma('busy_timeout')).toBe(5000);
    } finally {
      await store.close();
    }
  });

  it('keeps sessions across a close and reopen of the file', async () => {
    const path = freshPath();
    const first = await sqliteStore(path);
    const now = new Date();
    const record = {
      id: 'persisted-id-000000000',
      secretHash: 'h',
      previousSecretHash: null,
      previousSecretExpiresAt: null,
      userId: 'u',
      authenticatedAt: now,
      data: 'd',
      version: 1,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now,
      absoluteExpiresAt: now,
      userAgent: null,
      ipAddress: null,
    };
    await first.create(record);
    await first.close();
    const second = await sqliteStore(path);
    try {
      expect(await second.get(record.id)).toEqual(record);
    } finally {
      await second.close();
    }
  });

  it('two stores opening one new file at once both resolve migrated', async () => {
    const path = freshPath();
    const stores = await Promise.all([sqliteStore(path), sqliteStore(path)]);
    try {
      for (const store of stores) expect(await store.get('missing')).toBe(null);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('a lookup while store.db is inside a transaction waits for it, never reading its uncommitted rows', async () => {
    const store = await sqliteStore(freshPath());
    try {
      const t = Date.now();
      const trx = await store.db.startTransaction().execute();
      await trx
        .insertInto('tessera_sessions')
        .values({
          id: 'uncommitted-0000000000',
          secret_hash: 'h',
          previous_secret_hash: null,
          previous_secret_expires_at: null,
          user_id: null,
          authenticated_at: null,
          data: 'd',
          version: 1,
          created_at: t,
          last_seen_at: t,
          expires_at: t,
          absolute_expires_at: t,
          user_agent: null,
          ip_address: null,
        })
        .execute();
      let settled = false;
      const answer = store.get('uncommitted-0000000000');
      expect(answer).toBeInstanceOf(Promise);
      const pending = (answer as Promise<unknown>).finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(settled).toBe(false);
      await trx.rollback().execute();
      expect(await pending).toBe(null);
    } finally {
      await store.close();
    }
  });

  it('accepts :memory: and a custom table name', async () => {
    const store = await sqliteStore(':memory:', { table: 'app_sessions' });
    try {
      const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name = 'app_sessions'`.execute(store.db);
      expect(rows).toEqual([{ name: 'app_sessions' }]);
    } finally {
      await store.close();
    }
  });
});

describe('cacheStatements', () => {
  function countingDatabase(path: string) {
    const database = new Database(path);
    const prepared: string[] = [];
    const prepare = database.prepare.bind(database);
    return { database: { close: () => database.close(), prepare: (text: string) => (prepared.push(text), prepare(text)) }, prepared };
  }

  it('prepares each SQL string once however often Kysely executes it', async () => {
    const { database, prepared } = countingDatabase(':memory:');
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: cacheStatements(database) }) });
    for (let i = 0; i < 50; i++) await sql`select ${i} as n`.execute(db);
    expect(prepared).toEqual(['select ? as n']);
    await db.destroy();
  });

  it('evicts the least recently used statement beyond max', async () => {
    const { database, prepared } = countingDatabase(':memory:');
    const cached = cacheStatements(database, { max: 2 });
    cached.prepare('select 1');
    cached.prepare('select 2');
    cached.prepare('select 1');
    cached.prepare('select 3'); // evicts "select 2", the least recently used
    cached.prepare('select 1');
    cached.prepare('select 2');
    expect(prepared).toEqual(['select 1', 'select 2', 'select 3', 'select 2']);
    cached.close();
  });
});

describe('SQLite (file, separate connections)', () => {
  const path = join(root, 'shared.db');
  describeKyselyBackend('sqlite', () => {
    const database = new Database(path);
    database.pragma('journal_mode = WAL');
    database.pragma('busy_timeout = 5000');
    return new Kysely<unknown>({ dialect: new SqliteDialect({ database: cacheStatements(database) }) });
  });
});
