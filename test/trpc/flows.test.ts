import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/index.js';
import { sqliteStore, type SqliteStore } from '../../src/stores/sqlite/index.js';
import { makeApp } from '../helpers/trpc-app.js';
import { client, codeOf } from './client.js';
import { browser } from '../helpers/cookie-jar.js';
import { ADAPTERS, startServer, type Running } from './servers.js';

const running: Running[] = [];
const databases: SqliteStore[] = [];
const dir = mkdtempSync(join(tmpdir(), 'tessera-trpc-'));
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
  await Promise.all(databases.splice(0).map((store) => store.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type StoreKind = 'memory' | 'sqlite';
const CASES: [(typeof ADAPTERS)[number], StoreKind][] = [...ADAPTERS.map((kind) => [kind, 'memory'] as [(typeof ADAPTERS)[number], StoreKind]), ['fetch', 'sqlite'], ['standalone', 'sqlite']];
let current: StoreKind = 'memory';
let files = 0;

async function storeFor(kind: StoreKind): Promise<Store | undefined> {
  if (kind === 'memory') return undefined;
  const store = await sqliteStore(join(dir, `sessions-${files++}.db`));
  databases.push(store);
  return store;
}

async function start(kind: (typeof ADAPTERS)[number], given?: ReturnType<typeof makeApp>) {
  const store = given ? undefined : await storeFor(current);
  const app = given ?? makeApp(store ? { store } : {});
  const server = await startServer(kind, app.router, app.createContext);
  running.push(server);
  return { ...app, server, as: (options: Parameters<typeof client>[1] = {}) => client(server.url, { pageOrigin: server.origin, ...options }) };
}

describe.each(CASES)('%s adapter, %s store: the session lifecycle over real HTTP', (kind, storeKind) => {
  beforeEach(() => {
    current = storeKind;
  });

  it('keeps the anonymous cart through login, with a new token; the pre-login token is dead', async () => {
    const { server, as } = await start(kind);
    const { trpc, browser: b } = as();
    await trpc.cart.add.mutate('apple');
    const anonymousToken = await b.sid(server.url);
    expect(anonymousToken).toBeDefined();
    const me = await trpc.session.login.mutate({ username: 'alice', password: 'wonderland' });
    expect(me).toMatchObject({ userId: 'alice', id: expect.any(String) });
    expect(me.authenticatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(JSON.stringify(me)).not.toContain(anonymousToken?.split('.')[1]);
    const loggedInToken = await b.sid(server.url);
    expect(loggedInToken).not.toBe(anonymousToken);
    expect(await trpc.cart.get.query()).toEqual(['apple']);

    const replay = client(server.url, { pageOrigin: server.origin });
    await replay.browser.jar.setCookie(`sid=${anonymousToken}`, server.url);
    expect(await replay.trpc.session.me.query()).toEqual({ id: null, userId: null, authenticatedAt: null, expiresAt: null });
  });

  it('a batch that creates a session and signs in ends with the signed-in cookie', async () => {
    const { server, as } = await start(kind);
    const { trpc, browser: b } = as();
    const [cart, me] = await Promise.all([trpc.cart.add.mutate('apple'), trpc.session.login.mutate({ username: 'alice', password: 'wonderland' })]);
    expect(cart).toEqual(['apple']);
    expect(me.userId).toBe('alice');
    expect(b.setCookies.at(-1)?.length).toBeGreaterThanOrEqual(1);
    expect(await b.sid(server.url)).toBeDefined();
    expect(await trpc.session.me.query()).toMatchObject({ userId: 'alice', id: me.id });
    expect(await trpc.cart.get.query()).toEqual(['apple']);
  });

  it('sends Set-Cookie, Vary: Cookie and Cache-Control: no-store on the login response', async () => {
    const { server, as } = await start(kind);
    const seen: Response[] = [];
    const b = browser({ pageOrigin: server.origin });
    const tap = {
      ...b,
      fetch: async (input: string | URL | Request, init?: RequestInit) => {
        const response = await b.fetch(input, init);
        seen.push(response);
        return response;
      },
    };
    const { trpc } = client(server.url, { pageOrigin: server.origin }, tap);
    await trpc.session.login.mutate({ username: 'alice', password: 'wonderland' });
    const response = seen.at(-1) as Response;
    expect(response.headers.getSetCookie()).toHaveLength(1);
    expect(response.headers.getSetCookie()[0]).toMatch(/^sid=[\w-]+\.[\w-]+; .*HttpOnly/i);
    expect(response.headers.get('vary')?.toLowerCase()).toContain('cookie');
    expect(response.headers.get('cache-control')).toBe('no-store');
    // a query that reads the session also says it depends on the cookie
    await trpc.cart.get.query();
    expect(seen.at(-1)?.headers.get('vary')?.toLowerCase()).toContain('cookie');
    expect(seen.at(-1)?.headers.get('cache-control')).toBe('no-store');
    expect(as).toBeTypeOf('function');
  });

  it('logout deletes the session server-side: the old cookie is anonymous afterwards', async () => {
    const { server, as } = await start(kind);
    const { trpc, browser: b } = as();
    await trpc.session.login.mutate({ username: 'alice', password: 'wonderland' });
    const token = await b.sid(server.url);
    expect(await trpc.session.logout.mutate()).toBe(true);
    expect((await trpc.session.me.query()).userId).toBeNull();
    expect(await b.sid(server.url)).toBeUndefined(); // the clearing cookie removed it from the jar
    const replay = client(server.url, { pageOrigin: server.origin });
    await replay.browser.jar.setCookie(`sid=${token}`, server.url);
    expect((await replay.trpc.session.me.query()).userId).toBeNull();
    expect(await codeOf(replay.trpc.whoami.query())).toBe('UNAUTHORIZED');
  });

  it('rotate keeps data; the old token works only within the grace window and can never rotate', async () => {
    const { server, as, clock } = await start(kind);
    const { trpc, browser: b } = as();
    await trpc.session.login.mutate({ username: 'alice', password: 'wonderland' });
    await trpc.cart.add.mutate('pear');
    const before = await b.sid(server.url);
    const rotated = await trpc.session.rotate.mutate();
    expect(rotated.userId).toBe('alice');
    expect(await b.sid(server.url)).not.toBe(before);
    expect(await trpc.cart.get.query()).toEqual(['pear']);

    const inFlight = client(server.url, { pageOrigin: server.origin });
    await inFlight.browser.jar.setCookie(`sid=${before}`, server.url);
    expect(await inFlight.trpc.cart.get.query()).toEqual(['pear']);
    expect(await inFlight.trpc.cart.add.mutate('plum')).toEqual(['pear', 'plum']); // data writes still work in grace
    expect(await codeOf(inFlight.trpc.session.rotate.mutate())).toBe('CONFLICT');
    expect(await codeOf(inFlight.trpc.session.login.mutate({ username: 'alice', password: 'wonderland' }))).toBe('CONFLICT');

    clock.advance(31);
    expect((await inFlight.trpc.session.me.query()).userId).toBeNull();
    expect(await trpc.cart.get.query()).toEqual(['pear', 'plum']);
  });

  it('lists and revokes across two devices; someone else’s session answers false and stays', async () => {
    const { as } = await start(kind);
    const laptop = as({ userAgent: 'laptop' }).trpc;
    const phone = as({ userAgent: 'phone' }).trpc;
    const mallory = as({ userAgent: 'mallory' }).trpc;
    await laptop.session.login.mutate({ username: 'alice', password: 'wonderland' });
    const phoneView = await phone.session.login.mutate({ username: 'alice', password: 'wonderland' });
    const malloryView = await mallory.session.login.mutate({ username: 'bob', password: 'builder' });

    const list = await laptop.session.list.query();
    expect(list.map((s) => s.userAgent).sort()).toEqual(['laptop', 'phone']);
    expect(list.filter((s) => s.current).map((s) => s.userAgent)).toEqual(['laptop']);
    expect(Object.keys(list[0] ?? {}).sort()).toEqual(['createdAt', 'current', 'id', 'lastSeenAt', 'userAgent']);

    expect(await laptop.session.revoke.mutate({ id: malloryView.id as string })).toBe(false);
    expect((await mallory.session.me.query()).userId).toBe('bob');
    expect(await laptop.session.revoke.mutate({ id: phoneView.id as string })).toBe(true);
    expect((await phone.session.me.query()).userId).toBeNull();

    await phone.session.login.mutate({ username: 'alice', password: 'wonderland' });
    const third = as({ userAgent: 'tablet' }).trpc;
    await third.session.login.mutate({ username: 'alice', password: 'wonderland' });
    expect(await laptop.session.revokeOthers.mutate()).toBe(2);
    expect((await phone.session.me.query()).userId).toBeNull();
    expect((await third.session.me.query()).userId).toBeNull();
    expect((await laptop.session.me.query()).userId).toBe('alice');
    expect(await laptop.session.list.query()).toHaveLength(1);
  });

  it('bad credentials are UNAUTHORIZED and change nothing; bad input is BAD_REQUEST', async () => {
    const { server, as } = await start(kind);
    const { trpc, browser: b } = as();
    expect(await codeOf(trpc.session.login.mutate({ username: 'alice', password: 'nope' }))).toBe('UNAUTHORIZED');
    expect(await b.sid(server.url)).toBeUndefined();
    expect(await codeOf(trpc.session.login.mutate({ username: '', password: 'x' }))).toBe('BAD_REQUEST');
    expect(await codeOf(trpc.whoami.query())).toBe('UNAUTHORIZED');
    // authenticate may throttle by throwing the core's error: it maps through the table
    expect(await codeOf(trpc.session.login.mutate({ username: 'throttled', password: 'x' }))).toBe('TOO_MANY_REQUESTS');
  });

  it('a tampered cookie is an anonymous session, never an error', async () => {
    const { server, as } = await start(kind);
    const { trpc, browser: b } = as();
    await trpc.session.login.mutate({ username: 'alice', password: 'wonderland' });
    const token = (await b.sid(server.url)) as string;
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    for (const forged of [`${token.slice(0, -1)}${last}`, `${token}x`, 'garbage', `${token.split('.')[0]}.`]) {
      const other = client(server.url, { pageOrigin: server.origin });
      await other.browser.jar.setCookie(`sid=${forged}`, server.url);
      expect(await other.trpc.session.me.query()).toEqual({ id: null, userId: null, authenticatedAt: null, expiresAt: null });
      expect(await other.trpc.cart.get.query()).toEqual([]);
    }
  });

  it('errors go through the error table and a failed procedure leaves nothing behind', async () => {
    const { trpc } = (await start(kind)).as();
    await trpc.set.mutate({ key: 'k', value: 'v' });
    expect(await codeOf(trpc.failAfterWrite.mutate())).toBe('INTERNAL_SERVER_ERROR');
    expect(await trpc.read.query('half')).toBeNull();
    expect(await codeOf(trpc.tooBig.mutate())).toBe('PAYLOAD_TOO_LARGE');
    expect(await trpc.read.query('big')).toBeNull();
    expect(await trpc.read.query('k')).toBe('v');
    // queries are read-only: the write throws where it is made (SESSION_CLOSED → 500, no detail)
    const error = await trpc.writeInQuery.query().catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ data: { code: 'INTERNAL_SERVER_ERROR' }, message: 'Internal session error' });
    expect(await trpc.read.query('sneaky')).toBeNull();
  });

  it('procedures built with .concat(createSessionPlugin().authedProcedure) load and commit the same way', async () => {
    const { trpc } = (await start(kind)).as();
    expect(await codeOf(trpc.pluginCart.mutate('pear'))).toBe('UNAUTHORIZED');
    await trpc.cart.add.mutate('apple');
    await trpc.session.login.mutate({ username: 'alice', password: 'wonderland' });
    expect(await trpc.pluginCart.mutate('pear')).toEqual(['apple', 'alice:pear']);
    expect(await trpc.cart.get.query()).toEqual(['apple', 'alice:pear']);
  });

  it('a change made after the procedure returned throws where it is made', async () => {
    const app = makeApp();
    const { trpc } = (await start(kind, app)).as();
    await trpc.set.mutate({ key: 'k', value: 'v' });
    expect(await trpc.writeLater.mutate()).toBe('ok');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(app.seen.afterReturn).toMatchObject({ code: 'SESSION_CLOSED' });
  });
});
