import { createGraphQLError, createSchema, createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { ScopeOf } from 'tessera';
import { createSessionResolvers, sessionCors, sessionTypeDefs, useSessions, type SessionContext } from 'tessera/yoga';
import { CART_ITEM_MAX, reauthenticate, signIn, withItem } from './actions.js';
import type { AppSession, AppSessions } from './app-session.js';
import type { UserDirectory } from './users.js';

type Context = SessionContext<AppSession, ScopeOf<AppSessions>>;

/** The app's own part of the GraphQL schema; `schema/session.graphql` supplies the rest. */
export const appTypeDefs = /* GraphQL */ `
  type Query {
    "The visitor's cart (anonymous visitors have one too)."
    cart: [String!]!
  }

  type Mutation {
    "Adds an item to the cart; concurrent adds from several tabs all persist."
    addToCart(item: String!): [String!]!
    "Changes the password; the user's other sessions end and this one continues on a new token."
    changePassword(currentPassword: String!, newPassword: String!): Boolean!
  }
`;

function badInput(message: string): Error {
  return createGraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** The GraphQL endpoint at `/graphql`, on the same session manager as the tRPC endpoint. */
export function buildYoga(sessions: AppSessions, users: UserDirectory, options: { readonly graphiql: boolean }): YogaServerInstance<object, Context> {
  const sessionResolvers = createSessionResolvers<AppSession>({
    authenticate: (credentials) => signIn(users, credentials),
  });
  const appResolvers = {
    Query: {
      cart: async (_: unknown, __: unknown, ctx: Context) => (await ctx.session()).get('cart') ?? [],
    },
    Mutation: {
      addToCart: async (_: unknown, { item }: { item: string }, ctx: Context) => {
        const trimmed = item.trim();
        if (trimmed.length === 0 || trimmed.length > CART_ITEM_MAX) throw badInput(`an item is 1 to ${CART_ITEM_MAX} characters`);
        return (await ctx.session()).update('cart', (cart) => withItem(cart, trimmed));
      },
      changePassword: async (_: unknown, args: { currentPassword: string; newPassword: string }, ctx: Context) => {
        const session = await ctx.session();
        const userId = session.userId;
        if (userId === null) throw createGraphQLError('sign in first', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
        if (args.newPassword.length < 8 || args.newPassword.length > 200) throw badInput('a new password is 8 to 200 characters');
        if (!(await users.changePassword(userId, args.currentPassword, args.newPassword))) {
          throw createGraphQLError('the current password is wrong', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
        }
        await reauthenticate(ctx.sessionScope, userId, users);
        return true;
      },
    },
  };
  return createYoga<object, Context>({
    schema: createSchema<Context>({ typeDefs: [sessionTypeDefs, appTypeDefs], resolvers: [sessionResolvers, appResolvers] }),
    graphqlEndpoint: '/graphql',
    graphiql: options.graphiql,
    batching: true,
    cors: sessionCors(sessions),
    plugins: [useSessions(sessions)],
    logging: false,
  });
}
