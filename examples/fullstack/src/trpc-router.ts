import { initTRPC, TRPCError } from '@trpc/server';
import { createSessionContext, createSessionProcedures, createSessionRouter, type SessionContextOptions } from 'tessera/trpc';
import { z } from 'zod';
import { CART_ITEM_MAX, reauthenticate, signIn, withItem } from './actions.js';
import { PREFERENCE_KEYS, type AppSessions } from './app-session.js';
import type { UserDirectory } from './users.js';

/**
 * The app's tRPC router at `/trpc`: tessera's session procedures under `session.*`, plus
 * the app's own cart and account procedures. No data transformer, so any HTTP client can
 * call it: instants travel as ISO strings.
 */
export function buildTrpc(sessions: AppSessions, users: UserDirectory) {
  const sessionContext = createSessionContext(sessions);
  const createContext = (options: SessionContextOptions) => ({ ...sessionContext(options), users });
  const t = initTRPC.context<typeof createContext>().create();
  const { sessionProcedure, authedProcedure } = createSessionProcedures(t);

  const router = t.router({
    session: createSessionRouter(t, {
      authenticate: (credentials, ctx) => signIn(ctx.users, credentials),
    }),
    cart: t.router({
      get: sessionProcedure.query(({ ctx }) => ctx.session.get('cart') ?? []),
      // update() re-runs on the latest stored cart when two tabs add at once, so no item is lost.
      add: sessionProcedure.input(z.object({ item: z.string().trim().min(1).max(CART_ITEM_MAX) })).mutation(({ ctx, input }) => ctx.session.update('cart', (cart) => withItem(cart, input.item))),
    }),
    preferences: t.router({
      get: sessionProcedure.query(({ ctx }) => Object.fromEntries(PREFERENCE_KEYS.map((key) => [key, ctx.session.get(key) ?? null])) as Record<(typeof PREFERENCE_KEYS)[number], string | null>),
      // One key per preference: a change to one never overwrites a concurrent change to another.
      set: sessionProcedure.input(z.object({ key: z.enum(PREFERENCE_KEYS), value: z.string().trim().min(1).max(40) })).mutation(({ ctx, input }) => {
        ctx.session.set(input.key, input.value);
        return true as const;
      }),
    }),
    account: t.router({
      changePassword: authedProcedure.input(z.object({ currentPassword: z.string().min(1), newPassword: z.string().min(8).max(200) })).mutation(async ({ ctx, input }) => {
        const changed = await ctx.users.changePassword(ctx.userId, input.currentPassword, input.newPassword);
        if (!changed) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'the current password is wrong' });
        await reauthenticate(ctx.sessionScope, ctx.userId, ctx.users);
        return true as const;
      }),
    }),
  });
  return { router, createContext };
}

export type AppRouter = ReturnType<typeof buildTrpc>['router'];
