import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { initTRPC } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { createSessions, memoryStore, type Store } from 'tessera';
import { sqliteStore } from 'tessera/sqlite';
import { createSessionContext, createSessionProcedures, createSessionRouter, type SessionContextOptions } from 'tessera/trpc';

/** The example's session data: an anonymous cart that survives sign-in. */
type ShopSession = { cart: string[] };

/** Demo users. A real app keeps a password hash (scrypt, argon2id) in its database. */
const USERS: Readonly<Record<string, { readonly id: string; readonly password: string }>> = {
  ada: { id: 'user-ada', password: 'correct horse battery staple' },
  grace: { id: 'user-grace', password: 'hopper-1906-cobol' },
};

/** Compares in constant time, on digests so that unequal lengths reveal nothing. */
function samePassword(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Builds the router for a session manager (types only depend on the data type). */
function buildRouter(sessions: ReturnType<typeof createSessions<ShopSession>>) {
  const sessionContext = createSessionContext(sessions);
  const createContext = (opts: SessionContextOptions) => ({ ...sessionContext(opts) });
  const t = initTRPC.context<typeof createContext>().create();
  const { sessionProcedure } = createSessionProcedures(t);
  const router = t.router({
    session: createSessionRouter(t, {
      authenticate({ username, password }) {
        const user = Object.hasOwn(USERS, username) ? USERS[username] : undefined;
        // Compare even for an unknown user, so response time does not reveal which names exist.
        const ok = samePassword(password, user?.password ?? 'no such user');
        return user && ok ? { id: user.id } : null;
      },
    }),
    cart: sessionProcedure.query(({ ctx }) => ctx.session.get('cart') ?? []),
    addToCart: sessionProcedure
      .input((value: unknown) => {
        if (typeof value !== 'string' || value.length === 0 || value.length > 100) throw new Error('an item name of 1 to 100 characters');
        return value;
      })
      .mutation(({ ctx, input }) => ctx.session.update('cart', (cart = []) => [...cart, input])),
  });
  return { router, createContext };
}

export type AppRouter = ReturnType<typeof buildRouter>['router'];

/**
 * The example tRPC server: tessera's session router and a tiny shop on the standalone
 * adapter, with sessions in SQLite (`.data/trpc-example.db`) unless a store is given.
 *
 * @example
 * ```ts
 * const server = await createExampleServer({ store: memoryStore() });
 * server.listen(4001);
 * ```
 */
export async function createExampleServer(options: { readonly store?: Store; readonly secrets?: readonly string[] } = {}): Promise<Server> {
  const sessions = createSessions<ShopSession>({
    store: options.store ?? (await sqliteStore('.data/trpc-example.db')),
    secrets: options.secrets ?? [randomBytes(32).toString('base64url')],
  });
  const { router, createContext } = buildRouter(sessions);
  return createHTTPServer({ router, createContext, basePath: '/trpc/' });
}

async function main(): Promise<void> {
  const port = Number(process.env['PORT'] ?? 4001);
  const secret = process.env['SESSION_SECRET'];
  if (!secret) console.warn('SESSION_SECRET is not set: using a random one, so a restart signs everyone out.');
  const store = process.env['STORE'] === 'memory' ? memoryStore() : undefined;
  const server = await createExampleServer({ ...(store ? { store } : {}), ...(secret ? { secrets: [secret] } : {}) });
  // Loopback over plain http gets the development cookie `sid`; anywhere else tessera wants https.
  server.listen(port, '127.0.0.1', () => console.log(`tRPC on http://127.0.0.1:${port}/trpc (try user "ada")`));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
