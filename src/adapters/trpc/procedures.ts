import { initTRPC, TRPCError, type TRPCRootObject, type TRPCRuntimeConfigOptions } from '@trpc/server';
import type { Session, SessionData } from '../../index.js';
import type { SessionContext } from './context.js';
import { isLazySession, withSession, type LazySession } from './lazy-session.js';
import { markLastMiddleware } from './session-middleware.js';

/** The session data type an app context carries on `session`. */
export type SessionDataOf<TContext> = TContext extends { readonly session: LazySession<infer Data> } ? Data : never;

/**
 * The session procedure builders made from the app's own tRPC root, so the compiler checks
 * the app's context: it must carry `session` from `createSessionContext`.
 *
 * - `sessionProcedure`: `ctx.session` is the request's loaded {@link Session}; the session is
 *   committed when the procedure succeeds (with `Set-Cookie`, `Vary: Cookie`,
 *   `Cache-Control: no-store` as the core decides) and its changes discarded when it fails.
 * - `authedProcedure`: the same, refusing with `UNAUTHORIZED` when no user is signed in, and
 *   adding `ctx.userId`.
 *
 * @example
 * ```ts
 * const t = initTRPC.context<Context>().create();
 * const { sessionProcedure, authedProcedure } = createSessionProcedures(t);
 * const addToCart = sessionProcedure.input(z.string()).mutation(({ ctx, input }) =>
 *   ctx.session.update('cart', (cart = []) => [...cart, input]));
 * ```
 */
export function createSessionProcedures<TContext extends SessionContext<SessionData>, TMeta extends object, TOptions extends TRPCRuntimeConfigOptions<TContext, TMeta>>(
  t: TRPCRootObject<TContext, TMeta, TOptions>,
) {
  const sessionProcedure = markLastMiddleware(
    // Not `async`: it returns withSession's promise as is, without one more promise per call.
    t.procedure.use(({ ctx, next }) => {
      // Nested session procedures (a concat of two): the outer one already loaded and commits.
      if (!isLazySession(ctx.session)) return next({ ctx: { session: ctx.session as unknown as Session<SessionDataOf<TContext>> } });
      const handle = ctx.session as LazySession<SessionDataOf<TContext>>;
      return withSession(handle, (session) => next({ ctx: { session } }));
    }),
  );
  const authedProcedure = sessionProcedure.use(({ ctx, next }) => {
    const userId = ctx.session.userId;
    if (userId === null) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'no user is signed in' });
    return next({ ctx: { userId } });
  });
  return { sessionProcedure, authedProcedure };
}

/**
 * The same procedures as {@link createSessionProcedures}, as a tRPC "plugin" to `.concat()`
 * onto the app's own procedures; `concat` checks that the app's context carries the session.
 * (A router built on another `initTRPC` nests without that check: build routers from the
 * app's `t`, as `createSessionRouter` does.)
 *
 * @example
 * ```ts
 * const plugin = createSessionPlugin<{ cart: string[] }>();
 * const authed = t.procedure.concat(plugin.authedProcedure);
 * const me = authed.query(({ ctx }) => ctx.userId);
 * ```
 */
export function createSessionPlugin<Data extends SessionData = SessionData>() {
  return createSessionProcedures(initTRPC.context<SessionContext<Data>>().create());
}
