import type { YogaInitialContext } from 'graphql-yoga';
import type { AnySessionScope, Session, SessionData, SessionManager, SessionScope } from '../../index.js';

/**
 * What {@link useSessions} adds to the GraphQL context. Type your schema with it:
 * `createSchema<SessionContext<MyData>>(…)`.
 *
 * @example
 * ```ts
 * import type { SessionContext } from 'tessera/yoga';
 *
 * const resolvers = {
 *   Mutation: {
 *     async addToCart(_: unknown, args: { item: string }, ctx: SessionContext<{ cart: string[] }>) {
 *       const session = await ctx.session();
 *       return session.update('cart', (cart = []) => [...cart, args.item]);
 *     },
 *   },
 * };
 * ```
 */
export interface SessionContext<Data extends SessionData = SessionData, Scope extends AnySessionScope = SessionScope<Data>> {
  /**
   * This request's session, loaded on the first call: a request that never asks costs no
   * store query. Every operation of one HTTP request (Yoga batching) gets the same session.
   */
  readonly session: () => Promise<Session<Data>>;
  /** This request's session scope: sign-in, sign-out and the other use cases. */
  readonly sessionScope: Scope;
  /** The manager given to `useSessions`: from `createSessions()` (listing, revoking) or `cookieSessions()`. */
  readonly sessions: SessionManager<Data, Scope>;
}

/** The full context a session resolver receives: Yoga's own plus {@link SessionContext}. */
export type SessionResolverContext<Data extends SessionData = SessionData, Scope extends AnySessionScope = SessionScope<Data>> = YogaInitialContext & SessionContext<Data, Scope>;
