import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/index.js';
import { countingStore, gatedStore, lastWriterWinsStore } from '../helpers/store-probes.js';
import { ADD, Browser, CART, SESSION, login, startServer, type TestServer } from '../helpers/yoga-app.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const KEYS = /* GraphQL */ `query { keys }`;
const SET = /* GraphQL */ `mutation Set($key: String!, $value: String!) { setKey(key: $key, value: $value) }`;

describe('batching: one session per HTTP request', () => {
  it('a batch of queries and a writing mutation loads once and commits once', async () => {
    const counting = countingStore(memoryStore());
    server = await startServer({ store: counting.store });
    const browser = new Browser(server);
    await login(browser);
    counting.reset();

    const response = await browser.request([{ query: SESSION }, { query: CART }, { query: ADD, variables: { item: 'apple' } }, { query: KEYS }, { query: SESSION }]);
    expect(response.status).toBe(200);
    expect(response.body).toHaveLength(5);
    expect(response.body[0].data.session.userId).toBe('user-alice');
    expect(response.body[2].data).toEqual({ addToCart: ['apple'] });
    expect(counting.calls.get).toBe(1);
    expect(counting.calls.update + counting.calls.create).toBe(1);
    expect(counting.calls.touch).toBe(0);
  });

  it('a request that never asks for the session costs no store query, even with a valid cookie', async () => {
    const counting = countingStore(memoryStore());
    server = await startServer({ store: counting.store });
    const browser = new Browser(server);
    await login(browser);
    counting.reset();
    const response = await browser.request([{ query: /* GraphQL */ `query { hello }` }, { query: /* GraphQL */ `mutation { ping }` }]);
    expect(response.body).toEqual([{ data: { hello: 'world' } }, { data: { ping: true } }]);
    expect(Object.values(counting.calls).reduce((sum, n) => sum + n, 0)).toBe(0);
  });

  it('a batch that only reads makes one store read and no write', async () => {
    const counting = countingStore(memoryStore());
    server = await startServer({ store: counting.store });
    const browser = new Browser(server);
    await login(browser);
    counting.reset();
    await browser.request([{ query: SESSION }, { query: CART }, { query: KEYS }]);
    expect(counting.calls).toMatchObject({ get: 1, create: 0, update: 0, touch: 0, delete: 0 });
  });

  it('batched mutations take turns: a failing one discards only its own changes', async () => {
    server = await startServer();
    const browser = new Browser(server);
    const response = await browser.request([
      { query: SET, variables: { key: 'first', value: '1' } },
      { query: /* GraphQL */ `mutation { boom }` },
      { query: SET, variables: { key: 'second', value: '2' } },
    ]);
    expect(response.body[0].data).toEqual({ setKey: true });
    expect(response.body[1].errors[0].message).toBe('Unexpected error.');
    expect(response.body[2].data).toEqual({ setKey: true });
    expect((await browser.gql(KEYS)).body.data.keys.sort()).toEqual(['first', 'second']);
  });

  it("a failing query beside a mutation does not roll back the mutation's changes", async () => {
    server = await startServer();
    const browser = new Browser(server);
    const response = await browser.request([
      { query: /* GraphQL */ `mutation { setLater(key: "kept", value: "1") }` },
      { query: /* GraphQL */ `query { broken }` },
      { query: /* GraphQL */ `query { broken }` },
    ]);
    expect(response.body[0].data).toEqual({ setLater: true });
    expect(response.body[1].errors[0].message).toBe('Unexpected error.');
    expect((await browser.gql(KEYS)).body.data.keys).toEqual(['kept']);
  });

  it('a query batched after a failing mutation does not commit its half-done changes', async () => {
    server = await startServer();
    const browser = new Browser(server);
    await browser.gql(ADD, { item: 'apple' });
    const response = await browser.request([{ query: /* GraphQL */ `mutation { boom }` }, { query: KEYS }]);
    expect(response.body[0].errors[0].message).toBe('Unexpected error.');
    expect(response.body[1].data.keys).toEqual(['cart']);
    expect((await browser.gql(KEYS)).body.data.keys).toEqual(['cart']);
  });

  it('a new session created in a batch sets exactly one cookie', async () => {
    server = await startServer();
    const browser = new Browser(server);
    const response = await browser.request([
      { query: ADD, variables: { item: 'a' } },
      { query: ADD, variables: { item: 'b' } },
    ]);
    expect(response.headers.getSetCookie()).toHaveLength(1);
    expect((await browser.gql(CART)).body.data.cart).toEqual(['a', 'b']);
  });
});

describe('concurrent requests of one session', () => {
  async function concurrentPair(wrap: (store: ReturnType<typeof memoryStore>) => ReturnType<typeof memoryStore>) {
    const gated = gatedStore(wrap(memoryStore()));
    server = await startServer({ store: gated.store });
    const browser = new Browser(server);
    await login(browser);
    await browser.gql(ADD, { item: 'seed' });
    return { browser, gated };
  }

  it('writes to different keys both persist (compare-and-swap, re-applied on conflict)', async () => {
    const { browser, gated } = await concurrentPair((store) => store);
    gated.arm(2);
    const [a, b] = await Promise.all([browser.gql(SET, { key: 'a', value: '1' }), browser.gql(SET, { key: 'b', value: '2' })]);
    expect(gated.loadsSeen()).toBe(2);
    expect([a.body, b.body]).toEqual([{ data: { setKey: true } }, { data: { setKey: true } }]);
    expect((await browser.gql(KEYS)).body.data.keys.sort()).toEqual(['a', 'b', 'cart']);
  });

  it('concurrent update()s of one key all persist (the function re-runs on the latest value)', async () => {
    const { browser, gated } = await concurrentPair((store) => store);
    gated.arm(3);
    await Promise.all(['x', 'y', 'z'].map((item) => browser.gql(ADD, { item })));
    expect(gated.loadsSeen()).toBe(3);
    expect(((await browser.gql(CART)).body.data.cart as string[]).sort()).toEqual(['seed', 'x', 'y', 'z']);
  });

  it('control: with a last-writer-wins store the same interleaving loses a write (so the tests above can fail)', async () => {
    const { browser, gated } = await concurrentPair((store) => lastWriterWinsStore(store));
    gated.arm(2);
    await Promise.all([browser.gql(SET, { key: 'a', value: '1' }), browser.gql(SET, { key: 'b', value: '2' })]);
    const keys = (await browser.gql(KEYS)).body.data.keys as string[];
    expect(keys).toContain('cart');
    expect(keys.filter((key) => key === 'a' || key === 'b')).toHaveLength(1);
  });

  it('a write racing a logout is not resurrected: CONFLICT with reason SESSION_INTERRUPTED', async () => {
    const { browser, gated } = await concurrentPair((store) => store);
    gated.arm(2);
    const [write, logout] = await Promise.all([browser.gql(/* GraphQL */ `mutation { setKey(key: "late", value: "1") }`), browser.gql(/* GraphQL */ `mutation { logout }`)]);
    expect(logout.body).toEqual({ data: { logout: true } });
    // Which commit runs first is up to the event loop; either way the record must not come back.
    if (write.body.errors) expect(write.body.errors[0].extensions).toEqual({ code: 'CONFLICT', reason: 'SESSION_INTERRUPTED' });
    expect(await server?.sessions.listSessions('user-alice')).toEqual([]);
  });
});
