import { describe, expect, it } from 'vitest';
import { memoryStore, SessionError, type Store } from '../../src/index.js';
import { countingStore } from '../helpers/store-probes.js';
import { manualClock } from '../helpers/clock.js';
import { cookieFrom, harness, post, roundTrip, SECRET, directSessions } from '../helpers/engine.js';

describe('bad input is an anonymous session, never an error', () => {
  const valid = `${'A'.repeat(22)}.${'B'.repeat(43)}`;
  const malformed = ['', 'x', valid.slice(1), `${valid}x`, valid.replace('.', ':'), `"${valid.slice(2)}"`, '%41'.repeat(22), 'A'.repeat(10_000), `${valid.slice(0, 22)}.${'B'.repeat(42)}=`];

  it.each(malformed.map((v) => [v.slice(0, 30), v]))('malformed %j: no store query, no cookie echoed', async (_label, value) => {
    const counted = countingStore(memoryStore());
    const { sessions } = harness({ store: counted.store });
    const headers = await roundTrip(sessions, post(`sid=${value}`), (s) => void s.get('a'));
    expect(counted.calls.get).toBe(0);
    expect(headers.getSetCookie()).toEqual([]);
  });

  it('a duplicated cookie is no session and costs no store query', async () => {
    const counted = countingStore(memoryStore());
    const { sessions } = harness({ store: counted.store });
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('a', 1)));
    counted.reset();
    const session = await sessions.load(post(`${cookie}; ${cookie}`));
    expect(session.get('a')).toBeUndefined();
    expect(counted.calls.get).toBe(0);
  });

  it('a forged secret for a real id is anonymous (one lookup, constant-time compare)', async () => {
    const { sessions } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('alice'))) as string;
    const forged = `${cookie.slice(0, 27)}${'C'.repeat(43)}`;
    expect((await sessions.load(post(forged))).userId).toBeNull();
  });

  it('a 64 KiB cookie header given directly to the engine is ignored without a store query', async () => {
    const counted = countingStore(memoryStore());
    const { sessions } = harness({ store: counted.store });
    const session = await sessions.load(new Headers({ cookie: `sid=${valid}; pad=${'x'.repeat(64 * 1024)}`, host: 'localhost' }), { operation: 'read' });
    expect(session.get('a')).toBeUndefined();
    expect(counted.calls.get).toBe(0);
  });

  it('session data over the cap throws DATA_TOO_LARGE and leaves the stored data unchanged', async () => {
    const { sessions } = harness({ maxDataBytes: 1024 });
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('small', 'x')));
    const session = await sessions.load(post(cookie));
    session.set('big', 'y'.repeat(2000));
    await expect(sessions.commit(session, new Headers())).rejects.toMatchObject({ code: 'DATA_TOO_LARGE' });
    expect(session.get('big')).toBeUndefined(); // rolled back in memory too
    const reloaded = await sessions.load(post(cookie));
    expect(reloaded.keys()).toEqual(['small']);
  });

  it('a store failure surfaces as STORE_FAILURE with the driver error as cause', async () => {
    const boom = new Error('disk on fire');
    const failing: Store = { ...memoryStore(), get: async () => Promise.reject(boom) };
    const sessions = directSessions({ store: failing, secrets: [SECRET] });
    const error = await sessions.load(post(`sid=${valid}`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionError);
    expect(error).toMatchObject({ code: 'STORE_FAILURE', cause: boom });
    expect((error as Error).message).not.toContain(valid);
  });

  it('stored data that no secret opens is dropped, with a warning that carries no token', async () => {
    const logs: unknown[] = [];
    const store = memoryStore();
    const a = directSessions({ store, secrets: [SECRET] });
    const cookie = cookieFrom(await roundTrip(a, post(), (s) => s.set('a', 1))) as string;
    const b = directSessions({ store, secrets: ['another-secret-another-secret-another!'], logger: (entry) => logs.push(entry) });
    const session = await b.load(post(cookie));
    expect(session.get('a')).toBeUndefined();
    expect(JSON.stringify(logs)).toContain('session.data.tampered');
    expect(JSON.stringify(logs)).not.toContain(cookie.slice(27));
  });

  it('data that fails the schema is dropped with a logged warning (Django: corrupted session data)', async () => {
    const logs: { event: string }[] = [];
    const store = memoryStore();
    const loose = directSessions({ store, secrets: [SECRET] });
    const cookie = cookieFrom(await roundTrip(loose, post(), (s) => s.set('count', 'not a number')));
    const schema = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (value: unknown) => (typeof (value as { count?: unknown }).count === 'number' ? { value: value as { count: number } } : { issues: [{ message: 'count must be a number' }] }),
      },
    };
    const strict = directSessions<{ count: number }>({ store, secrets: [SECRET], schema, logger: (entry) => logs.push(entry) });
    const session = await strict.load(post(cookie));
    expect(session.get('count')).toBeUndefined();
    expect(logs.map((l) => l.event)).toContain('session.data.invalid');
  });
});

describe('secret rotation', () => {
  const K1 = 'k1-secret-k1-secret-k1-secret-k1-secret!';
  const K2 = 'k2-secret-k2-secret-k2-secret-k2-secret!';

  it('[K2, K1] reads data sealed with K1 and re-seals it with K2 on the next write', async () => {
    const store = memoryStore();
    const old = directSessions({ store, secrets: [K1] });
    const cookie = cookieFrom(await roundTrip(old, post(), (s) => s.set('a', 1)));
    const rotated = directSessions({ store, secrets: [K2, K1] });
    expect((await rotated.load(post(cookie))).get('a')).toBe(1);
    await roundTrip(rotated, post(cookie), (s) => s.set('b', 2));
    const k2only = directSessions({ store, secrets: [K2] });
    const session = await k2only.load(post(cookie));
    expect(session.get('a')).toBe(1);
    expect(session.get('b')).toBe(2);
  });

  it('[K2, K1] re-seals K1 data with K2 at the first due touch of a session that is only read', async () => {
    const store = memoryStore();
    const clock = manualClock();
    const cookie = cookieFrom(await roundTrip(directSessions({ store, secrets: [K1], clock: clock.now }), post(), (s) => s.set('a', 1)));
    const rotated = directSessions({ store, secrets: [K2, K1], clock: clock.now });
    // Read before the touch is due: nothing is written, so K1 still seals the data (the control).
    await roundTrip(rotated, post(cookie), (s) => void s.get('a'));
    expect((await directSessions({ store, secrets: [K2], clock: clock.now }).load(post(cookie))).get('a')).toBeUndefined();
    // Read when the touch is due: the touch re-seals with K2, and retiring K1 loses nothing.
    clock.advance(3601);
    await roundTrip(rotated, post(cookie), (s) => void s.get('a'));
    expect((await directSessions({ store, secrets: [K2], clock: clock.now }).load(post(cookie))).get('a')).toBe(1);
  });

  it('[K2] alone treats K1 data as absent', async () => {
    const store = memoryStore();
    const cookie = cookieFrom(await roundTrip(directSessions({ store, secrets: [K1] }), post(), (s) => s.set('a', 1)));
    expect((await directSessions({ store, secrets: [K2] }).load(post(cookie))).get('a')).toBeUndefined();
  });
});
