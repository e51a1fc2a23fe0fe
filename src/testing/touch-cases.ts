import type { TestApi, StoreFactory } from './test-api.js';
import { at, sampleRecord, withStore } from './session-fixtures.js';

/** touch: activity without a data change. */
export function touchCases({ it, expect }: TestApi, makeStore: StoreFactory): void {
  it('touch moves only lastSeenAt and expiresAt, not the version', () =>
    withStore(makeStore, async (store) => {
      const record = sampleRecord({ version: 4 });
      await store.create(record);
      const touch = { lastSeenAt: at(3_600_001), expiresAt: at(20 * 86_400_000 + 7) };
      expect(await store.touch(record.id, touch)).toBe(true);
      expect(await store.get(record.id)).toEqual({ ...record, ...touch });
    }));

  it('touch with the values already stored still resolves true (the record exists)', () =>
    withStore(makeStore, async (store) => {
      const record = sampleRecord();
      await store.create(record);
      expect(await store.touch(record.id, { lastSeenAt: record.lastSeenAt, expiresAt: record.expiresAt })).toBe(true);
    }));

  it('touch of a missing record resolves false and never inserts', () =>
    withStore(makeStore, async (store) => {
      const record = sampleRecord();
      expect(await store.touch(record.id, { lastSeenAt: at(1), expiresAt: at(2) })).toBe(false);
      expect(await store.get(record.id)).toBe(null);
    }));

  it('a touch does not make a stale compare-and-swap succeed', () =>
    withStore(makeStore, async (store) => {
      const record = sampleRecord();
      await store.create(record);
      await store.touch(record.id, { lastSeenAt: at(10), expiresAt: at(20) });
      expect(await store.update({ ...record, version: 3 }, 2)).toBe(false);
      expect((await store.get(record.id))?.version).toBe(record.version);
    }));
}
