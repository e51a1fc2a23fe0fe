import type { GraphQLScalarType } from 'graphql';
import { ServerSessionScope, SessionError, type AuthenticatedUser, type OwnSession, type SessionData, type SessionInfo, type SessionScope } from '../../index.js';
import type { SessionResolverContext } from './context.js';
import { DateTimeScalar } from './date-time.js';

/** The `LoginInput` of `schema/session.graphql`. */
export interface LoginInput {
  readonly username: string;
  readonly password: string;
}

/** Options of {@link createSessionResolvers}. */
export interface SessionResolversOptions<Data extends SessionData = SessionData> {
  /**
   * Checks credentials: the user, or `null` for bad credentials (an `UNAUTHENTICATED`
   * error that does not say which part was wrong). Throw `SessionError('RATE_LIMITED')`
   * to refuse with `TOO_MANY_REQUESTS`.
   */
  authenticate(input: LoginInput, context: SessionResolverContext<Data>): AuthenticatedUser | null | Promise<AuthenticatedUser | null>;
}

type Resolver<Args, Result, Data extends SessionData> = (parent: unknown, args: Args, context: SessionResolverContext<Data>) => Promise<Result>;
type NoArgs = Record<string, never>;

/**
 * The resolver map for `schema/session.graphql`, to merge with the app's own
 * (`resolvers: [session, app]`). A type alias, not an interface, so that it fits
 * graphql-tools' index-signature `IResolvers`.
 */
export type SessionResolvers<Data extends SessionData = SessionData> = {
  readonly DateTime: GraphQLScalarType<Date, string>;
  readonly Query: {
    readonly session: Resolver<NoArgs, SessionInfo, Data>;
    readonly mySessions: Resolver<NoArgs, OwnSession[], Data>;
  };
  readonly Mutation: {
    readonly login: Resolver<{ readonly input: LoginInput }, SessionInfo, Data>;
    readonly logout: Resolver<NoArgs, boolean, Data>;
    readonly rotateSession: Resolver<NoArgs, SessionInfo, Data>;
    readonly revokeSession: Resolver<{ readonly id: string }, boolean, Data>;
    readonly revokeOtherSessions: Resolver<NoArgs, number, Data>;
  };
};

/** Listing and revoking need server-side records, which `cookieSessions()` does not keep. */
function serverScope<Data extends SessionData>(scope: SessionScope<Data>): ServerSessionScope<Data> {
  if (scope instanceof ServerSessionScope) return scope as ServerSessionScope<Data>;
  throw new SessionError('INVALID_CONFIG', 'mySessions, revokeSession and revokeOtherSessions need a manager from createSessions(): cookieSessions() keeps no server-side records');
}

/**
 * Resolvers for `schema/session.graphql` ({@link sessionTypeDefs}). They need
 * {@link useSessions} on the server; each one is a use case of the core's session scope,
 * mapped to the schema. `login` and `rotateSession` commit before they answer, so the
 * `SessionInfo` they return is the one stored; `logout` commits at once too.
 *
 * @example
 * ```ts
 * import { createSchema } from 'graphql-yoga';
 * import { createSessionResolvers, sessionTypeDefs } from 'tessera/yoga';
 *
 * const resolvers = createSessionResolvers({
 *   authenticate: ({ username, password }) => (password === 'demo' ? { id: username } : null),
 * });
 * const schema = createSchema({ typeDefs: sessionTypeDefs, resolvers });
 * ```
 */
export function createSessionResolvers<Data extends SessionData = SessionData>(options: SessionResolversOptions<Data>): SessionResolvers<Data> {
  const authenticate = options.authenticate;
  return {
    DateTime: DateTimeScalar,
    Query: {
      session: (_parent, _args, context) => context.sessionScope.info(),
      mySessions: (_parent, _args, context) => serverScope(context.sessionScope).listOwn(),
    },
    Mutation: {
      login: async (_parent, args, context) => context.sessionScope.signIn(await authenticate(args.input, context)),
      logout: (_parent, _args, context) => context.sessionScope.signOut(),
      rotateSession: (_parent, _args, context) => context.sessionScope.rotate(),
      revokeSession: (_parent, args, context) => serverScope(context.sessionScope).revokeOwn(args.id),
      revokeOtherSessions: (_parent, _args, context) => serverScope(context.sessionScope).revokeOthers(),
    },
  };
}
