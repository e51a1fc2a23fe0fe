import type { TestApi, StoreFactory } from './test-api.js';
import { at, sampleRecord, withStore } from './session-fixtures.js';

/** deleteExpired: bounded purge of dead records. */
export function expiryCases({ it, expect }: TestApi, makeStore: StoreFactory): void {
  it('deleteExpired deletes records expiring at or before now and keeps later ones', () =>
    withStore(makeStore, async (store) => {
      const now = at(0);
      const dead = [sampleRecord({ expiresAt: at(-86_400_000) }), sampleRecord({ expiresAt: at(0) })];
      const alive = [sampleRecord({ expiresAt: at(1) }), sampleRecord({ expiresAt: at(86_400_000) })];
      for (const record of [...dead, ...alive]) await store.create(record);
      expect(await store.deleteExpired(now, 100)).toBe(2);
      for (const record of dead) expect(await store.get(record.id)).toBe(null);
      for (const record of alive) expect(await store.get(record.id)).toEqual(record);
    }));

  it('deleteExpired deletes at most limit records per call', () =>
    withStore(makeStore, async (store) => {
      for (let i = 0; i < 5; i++) await store.create(sampleRecord({ expiresAt: at(-1_000 * (i + 1)) }));
      const alive = sampleRecord({ expiresAt: at(5_000) });
      await store.create(alive);
      expect(await store.deleteExpired(at(0), 2)).toBe(2);
      expect(await store.deleteExpired(at(0), 2)).toBe(2);
      expect(await store.deleteExpired(at(0), 2)).toBe(1);
      expect(await store.deleteExpired(at(0), 2)).toBe(0);
      expect(await store.get(alive.id)).toEqual(alive);
    }));

  it('deleteExpired on a store with nothing expired resolves 0', () =>
    withStore(makeStore, async (store) => {
      expect(await store.deleteExpired(at(0), 10)).toBe(0);
      await store.create(sampleRecord({ expiresAt: at(1) }));
      expect(await store.deleteExpired(at(0), 10)).toBe(0);
    }));
}
