import type { TestApi, StoreFactory } from './test-api.js';
import { at, nextVersion, sampleRecord, withStore } from './session-fixtures.js';

/** update: compare-and-swap on the version. */
export function updateCases({ it, expect }: TestApi, makeStore: StoreFactory): void {
  it('update with the expected version replaces every field and resolves true', () =>
    withStore(makeStore, async (store) => {
      const record = sampleRecord();
      await store.create(record);
      const next = nextVersion(record, { userId: 'user-7', previousSecretHash: null, previousSecretExpiresAt: null, expiresAt: at(99_000), userAgent: null });
      expect(await store.update(next, record.version)).toBe(true);
      expect(await store.get(record.id)).toEqual(next);
    }));

  it('update with a wrong version resolves false and changes nothing', () =>
    withStore(makeStore, async (store) => {
      const record = sampleRecord({ version: 3 });
      await store.create(record);
      expect(await store.update(nextVersion(record), 2)).toBe(false);
      expect(await store.update({ ...nextVersion(record), version: 5 }, 4)).toBe(false);
      expect(await store.get(record.id)).toEqual(record);
    }));

  it('update of a missing record resolves false and never inserts', () =>
    withStore(makeStore, async (store) => {
      const record = sampleRecord();
      expect(await store.update(nextVersion(record), record.version)).toBe(false);
      expect(await store.get(record.id)).toBe(null);
    }));

  it('a stale writer loses after the record moved on', () =>
    withStore(makeStore, async (store) => {
      const v1 = sampleRecord();
      await store.create(v1);
      const v2 = nextVersion(v1);
      const v3 = nextVersion(v2);
      expect(await store.update(v2, 1)).toBe(true);
      expect(await store.update(v3, 2)).toBe(true);
      expect(await store.update(nextVersion(v1), 1)).toBe(false);
      expect(await store.get(v1.id)).toEqual(v3);
    }));

  it('concurrent updates from the same base version: exactly one wins and is stored', () =>
    withStore(makeStore, async (store) => {
      const base = sampleRecord();
      await store.create(base);
      const contenders = Array.from({ length: 5 }, () => nextVersion(base));
      const results = await Promise.all(contenders.map((next) => store.update(next, base.version)));
      expect(results.filter(Boolean).length).toBe(1);
      expect(await store.get(base.id)).toEqual(contenders[results.indexOf(true)]);
    }));
}
