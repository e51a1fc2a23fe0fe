import { createTRPCClient, httpLink } from '@trpc/client';
import { CookieJar } from 'tough-cookie';
import type { AppRouter } from '../../examples/fullstack/src/trpc-router.js';

type GraphQLReply<T> = { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };

/**
 * One browser (one cookie jar) in front of several app processes, as behind a load balancer:
 * each request goes to the process its URL names, as a same-origin request of the page
 * (`Origin` and `Sec-Fetch-Site: same-origin`). Cookies ignore ports (RFC 6265 §8.5), so the
 * processes on 127.0.0.1 all see the one cookie. tRPC calls go through `httpLink`, one HTTP
 * request each, so concurrent calls really are concurrent requests.
 */
export function sharedJar(options: { readonly userAgent?: string } = {}) {
  const jar = new CookieJar();
  const fetchWithJar = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    const cookie = await jar.getCookieString(url);
    if (cookie) headers.set('cookie', cookie);
    if (options.userAgent) headers.set('user-agent', options.userAgent);
    headers.set('sec-fetch-site', 'same-origin');
    if ((init.method ?? 'GET').toUpperCase() !== 'GET') headers.set('origin', new URL(url).origin);
    const response = await fetch(url, { ...init, headers });
    for (const set of response.headers.getSetCookie()) await jar.setCookie(set, url);
    return response;
  };
  const clients = new Map<string, ReturnType<typeof createTRPCClient<AppRouter>>>();
  return {
    jar,
    fetch: fetchWithJar,
    /** The tRPC client of the process at `origin`. */
    trpc(origin: string) {
      let client = clients.get(origin);
      if (!client) {
        client = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${origin}/trpc`, fetch: (input, init) => fetchWithJar(input instanceof Request ? input.url : String(input), init as RequestInit) })] });
        clients.set(origin, client);
      }
      return client;
    },
    /** A GraphQL operation on the process at `origin`. */
    async graphql<T = Record<string, unknown>>(origin: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLReply<T>> {
      const response = await fetchWithJar(`${origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLReply<T>;
    },
    /** Every cookie the jar holds for `origin`, as `name=value` pairs. */
    async cookies(origin: string): Promise<string> {
      return jar.getCookieString(origin);
    },
  };
}
