import { createHash } from 'node:crypto';
import { parse as parseCookieHeader } from 'cookie';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countingStore } from '../helpers/store-probes.js';
import { attackBackends, attackEnvironment, cookieOf, raw, visitor, whoIs, type AttackApp } from './attack-kit.js';
import { storesRawSecrets } from './probes.js';

const backends = await attackBackends();
const TOKEN = /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/;

describe.each(backends)('token and cookie attacks on $name', (backend) => {
  const env = attackEnvironment(backend);

  async function leakedRowCookies(current: AttackApp): Promise<{ candidates: string[]; id: string }> {
    const user = visitor(current);
    await user.trpc.session.login.mutate({ username: 'alice', password: 'alice-password' });
    // The id is the public half of the cookie (the control's store cannot load the session back).
    const id = (await cookieOf(user)).slice('sid='.length, 'sid='.length + 22);
    const row = await env.run.store.get(id);
    const values = Object.values(row ?? {}).filter((value): value is string => typeof value === 'string');
    expect(values.length).toBeGreaterThan(3);
    return { id, candidates: values.flatMap((value) => [`sid=${value}`, `sid=${id}.${value}`]) };
  }

  it('a leaked database row: every column value sent back as a cookie is anonymous', async () => {
    const app = await env.start();
    const { candidates } = await leakedRowCookies(app);
    for (const cookie of candidates) expect(await whoIs(app, cookie)).toBeNull();
  });

  it('control: if the store kept the secret itself (as Django keeps the key), the leaked row signs the attacker in', async () => {
    const app = await env.start({ wrap: storesRawSecrets });
    const { candidates } = await leakedRowCookies(app);
    const results = await Promise.all(candidates.map((cookie) => whoIs(app, cookie)));
    expect(results).toContain('user-alice');
  });

  it('malformed-cookie fuzzing: never a 5xx, never an echo, no store query for malformed values', async () => {
    const counted = { probe: undefined as ReturnType<typeof countingStore> | undefined };
    const app = await env.start({ wrap: (store) => (counted.probe = countingStore(store)).store });
    const current = app;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: fc.constantFrom(...'abcAZ09-_.=;, "%\\\t'.split('')), maxLength: 120 }),
          fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
        ),
        async (value) => {
          counted.probe!.reset();
          const response = await raw(current, '/trpc/session.me', { headers: { cookie: `sid=${value}` } });
          expect(response.status).toBeLessThan(500);
          const body = await response.text();
          expect(response.headers.getSetCookie()).toEqual([]);
          if (value.length > 8) expect(body).not.toContain(value);
          const candidate = value.split(';', 1)[0] ?? '';
          if (!TOKEN.test(candidate)) expect(counted.probe!.calls.get).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('control: a well-formed token does cost one store query (the counter sees queries)', async () => {
    const counted = { probe: undefined as ReturnType<typeof countingStore> | undefined };
    const app = await env.start({ wrap: (store) => (counted.probe = countingStore(store)).store });
    await raw(app, '/trpc/session.me', { headers: { cookie: `sid=${'A'.repeat(22)}.${'B'.repeat(43)}` } });
    expect(counted.probe!.calls.get).toBe(1);
  });

  it("cookie header bombs below Node's 16 KiB limit: thousands of pairs, a 15 KiB value — 200, anonymous, no store query", async () => {
    const counted = { probe: undefined as ReturnType<typeof countingStore> | undefined };
    const app = await env.start({ wrap: (store) => (counted.probe = countingStore(store)).store });
    const pairs = Array.from({ length: 1400 }, (_, i) => `c${i}=v`).join('; ');
    for (const cookie of [pairs, `sid=${'A'.repeat(15 * 1024)}`, `${'x'.repeat(7000)}=1; sid=; ${'y'.repeat(7000)}=2`]) {
      counted.probe!.reset();
      const response = await raw(app, '/trpc/session.me', { headers: { cookie } });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { result: { data: { userId: null } } }).result.data.userId).toBeNull();
      expect(counted.probe!.calls.get).toBe(0);
    }
  });

  it('control: the same thousands of pairs with a real session cookie among them are signed in (the scan finds it)', async () => {
    const app = await env.start();
    const user = visitor(app);
    await user.trpc.session.login.mutate({ username: 'bob', password: 'bob-password' });
    const pairs = Array.from({ length: 1400 }, (_, i) => `c${i}=v`);
    pairs.splice(700, 0, await cookieOf(user));
    expect(await whoIs(app, pairs.join('; '))).toBe('user-bob');
  });

  describe('behind a TLS proxy (https)', () => {
    const https = { 'x-forwarded-proto': 'https' };
    async function secureToken(current: AttackApp): Promise<string> {
      const response = await raw(current, '/trpc/session.login', {
        method: 'POST',
        headers: { ...https, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
        body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
      });
      const set = response.headers.getSetCookie()[0] ?? '';
      expect(set).toMatch(/^__Host-sid=/);
      return set.slice('__Host-sid='.length, set.indexOf(';'));
    }
    async function meOverHttps(current: AttackApp, cookie: string): Promise<string | null> {
      const response = await raw(current, '/trpc/session.me', { headers: { ...https, cookie } });
      expect(response.status).toBe(200);
      return ((await response.json()) as { result: { data: { userId: string | null } } }).result.data.userId;
    }

    it('duplicate and prefix-spoofed cookies are anonymous: __Host-sid twice, __host-sid, __%48ost-sid, a leading Unicode space, an unprefixed sid', async () => {
      const app = await env.start({ trustProxy: 1 });
      const token = await secureToken(app);
      const other = await secureToken(app);
      for (const cookie of [
        `__Host-sid=${other}; __Host-sid=${token}`,
        `__Host-sid=${token}; __Host-sid=${token}`,
        `__host-sid=${token}`,
        `__%48ost-sid=${token}`,
        `\u00a0__Host-sid=${token}`,
        `sid=${token}`,
      ]) {
        expect(await meOverHttps(app, cookie)).toBeNull();
      }
    });

    it('control: the single, exact __Host-sid is signed in; and a first-wins parser would have taken the planted duplicate', async () => {
      const app = await env.start({ trustProxy: 1 });
      const token = await secureToken(app);
      expect(await meOverHttps(app, `theme=dark; __Host-sid=${token}`)).toBe('user-alice');
      expect(parseCookieHeader(`__Host-sid=planted; __Host-sid=${token}`)['__Host-sid']).toBe('planted');
    });

    it('cookie attribute audit: __Host-sid; Max-Age; Path=/; HttpOnly; Secure; SameSite=Lax; no Domain', async () => {
      const app = await env.start({ trustProxy: 1 });
      const response = await raw(app, '/trpc/session.login', {
        method: 'POST',
        headers: { ...https, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
        body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
      });
      const [set] = response.headers.getSetCookie();
      expect(set).toMatch(/^__Host-sid=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}; Max-Age=2592000; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    });

    it('control: without the trusted proxy the same request is plain http to a loopback host and gets the development cookie', async () => {
      const app = await env.start();
      const response = await raw(app, '/trpc/session.login', {
        method: 'POST',
        headers: { ...https, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
        body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
      });
      expect(response.headers.getSetCookie()[0]).toMatch(/^sid=.*; HttpOnly; SameSite=Lax$/);
    });
  });

  it("token leakage: the token, its secret and the secret's hash never appear in a body, a non-Set-Cookie header, an error or a log line", async () => {
    const logs: unknown[] = [];
    const app = await env.start({ sessions: { logger: (entry) => logs.push(entry), onEvent: (event) => logs.push(event) } });
    const user = visitor(app);
    const seen: string[] = [];
    const originalFetch = user.browser.fetch;
    const record = async (input: string, init?: RequestInit): Promise<Response> => {
      const response = await originalFetch(input, init);
      const copy = response.clone();
      seen.push(await copy.text(), ...[...response.headers].filter(([name]) => name !== 'set-cookie').map(([name, value]) => `${name}: ${value}`));
      return response;
    };
    const tokens: string[] = [];
    const remember = async () => {
      const sid = await user.sid();
      if (sid) tokens.push(sid);
    };
    const gql = (query: string, variables: Record<string, unknown> = {}) =>
      record(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const rpc = (path: string, input?: unknown) => record(`${app.url}/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input ?? {}) });
    await rpc('cart.add', { item: 'apple' });
    await remember();
    await rpc('session.login', { username: 'alice', password: 'alice-password' });
    await remember();
    await record(`${app.url}/trpc/session.me,session.list,cart.get?batch=1&input=${encodeURIComponent('{}')}`);
    await gql('{ session { id userId authenticatedAt expiresAt } mySessions { id current createdAt lastSeenAt userAgent } cart }');
    await rpc('session.rotate');
    await remember();
    await gql('mutation { rotateSession { id userId } }');
    await remember();
    await rpc('session.login', { username: 'alice', password: 'wrong' });
    await gql('mutation { login(input: { username: "alice", password: "wrong" }) { id } }');
    await rpc('session.revoke', { id: 'not-a-session' });
    await gql('mutation { revokeOtherSessions }');
    await rpc('session.revokeOthers');
    await gql('mutation { logout }');
    await record(`${app.url}/trpc/session.me`, { headers: { cookie: `sid=${tokens[0]}` } });
    expect(tokens.length).toBeGreaterThanOrEqual(4);
    const haystack = [...seen, JSON.stringify(logs)].join('\n');
    for (const token of tokens) {
      const secret = token.slice(23);
      for (const needle of [token, secret, createHash('sha256').update(secret).digest('base64url')]) expect(haystack).not.toContain(needle);
    }
    // Control: the scanner does find a token where one is, in the Set-Cookie headers it skipped.
    expect(user.browser.setCookies.flat().join('\n')).toContain(tokens[0]);
  });

  it('cache headers: every session-touching response says Cache-Control: no-store and Vary: Cookie', async () => {
    const app = await env.start();
    const user = visitor(app);
    await user.trpc.session.login.mutate({ username: 'alice', password: 'alice-password' });
    const cookie = await cookieOf(user);
    const responses = [
      await raw(app, '/trpc/session.me', { headers: { cookie } }),
      await raw(app, '/trpc/cart.get', { headers: { cookie } }),
      await raw(app, '/graphql', { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ session { userId } cart }' }) }),
      await raw(app, `/graphql?query=${encodeURIComponent('{ session { userId } }')}`, { headers: { cookie, accept: 'application/json' } }),
    ];
    for (const response of responses) {
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('vary')?.toLowerCase()).toContain('cookie');
    }
    // Control: a response that does not touch the session varies by nothing of the kind.
    expect((await raw(app, '/style.css', { headers: { cookie } })).headers.get('vary')).toBeNull();
  });
});
