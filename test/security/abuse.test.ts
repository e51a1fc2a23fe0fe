import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { countingStore, gatedStore, lastWriterWinsStore } from '../helpers/store-probes.js';
import { startApp } from '../helpers/example-app.js';
import { attackBackends, attackEnvironment, cookieOf, pagePost, raw, visitor, type AttackApp } from './attack-kit.js';

const backends = await attackBackends();

/** Runs `count` calls of `send`, `concurrency` at a time; resolves their statuses. */
async function flood(count: number, concurrency: number, send: (i: number) => Promise<Response>): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const response = await send(next++);
        await response.arrayBuffer();
        statuses.push(response.status);
      }
    }),
  );
  return statuses;
}

describe.each(backends)('abuse and lost updates on $name', (backend) => {
  const env = attackEnvironment(backend);

  it('session flooding: 10,000 requests without or with random cookies create 0 records', async () => {
    const counted = { probe: undefined as ReturnType<typeof countingStore> | undefined };
    const app = await env.start({ wrap: (store) => (counted.probe = countingStore(store)).store });
    const current = app;
    const statuses = await flood(10_000, 50, (i) => {
      const cookie = i % 3 === 0 ? undefined : i % 3 === 1 ? `sid=${randomBytes(16).toString('base64url')}.${randomBytes(32).toString('base64url')}` : `sid=${randomBytes(20).toString('hex')}`;
      const headers: Record<string, string> = cookie ? { cookie } : {};
      return i % 2 === 0
        ? raw(current, '/trpc/session.me,cart.get?batch=1&input=%7B%7D', { headers })
        : raw(current, '/graphql', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{"query":"{ session { userId } cart }"}' });
    });
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(counted.probe!.calls.create).toBe(0);
  }, 120_000);

  it('control: 20 anonymous requests that do write data create 20 records (the counter sees creation)', async () => {
    const counted = { probe: undefined as ReturnType<typeof countingStore> | undefined };
    const app = await env.start({ wrap: (store) => (counted.probe = countingStore(store)).store });
    const current = app;
    await flood(20, 5, (i) => pagePost(current, '/trpc/cart.add', { item: `item-${i}` }));
    expect(counted.probe!.calls.create).toBe(20);
  });

  async function bomb(current: AttackApp): Promise<{ refused: number; before: string[]; after: string[]; calls: number }> {
    const user = visitor(current);
    const item = 'x'.repeat(100);
    let calls = 0;
    for (;;) {
      const before = await user.trpc.cart.get.query();
      calls++;
      const response = await pagePost(current, '/trpc/cart.add', { item }, await user.sid().then((sid) => (sid ? `sid=${sid}` : undefined)));
      if (response.status === 200) {
        for (const set of response.headers.getSetCookie()) await user.browser.jar.setCookie(set, current.url);
        if (calls >= 200) return { refused: 0, before, after: await user.trpc.cart.get.query(), calls };
        continue;
      }
      return { refused: response.status, before, after: await user.trpc.cart.get.query(), calls };
    }
  }

  it('session data bomb: repeated small cart.add calls are refused at the cap (413) with the stored data unchanged', async () => {
    const app = await env.start();
    const { refused, before, after, calls } = await bomb(app);
    expect(refused).toBe(413);
    expect(after).toEqual(before);
    expect(calls).toBeGreaterThan(100);
    expect(calls).toBeLessThan(200);
  });

  it('control: with a 64 KiB cap the same 200 calls are all accepted', async () => {
    const app = await env.start({ sessions: { maxDataBytes: 64 * 1024 } });
    const { refused, after } = await bomb(app);
    expect(refused).toBe(0);
    expect(after).toHaveLength(200);
  });

  async function concurrentAdds(current: AttackApp, gate: ReturnType<typeof gatedStore>): Promise<string[]> {
    const user = visitor(current);
    await user.trpc.cart.add.mutate({ item: 'seed' });
    const cookie = await cookieOf(user);
    gate.arm(10);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 ? pagePost(current, '/trpc/cart.add', { item: `t${i}` }, cookie) : pagePost(current, '/graphql', { query: `mutation { addToCart(item: "g${i}") }` }, cookie),
      ),
    );
    expect(gate.loadsSeen()).toBe(10);
    return user.trpc.cart.get.query();
  }

  it('lost update: 10 parallel cart adds through tRPC and GraphQL, all loaded before any commits, all persist', async () => {
    let gate!: ReturnType<typeof gatedStore>;
    const app = await env.start({ wrap: (store) => (gate = gatedStore(store)).store });
    const cart = await concurrentAdds(app, gate);
    expect(cart).toHaveLength(11);
  });

  it('control: with last-writer-wins saves the same interleaving loses items', async () => {
    let gate!: ReturnType<typeof gatedStore>;
    const app = await env.start({ wrap: (store) => (gate = gatedStore(lastWriterWinsStore(store))).store });
    const cart = await concurrentAdds(app, gate);
    expect(cart.length).toBeLessThan(11);
  });

  it('secret rotation: [K2, K1] reads data sealed with K1 and re-seals it with K2; [K2] alone treats K1 data as absent', async () => {
    const K1 = 'k1-secret-k1-secret-k1-secret-k1-secret!';
    const K2 = 'k2-secret-k2-secret-k2-secret-k2-secret!';
    const cartOf = async (secrets: string[], cookie: string) => {
      const current = await startApp({ ...env.run.appOptions, store: env.run.store, secrets });
      try {
        const response = await raw(current, '/trpc/cart.get', { headers: { cookie } });
        return ((await response.json()) as { result: { data: string[] } }).result.data;
      } finally {
        await current.close();
      }
    };
    const first = await startApp({ ...env.run.appOptions, store: env.run.store, secrets: [K1] });
    const user = visitor(first);
    await user.trpc.cart.add.mutate({ item: 'sealed with K1' });
    const untouched = visitor(first);
    await untouched.trpc.cart.add.mutate({ item: 'never re-sealed' });
    const cookie = await cookieOf(user);
    const untouchedCookie = await cookieOf(untouched);
    await first.close();

    expect(await cartOf([K2], cookie)).toEqual([]);
    expect(await cartOf([K2, K1], cookie)).toEqual(['sealed with K1']);
    const rotated = await startApp({ ...env.run.appOptions, store: env.run.store, secrets: [K2, K1] });
    await pagePost(rotated, '/trpc/cart.add', { item: 'written under K2' }, cookie);
    await rotated.close();
    expect(await cartOf([K2], cookie)).toEqual(['sealed with K1', 'written under K2']);
    expect(await cartOf([K2], untouchedCookie)).toEqual([]);
  });
});
