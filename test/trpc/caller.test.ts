// tRPC server-side calls (`createCaller`) with the visitor's session: the context is the scope of
// the request being served (`sessions.open(request)`), no fabricated tRPC request info.
import { describe, expect, it } from 'vitest';
import { makeApp } from '../helpers/trpc-app.js';

const origin = 'http://localhost:3000';

/** A signed-in visitor's cookie, made through the procedures themselves. */
async function signedInCookie(app: ReturnType<typeof makeApp>): Promise<string> {
  const scope = app.sessions.open(new Request(`${origin}/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin } }));
  await app.router.createCaller({ session: scope, app: 'test' }).session.login({ username: 'alice', password: 'wonderland' });
  const headers = new Headers();
  scope.respond(headers);
  return (headers.getSetCookie()[0] ?? '').split(';')[0] as string;
}

describe('createCaller with the request’s session scope', () => {
  it('a query sees the visitor signed in (e.g. a page rendered on the server)', async () => {
    const app = makeApp();
    const cookie = await signedInCookie(app);
    const caller = app.router.createCaller({ session: app.sessions.open(new Request(`${origin}/account`, { headers: { cookie } })), app: 'test' });
    expect(await caller.whoami()).toBe('alice');
  });

  it('a mutation commits, and the scope hands the response its headers', async () => {
    const app = makeApp();
    const cookie = await signedInCookie(app);
    const scope = app.sessions.open(new Request(`${origin}/cart`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', origin } }));
    expect(await app.router.createCaller({ session: scope, app: 'test' }).cart.add('apple')).toEqual(['apple']);
    const headers = new Headers();
    scope.respond(headers);
    expect(headers.get('cache-control')).toBe('no-store');
    const reader = app.router.createCaller({ session: app.sessions.open(new Request(`${origin}/`, { headers: { cookie } })), app: 'test' });
    expect(await reader.cart.get()).toEqual(['apple']);
  });

  it('the CSRF rule still holds: a cross-site request cannot run a mutation through a caller', async () => {
    const app = makeApp();
    const cookie = await signedInCookie(app);
    const scope = app.sessions.open(new Request(`${origin}/cart`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', origin: 'https://evil.test' } }));
    await expect(app.router.createCaller({ session: scope, app: 'test' }).cart.add('apple')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
