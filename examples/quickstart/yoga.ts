import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';
import { createSessions } from 'tessera';
import { sqliteStore } from 'tessera/sqlite';
import { createSessionResolvers, sessionCors, sessionTypeDefs, useSessions, type SessionContext } from 'tessera/yoga';
import { checkPassword } from './users.js';

type Context = SessionContext<{ cart: string[] }>;
const sessions = createSessions<{ cart: string[] }>({ store: await sqliteStore(), secrets: [process.env['SESSION_SECRET'] ?? ''] });

const yoga = createYoga<object, Context>({
  schema: createSchema<Context>({
    typeDefs: [sessionTypeDefs, 'type Mutation { addToCart(item: String!): [String!]! }'],
    resolvers: [
      createSessionResolvers({ authenticate: ({ username, password }) => checkPassword(username, password) }),
      { Mutation: { addToCart: async (_: unknown, { item }: { item: string }, ctx: Context) => (await ctx.session()).update('cart', (cart = []) => [...cart, item]) } },
    ],
  }),
  cors: sessionCors(sessions),
  plugins: [useSessions(sessions)],
});

// Yoga's request listener answers through the response it is given; its promise only says when it is done.
createServer((request, response) => void yoga.requestListener(request, response)).listen(4000);
