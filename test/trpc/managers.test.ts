import { afterEach, describe, expect, it } from 'vitest';
import { makeApp } from '../helpers/trpc-app.js';
import { client, codeOf } from './client.js';
import { ADAPTERS, startServer, type Running } from './servers.js';

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function start(kind: (typeof ADAPTERS)[number], app: ReturnType<typeof makeApp>) {
  const server = await startServer(kind, app.router, app.createContext);
  running.push(server);
  return { server, ...client(server.url, { pageOrigin: server.origin }) };
}

describe.each(ADAPTERS)('%s adapter: other managers and core hooks', (kind) => {
  it('cookieSessions(): the same procedures work; list and revoke say they are not implemented without a store (501)', async () => {
    const { server, trpc, browser } = await start(kind, makeApp({ mode: 'cookie' }));
    await trpc.cart.add.mutate('apple');
    const me = await trpc.session.login.mutate({ username: 'alice', password: 'wonderland' });
    expect(me.userId).toBe('alice');
    expect(await trpc.cart.get.query()).toEqual(['apple']);
    expect(await trpc.whoami.query()).toBe('alice');
    expect(await codeOf(trpc.session.list.query())).toBe('NOT_IMPLEMENTED');
    expect(await codeOf(trpc.session.revokeOthers.mutate())).toBe('NOT_IMPLEMENTED');
    // The cookie mode's cookie is named `session`: it is there until the logout clears it.
    expect(await browser.sid(server.url, 'session')).toBeTruthy();
    await trpc.session.logout.mutate();
    expect(await browser.sid(server.url, 'session')).toBeUndefined();
    expect((await trpc.session.me.query()).userId).toBeNull();
  });

  it('a rateLimit hook that refuses is TOO_MANY_REQUESTS, and nothing is created', async () => {
    const app = makeApp({ config: { rateLimit: ({ kind: attempt }) => attempt !== 'create' } });
    const { trpc } = await start(kind, app);
    expect(await codeOf(trpc.cart.add.mutate('apple'))).toBe('TOO_MANY_REQUESTS');
    expect(await trpc.cart.get.query()).toEqual([]);
  });
});
