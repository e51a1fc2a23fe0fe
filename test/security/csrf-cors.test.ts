import { describe, expect, it } from 'vitest';
import { attackBackends, attackEnvironment, cookieOf, raw, visitor, whoIs, type AttackApp } from './attack-kit.js';

const backends = await attackBackends();
const EVIL = 'https://evil.test';

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
}

describe.each(backends)('cross-site request forgery and CORS on $name', (backend) => {
  const env = attackEnvironment(backend);

  async function victim(current: AttackApp): Promise<string> {
    const user = visitor(current);
    await user.trpc.session.login.mutate({ username: 'alice', password: 'alice-password' });
    await user.trpc.cart.add.mutate({ item: 'mine' });
    return cookieOf(user);
  }

  /** What a hostile page can make the victim's browser send, with its cookie attached. */
  function forgeries(current: AttackApp, cookie: string): [string, () => Promise<Response>][] {
    const crossSite = { cookie, origin: EVIL, 'sec-fetch-site': 'cross-site' };
    const noMetadata = { cookie }; // an older browser: no Origin, no Sec-Fetch-Site
    return [
      ['tRPC form-encoded', () => raw(current, '/trpc/cart.add', { method: 'POST', headers: { ...noMetadata, 'content-type': 'application/x-www-form-urlencoded' }, body: 'item=forged' })],
      ['tRPC multipart (no-input logout)', () => raw(current, '/trpc/session.logout', { method: 'POST', headers: noMetadata, body: form({ x: '1' }) })],
      ['tRPC text/plain', () => raw(current, '/trpc/cart.add', { method: 'POST', headers: { ...noMetadata, 'content-type': 'text/plain' }, body: '{"item":"forged"}' })],
      ['tRPC JSON from a cross-site page', () => raw(current, '/trpc/cart.add', { method: 'POST', headers: { ...crossSite, 'content-type': 'application/json' }, body: '{"item":"forged"}' })],
      [
        'GraphQL form-encoded',
        () => raw(current, '/graphql', { method: 'POST', headers: { ...noMetadata, 'content-type': 'application/x-www-form-urlencoded' }, body: `query=${encodeURIComponent('mutation { logout }')}` }),
      ],
      ['GraphQL multipart', () => raw(current, '/graphql', { method: 'POST', headers: noMetadata, body: form({ operations: JSON.stringify({ query: 'mutation { logout }' }), map: '{}' }) })],
      ['GraphQL text/plain', () => raw(current, '/graphql', { method: 'POST', headers: { ...noMetadata, 'content-type': 'text/plain' }, body: JSON.stringify({ query: 'mutation { logout }' }) })],
      [
        'GraphQL JSON from a cross-site page',
        () => raw(current, '/graphql', { method: 'POST', headers: { ...crossSite, 'content-type': 'application/json' }, body: JSON.stringify({ query: 'mutation { logout }' }) }),
      ],
    ];
  }

  it('form, multipart and text/plain CSRF on tRPC and GraphQL mutations are refused; the session is untouched', async () => {
    const app = await env.start();
    const cookie = await victim(app);
    for (const [name, send] of forgeries(app, cookie)) {
      const response = await send();
      const body = await response.text();
      const refused = response.status === 403 || response.status === 415 || body.includes('"FORBIDDEN"');
      expect({ name, refused }).toEqual({ name, refused: true });
    }
    expect(await whoIs(app, cookie)).toBe('user-alice');
    expect(await visitor(app).trpc.cart.get.query()).toEqual([]); // a fresh visitor, sanity
    const cart = await raw(app, '/trpc/cart.get', { headers: { cookie } });
    expect(((await cart.json()) as { result: { data: string[] } }).result.data).toEqual(['mine']);
  });

  it('control: with the preflight-header rule defeated (every form has a content-type) the form-encoded GraphQL logout runs', async () => {
    const app = await env.start({ sessions: { csrfHeaders: ['content-type'] } });
    const cookie = await victim(app);
    const response = await raw(app, '/graphql', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: `query=${encodeURIComponent('mutation { logout }')}`,
    });
    expect(((await response.json()) as { data?: { logout: boolean } }).data?.logout).toBe(true);
    expect(await whoIs(app, cookie)).toBeNull();
  });

  it("a multipart upload from the app's own page (Sec-Fetch-Site: same-origin) is accepted", async () => {
    const app = await env.start();
    const cookie = await victim(app);
    const response = await raw(app, '/graphql', {
      method: 'POST',
      headers: { cookie, origin: app.url, 'sec-fetch-site': 'same-origin' },
      body: form({ operations: JSON.stringify({ query: 'mutation { addToCart(item: "uploaded") }' }), map: '{}' }),
    });
    expect(((await response.json()) as { data?: { addToCart: string[] } }).data?.addToCart).toEqual(['mine', 'uploaded']);
  });

  it('GraphQL mutations over GET are refused with 405', async () => {
    const app = await env.start();
    const cookie = await victim(app);
    const response = await raw(app, `/graphql?query=${encodeURIComponent('mutation { logout }')}`, { headers: { cookie, accept: 'application/json' } });
    expect(response.status).toBe(405);
    expect(await whoIs(app, cookie)).toBe('user-alice');
  });

  describe('Origin look-alikes against an https app (behind a TLS proxy)', () => {
    async function mutateFrom(current: AttackApp, origin: string): Promise<{ trpc: number; graphql: string }> {
      const headers = { 'x-forwarded-proto': 'https', origin, 'content-type': 'application/json' };
      const trpc = await raw(current, '/trpc/cart.add', { method: 'POST', headers, body: '{"item":"x"}' });
      const graphql = await raw(current, '/graphql', { method: 'POST', headers, body: JSON.stringify({ query: 'mutation { addToCart(item: "x") }' }) });
      const body = (await graphql.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
      return { trpc: trpc.status, graphql: body.errors?.[0]?.extensions?.code ?? 'OK' };
    }

    it('app.test.evil.test-style suffixes, an http:// downgrade and "null" are refused', async () => {
      const app = await env.start({ trustProxy: 1 });
      const own = app.url.replace('http://', 'https://');
      for (const origin of [`${own}.evil.test`, app.url, 'null', `${own}:1`, EVIL]) {
        expect(await mutateFrom(app, origin)).toEqual({ trpc: 403, graphql: 'FORBIDDEN' });
      }
      expect(await mutateFrom(app, own)).toEqual({ trpc: 200, graphql: 'OK' });
    });

    it('control: listing the look-alike in allowedOrigins lets it through (the Origin check is what refused it)', async () => {
      const app = await env.start({ trustProxy: 1, sessions: { allowedOrigins: ['https://app.test.evil.test'] } });
      expect(await mutateFrom(app, 'https://app.test.evil.test')).toEqual({ trpc: 200, graphql: 'OK' });
    });
  });

  it('credentialed CORS is never granted to an unlisted origin', async () => {
    const app = await env.start();
    const preflight = await raw(app, '/graphql', { method: 'OPTIONS', headers: { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    const actual = await raw(app, '/graphql', { method: 'POST', headers: { origin: EVIL, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ session { userId } }' }) });
    for (const response of [preflight, actual]) {
      expect(response.headers.get('access-control-allow-origin')).not.toBe(EVIL);
      expect(response.headers.get('access-control-allow-origin')).not.toBe('*');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('control: an explicitly listed origin gets credentialed CORS', async () => {
    const app = await env.start({ sessions: { allowedOrigins: [EVIL] } });
    const actual = await raw(app, '/graphql', { method: 'POST', headers: { origin: EVIL, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ session { userId } }' }) });
    expect(actual.headers.get('access-control-allow-origin')).toBe(EVIL);
    expect(actual.headers.get('access-control-allow-credentials')).toBe('true');
  });
});
