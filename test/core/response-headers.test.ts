import { describe, expect, it } from 'vitest';
import { memoryStore, SessionError } from '../../src/index.js';
import { cookieFrom, get, harness, post, roundTrip, SECRET, directSessions } from '../helpers/engine.js';

// Ports of Django's SessionMiddlewareTests (§7.7): cookie attributes, Vary, deletion, empty sessions.
describe('response headers and cookie attributes', () => {
  it('over https the cookie is __Host-sid; HttpOnly; Secure; SameSite=Lax; Path=/ and has no Domain', async () => {
    const { sessions } = harness();
    const headers = await roundTrip(sessions, post(null, {}, 'https://app.example.com/api'), (s) => s.set('a', 1));
    const cookie = headers.getSetCookie()[0] ?? '';
    expect(cookie).toMatch(/^__Host-sid=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(cookie).not.toMatch(/Domain/i);
  });

  it('over plain http to a loopback host the prefix and Secure are dropped', async () => {
    for (const host of ['localhost:3000', '127.0.0.1:3000', '127.8.9.10', '[::1]:3000']) {
      const { sessions } = harness();
      const headers = await roundTrip(sessions, post(null, {}, `http://${host}/api`), (s) => s.set('a', 1));
      expect(headers.getSetCookie()[0]).toMatch(/^sid=.*; HttpOnly; SameSite=Lax$/);
    }
  });

  it('a session write over plain http to any other host throws a clear error', async () => {
    const { sessions } = harness();
    const session = await sessions.load(post(null, {}, 'http://app.example.com/api'));
    expect(() => session.set('a', 1)).toThrow(SessionError);
    expect(() => session.set('a', 1)).toThrow(/plain http.*trustProxy/);
  });

  it('over https only the __Host- cookie is read; an unprefixed sid is ignored', async () => {
    const { sessions } = harness();
    const secure = cookieFrom(await roundTrip(sessions, post(null, {}, 'https://app.example.com/api'), (s) => s.set('a', 1)));
    const value = secure?.split('=')[1];
    expect((await sessions.load(post(`sid=${value}`, {}, 'https://app.example.com/api'))).get('a')).toBeUndefined();
    expect((await sessions.load(post(`__Host-sid=${value}`, {}, 'https://app.example.com/api'))).get('a')).toBe(1);
  });

  it('a trusted TLS proxy makes the request https (X-Forwarded-Proto), an untrusted one does not', async () => {
    const trusted = harness({ trustProxy: 1 });
    const headers = await roundTrip(trusted.sessions, post(null, { 'x-forwarded-proto': 'https', host: 'app.example.com' }, 'http://app.example.com/api'), (s) => s.set('a', 1));
    expect(headers.getSetCookie()[0]).toMatch(/^__Host-sid=.*Secure/);
    const untrusted = harness();
    const session = await untrusted.sessions.load(post(null, { 'x-forwarded-proto': 'https' }, 'http://app.example.com/api'));
    expect(() => session.set('a', 1)).toThrow(/plain http/);
  });

  it('cookie.domain or a non-root path switch to the __Secure- prefix and are mirrored on deletion', async () => {
    const sessions = directSessions({ store: memoryStore(), secrets: [SECRET], cookie: { domain: 'example.com', path: '/app', sameSite: 'strict' } });
    const url = 'https://www.example.com/app/api';
    const headers = await roundTrip(sessions, post(null, {}, url), (s) => s.set('a', 1));
    const set = headers.getSetCookie()[0] ?? '';
    expect(set).toMatch(/^__Secure-sid=.*; Domain=example.com; Path=\/app; HttpOnly; Secure; SameSite=Strict$/);
    const cleared = await roundTrip(sessions, post(set.split(';')[0], {}, url), (s) => s.logout());
    expect(cleared.getSetCookie()[0]).toBe('__Secure-sid=; Max-Age=0; Domain=example.com; Path=/app; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Strict');
  });

  it('a response that reads or sets the session carries Vary: Cookie and Cache-Control: no-store', async () => {
    const { sessions } = harness();
    const created = await roundTrip(sessions, post(), (s) => s.set('a', 1));
    expect(created.get('vary')).toBe('Cookie');
    expect(created.get('cache-control')).toBe('no-store');
    const read = await roundTrip(sessions, get(cookieFrom(created)), (s) => void s.get('a'));
    expect(read.get('vary')).toBe('Cookie');
    expect(read.get('cache-control')).toBe('no-store');
  });

  it('Vary is merged with existing values, never duplicated', async () => {
    const { sessions } = harness();
    const session = await sessions.load(post());
    session.set('a', 1);
    const headers = new Headers({ vary: 'Accept-Encoding' });
    await sessions.commit(session, headers);
    await sessions.commit(session, headers);
    expect(headers.get('vary')).toBe('Accept-Encoding, Cookie');
  });

  it('an anonymous visitor without a cookie gets Vary but no Set-Cookie (flush of an empty session)', async () => {
    const { sessions } = harness();
    const headers = await roundTrip(sessions, post(), (s) => (s.get('a'), s.flush()));
    expect(headers.getSetCookie()).toEqual([]);
    expect(headers.get('vary')).toBe('Cookie');
  });

  it('a session untouched by the request adds no headers at all', async () => {
    const { sessions } = harness();
    const headers = await roundTrip(sessions, post(), () => {});
    expect([...headers]).toEqual([]);
  });

  it('writes to a Node ServerResponse keep cookies already set by the app', async () => {
    const { sessions } = harness();
    const session = await sessions.load(post());
    session.set('a', 1);
    const written = new Map<string, unknown>([['set-cookie', ['theme=dark']]]);
    const response = { getHeader: (name: string) => written.get(name) as string[] | undefined, setHeader: (name: string, value: unknown) => written.set(name, value) };
    await sessions.commit(session, response);
    const cookies = written.get('set-cookie') as string[];
    expect(cookies[0]).toBe('theme=dark');
    expect(cookies[1]).toMatch(/^sid=/);
  });
});

describe('changes no commit can persist throw where they are made', () => {
  it('writes in a GET request throw SESSION_CLOSED', async () => {
    const { sessions } = harness();
    const session = await sessions.load(get());
    expect(() => session.set('a', 1)).toThrow(expect.objectContaining({ code: 'SESSION_CLOSED' }));
  });

  it('writes after close throw SESSION_CLOSED', async () => {
    const { sessions } = harness();
    const session = await sessions.load(post());
    sessions.close(session);
    expect(() => session.set('a', 1)).toThrow(expect.objectContaining({ code: 'SESSION_CLOSED' }));
  });

  it('with the cookie locked, changes needing a new cookie throw before changing anything; data changes still work', async () => {
    const { sessions } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('alice')));
    const session = await sessions.load(post(cookie), { cookieWritable: false });
    expect(() => session.rotate()).toThrow(expect.objectContaining({ code: 'SESSION_CLOSED' }));
    expect(() => session.login('bob')).toThrow(expect.objectContaining({ code: 'SESSION_CLOSED' }));
    expect(session.userId).toBe('alice');
    session.set('a', 1);
    await sessions.commit(session);
    expect((await sessions.load(post(cookie))).get('a')).toBe(1);
    const anonymous = await sessions.load(post(), { cookieWritable: false });
    expect(() => anonymous.set('a', 1)).toThrow(expect.objectContaining({ code: 'SESSION_CLOSED' }));
    expect(anonymous.keys()).toEqual([]);
  });

  it('a cross-site write operation is refused with CSRF_REJECTED before it runs', async () => {
    const { sessions } = harness();
    for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { origin: 'https://evil.test' }, { origin: 'null' }, { 'content-type': 'text/plain' }]) {
      await expect(sessions.load(post(null, headers))).rejects.toMatchObject({ code: 'CSRF_REJECTED' });
      // The same request may still read (a query), but never write.
      const session = await sessions.load(post(null, headers), { operation: 'read' });
      expect(() => session.set('a', 1)).toThrow(expect.objectContaining({ code: 'SESSION_CLOSED' }));
    }
    // Control: the same write, same-origin, runs.
    const session = await sessions.load(post(null, { 'sec-fetch-site': 'same-origin' }));
    expect(() => session.set('a', 1)).not.toThrow();
  });

  it('discard forgets the changes of a failed operation', async () => {
    const { sessions } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('a', 1)));
    const session = await sessions.load(post(cookie));
    session.set('a', 2);
    await sessions.discard(session);
    expect(session.get('a')).toBe(1);
    await sessions.commit(session);
    expect((await sessions.load(post(cookie))).get('a')).toBe(1);
  });

  it('a sign-out is never undone by the failure of the operation that made it', async () => {
    const { sessions, store } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => (s.set('a', 1), s.login('alice'))));
    const session = await sessions.load(post(cookie));
    const id = session.id as string;
    session.set('a', 2);
    session.logout();
    await sessions.discard(session);
    expect(session.userId).toBeNull();
    expect(await store.get(id)).toBeNull();
    expect((await sessions.load(post(cookie))).userId).toBeNull();
  });
});

describe('logout needs a cookie write too', () => {
  it('with the cookie locked, logout of a stored session throws before deleting anything', async () => {
    const { sessions } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('alice')));
    const session = await sessions.load(post(cookie), { cookieWritable: false });
    expect(() => session.logout()).toThrow(expect.objectContaining({ code: 'SESSION_CLOSED' }));
    expect(session.userId).toBe('alice');
    await sessions.commit(session);
    expect((await sessions.load(post(cookie))).userId).toBe('alice');
  });

  it('with the cookie locked, logout of a visitor without a cookie is a harmless no-op', async () => {
    const { sessions } = harness();
    const session = await sessions.load(post(), { cookieWritable: false });
    expect(() => session.logout()).not.toThrow();
  });
});

describe('request shapes', () => {
  it('loads from a WHATWG Request, bare Headers, a Node IncomingMessage, or its headers object alone', async () => {
    const { sessions } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('a', 1))) as string;
    const shapes = [
      post(cookie),
      new Headers({ cookie, host: 'localhost:3000' }),
      { headers: { cookie, host: 'localhost:3000' }, method: 'GET', socket: { encrypted: false, remoteAddress: '127.0.0.1' } },
      { cookie, host: 'localhost:3000' },
    ];
    for (const shape of shapes) expect((await sessions.load(shape, { operation: 'read' })).get('a')).toBe(1);
  });
});
