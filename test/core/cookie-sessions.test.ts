import { describe, expect, it } from 'vitest';
import { cookieSessions, SessionError, type SessionData } from '../../src/index.js';
import { manualClock } from '../helpers/clock.js';
import { cookieFrom, get, post, SECRET, directCookieSessions, type DirectSessions } from '../helpers/engine.js';

function setUp(overrides: Partial<Parameters<typeof cookieSessions>[0]> = {}) {
  const clock = manualClock();
  const sessions = directCookieSessions({ secrets: [SECRET], clock: clock.now, ...overrides });
  return { sessions, clock };
}

async function step(sessions: DirectSessions<SessionData>, request: Request, change: (s: Awaited<ReturnType<DirectSessions<SessionData>['load']>>) => void): Promise<Headers> {
  const session = await sessions.load(request);
  change(session);
  const headers = new Headers();
  await sessions.commit(session, headers);
  return headers;
}

describe('cookieSessions (the sealed-cookie mode, Django signed_cookies)', () => {
  it('keeps data in a sealed cookie: no plaintext in the cookie, round-trips through it', async () => {
    const { sessions } = setUp();
    const headers = await step(sessions, post(), (s) => s.set('cart', ['apple']));
    const cookie = cookieFrom(headers) as string;
    expect(cookie).toMatch(/^session=/);
    expect(cookie).not.toContain('apple');
    expect((await sessions.load(post(cookie))).get('cart')).toEqual(['apple']);
  });

  it('over https the cookie is __Host-session with Secure, HttpOnly, SameSite=Lax, Path=/', async () => {
    const { sessions } = setUp();
    const headers = await step(sessions, post(null, {}, 'https://app.example.com/api'), (s) => s.set('a', 1));
    expect(headers.getSetCookie()[0]).toMatch(/^__Host-session=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
  });

  it('an empty anonymous session sets no cookie', async () => {
    const { sessions } = setUp();
    const headers = await step(sessions, post(), (s) => void s.get('a'));
    expect(headers.getSetCookie()).toEqual([]);
  });

  it('a tampered or foreign cookie is an anonymous session', async () => {
    const { sessions } = setUp();
    const cookie = cookieFrom(await step(sessions, post(), (s) => s.set('a', 1))) as string;
    // Flip one character well inside the sealed value (the final base64url character may carry unused bits).
    const at = cookie.length - 3;
    const tampered = `${cookie.slice(0, at)}${cookie[at] === 'A' ? 'B' : 'A'}${cookie.slice(at + 1)}`;
    expect(tampered).not.toBe(cookie);
    expect((await sessions.load(post(tampered))).get('a')).toBeUndefined();
    const other = directCookieSessions({ secrets: ['another-secret-another-secret-another!'] });
    expect((await other.load(post(cookie))).get('a')).toBeUndefined();
  });

  it('the cookie is bound to its name: the same value under another cookie name opens nothing', async () => {
    const { sessions } = setUp();
    const value = (cookieFrom(await step(sessions, post(), (s) => s.set('a', 1))) as string).split('=')[1];
    const renamed = directCookieSessions({ secrets: [SECRET], cookie: { name: 'other' } });
    expect((await renamed.load(post(`other=${value}`))).get('a')).toBeUndefined();
  });

  it('data that would not fit in 4096 bytes throws DATA_TOO_LARGE and no cookie is set', async () => {
    const { sessions } = setUp();
    const session = await sessions.load(post());
    session.set('big', 'x'.repeat(4000));
    const headers = new Headers();
    const error = await sessions.commit(session, headers).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionError);
    expect(error).toMatchObject({ code: 'DATA_TOO_LARGE' });
    expect((error as Error).message).toMatch(/4096 bytes/);
    expect(headers.getSetCookie()).toEqual([]);
  });

  it('expires by the idle and absolute deadlines sealed inside the cookie', async () => {
    const { sessions, clock } = setUp({ idleTimeout: '1h', absoluteTimeout: '1d' });
    const cookie = cookieFrom(await step(sessions, post(), (s) => s.set('a', 1)));
    clock.advance(3599);
    expect((await sessions.load(get(cookie))).get('a')).toBe(1);
    clock.advance(1);
    expect((await sessions.load(get(cookie))).get('a')).toBeUndefined();
  });

  it('login keeps data and issues a new cookie; logout clears the cookie', async () => {
    const { sessions } = setUp();
    const anonymous = cookieFrom(await step(sessions, post(), (s) => s.set('cart', ['apple'])));
    const signedIn = cookieFrom(await step(sessions, post(anonymous), (s) => s.login('alice')));
    expect(signedIn).not.toBe(anonymous);
    const session = await sessions.load(post(signedIn));
    expect(session.userId).toBe('alice');
    expect(session.get('cart')).toEqual(['apple']);
    const cleared = await step(sessions, post(signedIn), (s) => s.logout());
    expect(cleared.getSetCookie()[0]).toMatch(/^session=; Max-Age=0/);
  });

  it('cannot revoke server-side: a copied cookie still works after logout until it expires (documented limit)', async () => {
    const { sessions } = setUp();
    const signedIn = cookieFrom(await step(sessions, post(), (s) => s.login('alice')));
    await step(sessions, post(signedIn), (s) => s.logout());
    expect((await sessions.load(post(signedIn))).userId).toBe('alice');
  });

  it('with the cookie locked (streamed response) a data change throws before changing anything', async () => {
    const { sessions } = setUp();
    const cookie = cookieFrom(await step(sessions, post(), (s) => s.set('a', 1)));
    const session = await sessions.load(post(cookie), { cookieWritable: false });
    expect(() => session.set('a', 2)).toThrow(expect.objectContaining({ code: 'SESSION_CLOSED' }));
    expect(session.get('a')).toBe(1);
  });

  it('has no server-side management methods', () => {
    const { sessions } = setUp();
    expect('listSessions' in sessions).toBe(false);
    expect('revokeUser' in sessions).toBe(false);
  });
});

describe('one load path: the sealed-cookie mode checks, logs and counts what the server-side mode does', () => {
  it('a credential change ends the cookie session with a log line and a revoked event', async () => {
    let fingerprint = 'v1';
    const logs: string[] = [];
    const events: string[] = [];
    const { sessions } = setUp({ verifyUser: () => fingerprint, logger: (entry) => logs.push(entry.event), onEvent: (event) => events.push(event.type) });
    const cookie = cookieFrom(await step(sessions, post(), (s) => s.login('alice', { fingerprint: 'v1' }))) as string;
    expect((await sessions.load(post(cookie))).userId).toBe('alice');
    fingerprint = 'v2';
    expect((await sessions.load(post(cookie))).userId).toBeNull();
    expect(logs).toContain('session.credentials.changed');
    expect(events).toContain('revoked');
  });

  it('a tampered cookie is anonymous, logged and counted as suspicious', async () => {
    const logs: string[] = [];
    const events: string[] = [];
    const { sessions } = setUp({ logger: (entry) => logs.push(entry.event), onEvent: (event) => events.push(event.type) });
    const cookie = cookieFrom(await step(sessions, post(), (s) => s.set('a', 1))) as string;
    const tampered = `${cookie.slice(0, -4)}${cookie.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expect((await sessions.load(post(tampered))).get('a')).toBeUndefined();
    expect(logs).toContain('session.data.tampered');
    expect(events).toContain('suspicious');
  });

  it('data that fails the schema is dropped with a log line and a suspicious event, as with a store', async () => {
    const logs: string[] = [];
    const events: string[] = [];
    const loose = setUp();
    const cookie = cookieFrom(await step(loose.sessions, post(), (s) => s.set('count', 'not a number'))) as string;
    const schema = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (value: unknown) => (typeof (value as { count?: unknown }).count === 'number' ? { value: value as SessionData } : { issues: [{ message: 'count must be a number' }] }),
      },
    };
    const { sessions } = setUp({ schema, logger: (entry) => logs.push(entry.event), onEvent: (event) => events.push(event.type) });
    expect((await sessions.load(post(cookie))).get('count')).toBeUndefined();
    expect(logs).toContain('session.data.invalid');
    expect(events).toContain('suspicious');
  });
});

describe('one commit contract: the sealed-cookie mode reports what the server-side mode reports', () => {
  it('emits created, authenticated, rotated and revoked (logout) events, and Clear-Site-Data on logout', async () => {
    const events: string[] = [];
    const { sessions } = setUp({ onEvent: (event) => events.push(event.type), clearSiteDataOnLogout: ['cache'] });
    const anonymous = cookieFrom(await step(sessions, post(), (s) => s.set('a', 1))) as string;
    expect(events).toEqual(['created']);
    const signedIn = cookieFrom(await step(sessions, post(anonymous), (s) => s.login('alice'))) as string;
    expect(events).toEqual(['created', 'authenticated']);
    const rotated = cookieFrom(await step(sessions, post(signedIn), (s) => s.rotate())) as string;
    expect(events).toEqual(['created', 'authenticated', 'rotated']);
    const out = await step(sessions, post(rotated), (s) => s.logout());
    expect(events).toEqual(['created', 'authenticated', 'rotated', 'revoked']);
    expect(out.get('clear-site-data')).toBe('"cache"');
  });
});
