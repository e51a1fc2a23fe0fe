import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPCError } from '@trpc/server';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore, SessionError, sessionErrorStatus, type SessionErrorCode, type Store } from '../../src/index.js';
import { toTRPCError } from '../../src/adapters/trpc/index.js';
import { countingStore } from '../helpers/store-probes.js';
import { makeApp } from '../helpers/trpc-app.js';
import { client, codeOf } from './client.js';
import { ADAPTERS, startServer, type Running } from './servers.js';

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

describe('SessionError → TRPCError (one table, the HTTP statuses of docs/architecture.md)', () => {
  const table: [SessionErrorCode, string][] = [
    ['UNAUTHENTICATED', 'UNAUTHORIZED'],
    ['CSRF_REJECTED', 'FORBIDDEN'],
    ['REAUTH_REQUIRED', 'FORBIDDEN'],
    ['DATA_TOO_LARGE', 'PAYLOAD_TOO_LARGE'],
    ['SESSION_INTERRUPTED', 'CONFLICT'],
    ['RATE_LIMITED', 'TOO_MANY_REQUESTS'],
    ['STORE_FAILURE', 'INTERNAL_SERVER_ERROR'],
    ['SESSION_CLOSED', 'INTERNAL_SERVER_ERROR'],
    ['INSECURE_TRANSPORT', 'INTERNAL_SERVER_ERROR'],
    ['INVALID_CONFIG', 'INTERNAL_SERVER_ERROR'],
  ];

  it.each(table)('%s → %s, with the HTTP status of the core’s table', (code, trpcCode) => {
    const error = toTRPCError(new SessionError(code, `problem ${code}`));
    expect(error.code).toBe(trpcCode);
    expect(getHTTPStatusCodeFromError(error)).toBe(sessionErrorStatus(code));
    expect(error.cause).toBeInstanceOf(SessionError);
    expect(error.message).toBe(trpcCode === 'INTERNAL_SERVER_ERROR' ? 'Internal session error' : `problem ${code}`);
  });

  it('unwraps a SessionError that tRPC wrapped, and passes other errors through', () => {
    const wrapped = new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: new SessionError('DATA_TOO_LARGE', 'too big') });
    expect(toTRPCError(wrapped).code).toBe('PAYLOAD_TOO_LARGE');
    const own = new TRPCError({ code: 'NOT_FOUND' });
    expect(toTRPCError(own)).toBe(own);
    expect(toTRPCError(new Error('x')).code).toBe('INTERNAL_SERVER_ERROR');
  });
});

describe.each(ADAPTERS)('%s adapter: failures over real HTTP', (kind) => {
  it('a store failure is a 500 that names no detail of the backend', async () => {
    const inner = memoryStore();
    let failing = false;
    const store: Store = { ...inner, get: (id) => (failing ? Promise.reject(new Error('disk on fire at /var/db')) : inner.get(id)) };
    const app = makeApp({ store });
    const server = await startServer(kind, app.router, app.createContext);
    running.push(server);
    const { trpc, browser } = client(server.url, { pageOrigin: server.origin });
    await trpc.session.login.mutate({ username: 'alice', password: 'wonderland' });
    failing = true;
    const error = (await trpc.session.me.query().catch((e: unknown) => e)) as Error & { data?: { code?: string; httpStatus?: number } };
    expect(error.data).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', httpStatus: 500 });
    expect(error.message).toBe('Internal session error');
    const token = (await browser.sid(server.url)) as string;
    expect(JSON.stringify(error)).not.toContain('disk');
    expect(JSON.stringify(error)).not.toContain(token.split('.')[1]);
  });

  it('a query POSTed with methodOverride is as read-only as over GET, and still touches', async () => {
    const counter = countingStore(memoryStore());
    const app = makeApp({ store: counter.store });
    const server = await startServer(kind, app.router, app.createContext, { allowMethodOverride: true });
    running.push(server);
    const get = client(server.url, { pageOrigin: server.origin });
    await get.trpc.cart.add.mutate('apple');
    const post = client(server.url, { pageOrigin: server.origin, methodOverride: 'POST' }, get.browser);
    expect(await codeOf(post.trpc.writeInQuery.query())).toBe('INTERNAL_SERVER_ERROR');
    expect(await get.trpc.read.query('sneaky')).toBeNull();
    app.clock.advance(2 * 3600);
    counter.reset();
    expect(await post.trpc.cart.get.query()).toEqual(['apple']);
    expect(counter.calls).toMatchObject({ get: 1, touch: 1, update: 0 });
  });

  it('revoking the current session signs out and clears the cookie', async () => {
    const app = makeApp();
    const server = await startServer(kind, app.router, app.createContext);
    running.push(server);
    const { trpc, browser } = client(server.url, { pageOrigin: server.origin });
    const me = await trpc.session.login.mutate({ username: 'alice', password: 'wonderland' });
    expect(await trpc.session.revoke.mutate({ id: me.id as string })).toBe(true);
    expect(await browser.sid(server.url)).toBeUndefined();
    expect((await trpc.session.me.query()).userId).toBeNull();
  });
});
