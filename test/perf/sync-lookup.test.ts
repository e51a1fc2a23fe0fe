// sqliteStore's synchronous twin of get (src/core/sync-lookup.ts): the engine may skip the
// promise of an async get, but never a wrapper, never a transaction, and a record whose dates
// are built on access must persist exactly like a plain one.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createSessions } from '../../src/index.js';
import { syncLookupOf } from '../../src/core/sync-lookup.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { sampleRecord } from '../../src/testing/session-fixtures.js';
import { countingStore } from '../helpers/store-probes.js';

const SECRET = 'sync-lookup-test-secret-0123456789abcdef0123';
const FIELDS = ['id', 'secretHash', 'previousSecretHash', 'previousSecretExpiresAt', 'userId', 'authenticatedAt', 'data', 'version', 'createdAt', 'lastSeenAt', 'expiresAt', 'absoluteExpiresAt', 'userAgent', 'ipAddress'] as const;

const post = (cookie?: string) =>
  new Request('https://app.example.com/api', { method: 'POST', headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', 'user-agent': 'UA-1', ...(cookie ? { cookie } : {}) } });

describe("sqliteStore's synchronous lookup", () => {
  it('answers every field as get() does, the same Date on every read', async () => {
    const store = await sqliteStore(':memory:');
    try {
      const lookup = syncLookupOf(store);
      expect(lookup).toBeTypeOf('function');
      for (const record of [sampleRecord({ previousSecretHash: 'prev', previousSecretExpiresAt: new Date(1_800_000_000_123) }), sampleRecord({ previousSecretHash: null, previousSecretExpiresAt: null, userId: null, authenticatedAt: null, userAgent: null, ipAddress: null })]) {
        await store.create(record);
        const lazy = lookup!(record.id);
        expect(lazy).not.toBeNull();
        for (const field of FIELDS) expect(lazy![field]).toEqual(record[field]);
        expect(lazy!.expiresAt).toBe(lazy!.expiresAt);
        expect(await store.get(record.id)).toEqual(record);
      }
      expect(lookup!('no-such-id-00000000000')).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('declines inside a transaction on store.db, so the load waits its turn', async () => {
    const store = await sqliteStore(':memory:');
    try {
      const record = sampleRecord();
      await store.create(record);
      await store.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        expect(syncLookupOf(store)!(record.id)).toBeUndefined();
      });
      expect(syncLookupOf(store)!(record.id)?.id).toBe(record.id);
    } finally {
      await store.close();
    }
  });

  it('is never used through a wrapper that replaces get', async () => {
    const inner = await sqliteStore(':memory:');
    try {
      const { store, calls } = countingStore(inner);
      expect(syncLookupOf(store)).toBeUndefined();
      const sessions = createSessions({ store, secrets: [SECRET] });
      const session = await sessions.load(post());
      session.login('user-1');
      const headers = new Headers();
      await sessions.commit(session, headers);
      const cookie = headers.getSetCookie()[0]!.split(';')[0]!;
      calls.get = 0;
      expect((await sessions.load(post(cookie))).userId).toBe('user-1');
      expect(calls.get).toBe(1);
    } finally {
      await inner.close();
    }
  });

  it('a record it loaded is written back whole by rotate, a data change and a touch', async () => {
    let now = Date.UTC(2026, 0, 15, 12, 0, 0, 321);
    const store = await sqliteStore(':memory:');
    try {
      const sessions = createSessions({ store, secrets: [SECRET], clock: () => new Date(now) });
      const first = await sessions.load(post());
      first.set('cart', ['a']);
      first.login('user-1');
      const headers = new Headers();
      await sessions.commit(first, headers);
      const id = first.id!;
      const created = (await store.get(id))!;
      let cookie = headers.getSetCookie()[0]!.split(';')[0]!;

      now += 1_000;
      const rotating = await sessions.load(post(cookie));
      rotating.rotate();
      const rotated = new Headers();
      await sessions.commit(rotating, rotated);
      cookie = rotated.getSetCookie()[0]!.split(';')[0]!;
      const afterRotate = (await store.get(id))!;
      expect(afterRotate).toEqual({
        ...created,
        secretHash: afterRotate.secretHash,
        previousSecretHash: created.secretHash,
        previousSecretExpiresAt: afterRotate.previousSecretExpiresAt,
        data: afterRotate.data,
        version: created.version + 1,
        lastSeenAt: new Date(now),
        expiresAt: afterRotate.expiresAt,
      });
      expect(afterRotate.secretHash).not.toBe(created.secretHash);

      now += 1_000;
      const changing = await sessions.load(post(cookie));
      changing.set('cart', ['a', 'b']);
      await sessions.commit(changing, new Headers());
      const afterChange = (await store.get(id))!;
      expect(afterChange).toEqual({ ...afterRotate, data: afterChange.data, version: afterRotate.version + 1, lastSeenAt: new Date(now), expiresAt: afterChange.expiresAt });

      now += 2 * 3_600_000;
      const touching = await sessions.load(post(cookie));
      expect(touching.get('cart')).toEqual(['a', 'b']);
      await sessions.commit(touching, new Headers());
      const afterTouch = (await store.get(id))!;
      expect(afterTouch).toEqual({ ...afterChange, lastSeenAt: new Date(now), expiresAt: afterTouch.expiresAt });
      expect(afterTouch.expiresAt.getTime()).toBeGreaterThan(afterChange.expiresAt.getTime());
    } finally {
      await store.close();
    }
  });
});
