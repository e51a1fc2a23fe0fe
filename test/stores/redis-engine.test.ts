import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryStore, type Session, type Store } from '../../src/index.js';
import { cachedStore, redisStore } from '../../src/stores/redis/index.js';
import { cookieFrom, post, roundTrip, SECRET, directSessions } from '../helpers/engine.js';
import { redisOrSkip } from '../helpers/services.js';
import { countingStore, gatedStore } from '../helpers/store-probes.js';
import { connect, dropPrefix, ready, uniquePrefix } from './redis-helpers.js';

/** The session engine end to end over the Redis stores: compare-and-swap, rotation and logout through real Redis. */
const service = await redisOrSkip();
let client: Redis;
const prefixes: string[] = [];
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

const backends: [string, () => Store][] = [
  ['redisStore', () => redisStore({ client, prefix: fresh('engine-redis') })],
  ['cachedStore over memoryStore', () => cachedStore({ cache: client, store: memoryStore(), prefix: fresh('engine-cached') })],
];
function fresh(label: string): string {
  const prefix = uniquePrefix(label);
  prefixes.push(prefix);
  return prefix;
}

/** Requests on one cookie that all load before any commits (the gate makes sure), then commit in order. */
async function interleave(store: Store, changes: ((session: Session) => void)[]) {
  const gate = gatedStore(store);
  const sessions = directSessions({ store: gate.store, secrets: [SECRET] });
  const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('seed', 0)));
  await sessions.load(post(cookie)); // a first read, so the cached store holds the record
  gate.arm(changes.length);
  const loaded = await Promise.all(changes.map(() => sessions.load(post(cookie))));
  loaded.forEach((session, i) => changes[i]?.(session));
  // Commits in order, each on a version another has already replaced: the compare-and-swap path, every time.
  const results: PromiseSettledResult<void>[] = [];
  for (const session of loaded) results.push(...(await Promise.allSettled([sessions.commit(session, new Headers())])));
  return { results, final: await sessions.load(post(cookie)) };
}

describe.skipIf(!service).each(backends)('the session engine over %s', (_name, makeStore) => {
  it('concurrent changes to different keys both persist', async () => {
    const { results, final } = await interleave(makeStore(), [(s) => s.set('a', 1), (s) => s.set('b', 2)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect([final.get('a'), final.get('b')]).toEqual([1, 2]);
  });

  it('ten concurrent update()s of one key all persist', async () => {
    const adds = Array.from({ length: 10 }, (_, i) => (s: Session) => void s.update('cart', (cart: unknown) => [...((cart as string[] | undefined) ?? []), `item-${i}`]));
    const { results, final } = await interleave(makeStore(), adds);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect((final.get('cart') as string[]).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `item-${i}`).sort());
  });

  it('a write racing a logout fails with SESSION_INTERRUPTED and never recreates the session', async () => {
    const { results, final } = await interleave(makeStore(), [(s) => s.logout(), (s) => s.set('late', true)]);
    expect(results[1]?.status === 'rejected' && (results[1].reason as { code: string }).code).toBe('SESSION_INTERRUPTED');
    expect(final.id).toBeNull();
  });

  it('rotation issues a working cookie, logout ends both, and revokeUser ends the others', async () => {
    const sessions = directSessions({ store: makeStore(), secrets: [SECRET] });
    const first = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('ada')));
    const other = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('ada')));
    const rotated = cookieFrom(await roundTrip(sessions, post(first), (s) => s.rotate()));
    expect(rotated).not.toBe(first);
    expect((await sessions.load(post(rotated))).userId).toBe('ada');
    expect((await sessions.load(post(first))).isGrace).toBe(true);
    const current = await sessions.load(post(rotated));
    expect(await sessions.revokeUser('ada', { except: current.id })).toBe(1);
    expect((await sessions.load(post(other))).userId).toBe(null);
    await roundTrip(sessions, post(rotated), (s) => s.logout());
    expect((await sessions.load(post(rotated))).userId).toBe(null);
    expect((await sessions.load(post(first))).userId).toBe(null);
  });
});

describe.skipIf(!service)('the session engine over cachedStore', () => {
  it('a read-only request with a cached session costs no database read', async () => {
    const db = countingStore(memoryStore());
    const sessions = directSessions({ store: cachedStore({ cache: client, store: db.store, prefix: fresh('engine-reads') }), secrets: [SECRET] });
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('lin')));
    await sessions.load(post(cookie));
    db.reset();
    for (let i = 0; i < 5; i++) expect((await sessions.load(post(cookie))).userId).toBe('lin');
    expect(db.calls.get).toBe(0);
  });
});
