import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/index.js';
import { countingStore } from '../helpers/store-probes.js';
import { manualClock } from '../helpers/clock.js';
import { ADD, Browser, CART, SESSION, login, startServer, type TestServer } from '../helpers/yoga-app.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  server = await startServer(options);
  return server;
}

const KEYS = /* GraphQL */ `query { keys }`;
const LOGOUT = /* GraphQL */ `mutation { logout }`;
const ROTATE = /* GraphQL */ `mutation { rotateSession { id userId expiresAt } }`;

describe('useSessions over real HTTP: the session lifecycle', () => {
  it('an anonymous request that never touches the session sets no cookie and no session headers', async () => {
    const browser = new Browser(await start());
    const response = await browser.gql(/* GraphQL */ `query { hello }`);
    expect(response.body).toEqual({ data: { hello: 'world' } });
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(response.headers.get('cache-control')).toBeNull();
  });

  it('reading an empty anonymous session creates nothing: null fields, no cookie, Vary: Cookie', async () => {
    const browser = new Browser(await start());
    const response = await browser.gql(SESSION);
    expect(response.body).toEqual({ data: { session: { id: null, userId: null, authenticatedAt: null, expiresAt: null } } });
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(response.headers.get('vary')).toMatch(/Cookie/);
  });

  it('an app mutation writes the session: a cookie, Cache-Control: no-store, and the data on the next request', async () => {
    const browser = new Browser(await start());
    const written = await browser.gql(ADD, { item: 'apple' });
    expect(written.body).toEqual({ data: { addToCart: ['apple'] } });
    const [cookie] = written.headers.getSetCookie();
    expect(cookie).toMatch(/^sid=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(written.headers.get('cache-control')).toBe('no-store');
    expect((await browser.gql(CART)).body).toEqual({ data: { cart: ['apple'] } });
  });

  it('anonymous data survives login; login issues a new secret and the pre-login token is dead', async () => {
    const s = await start();
    const browser = new Browser(s);
    await browser.gql(ADD, { item: 'apple' });
    const anonymousToken = await browser.token();
    const signedIn = await login(browser);
    expect(signedIn.body.data.login).toMatchObject({ userId: 'user-alice' });
    expect(signedIn.body.data.login.id).toBe(anonymousToken?.split('.')[0]);
    expect(Date.parse(signedIn.body.data.login.expiresAt)).toBeGreaterThan(Date.now());
    const newToken = await browser.token();
    expect(newToken).not.toBe(anonymousToken);
    expect((await browser.gql(CART)).body).toEqual({ data: { cart: ['apple'] } });

    const attacker = new Browser(s);
    await attacker.setToken(anonymousToken as string);
    expect((await attacker.gql(SESSION)).body.data.session).toEqual({ id: null, userId: null, authenticatedAt: null, expiresAt: null });
    expect((await attacker.gql(CART)).body).toEqual({ data: { cart: [] } });
  });

  it('bad credentials are UNAUTHENTICATED (401) and change nothing', async () => {
    const browser = new Browser(await start());
    await browser.gql(ADD, { item: 'apple' });
    const before = await browser.token();
    const response = await browser.gql(/* GraphQL */ `mutation { login(input: { username: "alice", password: "wrong" }) { id } }`);
    expect(response.status).toBe(401);
    expect(response.body.data).toBeNull();
    expect(response.body.errors[0]).toMatchObject({ message: 'invalid credentials', path: ['login'], extensions: { code: 'UNAUTHENTICATED' } });
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await browser.token()).toBe(before);
  });

  it('authenticate may refuse with RATE_LIMITED: TOO_MANY_REQUESTS (429)', async () => {
    const browser = new Browser(await start());
    const response = await browser.gql(/* GraphQL */ `mutation { login(input: { username: "throttled", password: "x" }) { id } }`);
    expect(response.status).toBe(429);
    expect(response.body.errors[0]).toMatchObject({ message: 'too many sign-in attempts; try again later', extensions: { code: 'TOO_MANY_REQUESTS' } });
  });

  it('logout deletes the record on the server and clears the cookie; a replayed token is anonymous', async () => {
    const s = await start();
    const browser = new Browser(s);
    await login(browser);
    const token = await browser.token();
    const response = await browser.gql(LOGOUT);
    expect(response.body).toEqual({ data: { logout: true } });
    expect(response.headers.getSetCookie()[0]).toMatch(/^sid=; Max-Age=0; Path=\/;.* HttpOnly; SameSite=Lax/);
    expect(await browser.token()).toBeNull();
    expect(await s.sessions.listSessions('user-alice')).toEqual([]);

    const replay = new Browser(s);
    await replay.setToken(token as string);
    expect((await replay.gql(SESSION)).body.data.session.userId).toBeNull();
  });

  it('rotateSession: new secret; the old one works for reads and writes during the grace window, gets no cookie and cannot rotate', async () => {
    const clock = manualClock(Date.now());
    const s = await start({ config: { clock: clock.now, rotationGrace: '30s' } });
    const browser = new Browser(s);
    await login(browser);
    const oldToken = await browser.token();
    const rotated = await browser.gql(ROTATE);
    expect(rotated.body.data.rotateSession).toMatchObject({ userId: 'user-alice', id: oldToken?.split('.')[0] });
    const newToken = await browser.token();
    expect(newToken).not.toBe(oldToken);

    const inFlight = new Browser(s);
    await inFlight.setToken(oldToken as string);
    expect((await inFlight.gql(SESSION)).body.data.session.userId).toBe('user-alice');
    const write = await inFlight.gql(ADD, { item: 'pear' });
    expect(write.body).toEqual({ data: { addToCart: ['pear'] } });
    expect(write.headers.getSetCookie()).toEqual([]);
    const again = await inFlight.gql(ROTATE);
    expect(again.body.data).toBeNull();
    expect(again.body.errors[0].extensions).toEqual({ code: 'CONFLICT', reason: 'SESSION_INTERRUPTED' });
    expect(again.status).toBe(409);
    expect(again.headers.getSetCookie()).toEqual([]);
    expect((await browser.gql(CART)).body).toEqual({ data: { cart: ['pear'] } });

    clock.advance(31);
    expect((await inFlight.gql(SESSION)).body.data.session.userId).toBeNull();
    expect((await browser.gql(SESSION)).body.data.session.userId).toBe('user-alice');
  });

  it('a grace token cannot log in either', async () => {
    const clock = manualClock(Date.now());
    const s = await start({ config: { clock: clock.now } });
    const browser = new Browser(s);
    await login(browser);
    const oldToken = await browser.token();
    await browser.gql(ROTATE);
    const inFlight = new Browser(s);
    await inFlight.setToken(oldToken as string);
    const response = await login(inFlight);
    expect(response.body.errors[0].extensions).toEqual({ code: 'CONFLICT', reason: 'SESSION_INTERRUPTED' });
  });

  it('tampered, forged or ambiguous cookies give an anonymous session, never an error', async () => {
    const s = await start();
    const browser = new Browser(s);
    await login(browser);
    const token = (await browser.token()) as string;
    const [id, secret] = token.split('.') as [string, string];
    const flip = (text: string) => text.slice(0, -1) + (text.endsWith('A') ? 'B' : 'A');
    const variants = [`${id}.${flip(secret)}`, `${flip(id)}.${secret}`, 'garbage', `${token}x`, `${id}.`, `${id}.${secret}.${secret}`];
    for (const value of variants) {
      const other = new Browser(s);
      await other.setToken(value);
      const response = await other.gql(SESSION);
      expect(response.status).toBe(200);
      expect(response.body.data.session).toEqual({ id: null, userId: null, authenticatedAt: null, expiresAt: null });
    }
    // Two cookies of our name in one header are ambiguous: no session (strict parsing, test/core/cookie-scanner.test.ts).
    const response = await new Browser(s).gql(SESSION, undefined, { cookie: `sid=${token}; sid=${token}` });
    expect(response.body.data.session.userId).toBeNull();
  });

  it("a failed operation's changes are discarded", async () => {
    const browser = new Browser(await start());
    await browser.gql(ADD, { item: 'apple' });
    const failed = await browser.gql(/* GraphQL */ `mutation { boom }`);
    expect(failed.body.errors[0]).toMatchObject({ message: 'Unexpected error.', path: ['boom'] });
    expect((await browser.gql(KEYS)).body).toEqual({ data: { keys: ['cart'] } });
  });

  it('a commit error is a GraphQL error of the operation: DATA_TOO_LARGE → PAYLOAD_TOO_LARGE (413), stored data unchanged', async () => {
    const store = memoryStore();
    const browser = new Browser(await start({ store, config: { maxDataBytes: 256 } }));
    await browser.gql(ADD, { item: 'apple' });
    const token = await browser.token();
    const response = await browser.gql(ADD, { item: 'x'.repeat(300) });
    expect(response.status).toBe(413);
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors[0].extensions).toEqual({ code: 'PAYLOAD_TOO_LARGE' });
    expect(response.body.errors[0].message).toMatch(/maxDataBytes/);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await browser.token()).toBe(token);
    expect((await browser.gql(CART)).body).toEqual({ data: { cart: ['apple'] } });
  });

  it('a first write that is too large creates no session and sets no cookie', async () => {
    const browser = new Browser(await start({ config: { maxDataBytes: 256 } }));
    const response = await browser.gql(ADD, { item: 'x'.repeat(300) });
    expect(response.body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(response.headers.getSetCookie()).toEqual([]);
    expect((await browser.gql(SESSION)).body.data.session.id).toBeNull();
  });

  it('a store failure is INTERNAL_SERVER_ERROR with no detail', async () => {
    const inner = memoryStore();
    const browser = new Browser(
      await start({
        store: {
          ...inner,
          create: () => Promise.reject(new Error('disk on fire at /var/lib/secret-path')),
        },
      }),
    );
    const response = await browser.gql(ADD, { item: 'apple' });
    expect(response.body.errors).toEqual([{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(response.text).not.toMatch(/disk|secret-path|store/);
    expect(response.status).toBe(500);
  });

  it('a write in a query over GET throws where it is made (SESSION_CLOSED → INTERNAL_SERVER_ERROR) and stores nothing', async () => {
    const s = await start();
    const browser = new Browser(s);
    const response = await browser.request(null, { method: 'GET', url: `${s.url}?query=${encodeURIComponent('{ sneakyWrite }')}`, headers: { 'content-type': '' } });
    expect(response.body.errors[0]).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(response.headers.getSetCookie()).toEqual([]);
    expect((await browser.gql(KEYS)).body).toEqual({ data: { keys: [] } });
  });

  it('requireRecentAuth in an app mutation: FORBIDDEN (403) with reason REAUTH_REQUIRED once the sign-in is old', async () => {
    const clock = manualClock(Date.now());
    const browser = new Browser(await start({ config: { clock: clock.now } }));
    await login(browser);
    expect((await browser.gql(/* GraphQL */ `mutation { sensitive }`)).body).toEqual({ data: { sensitive: true } });
    clock.advance(6 * 60);
    const response = await browser.gql(/* GraphQL */ `mutation { sensitive }`);
    expect(response.status).toBe(403);
    expect(response.body.errors[0].extensions).toEqual({ code: 'FORBIDDEN', reason: 'REAUTH_REQUIRED' });
  });

  it('a query POSTed as JSON is read-only too: its write throws where it is made, the touch still happens', async () => {
    const clock = manualClock(Date.now());
    const counting = countingStore(memoryStore());
    const s = await start({ store: counting.store, config: { clock: clock.now } });
    const browser = new Browser(s);
    await login(browser);
    const write = await browser.gql(/* GraphQL */ `query { sneakyWrite }`);
    expect(write.body.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect((await browser.gql(KEYS)).body).toEqual({ data: { keys: [] } });

    clock.advance(2 * 3600);
    counting.reset();
    expect((await browser.gql(SESSION)).body.data.session.userId).toBe('user-alice');
    expect(counting.calls).toMatchObject({ get: 1, touch: 1, update: 0 });
  });

  it('queries are read-only in every batch, a batch with a mutation too; the mutation beside them writes', async () => {
    const s = await start();
    const browser = new Browser(s);
    const readOnly = await browser.request([{ query: `query { sneakyWrite }` }, { query: KEYS }]);
    expect(readOnly.body[0].errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    const mixed = await browser.request([{ query: `query { sneakyWrite }` }, { query: `mutation { ping }` }, { query: ADD, variables: { item: 'apple' } }]);
    expect(mixed.body[0].errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(mixed.body[2].errors).toBeUndefined();
    expect((await browser.gql(KEYS)).body).toEqual({ data: { keys: ['cart'] } });
  });
});
