import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from '../../examples/fullstack/src/trpc-router.js';
import { browser } from '../helpers/cookie-jar.js';

type GraphQLReply<T> = { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };

/**
 * One browser (one cookie jar) in front of several app processes, as behind a load balancer:
 * each request goes to the process its URL names, as a same-origin request of the page
 * (`Origin` and `Sec-Fetch-Site: same-origin`). Cookies ignore ports (RFC 6265 §8.5), so the
 * processes on 127.0.0.1 all see the one cookie. tRPC calls go through `httpLink`, one HTTP
 * request each, so concurrent calls really are concurrent requests.
 */
export function sharedJar(options: { readonly userAgent?: string } = {}) {
  const { jar, fetch: jarFetch } = browser({ pageOrigin: (url) => new URL(url).origin, ...(options.userAgent ? { userAgent: options.userAgent } : {}) });
  const fetchWithJar = (url: string, init: RequestInit = {}): Promise<Response> => jarFetch(url, init);
  const clients = new Map<string, ReturnType<typeof createTRPCClient<AppRouter>>>();
  return {
    jar,
    fetch: fetchWithJar,
    /** The tRPC client of the process at `origin`. */
    trpc(origin: string) {
      let client = clients.get(origin);
      if (!client) {
        client = createTRPCClient<AppRouter>({
          links: [httpLink({ url: `${origin}/trpc`, fetch: (input, init) => fetchWithJar(input instanceof Request ? input.url : String(input), init as RequestInit) })],
        });
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
