import type { StandardSchemaV1 } from '@standard-schema/spec';
import { TRPCError, type TRPCRootObject, type TRPCRuntimeConfigOptions } from '@trpc/server';
import type { Session, SessionData, SessionManager, Sessions } from '../../index.js';
import type { SessionContext } from './context.js';
import { commitNow, ownerOf } from './lazy-session.js';
import { createSessionProcedures, type SessionDataOf } from './procedures.js';
import { credentialsSchema, sessionIdSchema, type Credentials } from './schemas.js';

/** What a client sees of its session (`me`, `login`, `rotate`): never a token. Instants are ISO strings (no transformer assumed). */
export interface SessionView {
  /** The public session handle, `null` until the session is first stored. */
  readonly id: string | null;
  readonly userId: string | null;
  readonly authenticatedAt: string | null;
  readonly expiresAt: string | null;
}

/** One of the signed-in user's sessions, as `list` returns it. */
export interface SessionListItem {
  readonly id: string;
  /** The session of this request. */
  readonly current: boolean;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly userAgent: string | null;
}

/** What `authenticate` returns for good credentials. */
export interface AuthenticatedUser {
  readonly id: string;
  /** A fingerprint of the user's credentials, for the `verifyUser` option (Django's session auth hash). */
  readonly fingerprint?: string;
}

/** The context session procedures see: the app's, with the session loaded. */
export type SessionProcedureContext<TContext> = Omit<TContext, 'session'> & { readonly session: Session<SessionDataOf<TContext>> };

/** Options of {@link createSessionRouter}. */
export interface SessionRouterOptions<TContext, TSchema extends StandardSchemaV1> {
  /**
   * Checks credentials: the user, or `null` for `UNAUTHORIZED`. Compare passwords in constant
   * time. To throttle, throw `new SessionError('RATE_LIMITED', …)`: it becomes `TOO_MANY_REQUESTS`.
   */
  readonly authenticate: (
    credentials: StandardSchemaV1.InferOutput<TSchema>,
    ctx: SessionProcedureContext<TContext>,
  ) => AuthenticatedUser | null | Promise<AuthenticatedUser | null>;
  /** The `login` input schema (any Standard Schema: zod, valibot…). Default: {@link credentialsSchema}, `{ username, password }`. */
  readonly credentials?: TSchema;
}

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

/**
 * The manager's server-side half, for listing and revoking. `cookieSessions()` keeps sessions
 * in the cookie only and has nothing to list or revoke: saying so loudly (on the server; the
 * client sees a plain 500) beats an empty list.
 */
function withStore<Data extends SessionData>(manager: SessionManager<Data>): Sessions<Data> {
  const candidate = manager as Partial<Sessions<Data>>;
  if (typeof candidate.listSessions === 'function' && typeof candidate.revokeSession === 'function' && typeof candidate.revokeUser === 'function') {
    return manager as Sessions<Data>;
  }
  const cause = new TypeError('list, revoke and revokeOthers need a manager from createSessions() (cookieSessions() cannot list or revoke)');
  throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal session error', cause });
}

function viewOf<Data extends SessionData>(session: Session<Data>): SessionView {
  const info = session.info();
  return { id: info.id, userId: info.userId, authenticatedAt: iso(info.authenticatedAt), expiresAt: iso(info.expiresAt) };
}

/**
 * The session procedures of DESIGN.md §6, built from the app's own tRPC root so the compiler
 * checks that its context carries `session` (nesting a router from another `initTRPC` would
 * not be checked): `login`, `logout`, `rotate`, `me`, `list`, `revoke`, `revokeOthers`.
 * Mount it under any key of the app router.
 *
 * `login`, `logout` and `rotate` set a cookie: call them through `httpBatchLink` or
 * `httpLink`, not `httpBatchStreamLink` (whose headers are sent before procedures finish).
 *
 * @example
 * ```ts
 * const t = initTRPC.context<Context>().create();
 * export const appRouter = t.router({
 *   session: createSessionRouter(t, {
 *     authenticate: async ({ username, password }) => (await checkPassword(username, password)) ? { id: username } : null,
 *   }),
 * });
 * ```
 */
export function createSessionRouter<
  TContext extends SessionContext<SessionData>,
  TMeta extends object,
  TOptions extends TRPCRuntimeConfigOptions<TContext, TMeta>,
  TSchema extends StandardSchemaV1 = StandardSchemaV1<Credentials>,
>(t: TRPCRootObject<TContext, TMeta, TOptions>, options: SessionRouterOptions<TContext, TSchema>) {
  const { sessionProcedure, authedProcedure } = createSessionProcedures(t);
  // Without a schema of the app's, TSchema is its default, the type of credentialsSchema.
  const credentials = options.credentials ?? (credentialsSchema as StandardSchemaV1 as TSchema);

  return t.router({
    me: sessionProcedure.query(({ ctx }): SessionView => viewOf(ctx.session)),

    login: sessionProcedure.input(credentials).mutation(async ({ ctx, input }): Promise<SessionView> => {
      const user = await options.authenticate(input as StandardSchemaV1.InferOutput<TSchema>, ctx as unknown as SessionProcedureContext<TContext>);
      if (user === null) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'invalid credentials' });
      ctx.session.login(user.id, user.fingerprint === undefined ? {} : { fingerprint: user.fingerprint });
      // Commit before answering, so the answer carries the id and deadlines of the stored session.
      await commitNow(ownerOf(ctx.session), ctx.session);
      return viewOf(ctx.session);
    }),

    logout: sessionProcedure.mutation(async ({ ctx }): Promise<SessionView> => {
      ctx.session.logout();
      await commitNow(ownerOf(ctx.session), ctx.session);
      return viewOf(ctx.session);
    }),

    rotate: sessionProcedure.mutation(async ({ ctx }): Promise<SessionView> => {
      ctx.session.rotate();
      await commitNow(ownerOf(ctx.session), ctx.session);
      return viewOf(ctx.session);
    }),

    list: authedProcedure.query(async ({ ctx }): Promise<SessionListItem[]> => {
      const mine = await withStore(ownerOf(ctx.session).sessions).listSessions(ctx.userId);
      return mine.map((summary) => ({
        id: summary.id,
        current: summary.id === ctx.session.id,
        createdAt: summary.createdAt.toISOString(),
        lastSeenAt: summary.lastSeenAt.toISOString(),
        userAgent: summary.userAgent,
      }));
    }),

    revoke: authedProcedure.input(sessionIdSchema).mutation(async ({ ctx, input }): Promise<{ readonly revoked: true }> => {
      const manager = withStore(ownerOf(ctx.session).sessions);
      const mine = await manager.listSessions(ctx.userId);
      // Someone else's id (or none) looks the same as a missing one: ids are not an oracle.
      if (!mine.some((summary) => summary.id === input.id)) throw new TRPCError({ code: 'NOT_FOUND', message: 'no such session' });
      if (input.id === ctx.session.id) ctx.session.logout();
      else await manager.revokeSession(input.id);
      return { revoked: true };
    }),

    revokeOthers: authedProcedure.mutation(({ ctx }): Promise<number> => withStore(ownerOf(ctx.session).sessions).revokeUser(ctx.userId, { except: ctx.session.id })),
  });
}
