import { describe, expect, it } from 'vitest';
import { cookieFrom, harness, post, roundTrip } from '../helpers/engine.js';

// Ports of Django's SessionTestsMixin dict-API and flag tests (tests/sessions_tests/tests.py, §7.1 of the research notes).
describe('session data API and the accessed/modified flags', () => {
  it('a new session is neither accessed nor modified', async () => {
    const { sessions } = harness();
    const session = await sessions.load(post());
    expect(session.accessed).toBe(false);
    expect(session.modified).toBe(false);
    expect(session.isEmpty).toBe(true);
  });

  it('get of a missing key is undefined and only marks accessed', async () => {
    const { sessions } = harness();
    const session = await sessions.load(post());
    expect(session.get('cat')).toBeUndefined();
    expect(session.accessed).toBe(true);
    expect(session.modified).toBe(false);
  });

  it('set marks modified; has/keys read without modifying', async () => {
    const { sessions } = harness<{ cat: string; dog?: number }>();
    const session = await sessions.load(post());
    session.set('cat', 'meow');
    expect(session.modified).toBe(true);
    expect(session.get('cat')).toBe('meow');
    expect(session.has('cat')).toBe(true);
    expect(session.has('dog')).toBe(false);
    expect(session.keys()).toEqual(['cat']);
  });

  it('delete of an existing key returns true and modifies; of a missing key returns false and does not', async () => {
    const { sessions } = harness();
    const session = await sessions.load(post());
    expect(session.delete('missing')).toBe(false);
    expect(session.modified).toBe(false);
    session.set('a', 1);
    expect(session.delete('a')).toBe(true);
    expect(session.has('a')).toBe(false);
  });

  it('reading keys of a stored session does not modify it (no write on commit)', async () => {
    const { sessions, store } = harness();
    const headers = await roundTrip(sessions, post(), (s) => s.set('a', 1));
    const cookie = cookieFrom(headers);
    const before = await store.get((await sessions.load(post(cookie))).id as string);
    const session = await sessions.load(post(cookie));
    expect(session.keys()).toEqual(['a']);
    expect(session.modified).toBe(false);
    await sessions.commit(session, new Headers());
    expect(await store.get(session.id as string)).toEqual(before);
  });

  it('clear empties the data, marks modified, and keeps the user signed in', async () => {
    const { sessions } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => (s.set('a', 1), s.login('u1'))));
    const session = await sessions.load(post(cookie));
    session.clear();
    expect(session.keys()).toEqual([]);
    expect(session.modified).toBe(true);
    await sessions.commit(session, new Headers());
    const after = await sessions.load(post(cookie));
    expect(after.userId).toBe('u1');
    expect(after.keys()).toEqual([]);
  });

  it('update applies a function to the current value', async () => {
    const { sessions } = harness<{ count: number }>();
    const session = await sessions.load(post());
    expect(session.update('count', (n = 0) => n + 1)).toBe(1);
    expect(session.update('count', (n = 0) => n + 1)).toBe(2);
  });

  it('values are JSON: a non-serialisable value is refused where it is set', async () => {
    const { sessions } = harness();
    const session = await sessions.load(post());
    expect(() => session.set('fn', () => 1)).toThrow(/JSON/);
    session.set('date', new Date(0));
    expect(session.get('date')).toBe('1970-01-01T00:00:00.000Z');
  });

  it('a "__proto__" key is an ordinary key and pollutes nothing', async () => {
    const { sessions } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('__proto__', { polluted: true })));
    const session = await sessions.load(post(cookie));
    expect(session.get('__proto__')).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('an empty session is falsy-like (isEmpty); a session with data or a user is not', async () => {
    const { sessions } = harness();
    const session = await sessions.load(post());
    expect(session.isEmpty).toBe(true);
    session.set('a', 1);
    expect(session.isEmpty).toBe(false);
    session.delete('a');
    session.login('u1');
    expect(session.isEmpty).toBe(false);
  });
});
