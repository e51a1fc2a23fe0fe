import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryStore, type SessionRecord, type Store } from '../../src/index.js';
import { cachedStore } from '../../src/stores/redis/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { testStore } from '../../src/testing/index.js';
import { redisOrSkip } from '../helpers/services.js';
import { countingStore } from '../helpers/store-probes.js';
import { connect, dropPrefix, keysUnder, liveSessionRecord, ready, uniquePrefix } from './redis-helpers.js';

const service = await redisOrSkip();
let client: Redis;
const prefixes: string[] = [];
const fresh = (label: string) => {
  const prefix = uniquePrefix(label);
  prefixes.push(prefix);
  return prefix;
};
beforeAll(async () => {
  if (!service) return;
  client = connect(service);
  await ready(client);
});
afterAll(async () => {
  if (!client) return;
  for (const prefix of prefixes) await dropPrefix(client, prefix);
  await client.quit();
});

/** The conformance fixtures' instant: with this clock their records are live, so they get cached. */
const FIXTURE_NOW = new Date(Date.UTC(2026, 0, 15, 12, 30, 45, 123));
const DAY = 86_400_000;
const liveRecord = (overrides: Partial<SessionRecord> = {}): SessionRecord => liveSessionRecord('cached-test-id', overrides, 14 * DAY);

/** A store whose next `get` stops after reading, until released: a read racing a write, every time. */
function pausingStore(inner: Store) {
  let next: { reached(): void; release: Promise<void> } | null = null;
  const store: Store = {
    ...inner,
    async get(id) {
      const record = await inner.get(id);
      const pause = next;
      next = null;
      if (pause) {
        pause.reached();
        await pause.release;
      }
      return record;
    },
  };
  return {
    store,
    pauseNextGet() {
      let reached!: () => void;
      let release!: () => void;
      const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
      next = { reached, release: new Promise<void>((resolve) => (release = resolve)) };
      return { reached: reachedPromise, release };
    },
  };
}

describe.skipIf(!service)('cachedStore', () => {
  testStore({ describe, it, expect }, 'cachedStore (Redis over memoryStore)', () => cachedStore({ cache: client, store: memoryStore(), prefix: fresh('conf-memory'), clock: () => FIXTURE_NOW }));

  const sqliteRoot = mkdtempSync(join(tmpdir(), 'tessera-cached-'));
  let files = 0;
  afterAll(() => rmSync(sqliteRoot, { recursive: true, force: true }));
  testStore({ describe, it, expect }, 'cachedStore (Redis over sqliteStore)', async () => {
    const db = await sqliteStore(join(sqliteRoot, `${++files}.db`));
    return { store: cachedStore({ cache: client, store: db, prefix: fresh('conf-sqlite'), clock: () => FIXTURE_NOW }), cleanup: () => db.close() };
  });

  it('serves repeated reads from Redis, and writes through update and touch', async () => {
    const db = countingStore(memoryStore());
    const store = cachedStore({ cache: client, store: db.store, prefix: fresh('hits') });
    const record = liveRecord();
    await store.create(record);
    expect(await store.get(record.id)).toEqual(record);
    expect(await store.get(record.id)).toEqual(record);
    expect(db.calls.get).toBe(1);

    const rotated = { ...record, secretHash: 'rotated', version: 2 };
    expect(await store.update(rotated, 1)).toBe(true);
    expect(await store.get(record.id)).toEqual(rotated);
    const touch = { lastSeenAt: new Date(Date.now() + 1000), expiresAt: new Date(Date.now() + 15 * DAY) };
    expect(await store.touch(record.id, touch)).toBe(true);
    expect(await store.get(record.id)).toEqual({ ...rotated, ...touch });
    expect(db.calls.get).toBe(1);
  });

  it('an entry lives at most ttlSeconds, and never past the record’s expiresAt', async () => {
    const prefix = fresh('ttl');
    const store = cachedStore({ cache: client, store: memoryStore(), prefix, ttlSeconds: 30 });
    const long = liveRecord();
    const short = liveRecord({ expiresAt: new Date(Date.now() + 5_000) });
    for (const record of [long, short]) {
      await store.create(record);
      await store.get(record.id);
    }
    const ttlOf = async (id: string) => {
      const [key] = (await keysUnder(client, prefix)).filter((k) => k.endsWith(`:${id}`));
      return client.pttl(key as string);
    };
    expect(await ttlOf(long.id)).toBeGreaterThan(29_000);
    expect(await ttlOf(long.id)).toBeLessThanOrEqual(30_000);
    // Positive: -1 (no expiry) and -2 (no key) would pass a bare upper bound.
    expect(await ttlOf(short.id)).toBeGreaterThan(0);
    expect(await ttlOf(short.id)).toBeLessThanOrEqual(5_000);
  });

  it('a read that raced a delete does not put the deleted record back in the cache', async () => {
    const db = memoryStore();
    const probe = pausingStore(db);
    const store = cachedStore({ cache: client, store: probe.store, prefix: fresh('race-delete') });
    const record = liveRecord();
    await store.create(record);
    const gate = probe.pauseNextGet();
    const racing = store.get(record.id); // leases the slot, reads the record, then stalls
    await gate.reached;
    expect(await store.delete(record.id)).toBe(true);
    gate.release();
    expect((await racing)?.id).toBe(record.id); // it read before the delete…
    expect(await store.get(record.id)).toBe(null); // …and did not cache what it read
  });

  it('a read that raced a revocation of the user does not put the record back in the cache', async () => {
    const probe = pausingStore(memoryStore());
    const store = cachedStore({ cache: client, store: probe.store, prefix: fresh('race-revoke') });
    const record = liveRecord({ userId: 'mallory' });
    await store.create(record);
    const gate = probe.pauseNextGet();
    const racing = store.get(record.id);
    await gate.reached;
    expect(await store.deleteByUser('mallory')).toBe(1);
    gate.release();
    await racing;
    expect(await store.get(record.id)).toBe(null);
  });

  it('a read that raced a rotation does not cache the old version', async () => {
    const probe = pausingStore(memoryStore());
    const store = cachedStore({ cache: client, store: probe.store, prefix: fresh('race-rotate') });
    const record = liveRecord();
    await store.create(record);
    const gate = probe.pauseNextGet();
    const racing = store.get(record.id);
    await gate.reached;
    const rotated = { ...record, secretHash: 'new-secret-hash', version: 2 };
    expect(await store.update(rotated, 1)).toBe(true);
    gate.release();
    expect((await racing)?.version).toBe(1);
    expect(await store.get(record.id)).toEqual(rotated);
  });

  it('deleteByUser makes every entry cached before it unreachable, in every process sharing the cache', async () => {
    const prefix = fresh('revoke-all');
    const db = memoryStore();
    const one = cachedStore({ cache: client, store: db, prefix });
    const two = cachedStore({ cache: client, store: db, prefix });
    const [a, b, keep] = [liveRecord({ userId: 'zoe' }), liveRecord({ userId: 'zoe' }), liveRecord({ userId: 'zoe' })];
    for (const record of [a, b, keep]) {
      await one.create(record);
      await two.get(record.id);
    }
    expect(await one.deleteByUser('zoe', keep.id)).toBe(2);
    expect(await two.get(a.id)).toBe(null);
    expect(await two.get(b.id)).toBe(null);
    expect(await two.get(keep.id)).toEqual(keep);
  });

  it('writes only under its prefix and leaves look-alike app keys alone', async () => {
    const prefix = fresh('isolation');
    const label = prefix.split(':').slice(0, -1).join(':');
    const appKeys = [label, `${label}gen`, `${label}e:0:x`, `app:${prefix}gen`];
    for (const key of appKeys) await client.set(key, 'app value');
    try {
      const store = cachedStore({ cache: client, store: memoryStore(), prefix });
      const record = liveRecord({ userId: 'iso' });
      await store.create(record);
      await store.get(record.id);
      await store.update({ ...record, version: 2 }, 1);
      await store.touch(record.id, { lastSeenAt: new Date(), expiresAt: record.expiresAt });
      await store.deleteByUser('iso');
      await store.delete(record.id);
      for (const key of appKeys) expect(await client.get(key)).toBe('app value');
      const ours = (await keysUnder(client, label)).filter((key) => !appKeys.includes(key));
      expect(ours.length).toBeGreaterThan(0);
      expect(ours.every((key) => key.startsWith(prefix))).toBe(true);
    } finally {
      await client.del(...appKeys);
    }
  });

  it('drops a malformed entry instead of trusting it', async () => {
    const prefix = fresh('malformed');
    const warnings: string[] = [];
    const store = cachedStore({ cache: client, store: memoryStore(), prefix, logger: (entry) => warnings.push(entry.event) });
    const record = liveRecord();
    await store.create(record);
    await store.get(record.id);
    const keys = await keysUnder(client, prefix);
    expect(keys.length).toBeGreaterThan(0);
    const [entry] = keys.filter((key) => key.includes(':e:'));
    await client.hset(entry as string, 'r', '{not json');
    expect(await store.get(record.id)).toEqual(record);
    expect(warnings).toEqual(['session.cache.malformed']);
  });

  it('refuses an empty prefix, a non-positive ttl and a client with its own keyPrefix', () => {
    expect(() => cachedStore({ cache: client, store: memoryStore(), prefix: '' })).toThrow(/prefix/);
    expect(() => cachedStore({ cache: client, store: memoryStore(), ttlSeconds: 0 })).toThrow(/ttlSeconds/);
    const prefixed = { call: client.call.bind(client), options: { keyPrefix: 'app:' } };
    expect(() => cachedStore({ cache: prefixed, store: memoryStore() })).toThrow(/keyPrefix/);
  });
});
