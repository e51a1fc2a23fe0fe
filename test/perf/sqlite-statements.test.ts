import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { sampleRecord } from '../../src/testing/session-fixtures.js';

const pending = Symbol('pending');
/** The value of `promise` if it settles within `ms`, else `pending`. */
const within = <T>(promise: Promise<T>, ms: number) => Promise.race([promise, new Promise<typeof pending>((resolve) => setTimeout(() => resolve(pending), ms))]);

describe('sqliteStore: its statements, prepared once, on the connection it shares with store.db', () => {
  it('reads every field back as written, listed or looked up', async () => {
    const store = await sqliteStore(':memory:');
    try {
      const record = sampleRecord({ previousSecretHash: 'prev-hash', previousSecretExpiresAt: new Date(1_800_000_000_123), userAgent: 'UA', ipAddress: '203.0.113.9' });
      await store.create(record);
      expect(await store.get(record.id)).toEqual(record);
      expect(await store.listByUser(record.userId!)).toEqual([record]);
      expect(await store.get('no-such-id-00000000000')).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('never sees the uncommitted rows of a transaction on store.db: it waits its turn', async () => {
    const store = await sqliteStore(':memory:');
    try {
      const record = sampleRecord();
      await store.create(record);
      const failure = new Error('roll back');
      let during: unknown;
      await expect(
        store.db.transaction().execute(async (trx) => {
          await sql`update tessera_sessions set secret_hash = 'uncommitted' where id = ${record.id}`.execute(trx);
          const read = store.get(record.id);
          // Not answered synchronously: a lookup now would read the uncommitted row.
          expect(read).toBeInstanceOf(Promise);
          during = await within(read as Promise<unknown>, 50);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(during).toBe(pending);
      expect((await store.get(record.id))?.secretHash).toBe(record.secretHash);
    } finally {
      await store.close();
    }
  });

  it('answers during a streamed query on the same connection', async () => {
    const store = await sqliteStore(':memory:');
    try {
      const first = sampleRecord();
      const second = sampleRecord();
      await store.create(first);
      await store.create(second);
      let read: ReturnType<typeof store.get> | null = null;
      for await (const row of store.db.selectFrom('tessera_sessions').select('id').stream()) {
        if (read !== null) continue;
        expect(row.id).toBeTypeOf('string');
        read = store.get(first.id);
      }
      // Read by a statement of the store's own while the app's one iterates: answered at once.
      expect(read).not.toBeInstanceOf(Promise);
      expect((await read)?.id).toBe(first.id);
    } finally {
      await store.close();
    }
  });

  it('never writes into a transaction on store.db: a write waits until it ends', async () => {
    const store = await sqliteStore(':memory:');
    try {
      const record = sampleRecord();
      const failure = new Error('roll back');
      let created = null as Promise<boolean> | null; // assigned in the callback, which narrowing does not see
      await expect(
        store.db.transaction().execute(async (trx) => {
          await sql`select 1`.execute(trx);
          created = store.create(record);
          expect(await within(created, 50)).toBe(pending);
          throw failure;
        }),
      ).rejects.toBe(failure);
      // The rollback did not take the session with it: the create ran after the transaction.
      expect(await created).toBe(true);
      expect(await store.get(record.id)).toEqual(record);
    } finally {
      await store.close();
    }
  });

  it('a write during a streamed query on the same connection waits for it instead of failing', async () => {
    const store = await sqliteStore(':memory:');
    try {
      const first = sampleRecord();
      await store.create(first);
      await store.create(sampleRecord());
      const record = sampleRecord();
      let created = null as Promise<boolean> | null; // assigned in the callback, which narrowing does not see
      let deleted: Promise<boolean> | null = null;
      for await (const row of store.db.selectFrom('tessera_sessions').select('id').stream()) {
        expect(row.id).toBeTypeOf('string');
        if (created !== null) continue;
        created = store.create(record);
        deleted = store.delete(first.id);
        expect(await within(created, 50)).toBe(pending);
      }
      expect(await created).toBe(true);
      expect(await deleted).toBe(true);
      expect(await store.get(first.id)).toBeNull();
    } finally {
      await store.close();
    }
  });

  it.each([
    ['the same user', 'user-1', 'user-1'],
    ['anonymous to a user (sign-in)', null, 'user-2'],
    ['a user to another', 'user-1', 'user-2'],
    ['a user to anonymous', 'user-1', null],
    ['anonymous, unchanged', null, null],
  ])('update compares and swaps whatever happens to the user: %s', async (_name, before, after) => {
    const store = await sqliteStore(':memory:');
    try {
      const record = sampleRecord({ userId: before, version: 3 });
      await store.create(record);
      const next = { ...record, userId: after, data: 'changed', version: 4 };
      expect(await store.update(next, 2)).toBe(false);
      expect(await store.get(record.id)).toEqual(record);
      expect(await store.update(next, 3)).toBe(true);
      expect(await store.get(record.id)).toEqual(next);
      expect(await store.update({ ...next, version: 5 }, 3)).toBe(false);
      expect(await store.listByUser(after ?? 'nobody')).toHaveLength(after === null ? 0 : 1);
    } finally {
      await store.close();
    }
  });

  it('listing and the bulk deletes wait for a transaction on store.db too, never seeing its rows', async () => {
    const store = await sqliteStore(':memory:');
    try {
      const kept = sampleRecord({ userId: 'user-1' });
      const expired = sampleRecord({ userId: 'user-2', expiresAt: new Date(1_000) });
      await store.create(kept);
      await store.create(expired);
      const failure = new Error('roll back');
      let listed: Promise<unknown> | null = null;
      let purged: Promise<number> | null = null;
      let revoked: Promise<number> | null = null;
      await expect(
        store.db.transaction().execute(async (trx) => {
          await sql`update tessera_sessions set user_id = 'user-1' where id = ${expired.id}`.execute(trx);
          listed = store.listByUser('user-1');
          purged = store.deleteExpired(new Date(2_000), 10);
          revoked = store.deleteByUser('user-2');
          expect(await within(listed, 50)).toBe(pending);
          throw failure;
        }),
      ).rejects.toBe(failure);
      // Assigned inside the transaction's callback, which TypeScript's narrowing does not see.
      expect(await (listed as Promise<unknown> | null)).toEqual([kept]);
      expect(await (purged as Promise<number> | null)).toBe(1);
      expect(await (revoked as Promise<number> | null)).toBe(0);
      expect(await store.listByUser('user-1')).toEqual([kept]);
    } finally {
      await store.close();
    }
  });

  it('runs every statement on a custom table name', async () => {
    const store = await sqliteStore(':memory:', { table: 'app_sessions' });
    try {
      const record = sampleRecord({ userId: 'user-1' });
      expect(await store.create(record)).toBe(true);
      expect(await store.create(record)).toBe(false);
      expect(store.get(record.id)).toEqual(record);
      const next = { ...record, data: 'changed', version: record.version + 1 };
      expect(await store.update(next, record.version)).toBe(true);
      expect(await store.touch(record.id, { lastSeenAt: new Date(1_900_000_000_000), expiresAt: new Date(1_900_000_100_000) })).toBe(true);
      expect(await store.listByUser('user-1')).toEqual([{ ...next, lastSeenAt: new Date(1_900_000_000_000), expiresAt: new Date(1_900_000_100_000) }]);
      expect(await store.deleteByUser('user-1', record.id)).toBe(0);
      expect(await store.deleteExpired(new Date(1_900_000_100_000), 5)).toBe(1);
      expect(await store.delete(record.id)).toBe(false);
      const { rows } = await sql<{ n: number }>`select count(*) as n from tessera_sessions`.execute(store.db).catch(() => ({ rows: [{ n: -1 }] }));
      expect(rows[0]!.n).toBe(-1); // no default table was created
    } finally {
      await store.close();
    }
  });

  it('a failed lookup answers a rejected promise, not a throw', async () => {
    const store = await sqliteStore(':memory:');
    await store.close();
    let answer: unknown;
    expect(() => (answer = store.get('no-such-id-00000000000'))).not.toThrow();
    expect(answer).toBeInstanceOf(Promise);
    await expect(answer).rejects.toThrow();
  });
});
