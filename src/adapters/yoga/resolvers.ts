import type { GraphQLScalarType } from 'graphql';
import { SessionError, type Session, type SessionData, type SessionInfo, type SessionManager, type Sessions } from '../../index.js';
import type { SessionResolverContext } from './context.js';
import { DateTimeScalar } from './date-time.js';

/** The `LoginInput` of `schema/session.graphql`. */
export interface LoginInput {
  readonly username: string;
  readonly password: string;
}

/** Who `authenticate` found: the user id to sign in, and optionally a credential fingerprint for `verifyUser`. */
export interface AuthenticatedUser {
  readonly id: string;
  readonly fingerprint?: string;
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

/** A row of `Query.mySessions`: a handle and metadata, never a token or hash. */
export interface SessionSummaryView {
  readonly id: string;
  readonly current: boolean;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly userAgent: string | null;
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
    readonly mySessions: Resolver<NoArgs, SessionSummaryView[], Data>;
  };
  readonly Mutation: {
    readonly login: Resolver<{ readonly input: LoginInput }, SessionInfo, Data>;
    readonly logout: Resolver<NoArgs, boolean, Data>;
    readonly rotateSession: Resolver<NoArgs, SessionInfo, Data>;
    readonly revokeSession: Resolver<{ readonly id: string }, boolean, Data>;
    readonly revokeOtherSessions: Resolver<NoArgs, number, Data>;
  };
};

/**
 * The server-side manager, for listing and revoking. `cookieSessions()` keeps sessions in
 * the cookie only, so it has nothing to list or revoke: a schema that offers those fields
 * needs `createSessions()`, and saying so loudly beats an empty list.
 */
function withStore<Data extends SessionData>(manager: SessionManager<Data>): Sessions<Data> {
  const candidate = manager as Partial<Sessions<Data>>;
  if (typeof candidate.listSessions === 'function' && typeof candidate.revokeSession === 'function' && typeof candidate.revokeUser === 'function') {
    return manager as Sessions<Data>;
  }
  throw new TypeError('mySessions, revokeSession and revokeOtherSessions need a manager from createSessions() (cookieSessions() cannot list or revoke)');
}

function requireUser(session: Pick<Session, 'userId'>): string {
  const userId = session.userId;
  if (userId === null) throw new SessionError('UNAUTHENTICATED', 'sign in first');
  return userId;
}

/**
 * Resolvers for `schema/session.graphql` ({@link sessionTypeDefs}). They need
 * {@link useSessions} on the server; each one is a call into the core. `login` and
 * `rotateSession` commit before they answer, so the `SessionInfo` they return is the one
 * stored (its `id` and `expiresAt` exist only after the write).
 *
 * @example
 * ```ts
 * const resolvers = createSessionResolvers({
 *   async authenticate({ username, password }) {
 *     const user = await db.findUser(username);
 *     return user && (await verifyPassword(user.passwordHash, password)) ? { id: user.id } : null;
 *   },
 * });
 * const schema = createSchema({ typeDefs: [sessionTypeDefs, appTypeDefs], resolvers: [resolvers, appResolvers] });
 * ```
 */
export function createSessionResolvers<Data extends SessionData = SessionData>(options: SessionResolversOptions<Data>): SessionResolvers<Data> {
  const authenticate = options.authenticate;
  return {
    DateTime: DateTimeScalar,
    Query: {
      async session(_parent, _args, context) {
        return (await context.session()).info();
      },
      async mySessions(_parent, _args, context) {
        const session = await context.session();
        const userId = requireUser(session);
        const listed = await withStore(context.sessions).listSessions(userId);
        return listed.map((summary) => ({
          id: summary.id,
          current: summary.id === session.id,
          createdAt: summary.createdAt,
          lastSeenAt: summary.lastSeenAt,
          userAgent: summary.userAgent,
        }));
      },
    },
    Mutation: {
      async login(_parent, args, context) {
        const user = await authenticate(args.input, context);
        if (user === null) throw new SessionError('UNAUTHENTICATED', 'invalid username or password');
        const session = await context.session();
        session.login(user.id, user.fingerprint === undefined ? {} : { fingerprint: user.fingerprint });
        await context.sessions.commit(session);
        return session.info();
      },
      async logout(_parent, _args, context) {
        (await context.session()).logout();
        return true;
      },
      async rotateSession(_parent, _args, context) {
        const session = await context.session();
        session.rotate();
        await context.sessions.commit(session);
        return session.info();
      },
      async revokeSession(_parent, args, context) {
        const session = await context.session();
        const userId = requireUser(session);
        // Ending the current session is a logout: the record goes and the cookie is cleared too.
        if (args.id === session.id) {
          session.logout();
          return true;
        }
        // Only the user's own sessions: someone else's id (or a made-up one) does nothing.
        const manager = withStore(context.sessions);
        const own = await manager.listSessions(userId);
        if (!own.some((summary) => summary.id === args.id)) return false;
        return manager.revokeSession(args.id);
      },
      async revokeOtherSessions(_parent, _args, context) {
        const session = await context.session();
        const userId = requireUser(session);
        return withStore(context.sessions).revokeUser(userId, { except: session.id });
      },
    },
  };
}
