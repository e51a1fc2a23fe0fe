import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../../src/stores/redis/index.js';
import { testStore } from '../../src/testing/index.js';
import { redisOrSkip } from '../helpers/services.js';
import { connect, dropPrefix, keysUnder, liveSessionRecord, ready, uniquePrefix } from './redis-helpers.js';
import type { Redis } from 'ioredis';
import type { SessionRecord } from '../../src/index.js';

const service = await redisOrSkip();
let client: Redis;
beforeAll(async () => {
  if (!service) return;
  client = connect(service);
  await ready(client);
});
afterAll(async () => {
  await client?.quit();
});

const DAY = 86_400_000;
const liveRecord = (overrides: Partial<SessionRecord> = {}): SessionRecord => liveSessionRecord('redis-test-id', overrides, 14 * DAY + 123);

describe.skipIf(!service)('redisStore', () => {
  testStore({ describe, it, expect }, 'redisStore', () => {
    const prefix = uniquePrefix('conformance');
    return { store: redisStore({ client, prefix }), cleanup: () => dropPrefix(client, prefix) };
  });

  it('sets the record key TTL to expiresAt, and moves it on touch and update', async () => {
    const prefix = uniquePrefix('ttl');
    const store = redisStore({ client, prefix });
    try {
      const record = liveRecord();
      await store.create(record);
      const key = `${prefix}s:${record.id}`;
      expect(Number(await client.call('PEXPIRETIME', key))).toBe(record.expiresAt.getTime());

      const touchedTo = new Date(record.expiresAt.getTime() + DAY + 7);
      expect(await store.touch(record.id, { lastSeenAt: new Date(), expiresAt: touchedTo })).toBe(true);
      expect(Number(await client.call('PEXPIRETIME', key))).toBe(touchedTo.getTime());

      const updated = { ...record, version: 2, expiresAt: new Date(record.expiresAt.getTime() + 2 * DAY + 9) };
      expect(await store.update(updated, 1)).toBe(true);
      expect(Number(await client.call('PEXPIRETIME', key))).toBe(updated.expiresAt.getTime());
      // The user index outlives its longest-lived member, never less.
      expect(Number(await client.call('PEXPIRETIME', `${prefix}u:alice`))).toBeGreaterThanOrEqual(updated.expiresAt.getTime());
    } finally {
      await dropPrefix(client, prefix);
    }
  });

  it('keeps every key under its prefix and leaves look-alike app keys alone', async () => {
    const prefix = uniquePrefix('isolation');
    const appKeys = [`${prefix.slice(0, -1)}`, `${prefix.slice(0, -1)}s:x`, `app:${prefix}s:x`];
    const store = redisStore({ client, prefix });
    const monitorLines: string[] = [];
    const monitor = await client.monitor();
    monitor.on('monitor', (_time: string, args: string[]) => monitorLines.push(args.join(' ')));
    try {
      for (const key of appKeys) await client.set(key, 'app value');
      const alice = liveRecord();
      const anonymous = liveRecord({ userId: null });
      await store.create(alice);
      await store.create(anonymous);
      await store.touch(alice.id, { lastSeenAt: new Date(), expiresAt: alice.expiresAt });
      await store.update({ ...alice, version: 2 }, 1);
      // Every key the store wrote that names one of these (random, unique) ids, searched across the
      // whole database rather than under the prefix, so a key outside the prefix would be found.
      const named = [...(await client.keys(`*${alice.id}*`)), ...(await client.keys(`*${anonymous.id}*`))];
      expect(named.length).toBeGreaterThan(0);
      expect(named.filter((key) => !key.startsWith(prefix))).toEqual([]);
      await store.listByUser('alice');
      await store.deleteExpired(new Date(), 100);
      await store.deleteByUser('alice');
      await store.delete(anonymous.id);
      for (const key of appKeys) expect(await client.get(key)).toBe('app value');
      expect((await keysUnder(client, prefix)).every((key) => key.startsWith(prefix))).toBe(true);
      expect(monitorLines.some((line) => /^(flushdb|flushall)\b/i.test(line))).toBe(false);
      expect(monitorLines.length).toBeGreaterThan(0);
    } finally {
      monitor.disconnect();
      await client.del(...appKeys);
      await dropPrefix(client, prefix);
    }
  });

  it('a login moves the record from no user index to the user’s, and a user change moves it again', async () => {
    const prefix = uniquePrefix('reindex');
    const store = redisStore({ client, prefix });
    try {
      const anonymous = liveRecord({ userId: null });
      await store.create(anonymous);
      expect(await store.update({ ...anonymous, userId: 'bob', version: 2 }, 1)).toBe(true);
      expect((await store.listByUser('bob')).map((r) => r.id)).toEqual([anonymous.id]);
      expect(await store.update({ ...anonymous, userId: 'carol', version: 3 }, 2)).toBe(true);
      expect(await store.listByUser('bob')).toEqual([]);
      expect(await client.zcard(`${prefix}u:bob`)).toBe(0);
      expect(await store.deleteByUser('carol')).toBe(1);
    } finally {
      await dropPrefix(client, prefix);
    }
  });

  it('cleans index entries of records Redis has expired, lazily', async () => {
    const prefix = uniquePrefix('stale');
    const store = redisStore({ client, prefix });
    try {
      const record = liveRecord();
      await store.create(record);
      // Redis expiring the key itself, as it does at expiresAt.
      await client.del(`${prefix}s:${record.id}`);
      expect(await client.zscore(`${prefix}u:alice`, record.id)).not.toBe(null);
      expect(await store.listByUser('alice')).toEqual([]);
      expect(await client.zscore(`${prefix}u:alice`, record.id)).toBe(null);
      expect(await store.deleteExpired(new Date(record.expiresAt.getTime() + 1), 10)).toBe(0);
      expect(await client.zscore(`${prefix}expiry`, record.id)).toBe(null);
    } finally {
      await dropPrefix(client, prefix);
    }
  });

  it('re-sends a script the server has forgotten (SCRIPT FLUSH, restart)', async () => {
    const prefix = uniquePrefix('noscript');
    const store = redisStore({ client, prefix });
    try {
      await store.create(liveRecord());
      await client.script('FLUSH');
      expect(await store.create(liveRecord())).toBe(true);
    } finally {
      await dropPrefix(client, prefix);
    }
  });

  it('deleteExpired takes any limit, however large', async () => {
    const prefix = uniquePrefix('limit');
    const store = redisStore({ client, prefix });
    try {
      const dead = liveRecord({ expiresAt: new Date(Date.now() - 1000) });
      await store.create(dead);
      await store.create(liveRecord());
      expect(await store.deleteExpired(new Date(), 0)).toBe(0);
      expect(await store.deleteExpired(new Date(), Number.MAX_SAFE_INTEGER)).toBe(1);
      expect(await store.deleteExpired(new Date(), Number.POSITIVE_INFINITY)).toBe(0);
    } finally {
      await dropPrefix(client, prefix);
    }
  });

  it('refuses an empty prefix and a client with its own keyPrefix', () => {
    expect(() => redisStore({ client, prefix: '' })).toThrow(/prefix must not be empty/);
    const prefixed = { call: client.call.bind(client), options: { keyPrefix: 'app:' } };
    expect(() => redisStore({ client: prefixed })).toThrow(/keyPrefix/);
  });
});
