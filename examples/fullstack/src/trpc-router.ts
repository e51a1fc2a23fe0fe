import { initTRPC, TRPCError } from '@trpc/server';
import type { SessionManager, Sessions } from 'tessera';
import { createSessionContext, createSessionProcedures, createSessionRouter, type SessionContextOptions } from 'tessera/trpc';
import { z } from 'zod';
import { PREFERENCE_KEYS, type AppSession } from './app-session.js';
import type { UserDirectory } from './users.js';

/**
 * The app's tRPC router at `/trpc`: tessera's session procedures under `session.*`, plus
 * the app's own cart and account procedures. No data transformer, so any HTTP client can
 * call it: instants travel as ISO strings.
 */
export function buildTrpc(sessions: SessionManager<AppSession>, users: UserDirectory) {
  const sessionContext = createSessionContext(sessions);
  const createContext = (options: SessionContextOptions) => ({ ...sessionContext(options), users });
  const t = initTRPC.context<typeof createContext>().create();
  const { sessionProcedure, authedProcedure } = createSessionProcedures(t);

  const router = t.router({
    session: createSessionRouter(t, {
      async authenticate({ username, password }, ctx) {
        const user = await ctx.users.authenticate(username, password);
        if (!user) return null;
        const fingerprint = await ctx.users.fingerprint(user.id);
        return fingerprint === null ? { id: user.id } : { id: user.id, fingerprint };
      },
    }),
    cart: t.router({
      get: sessionProcedure.query(({ ctx }) => ctx.session.get('cart') ?? []),
      // update() re-runs on the latest stored cart when two tabs add at once, so no item is lost.
      add: sessionProcedure
        .input(z.object({ item: z.string().trim().min(1).max(100) }))
        .mutation(({ ctx, input }) => ctx.session.update('cart', (cart = []) => [...cart, input.item])),
    }),
    preferences: t.router({
      get: sessionProcedure.query(({ ctx }) => Object.fromEntries(PREFERENCE_KEYS.map((key) => [key, ctx.session.get(key) ?? null])) as Record<(typeof PREFERENCE_KEYS)[number], string | null>),
      // One key per preference: a change to one never overwrites a concurrent change to another.
      set: sessionProcedure
        .input(z.object({ key: z.enum(PREFERENCE_KEYS), value: z.string().trim().min(1).max(40) }))
        .mutation(({ ctx, input }) => {
          ctx.session.set(input.key, input.value);
          return true as const;
        }),
    }),
    account: t.router({
      changePassword: authedProcedure
        .input(z.object({ currentPassword: z.string().min(1), newPassword: z.string().min(8).max(200) }))
        .mutation(async ({ ctx, input }) => {
          const changed = await ctx.users.changePassword(ctx.userId, input.currentPassword, input.newPassword);
          if (!changed) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'the current password is wrong' });
          await reauthenticate(sessions, ctx.session, ctx.userId, ctx.users);
          return true as const;
        }),
    }),
  });
  return { router, createContext };
}

/**
 * After a password change: sign in again on this session (new secret, fresh
 * `authenticatedAt`, new credential fingerprint) and end every other session of the user.
 * Sealed-cookie sessions (`cookieSessions()`) cannot be deleted: there the new fingerprint
 * is what ends the others, when `verifyUser` refuses their old one on their next request.
 *
 * @example
 * ```ts
 * if (await users.changePassword(userId, current, next)) await reauthenticate(sessions, ctx.session, userId, users);
 * ```
 */
export async function reauthenticate(
  sessions: SessionManager<AppSession>,
  session: { login(userId: string, options?: { fingerprint?: string }): void; readonly id: string | null },
  userId: string,
  users: UserDirectory,
): Promise<void> {
  const fingerprint = await users.fingerprint(userId);
  session.login(userId, fingerprint === null ? {} : { fingerprint });
  if (canRevoke(sessions)) await sessions.revokeUser(userId, { except: session.id });
}

function canRevoke(sessions: SessionManager<AppSession>): sessions is Sessions<AppSession> {
  return typeof (sessions as Partial<Sessions<AppSession>>).revokeUser === 'function';
}

export type AppRouter = ReturnType<typeof buildTrpc>['router'];
