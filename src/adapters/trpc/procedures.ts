import { initTRPC, TRPCError, type TRPCRootObject, type TRPCRuntimeConfigOptions } from '@trpc/server';
import { Session, SessionError, SessionScope, type AnySessionScope, type ScopeData, type SessionData } from '../../index.js';
import type { SessionContext } from './context.js';
import { toTRPCError } from './errors.js';

/** The session scope type an app context carries on `session` (`ServerSessionScope` for `createSessions()`). */
export type SessionScopeOf<TContext> = TContext extends { readonly session: infer Scope } ? Scope : never;

/** The session data type an app context carries on `session`. */
export type SessionDataOf<TContext> = ScopeData<SessionScopeOf<TContext>>;

/** Any context that carries a session scope on `session`, whatever its data type. */
export interface ScopedContext {
  readonly session: AnySessionScope;
}

/** The part of a tRPC middleware result this adapter reads. */
interface ProcedureOutcome {
  readonly ok: boolean;
  readonly error?: { readonly cause?: unknown };
}

/** A session error a procedure threw reaches its result wrapped as INTERNAL_SERVER_ERROR: give it its code from the table. */
function translated<R extends ProcedureOutcome>(result: R): R {
  if (!result.ok && result.error?.cause instanceof SessionError) throw toTRPCError(result.error.cause);
  return result;
}

function untranslated(error: unknown): never {
  throw toTRPCError(error);
}

/**
 * The session procedure builders made from the app's own tRPC root, so the compiler checks
 * the app's context: it must carry `session` from `createSessionContext`.
 *
 * - `sessionProcedure`: `ctx.session` is the request's loaded {@link Session} and
 *   `ctx.sessionScope` its scope (sign-in, sign-out and the other use cases); a mutation
 *   may change the session and is committed when it succeeds, its changes discarded when it
 *   fails; a query or subscription reads it.
 * - `authedProcedure`: the same, refusing with `UNAUTHORIZED` when no user is signed in, and
 *   adding `ctx.userId`.
 *
 * @example
 * ```ts
 * import { initTRPC } from '@trpc/server';
 * import { createSessions, memoryStore } from 'tessera';
 * import { createSessionContext, createSessionProcedures, type SessionContextOptions } from 'tessera/trpc';
 *
 * const sessions = createSessions<{ cart: string[] }>({ store: memoryStore(), secrets: [process.env['SESSION_SECRET'] ?? ''] });
 * const sessionContext = createSessionContext(sessions);
 * const t = initTRPC.context<(options: SessionContextOptions) => ReturnType<typeof sessionContext>>().create();
 * const { sessionProcedure } = createSessionProcedures(t);
 * const addToCart = sessionProcedure.mutation(({ ctx }) => ctx.session.update('cart', (cart = []) => [...cart, 'apple']));
 * ```
 */
export function createSessionProcedures<TContext extends ScopedContext, TMeta extends object, TOptions extends TRPCRuntimeConfigOptions<TContext, TMeta>>(
  t: TRPCRootObject<TContext, TMeta, TOptions>,
) {
  type Data = SessionDataOf<TContext>;
  type Scope = SessionScopeOf<TContext>;
  const sessionProcedure = t.procedure.use(({ ctx, type, next }) => {
    const scope = ctx.session as unknown;
    // Nested session procedures (a concat of two): the outer one already runs the operation.
    if (!(scope instanceof SessionScope)) {
      const outer = ctx as unknown as { readonly session: Session<Data>; readonly sessionScope: Scope };
      return next({ ctx: { session: outer.session, sessionScope: outer.sessionScope } });
    }
    // A mutation is a write, a query or subscription a read: the core decides what each may do.
    const operation = (session: Session<SessionData>) => next({ ctx: { session: session as unknown as Session<Data>, sessionScope: scope as unknown as Scope } });
    return (scope as SessionScope<SessionData>).run(type === 'mutation' ? 'write' : 'read', operation, (result) => !result.ok).then(translated, untranslated);
  });
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
 *
 * @example
 * ```ts
 * import { initTRPC } from '@trpc/server';
 * import { createSessionPlugin, type SessionContext } from 'tessera/trpc';
 *
 * const t = initTRPC.context<SessionContext<{ cart: string[] }>>().create();
 * const plugin = createSessionPlugin<{ cart: string[] }>();
 * const me = t.procedure.concat(plugin.authedProcedure).query(({ ctx }) => ctx.userId);
 * ```
 */
export function createSessionPlugin<Data extends SessionData = SessionData>() {
  return createSessionProcedures(initTRPC.context<SessionContext<Data>>().create());
}
