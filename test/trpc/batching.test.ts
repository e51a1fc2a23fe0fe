import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/index.js';
import { countingStore } from '../helpers/store-probes.js';
import { makeApp } from '../helpers/trpc-app.js';
import { client } from './client.js';
import { ADAPTERS, startServer, type Running } from './servers.js';

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function counted(kind: (typeof ADAPTERS)[number]) {
  const counter = countingStore(memoryStore());
  const app = makeApp({ store: counter.store });
  const server = await startServer(kind, app.router, app.createContext);
  running.push(server);
  const requests: string[] = [];
  const page = client(server.url, { pageOrigin: server.origin });
  const tap = {
    ...page.browser,
    fetch: (input: string | URL | Request, init?: RequestInit) => {
      requests.push(input instanceof Request ? input.url : String(input));
      return page.browser.fetch(input, init);
    },
  };
  const batched = client(server.url, { pageOrigin: server.origin }, tap);
  return { ...app, counter, trpc: batched.trpc, requests };
}

describe.each(ADAPTERS)('%s adapter: one load per HTTP request', (kind) => {
  it('a batch of 20 session queries loads once and, with a touch due, writes once', async () => {
    const { trpc, counter, clock, requests } = await counted(kind);
    await trpc.cart.add.mutate('apple');
    clock.advance(2 * 3600); // past the touch throttle (min(1 h, idle / 10))
    counter.reset();
    requests.length = 0;
    const results = await Promise.all(Array.from({ length: 20 }, () => trpc.cart.get.query()));
    expect(requests).toHaveLength(1); // really one HTTP request
    expect(results.every((cart) => cart.length === 1)).toBe(true);
    expect(counter.calls.get).toBe(1);
    expect(counter.calls.touch).toBe(1);
    expect(counter.calls.update + counter.calls.create).toBe(0);
    counter.reset();
    await Promise.all(Array.from({ length: 20 }, () => trpc.cart.get.query()));
    expect(counter.calls).toMatchObject({ get: 1, touch: 0, update: 0 });
  });

  it('a batch of 20 procedures that never touch the session costs no store call', async () => {
    const { trpc, counter } = await counted(kind);
    await trpc.cart.add.mutate('apple');
    counter.reset();
    await Promise.all([...Array.from({ length: 10 }, () => trpc.ping.query())]);
    await Promise.all([...Array.from({ length: 10 }, () => trpc.appMutation.mutate())]);
    expect(Object.values(counter.calls).every((n) => n === 0)).toBe(true);
  });

  it('a batch of 20 mutations loads once, runs one after another and persists every change', async () => {
    const { trpc, counter, requests } = await counted(kind);
    await trpc.cart.add.mutate('first');
    counter.reset();
    requests.length = 0;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => trpc.append.mutate(`item-${i}`)));
    expect(requests).toHaveLength(1);
    expect(counter.calls.get).toBe(1);
    // one commit per procedure that changed the session, each on the previous one's result
    expect(counter.calls.update).toBe(20);
    expect(results.map((list) => list.length).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await trpc.read.query('list')).toHaveLength(20);
  });
});
