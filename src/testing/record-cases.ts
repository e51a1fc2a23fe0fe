import { randomBytes } from 'node:crypto';
import type { TestApi, StoreFactory } from './test-api.js';
import { sampleRecord, withStore } from './session-fixtures.js';
import type { SessionRecord } from '../index.js';

/** The record's time fields, every one set by `sampleRecord()`. */
const DATE_FIELDS = ['previousSecretExpiresAt', 'authenticatedAt', 'createdAt', 'lastSeenAt', 'expiresAt', 'absoluteExpiresAt'] as const satisfies readonly (keyof SessionRecord)[];

/** get, create and delete: the part of the contract every backend must pass. */
export function recordCases({ it, expect }: TestApi, makeStore: StoreFactory): void {
  it('get of a missing id answers null, synchronously or through a promise', () =>
    withStore(makeStore, async (store) => {
      const answer = store.get('no-such-session-id-0000');
      // Either the value itself or a promise of it (Store.get answers a MaybePromise).
      expect(answer === null || typeof (answer as Partial<PromiseLike<unknown>>).then === 'function').toBe(true);
      expect(await answer).toBe(null);
    }));

  it('get answers a plain object whose dates are real Date instances that survive a spread', () =>
    withStore(makeStore, async (store) => {
      const record = sampleRecord();
      expect(await store.create(record)).toBe(true);
      const got = await store.get(record.id);
      expect(got !== null && typeof got === 'object').toBe(true);
      // Own data properties only: no prototype getters or class instance for the engine to lose.
      const prototype: unknown = Object.getPrototypeOf(got);
      expect(prototype === Object.prototype || prototype === null).toBe(true);
      const accessors = Object.entries(Object.getOwnPropertyDescriptors(got)).filter(([, descriptor]) => !('value' in descriptor));
      expect(accessors.map(([key]) => key)).toEqual([]);
      const copy = { ...got };
      for (const field of DATE_FIELDS) {
        expect(copy[field] instanceof Date).toBe(true);
        expect((copy[field] as Date).getTime()).toBe((record[field] as Date).getTime());
      }
      expect(copy).toEqual(record);
    }));

  it('create then get round-trips every field exactly (dates to the millisecond)', () =>
    withStore(makeStore, async (store) => {
      const record = sampleRecord();
      expect(await store.create(record)).toBe(true);
      expect(await store.get(record.id)).toEqual(record);
    }));

  it('create then get keeps null fields null (an anonymous session)', () =>
    withStore(makeStore, async (store) => {
      const record = sampleRecord({ previousSecretHash: null, previousSecretExpiresAt: null, userId: null, authenticatedAt: null, userAgent: null, ipAddress: null });
      expect(await store.create(record)).toBe(true);
      expect(await store.get(record.id)).toEqual(record);
    }));

  it('keeps about 22 KB of sealed data byte for byte', () =>
    withStore(makeStore, async (store) => {
      // A 16 KiB payload sealed and base64url-encoded is about 22 KB.
      const record = sampleRecord({ data: randomBytes(16_500).toString('base64url') });
      expect(await store.create(record)).toBe(true);
      expect((await store.get(record.id))?.data).toBe(record.data);
    }));

  it('keeps a unicode user agent exactly', () =>
    withStore(makeStore, async (store) => {
      const record = sampleRecord({ userAgent: 'Navigateur/1.0 (日本語; Ελληνικά) 🦊🔐 ' + 'é'.repeat(200) });
      expect(await store.create(record)).toBe(true);
      expect((await store.get(record.id))?.userAgent).toBe(record.userAgent);
    }));

  it('create with an existing id resolves false and leaves the existing record unchanged', () =>
    withStore(makeStore, async (store) => {
      const original = sampleRecord();
      expect(await store.create(original)).toBe(true);
      expect(await store.create(sampleRecord({ id: original.id, userId: 'intruder' }))).toBe(false);
      expect(await store.get(original.id)).toEqual(original);
    }));

  it('two concurrent creates of one id: exactly one succeeds', () =>
    withStore(makeStore, async (store) => {
      const first = sampleRecord();
      const second = sampleRecord({ id: first.id, userId: 'other' });
      const results = await Promise.all([store.create(first), store.create(second)]);
      expect(results.filter(Boolean).length).toBe(1);
      expect(await store.get(first.id)).toEqual(results[0] ? first : second);
    }));

  it('ids that differ only in letter case are different records', () =>
    withStore(makeStore, async (store) => {
      const lower = sampleRecord({ id: 'abcdefghijklmnopqrstuv' });
      const upper = sampleRecord({ id: 'ABCDEFGHIJKLMNOPQRSTUV' });
      expect(await store.create(lower)).toBe(true);
      expect(await store.create(upper)).toBe(true);
      expect(await store.get(lower.id)).toEqual(lower);
      expect(await store.get(upper.id)).toEqual(upper);
      expect(await store.get('abcdefghijklmnopqrstuV')).toBe(null);
    }));

  it('ids with "-" and "_" work for every operation', () =>
    withStore(makeStore, async (store) => {
      const record = sampleRecord({ id: '-_Zz09-_-__--_aA-b_c-_' });
      expect(await store.create(record)).toBe(true);
      expect(await store.get(record.id)).toEqual(record);
      expect(await store.delete(record.id)).toBe(true);
      expect(await store.get(record.id)).toBe(null);
    }));

  it('delete is idempotent: true, then false, and the record is gone', () =>
    withStore(makeStore, async (store) => {
      const record = sampleRecord();
      const other = sampleRecord();
      await store.create(record);
      await store.create(other);
      expect(await store.delete(record.id)).toBe(true);
      expect(await store.delete(record.id)).toBe(false);
      expect(await store.get(record.id)).toBe(null);
      expect(await store.get(other.id)).toEqual(other);
    }));

  it('delete of an id that never existed resolves false', () =>
    withStore(makeStore, async (store) => {
      expect(await store.delete('never-existed-00000000')).toBe(false);
    }));
}
