import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { sampleRecord } from '../../src/testing/session-fixtures.js';

const pending = Symbol('pending');
/** The value of `promise` if it settles within `ms`, else `pending`. */
const within = <T>(promise: Promise<T>, ms: number) => Promise.race([promise, new Promise<typeof pending>((resolve) => setTimeout(() => resolve(pending), ms))]);

describe('sqliteStore: the direct statements by id', () => {
  it('reads every field back as written', async () => {
    const store = await sqliteStore(':memory:');
    try {
      const record = sampleRecord({ previousSecretHash: 'prev-hash', previousSecretExpiresAt: new Date(1_800_000_000_123), userAgent: 'UA', ipAddress: '203.0.113.9' });
      await store.create(record);
      expect(await store.get(record.id)).toEqual(record);
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
          during = await within(read, 50);
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
});
