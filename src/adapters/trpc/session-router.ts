import type { StandardSchemaV1 } from '@standard-schema/spec';
import { TRPCError, type TRPCRootObject, type TRPCRuntimeConfigOptions } from '@trpc/server';
import { ServerSessionScope, type AuthenticatedUser, type OwnSession, type Session, type SessionData, type SessionInfo, type SessionScope } from '../../index.js';
import { createSessionProcedures, type ScopedContext, type SessionDataOf, type SessionScopeOf } from './procedures.js';
import { credentialsSchema, sessionIdSchema, type Credentials } from './schemas.js';

/** A value as a tRPC client receives it without a transformer: `Date`s become ISO strings. */
export type Jsonified<T> = { readonly [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

/** The context session procedures see: the app's, with the session loaded. */
export type SessionProcedureContext<TContext> = Omit<TContext, 'session'> & { readonly session: Session<SessionDataOf<TContext>>; readonly sessionScope: SessionScopeOf<TContext> };

/** Options of {@link createSessionRouter}. */
export interface SessionRouterOptions<TContext, TSchema extends StandardSchemaV1> {
  /**
   * Checks credentials: the user, or `null` for `UNAUTHORIZED`. Compare passwords in constant
   * time. To throttle, throw `new SessionError('RATE_LIMITED', …)`: it becomes `TOO_MANY_REQUESTS`.
   */
  readonly authenticate: (credentials: StandardSchemaV1.InferOutput<TSchema>, ctx: SessionProcedureContext<TContext>) => AuthenticatedUser | null | Promise<AuthenticatedUser | null>;
  /** The `login` input schema (any Standard Schema: zod, valibot…). Default: {@link credentialsSchema}, `{ username, password }`. */
  readonly credentials?: TSchema;
}

function jsonified<T extends object>(value: T): Jsonified<T> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) out[key] = field instanceof Date ? field.toISOString() : field;
  return out as Jsonified<T>;
}

/** Listing and revoking need server-side records: a `cookieSessions()` context has none (its router type lacks these procedures). */
function serverScope(scope: SessionScope<SessionData>): ServerSessionScope<SessionData> {
  if (scope instanceof ServerSessionScope) return scope as ServerSessionScope<SessionData>;
  throw new TRPCError({ code: 'NOT_IMPLEMENTED', message: 'listing and revoking sessions need createSessions(); cookieSessions() keeps no server-side records' });
}

/**
 * The session procedures, built from the app's own tRPC root so the compiler checks that its
 * context carries `session` (nesting a router from another `initTRPC` would not be checked):
 * `me`, `login`, `logout` (resolves `true`), `rotate`, and with `createSessions()` also `list`,
 * `revoke` (resolves whether one of the user's sessions was ended) and `revokeOthers`. Each is
 * a use case of the core's session scope; this router only maps inputs, outputs and errors.
 * Mount it under any key of the app router.
 *
 * `login`, `logout` and `rotate` set a cookie: call them through `httpBatchLink` or
 * `httpLink`, not `httpBatchStreamLink` (whose headers are sent before procedures finish).
 *
 * @example
 * ```ts
 * import { initTRPC } from '@trpc/server';
 * import { createSessions, memoryStore } from 'tessera';
 * import { createSessionContext, createSessionRouter, type SessionContextOptions } from 'tessera/trpc';
 *
 * const sessions = createSessions({ store: memoryStore(), secrets: [process.env['SESSION_SECRET'] ?? ''] });
 * const sessionContext = createSessionContext(sessions);
 * const t = initTRPC.context<(options: SessionContextOptions) => ReturnType<typeof sessionContext>>().create();
 * export const appRouter = t.router({
 *   session: createSessionRouter(t, { authenticate: ({ username, password }) => (password === 'demo' ? { id: username } : null) }),
 * });
 * ```
 */
export function createSessionRouter<
  TContext extends ScopedContext,
  TMeta extends object,
  TOptions extends TRPCRuntimeConfigOptions<TContext, TMeta>,
  TSchema extends StandardSchemaV1 = StandardSchemaV1<Credentials>,
>(t: TRPCRootObject<TContext, TMeta, TOptions>, options: SessionRouterOptions<TContext, TSchema>) {
  const { sessionProcedure, authedProcedure } = createSessionProcedures(t);
  // Without a schema of the app's, TSchema is its default, the type of credentialsSchema.
  const credentials = options.credentials ?? (credentialsSchema as StandardSchemaV1 as TSchema);

  const common = {
    me: sessionProcedure.query(({ ctx }): Jsonified<SessionInfo> => jsonified(ctx.session.info())),
    login: sessionProcedure.input(credentials).mutation(async ({ ctx, input }): Promise<Jsonified<SessionInfo>> => {
      const user = await options.authenticate(input, ctx as unknown as SessionProcedureContext<TContext>);
      return jsonified(await ctx.sessionScope.signIn(user));
    }),
    logout: sessionProcedure.mutation(({ ctx }): Promise<true> => ctx.sessionScope.signOut()),
    rotate: sessionProcedure.mutation(async ({ ctx }): Promise<Jsonified<SessionInfo>> => jsonified(await ctx.sessionScope.rotate())),
  };
  const server = {
    list: authedProcedure.query(async ({ ctx }): Promise<Jsonified<OwnSession>[]> => (await serverScope(ctx.sessionScope as unknown as SessionScope<SessionData>).listOwn()).map(jsonified)),
    revoke: authedProcedure.input(sessionIdSchema).mutation(({ ctx, input }): Promise<boolean> => serverScope(ctx.sessionScope as unknown as SessionScope<SessionData>).revokeOwn(input.id)),
    revokeOthers: authedProcedure.mutation(({ ctx }): Promise<number> => serverScope(ctx.sessionScope as unknown as SessionScope<SessionData>).revokeOthers()),
  };
  const router = t.router({ ...common, ...server });
  // A context that can only hold cookieSessions() scopes gets a router type without listing and
  // revoking, which that mode cannot do; one that may hold a server-side scope keeps them.
  return router as [Extract<SessionScopeOf<TContext>, Pick<ServerSessionScope, 'listOwn'>>] extends [never] ? ReturnType<typeof t.router<typeof common>> : typeof router;
}
