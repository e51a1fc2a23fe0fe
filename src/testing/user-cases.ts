import type { SessionRecord } from '../index.js';
import type { TestApi, StoreFactory } from './test-api.js';
import { at, sampleRecord, withStore } from './session-fixtures.js';

const byId = (a: SessionRecord, b: SessionRecord) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** listByUser: every record of a user, expired ones included. */
export function listCases({ it, expect }: TestApi, makeStore: StoreFactory): void {
  it('listByUser returns every record of the user, expired ones included, and no one else’s', () =>
    withStore(makeStore, async (store) => {
      const mine = [sampleRecord({ userId: 'alice' }), sampleRecord({ userId: 'alice', expiresAt: at(-1) })];
      await Promise.all([...mine, sampleRecord({ userId: 'bob' }), sampleRecord({ userId: null })].map((r) => store.create(r)));
      const listed = await store.listByUser('alice');
      expect([...listed].sort(byId)).toEqual([...mine].sort(byId));
    }));

  it('listByUser of a user without sessions resolves an empty list', () =>
    withStore(makeStore, async (store) => {
      await store.create(sampleRecord({ userId: 'alice' }));
      expect(await store.listByUser('nobody')).toEqual([]);
    }));

  it('user ids are compared exactly: case and trailing spaces matter', () =>
    withStore(makeStore, async (store) => {
      const records = ['alice', 'Alice', 'alice '].map((userId) => sampleRecord({ userId }));
      for (const record of records) await store.create(record);
      for (const record of records) expect(await store.listByUser(record.userId as string)).toEqual([record]);
    }));
}

/** deleteByUser: sign a user out everywhere, optionally but here. */
export function deleteByUserCases({ it, expect }: TestApi, makeStore: StoreFactory): void {
  it('deleteByUser deletes every record of the user and resolves the count', () =>
    withStore(makeStore, async (store) => {
      const others = [sampleRecord({ userId: 'bob' }), sampleRecord({ userId: null }), sampleRecord({ userId: 'Alice' })];
      const mine = [sampleRecord({ userId: 'alice' }), sampleRecord({ userId: 'alice' }), sampleRecord({ userId: 'alice', expiresAt: at(-1) })];
      for (const record of [...mine, ...others]) await store.create(record);
      expect(await store.deleteByUser('alice')).toBe(3);
      expect(await store.listByUser('alice')).toEqual([]);
      for (const record of others) expect(await store.get(record.id)).toEqual(record);
    }));

  it('deleteByUser with an except id keeps that one record', () =>
    withStore(makeStore, async (store) => {
      const [keep, a, b] = [sampleRecord({ userId: 'alice' }), sampleRecord({ userId: 'alice' }), sampleRecord({ userId: 'alice' })];
      for (const record of [keep, a, b]) await store.create(record);
      expect(await store.deleteByUser('alice', keep.id)).toBe(2);
      expect(await store.listByUser('alice')).toEqual([keep]);
    }));

  it('deleteByUser of a user without sessions resolves 0', () =>
    withStore(makeStore, async (store) => {
      const record = sampleRecord({ userId: 'bob' });
      await store.create(record);
      expect(await store.deleteByUser('alice')).toBe(0);
      expect(await store.deleteByUser('alice', record.id)).toBe(0);
      expect(await store.get(record.id)).toEqual(record);
    }));
}
