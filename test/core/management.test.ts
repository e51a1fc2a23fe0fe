import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/index.js';
import { cookieFrom, harness, post, roundTrip } from '../helpers/engine.js';

describe('listing, revoking and purging sessions', () => {
  it('listSessions returns handles and metadata, never a token or hash', async () => {
    const { sessions } = harness();
    const phone = cookieFrom(await roundTrip(sessions, post(null, { 'user-agent': 'Phone/1.0' }), (s) => s.login('alice')));
    await roundTrip(sessions, post(null, { 'user-agent': 'Laptop/2.0' }), (s) => s.login('alice'));
    await roundTrip(sessions, post(), (s) => s.login('bob'));
    const list = await sessions.listSessions('alice');
    expect(list.map((s) => s.userAgent).sort()).toEqual(['Laptop/2.0', 'Phone/1.0']);
    const text = JSON.stringify(list);
    expect(text).not.toContain((phone as string).slice(27));
    expect(Object.keys(list[0] ?? {}).sort()).toEqual(['authenticatedAt', 'createdAt', 'expiresAt', 'id', 'ipAddress', 'lastSeenAt', 'userAgent', 'userId']);
  });

  it('revokeSession ends one session by its public id', async () => {
    const { sessions } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('alice')));
    const id = (await sessions.load(post(cookie))).id as string;
    expect(await sessions.revokeSession(id)).toBe(true);
    expect(await sessions.revokeSession(id)).toBe(false);
    expect((await sessions.load(post(cookie))).userId).toBeNull();
  });

  it('revokeUser ends every session of the user except the current one', async () => {
    const { sessions } = harness();
    const a = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('alice')));
    const b = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('alice')));
    const c = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('bob')));
    const current = (await sessions.load(post(a))).id;
    expect(await sessions.revokeUser('alice', { except: current })).toBe(1);
    expect((await sessions.load(post(a))).userId).toBe('alice');
    expect((await sessions.load(post(b))).userId).toBeNull();
    expect((await sessions.load(post(c))).userId).toBe('bob');
  });

  it('a password change is login() again plus revokeUser(except current)', async () => {
    const { sessions } = harness();
    const here = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('alice')));
    const elsewhere = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('alice')));
    const session = await sessions.load(post(here));
    session.login('alice');
    const headers = new Headers();
    await sessions.commit(session, headers);
    await sessions.revokeUser('alice', { except: session.id });
    const renewed = cookieFrom(headers);
    expect(renewed).not.toBe(here);
    expect((await sessions.load(post(renewed))).userId).toBe('alice');
    expect((await sessions.load(post(here))).userId).toBeNull();
    expect((await sessions.load(post(elsewhere))).userId).toBeNull();
  });

  it('purgeExpired deletes expired records in batches and keeps live ones (clearsessions)', async () => {
    const { sessions, clock, store } = harness({ idleTimeout: '1h', absoluteTimeout: '1d' });
    for (let i = 0; i < 25; i++) await roundTrip(sessions, post(), (s) => s.set('i', i));
    clock.advance(2 * 3600);
    const live = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('live', true)));
    expect(await sessions.purgeExpired({ batchSize: 10 })).toBe(25);
    const id = (await sessions.load(post(live))).id as string;
    expect(await store.get(id)).not.toBeNull();
  });

  it('lifecycle events never carry token material', async () => {
    const events: SessionEvent[] = [];
    const { sessions } = harness({ onEvent: (event) => events.push(event) });
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('a', 1))) as string;
    const signedIn = cookieFrom(await roundTrip(sessions, post(cookie), (s) => s.login('alice'))) as string;
    const rotated = cookieFrom(await roundTrip(sessions, post(signedIn), (s) => s.rotate())) as string;
    await sessions.load(post(`${signedIn.slice(0, 27)}${'Z'.repeat(43)}`));
    await roundTrip(sessions, post(rotated), (s) => s.logout());
    expect(events.map((e) => e.type)).toEqual(['created', 'authenticated', 'rotated', 'suspicious', 'revoked']);
    const text = JSON.stringify(events);
    for (const secret of [cookie.slice(27), signedIn.slice(27), rotated.slice(27)]) expect(text).not.toContain(secret);
  });
});
