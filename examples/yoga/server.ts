import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { createSchema, createYoga } from 'graphql-yoga';
import { createSessions, memoryStore, type Store } from 'tessera';
import { sqliteStore } from 'tessera/sqlite';
import { createSessionResolvers, sessionCors, sessionTypeDefs, useSessions, type SessionContext } from 'tessera/yoga';

/** The example's session data: an anonymous cart that survives sign-in. */
type ShopSession = { cart: string[] };
type Context = SessionContext<ShopSession>;

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

const appTypeDefs = /* GraphQL */ `
  type Query {
    cart: [String!]!
  }
  type Mutation {
    addToCart(item: String!): [String!]!
  }
`;

const appResolvers = {
  Query: {
    cart: async (_: unknown, __: unknown, ctx: Context) => (await ctx.session()).get('cart') ?? [],
  },
  Mutation: {
    // update() re-runs on the latest stored cart if two tabs add at once, so neither item is lost.
    addToCart: async (_: unknown, args: { item: string }, ctx: Context) => (await ctx.session()).update('cart', (cart = []) => [...cart, args.item]),
  },
};

/** Options of {@link createExampleServer}. */
export interface ExampleOptions {
  /** Defaults to `sqliteStore('.data/yoga-example.db')`. */
  readonly store?: Store;
  readonly secrets?: readonly string[];
  readonly allowedOrigins?: readonly string[];
}

/**
 * The example GraphQL server: tessera's session schema merged with a tiny shop, on
 * GraphQL Yoga with batching, behind node:http.
 *
 * @example
 * ```ts
 * const server = await createExampleServer({ store: memoryStore() });
 * server.listen(4000);
 * ```
 */
export async function createExampleServer(options: ExampleOptions = {}): Promise<Server> {
  const sessions = createSessions<ShopSession>({
    store: options.store ?? (await sqliteStore('.data/yoga-example.db')),
    secrets: options.secrets ?? [randomBytes(32).toString('base64url')],
    allowedOrigins: options.allowedOrigins ?? [],
  });
  const sessionResolvers = createSessionResolvers<ShopSession>({
    authenticate({ username, password }) {
      const user = Object.hasOwn(USERS, username) ? USERS[username] : undefined;
      // Compare even for an unknown user, so response time does not reveal which names exist.
      const ok = samePassword(password, user?.password ?? 'no such user');
      return user && ok ? { id: user.id } : null;
    },
  });
  const yoga = createYoga<object, Context>({
    schema: createSchema<Context>({ typeDefs: [sessionTypeDefs, appTypeDefs], resolvers: [sessionResolvers, appResolvers] }),
    batching: true,
    cors: sessionCors(sessions),
    plugins: [useSessions(sessions)],
  });
  return createServer((request, response) => void yoga.requestListener(request, response));
}

async function main(): Promise<void> {
  const port = Number(process.env['PORT'] ?? 4000);
  const secret = process.env['SESSION_SECRET'];
  if (!secret) console.warn('SESSION_SECRET is not set: using a random one, so a restart signs everyone out.');
  const store = process.env['STORE'] === 'memory' ? memoryStore() : undefined;
  const server = await createExampleServer({ ...(store ? { store } : {}), ...(secret ? { secrets: [secret] } : {}) });
  // Loopback over plain http gets the development cookie `sid`; anywhere else tessera wants https.
  server.listen(port, '127.0.0.1', () => console.log(`GraphQL on http://127.0.0.1:${port}/graphql (try user "ada")`));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
