// sqliteStore's get answers a normal lookup synchronously (Store.get returns a MaybePromise,
// src/core/store.ts): a plain record with real Dates, no promise for the engine to await. Inside
// a transaction on store.db it answers with a promise that waits its turn, and a wrapper that
// replaces get is always the one the engine calls.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { type SessionRecord, type Store } from '../../src/index.js';
import { directSessions } from '../helpers/engine.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { sampleRecord } from '../../src/testing/session-fixtures.js';
import { countingStore } from '../helpers/store-probes.js';

const SECRET = 'sqlite-sync-get-test-secret-0123456789abcdef0';
const FIELDS = [
  'id',
  'secretHash',
  'previousSecretHash',
  'previousSecretExpiresAt',
  'userId',
  'authenticatedAt',
  'data',
  'version',
  'createdAt',
  'lastSeenAt',
  'expiresAt',
  'absoluteExpiresAt',
  'userAgent',
  'ipAddress',
] as const;
const DATE_FIELDS = ['previousSecretExpiresAt', 'authenticatedAt', 'createdAt', 'lastSeenAt', 'expiresAt', 'absoluteExpiresAt'] as const;

const pending = Symbol('pending');
/** The value of `promise` if it settles within `ms`, else `pending`. */
const within = <T>(promise: Promise<T>, ms: number) => Promise.race([promise, new Promise<typeof pending>((resolve) => setTimeout(() => resolve(pending), ms))]);

const isThenable = (value: unknown): boolean => typeof (value as Partial<PromiseLike<unknown>> | null)?.then === 'function';

const post = (cookie?: string) =>
  new Request('https://app.example.com/api', { method: 'POST', headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', 'user-agent': 'UA-1', ...(cookie ? { cookie } : {}) } });

/** Signs `user` in on `sessions` and returns the request cookie of the new session. */
async function signIn(sessions: ReturnType<typeof directSessions>, user: string): Promise<string> {
  const session = await sessions.load(post());
  session.login(user);
  const headers = new Headers();
  await sessions.commit(session, headers);
  return headers.getSetCookie()[0]!.split(';')[0]!;
}

describe("sqliteStore's synchronous get", () => {
  it('answers a normal lookup with the plain record itself, not a promise: every field, real Dates that survive a spread', async () => {
    const store = await sqliteStore(':memory:');
    try {
      for (const record of [
        sampleRecord({ previousSecretHash: 'prev', previousSecretExpiresAt: new Date(1_800_000_000_123) }),
        sampleRecord({ previousSecretHash: null, previousSecretExpiresAt: null, userId: null, authenticatedAt: null, userAgent: null, ipAddress: null }),
      ]) {
        await store.create(record);
        const answer = store.get(record.id);
        expect(isThenable(answer)).toBe(false);
        const got = answer as SessionRecord;
        expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
        for (const field of FIELDS) {
          expect(Object.getOwnPropertyDescriptor(got, field)).toHaveProperty('value');
          expect(got[field]).toEqual(record[field]);
        }
        const copy = { ...got };
        for (const field of DATE_FIELDS) if (record[field] !== null) expect(copy[field]).toBeInstanceOf(Date);
        expect(copy).toEqual(record);
      }
      const missing = store.get('no-such-id-00000000000');
      expect(isThenable(missing)).toBe(false);
      expect(missing).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('answers with a promise inside a transaction on store.db, settled only after it ends, and synchronously again afterwards', async () => {
    const store = await sqliteStore(':memory:');
    try {
      const record = sampleRecord();
      await store.create(record);
      let answer: ReturnType<Store['get']> | null = null;
      await store.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        answer = store.get(record.id);
        expect(answer).toBeInstanceOf(Promise);
        expect(await within(answer as Promise<SessionRecord | null>, 50)).toBe(pending);
      });
      expect(await (answer as ReturnType<Store['get']> | null)).toEqual(record);
      const after = store.get(record.id);
      expect(isThenable(after)).toBe(false);
      expect(after).toEqual(record);
    } finally {
      await store.close();
    }
  });

  it('a load does one store lookup, answered without a promise', async () => {
    const inner = await sqliteStore(':memory:');
    try {
      const answers: unknown[] = [];
      const store: Store = {
        ...inner,
        get: (id) => {
          const answer = inner.get(id);
          answers.push(answer);
          return answer;
        },
      };
      const sessions = directSessions({ store, secrets: [SECRET] });
      const cookie = await signIn(sessions, 'user-1');
      answers.length = 0;
      expect((await sessions.load(post(cookie))).userId).toBe('user-1');
      expect(answers).toHaveLength(1);
      expect(isThenable(answers[0])).toBe(false);
      expect((answers[0] as SessionRecord).userId).toBe('user-1');
    } finally {
      await inner.close();
    }
  });

  it('a wrapper that replaces get is the one a load calls', async () => {
    const inner = await sqliteStore(':memory:');
    try {
      const { store, calls } = countingStore(inner);
      const sessions = directSessions({ store, secrets: [SECRET] });
      const cookie = await signIn(sessions, 'user-1');
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
      const sessions = directSessions({ store, secrets: [SECRET], clock: () => new Date(now) });
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
