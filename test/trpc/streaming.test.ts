import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/index.js';
import { countingStore } from '../helpers/store-probes.js';
import { makeApp } from '../helpers/trpc-app.js';
import { client, codeOf } from './client.js';
import { ADAPTERS, startServer, type Running } from './servers.js';

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function setup(kind: (typeof ADAPTERS)[number]) {
  const counter = countingStore(memoryStore());
  const app = makeApp({ store: counter.store });
  const server = await startServer(kind, app.router, app.createContext);
  running.push(server);
  const responses: Response[] = [];
  const batch = client(server.url, { pageOrigin: server.origin });
  const tap = {
    ...batch.browser,
    fetch: async (input: string | URL | Request, init?: RequestInit) => {
      const response = await batch.browser.fetch(input, init);
      responses.push(response);
      return response;
    },
  };
  // the same browser (one jar): httpBatchLink for sign-in, httpBatchStreamLink for the rest
  const stream = client(server.url, { pageOrigin: server.origin, link: 'stream' }, tap);
  return { ...app, counter, server, batch: batch.trpc, stream: stream.trpc, jar: batch.browser, responses };
}

describe.each(ADAPTERS)('%s adapter: httpBatchStreamLink (headers leave before procedures finish)', (kind) => {
  it('a change that needs a new cookie throws before changing anything', async () => {
    const { stream, batch, jar, server } = await setup(kind);
    // first write of a new session needs a cookie
    expect(await codeOf(stream.cart.add.mutate('apple'))).toBe('INTERNAL_SERVER_ERROR');
    expect(await jar.sid(server.url)).toBeUndefined();
    expect(await codeOf(stream.session.login.mutate({ username: 'alice', password: 'wonderland' }))).toBe('INTERNAL_SERVER_ERROR');
    expect((await batch.session.me.query()).userId).toBeNull();

    await batch.session.login.mutate({ username: 'alice', password: 'wonderland' });
    const token = await jar.sid(server.url);
    expect(await codeOf(stream.session.rotate.mutate())).toBe('INTERNAL_SERVER_ERROR');
    expect(await jar.sid(server.url)).toBe(token);
    expect((await batch.session.me.query()).userId).toBe('alice');
  });

  it('logout throws before deleting anything (its clearing cookie could not be sent); the session stays usable', async () => {
    const { stream, batch, jar, server } = await setup(kind);
    await batch.session.login.mutate({ username: 'alice', password: 'wonderland' });
    const token = await jar.sid(server.url);
    expect(await codeOf(stream.session.logout.mutate())).toBe('INTERNAL_SERVER_ERROR');
    expect(await jar.sid(server.url)).toBe(token);
    expect((await batch.session.me.query()).userId).toBe('alice');
    expect(await batch.session.logout.mutate()).toBe(true);
    expect((await batch.session.me.query()).userId).toBeNull();
  });

  it('data changes and the touch of an existing session still work', async () => {
    const { stream, batch, counter, clock } = await setup(kind);
    await batch.session.login.mutate({ username: 'alice', password: 'wonderland' });
    expect(await stream.cart.add.mutate('apple')).toEqual(['apple']);
    expect(await batch.cart.get.query()).toEqual(['apple']);
    clock.advance(2 * 3600);
    counter.reset();
    const [a, b] = await Promise.all([stream.cart.get.query(), stream.slowRead.query()]);
    expect(a).toEqual(['apple']);
    expect(b).toEqual(['apple']);
    expect(counter.calls).toMatchObject({ get: 1, touch: 1 });
  });

  it('a streamed response still says it varies by cookie and must not be stored', async () => {
    const { stream, batch, responses } = await setup(kind);
    await batch.session.login.mutate({ username: 'alice', password: 'wonderland' });
    await stream.cart.get.query();
    const response = responses.at(-1) as Response;
    expect(response.headers.get('vary')?.toLowerCase()).toContain('cookie');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});
