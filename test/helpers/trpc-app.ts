import { initTRPC } from '@trpc/server';
import { z } from 'zod';
import { cookieSessions, createSessions, memoryStore, SessionError, type SessionsConfig, type Store } from '../../src/index.js';
import { createSessionContext, createSessionPlugin, createSessionProcedures, createSessionRouter, type SessionContextOptions } from '../../src/adapters/trpc/index.js';
import { manualClock } from './clock.js';

export const SECRET = 'test-secret-that-is-at-least-32-bytes-long!';

export type AppData = { cart: string[]; list: string[]; upload: string } & Record<string, unknown>;

export const USERS: Readonly<Record<string, string>> = { alice: 'wonderland', bob: 'builder' };

/** A manager, its clock and the tRPC app of the adapter tests. */
export function makeApp(options: { store?: Store; config?: Partial<SessionsConfig<AppData>>; mode?: 'store' | 'cookie' } = {}) {
  const clock = manualClock(Date.UTC(2026, 0, 1));
  const sessions =
    options.mode === 'cookie'
      ? cookieSessions<AppData>({ secrets: [SECRET], clock: clock.now, ...options.config })
      : createSessions<AppData>({ store: options.store ?? memoryStore(), secrets: [SECRET], clock: clock.now, ...options.config });
  // The fetch adapter's requests carry no peer address; the test servers all listen on loopback.
  const sessionContext = createSessionContext(sessions, { clientAddress: () => '127.0.0.1' });
  const createContext = (opts: SessionContextOptions) => ({ ...sessionContext(opts), app: 'test' as const });
  type Context = ReturnType<typeof createContext>;

  const t = initTRPC.context<Context>().create();
  const { sessionProcedure, authedProcedure } = createSessionProcedures(t);
  const seen: { afterReturn?: unknown } = {};

  const router = t.router({
    session: createSessionRouter(t, {
      authenticate: ({ username, password }) => {
        if (username === 'throttled') throw new SessionError('RATE_LIMITED', 'too many sign-in attempts; try again later');
        return USERS[username] === password ? { id: username } : null;
      },
    }),
    ping: t.procedure.query(() => 'pong'),
    appMutation: t.procedure.mutation(() => 'done'),
    cart: t.router({
      add: sessionProcedure.input(z.string()).mutation(({ ctx, input }) => ctx.session.update('cart', (cart = []) => [...cart, input])),
      get: sessionProcedure.query(({ ctx }) => ctx.session.get('cart') ?? []),
    }),
    set: sessionProcedure.input(z.object({ key: z.string(), value: z.string() })).mutation(({ ctx, input }) => {
      ctx.session.set(input.key, input.value);
      return input.key;
    }),
    append: sessionProcedure.input(z.string()).mutation(({ ctx, input }) => ctx.session.update('list', (list = []) => [...list, input])),
    read: sessionProcedure.input(z.string()).query(({ ctx, input }): unknown => ctx.session.get(input) ?? null),
    writeInQuery: sessionProcedure.query(({ ctx }) => {
      ctx.session.set('sneaky', 'x');
      return 'wrote';
    }),
    failAfterWrite: sessionProcedure.mutation(({ ctx }) => {
      ctx.session.set('half', 'done');
      throw new Error('boom');
    }),
    tooBig: sessionProcedure.mutation(({ ctx }) => {
      ctx.session.set('big', 'x'.repeat(20_000));
      return 'never';
    }),
    writeLater: sessionProcedure.mutation(({ ctx }) => {
      // A stray write after the procedure returned: no commit will pick it up.
      setTimeout(() => {
        try {
          ctx.session.set('late', 'x');
          seen.afterReturn = 'no error';
        } catch (error) {
          seen.afterReturn = error;
        }
      }, 20);
      return 'ok';
    }),
    upload: sessionProcedure.input(z.instanceof(FormData)).mutation(({ ctx, input }) => {
      const file = input.get('file');
      const name = file instanceof File ? file.name : String(file);
      ctx.session.set('upload', name);
      return name;
    }),
    whoami: authedProcedure.query(({ ctx }) => ctx.userId),
    pluginCart: t.procedure
      .concat(createSessionPlugin<AppData>().authedProcedure)
      .input(z.string())
      .mutation(({ ctx, input }) => {
        ctx.session.update('cart', (cart = []) => [...cart, `${ctx.userId}:${input}`]);
        return ctx.session.get('cart') ?? [];
      }),
    slowRead: sessionProcedure.query(async ({ ctx }) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return ctx.session.get('cart') ?? [];
    }),
  });
  return { sessions, router, createContext, clock, seen };
}

export type AppRouter = ReturnType<typeof makeApp>['router'];
