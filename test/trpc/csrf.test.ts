import { afterEach, describe, expect, it } from 'vitest';
import { makeApp } from '../helpers/trpc-app.js';
import { client, codeOf } from './client.js';
import { browser } from '../helpers/cookie-jar.js';
import { ADAPTERS, startServer, type Running } from './servers.js';

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function signedIn(kind: (typeof ADAPTERS)[number]) {
  const app = makeApp();
  const server = await startServer(kind, app.router, app.createContext);
  running.push(server);
  const page = client(server.url, { pageOrigin: server.origin });
  await page.trpc.session.login.mutate({ username: 'alice', password: 'wonderland' });
  const cookie = `sid=${await page.browser.sid(server.url)}`;
  /** A raw request carrying alice's cookie, as a cross-site form or script would send it. */
  const raw = (path: string, init: RequestInit & { headers?: Record<string, string> }) => fetch(`${server.url}/${path}`, { method: 'POST', ...init, headers: { cookie, ...init.headers } });
  const stillSignedIn = async () => (await page.trpc.session.me.query()).userId === 'alice';
  return { app, server, page, raw, stillSignedIn };
}

describe.each(ADAPTERS)('%s adapter: CSRF (the core rule of test/core/csrf-rule.test.ts)', (kind) => {
  it('refuses every mutation with Sec-Fetch-Site: cross-site, the app’s own included', async () => {
    const { raw, stillSignedIn } = await signedIn(kind);
    const json = { 'content-type': 'application/json' };
    for (const path of ['session.logout', 'appMutation']) {
      const response = await raw(path, { headers: { ...json, 'sec-fetch-site': 'cross-site' } });
      expect(response.status).toBe(403);
      expect(JSON.stringify(await response.json())).toContain('FORBIDDEN');
    }
    expect(await stillSignedIn()).toBe(true);
  });

  it('refuses a mutation whose Origin is present and foreign; accepts the own origin', async () => {
    const { raw, server, stillSignedIn } = await signedIn(kind);
    const json = { 'content-type': 'application/json' };
    expect((await raw('appMutation', { headers: { ...json, origin: 'https://evil.example' } })).status).toBe(403);
    expect((await raw('appMutation', { headers: { ...json, origin: 'null' } })).status).toBe(403);
    expect((await raw('appMutation', { headers: { ...json, origin: server.origin } })).status).toBe(200);
    expect(await stillSignedIn()).toBe(true);
  });

  it('a form-encoded or text/plain mutation never runs (tRPC answers 415 before any procedure)', async () => {
    const { raw, stillSignedIn } = await signedIn(kind);
    for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
      const response = await raw('session.logout', { headers: { 'content-type': type }, body: 'a=1' });
      expect(response.status).toBe(415);
    }
    expect(await stillSignedIn()).toBe(true);
  });

  it('a multipart form post to a no-input mutation (no Fetch Metadata, no custom header) is FORBIDDEN', async () => {
    const { raw, stillSignedIn } = await signedIn(kind);
    const form = new FormData();
    form.set('x', '1');
    const response = await raw('session.logout', { body: form });
    expect(response.status).toBe(403);
    expect(await stillSignedIn()).toBe(true);
  });

  it('a same-origin multipart upload is accepted (Sec-Fetch-Site: same-origin), and with a custom header', async () => {
    const { page, raw, server } = await signedIn(kind);
    const form = new FormData();
    form.set('file', new File(['hello'], 'hello.txt', { type: 'text/plain' }));
    const uploader = client(server.url, { pageOrigin: server.origin, link: 'single' }, page.browser);
    expect(await uploader.trpc.upload.mutate(form)).toBe('hello.txt');
    expect(await page.trpc.read.query('upload')).toBe('hello.txt');
    const viaHeader = new FormData();
    viaHeader.set('file', new File(['x'], 'second.txt'));
    const response = await raw('upload', { body: viaHeader, headers: { 'x-trpc-source': 'script' } });
    expect(response.status).toBe(200);
    const crossSite = client(server.url, { pageOrigin: 'https://evil.example', link: 'single' });
    await crossSite.browser.jar.setCookie(`sid=${await page.browser.sid(server.url)}`, server.url);
    expect(await codeOf(crossSite.trpc.upload.mutate(viaHeader))).toBe('FORBIDDEN');
  });

  it('the real @trpc/client sends content-type: application/json for a no-input mutation', async () => {
    const { server } = await signedIn(kind);
    const sent: (string | null)[] = [];
    for (const link of ['batch', 'single'] as const) {
      const b = browser({ pageOrigin: null });
      const spy = {
        ...b,
        fetch: (input: string | URL | Request, init?: RequestInit) => {
          sent.push(new Headers(init?.headers).get('content-type'));
          return b.fetch(input, init);
        },
      };
      // no Origin, no Sec-Fetch-Site (a non-browser client): the JSON body alone passes the rule
      expect(await client(server.url, { pageOrigin: null, link }, spy).trpc.appMutation.mutate()).toBe('done');
    }
    expect(sent).toEqual(['application/json', 'application/json']);
  });

  it('queries are not refused cross-site (reads are CORS’s business) and cannot write', async () => {
    const { server, page } = await signedIn(kind);
    const other = client(server.url, { pageOrigin: 'https://evil.example' }, page.browser);
    expect(await other.trpc.ping.query()).toBe('pong');
    expect(await codeOf(other.trpc.writeInQuery.query())).toBe('INTERNAL_SERVER_ERROR');
    const get = await fetch(`${server.url}/appMutation`, { headers: { 'content-type': 'application/json' } });
    expect(get.status).toBe(405); // tRPC never runs a mutation over GET
  });
});
