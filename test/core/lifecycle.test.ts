import { describe, expect, it } from 'vitest';
import { SessionError } from '../../src/index.js';
import { countingStore } from '../helpers/store-probes.js';
import { cookieFrom, harness, post, roundTrip } from '../helpers/engine.js';
import { memoryStore } from '../../src/index.js';

// Ports of Django's persistence-lifecycle tests (§7.2/§7.3) and auth login/logout tests (§7.8).
describe('session lifecycle', () => {
  it('save: a session with data is stored and its cookie loads it back', async () => {
    const { sessions, store } = harness();
    const headers = await roundTrip(sessions, post(), (s) => s.set('a', 1));
    const cookie = cookieFrom(headers);
    expect(cookie).toMatch(/^sid=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    const session = await sessions.load(post(cookie));
    expect(session.get('a')).toBe(1);
    expect(await store.get(session.id as string)).not.toBeNull();
  });

  it('an empty anonymous session writes nothing and sets no cookie', async () => {
    const counted = countingStore(memoryStore());
    const { sessions } = harness({ store: counted.store });
    const headers = await roundTrip(sessions, post(), (s) => {
      s.get('anything');
      s.set('a', 1);
      s.delete('a');
    });
    expect(headers.getSetCookie()).toEqual([]);
    expect(counted.calls.create).toBe(0);
  });

  it('flush deletes the record, nulls the id and clears the cookie', async () => {
    const { sessions, store } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('a', 1)));
    const session = await sessions.load(post(cookie));
    const id = session.id as string;
    session.flush();
    expect(session.id).toBeNull();
    expect(session.keys()).toEqual([]);
    const headers = new Headers();
    await sessions.commit(session, headers);
    expect(await store.get(id)).toBeNull();
    expect(headers.getSetCookie()[0]).toMatch(/^sid=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/);
  });

  it('rotate (cycle_key): new secret, same data, old secret works only within the grace window', async () => {
    const { sessions, clock } = harness();
    const before = cookieFrom(await roundTrip(sessions, post(), (s) => (s.set('a', 1), s.login('u1'))));
    const after = cookieFrom(await roundTrip(sessions, post(before), (s) => s.rotate()));
    expect(after).not.toBe(before);
    expect(after?.slice(0, 26)).toBe(before?.slice(0, 26)); // same public id
    expect((await sessions.load(post(after))).get('a')).toBe(1);
    const grace = await sessions.load(post(before));
    expect(grace.userId).toBe('u1');
    expect(grace.isGrace).toBe(true);
    clock.advance(31);
    expect((await sessions.load(post(before))).userId).toBeNull();
    expect((await sessions.load(post(after))).userId).toBe('u1');
  });

  it('a grace secret can use data but never rotate, sign in or receive a cookie', async () => {
    const { sessions } = harness();
    const before = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('u1')));
    await roundTrip(sessions, post(before), (s) => s.rotate());
    const grace = await sessions.load(post(before));
    expect(() => grace.rotate()).toThrow(SessionError);
    expect(() => grace.login('u1')).toThrow(/rotation has replaced/);
    grace.set('note', 'written on the grace secret');
    const headers = new Headers();
    await sessions.commit(grace, headers);
    expect(headers.getSetCookie()).toEqual([]);
  });

  it('rotate on a session never stored is a no-op (its first cookie is fresh anyway)', async () => {
    const { sessions } = harness();
    const headers = await roundTrip(sessions, post(), (s) => s.rotate());
    expect(headers.getSetCookie()).toEqual([]);
  });

  it('a cookie for an unknown id loads an empty session and creates no record (CVE-2015-5143)', async () => {
    const counted = countingStore(memoryStore());
    const { sessions } = harness({ store: counted.store });
    const unknown = `sid=${'A'.repeat(22)}.${'B'.repeat(43)}`;
    const headers = await roundTrip(sessions, post(unknown), (s) => void s.get('x'));
    expect(counted.calls.get).toBe(1);
    expect(counted.calls.create).toBe(0);
    expect(headers.getSetCookie()).toEqual([]);
  });

  it('an invalid key gets a fresh id on save, never the client-chosen one', async () => {
    const { sessions } = harness();
    const chosen = 'A'.repeat(22);
    const headers = await roundTrip(sessions, post(`sid=${chosen}.${'B'.repeat(43)}`), (s) => s.set('a', 1));
    expect(cookieFrom(headers)?.slice(4, 26)).not.toBe(chosen);
  });

  it('a save does not resurrect a session logged out in another request (SESSION_INTERRUPTED)', async () => {
    const { sessions, store } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('a', 1)));
    const slow = await sessions.load(post(cookie));
    await roundTrip(sessions, post(cookie), (s) => s.logout());
    slow.set('b', 2);
    await expect(sessions.commit(slow, new Headers())).rejects.toMatchObject({ code: 'SESSION_INTERRUPTED' });
    expect(await store.get(slow.id ?? '')).toBeNull();
    expect((await sessions.load(post(cookie))).keys()).toEqual([]);
  });
});

describe('login and logout', () => {
  it('login keeps anonymous data, issues a new secret, and kills the pre-login token', async () => {
    const { sessions } = harness();
    const anonymous = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('cart', ['apple'])));
    const signedIn = cookieFrom(await roundTrip(sessions, post(anonymous), (s) => s.login('alice')));
    expect(signedIn).not.toBe(anonymous);
    const session = await sessions.load(post(signedIn));
    expect(session.userId).toBe('alice');
    expect(session.get('cart')).toEqual(['apple']);
    expect(session.authenticatedAt).toBeInstanceOf(Date);
    const stale = await sessions.load(post(anonymous));
    expect(stale.userId).toBeNull();
    expect(stale.get('cart')).toBeUndefined();
  });

  it("login as a different user flushes the previous user's session first", async () => {
    const { sessions, store } = harness();
    const alice = cookieFrom(await roundTrip(sessions, post(), (s) => (s.set('secret-of-alice', 1), s.login('alice'))));
    const aliceId = (await sessions.load(post(alice))).id as string;
    const bob = cookieFrom(await roundTrip(sessions, post(alice), (s) => s.login('bob')));
    const session = await sessions.load(post(bob));
    expect(session.userId).toBe('bob');
    expect(session.get('secret-of-alice')).toBeUndefined();
    expect(session.id).not.toBe(aliceId);
    expect(await store.get(aliceId)).toBeNull();
  });

  it('login as the same user again keeps data and rotates the secret', async () => {
    const { sessions } = harness();
    const first = cookieFrom(await roundTrip(sessions, post(), (s) => (s.set('a', 1), s.login('alice'))));
    const second = cookieFrom(await roundTrip(sessions, post(first), (s) => s.login('alice')));
    expect(second).not.toBe(first);
    expect((await sessions.load(post(second))).get('a')).toBe(1);
    expect((await sessions.load(post(first))).userId).toBeNull();
  });

  it('logout deletes the record server-side: the old cookie is anonymous even if replayed', async () => {
    const { sessions } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('alice')));
    const headers = await roundTrip(sessions, post(cookie), (s) => s.logout());
    expect(headers.getSetCookie()[0]).toMatch(/^sid=;.*Max-Age=0/);
    expect((await sessions.load(post(cookie))).userId).toBeNull();
  });

  it('logout of an anonymous visitor without a cookie writes nothing (CVE-2015-5963)', async () => {
    const counted = countingStore(memoryStore());
    const { sessions } = harness({ store: counted.store });
    const headers = await roundTrip(sessions, post(), (s) => s.logout());
    expect(headers.getSetCookie()).toEqual([]);
    expect(counted.calls.create + counted.calls.delete).toBe(0);
  });

  it('login followed by more changes in the same request are all persisted', async () => {
    const { sessions } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => (s.login('alice'), s.set('after', true))));
    const session = await sessions.load(post(cookie));
    expect(session.userId).toBe('alice');
    expect(session.get('after')).toBe(true);
  });

  it('verifyUser ends a session whose credential fingerprint changed (Django session auth hash)', async () => {
    let fingerprint = 'pw-v1';
    const { sessions } = harness({ verifyUser: () => fingerprint });
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('alice', { fingerprint })));
    expect((await sessions.load(post(cookie))).userId).toBe('alice');
    fingerprint = 'pw-v2';
    expect((await sessions.load(post(cookie))).userId).toBeNull();
  });

  it('verifyUser returning null (user deleted) ends the session', async () => {
    const { sessions } = harness({ verifyUser: () => null });
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('alice', { fingerprint: 'x' })));
    expect((await sessions.load(post(cookie))).userId).toBeNull();
  });
});
