import type { YogaInitialContext } from 'graphql-yoga';
import type { Session, SessionData, SessionManager } from '../../index.js';

/**
 * What {@link useSessions} adds to the GraphQL context. Type your schema with it:
 * `createSchema<SessionContext<MyData>>(…)`.
 *
 * @example
 * ```ts
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
export interface SessionContext<Data extends SessionData = SessionData> {
  /**
   * This request's session, loaded on the first call: a request that never asks costs no
   * store query. Every operation of one HTTP request (Yoga batching) gets the same session.
   */
  readonly session: () => Promise<Session<Data>>;
  /** The manager given to `useSessions`: from `createSessions()` (listing, revoking) or `cookieSessions()`. */
  readonly sessions: SessionManager<Data>;
}

/** The full context a session resolver receives: Yoga's own plus {@link SessionContext}. */
export type SessionResolverContext<Data extends SessionData = SessionData> = YogaInitialContext & SessionContext<Data>;
