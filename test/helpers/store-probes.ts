import type { SessionRecord, SessionTouch, Store } from '../../src/index.js';

/** Store calls by method name, so tests can prove "one load per request" at the store. */
export type CallCounts = Record<keyof Store, number>;

/** A store wrapper that counts every call made to the store beneath it. */
export function countingStore(inner: Store): { store: Store; calls: CallCounts; reset(): void } {
  const calls: CallCounts = { get: 0, create: 0, update: 0, touch: 0, delete: 0, listByUser: 0, deleteByUser: 0, deleteExpired: 0 };
  const store: Store = {
    get: (id) => (calls.get++, inner.get(id)),
    create: (record) => (calls.create++, inner.create(record)),
    update: (record, version) => (calls.update++, inner.update(record, version)),
    touch: (id, touch: SessionTouch) => (calls.touch++, inner.touch(id, touch)),
    delete: (id) => (calls.delete++, inner.delete(id)),
    listByUser: (userId) => (calls.listByUser++, inner.listByUser(userId)),
    deleteByUser: (userId, except) => (calls.deleteByUser++, inner.deleteByUser(userId, except)),
    deleteExpired: (now, limit) => (calls.deleteExpired++, inner.deleteExpired(now, limit)),
  };
  return {
    store,
    calls,
    reset() {
      for (const key of Object.keys(calls) as (keyof Store)[]) calls[key] = 0;
    },
  };
}

/**
 * A store wrapper that, while armed, holds every `get` until `parties` of them have
 * arrived: so N concurrent requests all load the same version before any of them
 * commits, and the interleaving a concurrency test needs happens every time, not by luck.
 */
export function gatedStore(inner: Store): { store: Store; arm(parties: number): void; loadsSeen(): number } {
  let parties = 0;
  let waiting: (() => void)[] = [];
  let seen = 0;
  const store: Store = {
    ...inner,
    async get(id: string): Promise<SessionRecord | null> {
      const record = await inner.get(id);
      if (parties > 0) {
        seen++;
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (waiting.length >= parties) {
            parties = 0;
            const release = waiting;
            waiting = [];
            for (const go of release) go();
          }
        });
      }
      return record;
    },
  };
  return {
    store,
    arm(count: number) {
      parties = count;
      seen = 0;
    },
    loadsSeen: () => seen,
  };
}

/**
 * A store wrapper with the version check switched off (last writer wins), for control
 * runs that show a concurrency test can fail: with it, one of two concurrent writes is lost.
 */
export function lastWriterWinsStore(inner: Store): Store {
  return {
    ...inner,
    async update(record: SessionRecord): Promise<boolean> {
      // Overwrite whatever is stored now, whatever version this write was based on.
      for (;;) {
        const current = await inner.get(record.id);
        if (!current) return false;
        if (await inner.update({ ...record, version: current.version + 1 }, current.version)) return true;
      }
    },
  };
}
