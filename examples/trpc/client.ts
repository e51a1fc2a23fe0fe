import { pathToFileURL } from 'node:url';
import { createTRPCClient, httpBatchLink, httpBatchStreamLink, splitLink } from '@trpc/client';
import type { AppRouter } from './server.js';

/**
 * A typed client that keeps the session cookie like a browser would (one cookie, for one
 * server). Mutations go through `httpBatchLink` — they may set a cookie —, queries through
 * `httpBatchStreamLink`, where a cookie can no longer change (docs/trpc.md, "Links").
 *
 * @example
 * ```ts
 * const trpc = exampleClient('http://127.0.0.1:4001/trpc');
 * await trpc.session.login.mutate({ username: 'ada', password: 'correct horse battery staple' });
 * ```
 */
export function exampleClient(url: string) {
  let cookie: string | null = null;
  const keepCookie = async (input: string | URL | Request, init?: object): Promise<Response> => {
    const headers = new Headers((init as RequestInit | undefined)?.headers);
    if (cookie !== null) headers.set('cookie', cookie);
    const response = await fetch(input, { ...(init as RequestInit), headers });
    for (const set of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = set.split(';');
      const cleared = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      cookie = cleared ? null : pair.trim();
    }
    return response;
  };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'mutation',
        true: httpBatchLink({ url, fetch: keepCookie }),
        false: httpBatchStreamLink({ url, fetch: keepCookie }),
      }),
    ],
  });
}

async function main(): Promise<void> {
  const trpc = exampleClient(process.env['TRPC_URL'] ?? 'http://127.0.0.1:4001/trpc');
  await trpc.addToCart.mutate('apple'); // an anonymous cart…
  const me = await trpc.session.login.mutate({ username: 'ada', password: 'correct horse battery staple' });
  console.log('signed in:', me); // { id, userId, authenticatedAt, expiresAt }: no token
  console.log('cart kept through sign-in:', await trpc.cart.query());
  console.log('my sessions:', await trpc.session.list.query());
  await trpc.session.logout.mutate();
  console.log('after logout:', await trpc.session.me.query());
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
