import { describe, expect, it } from 'vitest';
import { memoryStore, type Store } from '../../src/index.js';
import { gatedStore, lastWriterWinsStore } from '../helpers/store-probes.js';
import { cookieFrom, harness, post, roundTrip } from '../helpers/engine.js';

/** Two requests on one cookie that both load before either commits (the gate makes sure). */
async function interleave(store: Store, gate: ReturnType<typeof gatedStore>, changes: ((s: Awaited<ReturnType<ReturnType<typeof harness>['sessions']['load']>>) => void)[]) {
  const { sessions } = harness({ store: gate.store });
  const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('seed', 0)));
  gate.arm(changes.length);
  const loaded = await Promise.all(changes.map(() => sessions.load(post(cookie))));
  expect(gate.loadsSeen()).toBe(changes.length);
  loaded.forEach((session, i) => changes[i]?.(session));
  const results = await Promise.allSettled(loaded.map((session) => sessions.commit(session, new Headers())));
  return { results, final: await sessions.load(post(cookie)) };
}

describe('concurrent requests on one session (versioned compare-and-swap)', () => {
  it('changes to different keys both persist', async () => {
    const gate = gatedStore(memoryStore());
    const { results, final } = await interleave(gate.store, gate, [(s) => s.set('a', 1), (s) => s.set('b', 2)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(final.get('a')).toBe(1);
    expect(final.get('b')).toBe(2);
  });

  it('control: without the version check one of the two writes is lost', async () => {
    const gate = gatedStore(lastWriterWinsStore(memoryStore()));
    const { final } = await interleave(gate.store, gate, [(s) => s.set('a', 1), (s) => s.set('b', 2)]);
    expect([final.get('a'), final.get('b')].filter((v) => v !== undefined)).toHaveLength(1);
  });

  it('ten concurrent update()s of one key all persist', async () => {
    const gate = gatedStore(memoryStore());
    const adds = Array.from(
      { length: 10 },
      (_, i) => (s: Parameters<Parameters<typeof interleave>[2][number]>[0]) => void s.update('cart', (cart: unknown) => [...((cart as string[] | undefined) ?? []), `item-${i}`]),
    );
    const { results, final } = await interleave(gate.store, gate, adds);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect((final.get('cart') as string[]).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `item-${i}`).sort());
  });

  it('control: set() of a read-modify-write value loses appends (what update() exists for)', async () => {
    const gate = gatedStore(memoryStore());
    const { final } = await interleave(gate.store, gate, [
      (s) => s.set('cart', [...((s.get('cart') as string[] | undefined) ?? []), 'x']),
      (s) => s.set('cart', [...((s.get('cart') as string[] | undefined) ?? []), 'y']),
    ]);
    expect(final.get('cart')).toHaveLength(1);
  });

  it('a write racing a logout fails with SESSION_INTERRUPTED and never recreates the session', async () => {
    const gate = gatedStore(memoryStore());
    const { results, final } = await interleave(gate.store, gate, [(s) => s.logout(), (s) => s.set('late', true)]);
    const second = results[1];
    expect(second?.status).toBe('rejected');
    expect(second?.status === 'rejected' && (second.reason as { code: string }).code).toBe('SESSION_INTERRUPTED');
    expect(final.id).toBeNull();
    expect(final.get('late')).toBeUndefined();
  });

  it('a data write racing a rotation persists (the writer holds the grace secret)', async () => {
    const gate = gatedStore(memoryStore());
    const { results, final } = await interleave(gate.store, gate, [(s) => s.rotate(), (s) => s.set('during', 'rotation')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(final.get('during')).toBe('rotation');
  });

  it('two concurrent rotations: one wins, the other is interrupted, the user stays signed in', async () => {
    const gate = gatedStore(memoryStore());
    const { sessions } = harness({ store: gate.store });
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('alice')));
    gate.arm(2);
    const [a, b] = await Promise.all([sessions.load(post(cookie)), sessions.load(post(cookie))]);
    a?.rotate();
    b?.rotate();
    const ha = new Headers();
    const hb = new Headers();
    const results = await Promise.allSettled([sessions.commit(a, ha), sessions.commit(b, hb)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = cookieFrom(results[0]?.status === 'fulfilled' ? ha : hb);
    expect((await sessions.load(post(winner))).userId).toBe('alice');
    expect((await sessions.load(post(cookie))).userId).toBe('alice'); // grace
  });
});
