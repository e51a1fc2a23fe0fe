import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore, type Store } from '../../src/index.js';
import { gatedStore, lastWriterWinsStore } from '../helpers/store-probes.js';
import { makeApp } from '../helpers/trpc-app.js';
import { client, codeOf } from './client.js';
import { ADAPTERS, startServer, type Running } from './servers.js';

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

/** Two browser tabs of one user (one cookie jar), each sending its own HTTP requests (httpLink). */
async function twoTabs(kind: (typeof ADAPTERS)[number], inner: Store) {
  const gate = gatedStore(inner);
  const app = makeApp({ store: gate.store });
  const server = await startServer(kind, app.router, app.createContext);
  running.push(server);
  const first = client(server.url, { pageOrigin: server.origin, link: 'single' });
  const second = client(server.url, { pageOrigin: server.origin, link: 'single' }, first.browser);
  await first.trpc.session.login.mutate({ username: 'alice', password: 'wonderland' });
  return { gate, a: first.trpc, b: second.trpc };
}

describe.each(ADAPTERS)('%s adapter: concurrent requests of one session', (kind) => {
  it('two requests that both loaded before either committed: changes to different keys both persist', async () => {
    const { gate, a, b } = await twoTabs(kind, memoryStore());
    gate.arm(2);
    await Promise.all([a.set.mutate({ key: 'theme', value: 'dark' }), b.set.mutate({ key: 'lang', value: 'fr' })]);
    expect(gate.loadsSeen()).toBe(2);
    expect(await a.read.query('theme')).toBe('dark');
    expect(await a.read.query('lang')).toBe('fr');
  });

  it('concurrent update()s of one key all persist (the function re-runs on the latest value)', async () => {
    const { gate, a, b } = await twoTabs(kind, memoryStore());
    gate.arm(2);
    await Promise.all([a.append.mutate('x'), b.append.mutate('y')]);
    expect(gate.loadsSeen()).toBe(2);
    expect(((await a.read.query('list')) as string[]).sort()).toEqual(['x', 'y']);
  });

  it('a write racing a logout never resurrects the session: it lands first or gets CONFLICT', async () => {
    const { gate, a, b } = await twoTabs(kind, memoryStore());
    gate.arm(2);
    const [, write] = await Promise.allSettled([a.session.logout.mutate(), b.set.mutate({ key: 'theme', value: 'dark' })]);
    expect(gate.loadsSeen()).toBe(2);
    if (write.status === 'rejected') expect(await codeOf(Promise.reject(write.reason as Error))).toBe('CONFLICT');
    expect((await a.session.me.query()).userId).toBeNull();
    expect(await a.read.query('theme')).toBeNull();
  });

  it('control: with compare-and-swap switched off, the same interleaving loses a write', async () => {
    const { gate, a, b } = await twoTabs(kind, lastWriterWinsStore(memoryStore()));
    gate.arm(2);
    await Promise.all([a.append.mutate('x'), b.append.mutate('y')]);
    expect(gate.loadsSeen()).toBe(2);
    expect((await a.read.query('list')) as string[]).toHaveLength(1);
  });
});
