import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { initTRPC, type inferRouterInputs, type inferRouterOutputs } from '@trpc/server';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import { fastifyTRPCPlugin, type CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import { fetchRequestHandler, type FetchCreateContextFnOptions } from '@trpc/server/adapters/fetch';
import { createHTTPServer, type CreateHTTPContextOptions } from '@trpc/server/adapters/standalone';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { cookieSessions, createSessions, memoryStore, type OwnSession, type Session, type SessionInfo } from '../../src/index.js';
import { createSessionContext, createSessionPlugin, createSessionProcedures, createSessionRouter, type Jsonified } from '../../src/adapters/trpc/index.js';
import type { AppRouter } from '../helpers/trpc-app.js';

type SessionView = Jsonified<SessionInfo>;
type SessionListItem = Jsonified<OwnSession>;

type Cart = { cart: string[] };
const sessions = createSessions<Cart>({ store: memoryStore(), secrets: ['x'.repeat(32)] });
const sessionContext = createSessionContext(sessions);

describe('the client infers the session router from the app router', () => {
  it('me, login, rotate, list, revokeOthers', () => {
    type Out = inferRouterOutputs<AppRouter>;
    type In = inferRouterInputs<AppRouter>;
    expectTypeOf<Out['session']['me']>().toEqualTypeOf<SessionView>();
    expectTypeOf<Out['session']['me']>().toEqualTypeOf<{ readonly id: string | null; readonly userId: string | null; readonly authenticatedAt: string | null; readonly expiresAt: string | null }>();
    expectTypeOf<Out['session']['login']>().toEqualTypeOf<SessionView>();
    expectTypeOf<Out['session']['rotate']>().toEqualTypeOf<SessionView>();
    expectTypeOf<Out['session']['list']>().toEqualTypeOf<SessionListItem[]>();
    expectTypeOf<Out['session']['revokeOthers']>().toEqualTypeOf<number>();
    expectTypeOf<In['session']['login']>().toEqualTypeOf<{ readonly username: string; readonly password: string }>();
    expectTypeOf<In['session']['revoke']>().toEqualTypeOf<{ readonly id: string }>();

    const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: 'http://localhost/trpc' })] });
    expectTypeOf(client.session.me.query).returns.resolves.toEqualTypeOf<SessionView>();
    expectTypeOf(client.session.login.mutate).parameter(0).toEqualTypeOf<{ readonly username: string; readonly password: string }>();
    // @ts-expect-error a token is never part of the answer
    void ((view: SessionView) => view.token);
  });

  it('a custom Standard Schema (zod) types login’s input and authenticate’s credentials', () => {
    const t = initTRPC.context<ReturnType<typeof sessionContext>>().create();
    const router = t.router({
      auth: createSessionRouter(t, {
        credentials: z.object({ email: z.email(), password: z.string(), otp: z.string().length(6) }),
        authenticate: (credentials) => {
          expectTypeOf(credentials).toEqualTypeOf<{ email: string; password: string; otp: string }>();
          return null;
        },
      }),
    });
    expectTypeOf<inferRouterInputs<typeof router>['auth']['login']>().toEqualTypeOf<{ email: string; password: string; otp: string }>();
    expectTypeOf(router.auth).not.toBeAny();
  });
});

describe('the compiler checks the app context', () => {
  it('the session router and the plugins need `session` from createSessionContext', () => {
    const withoutSession = initTRPC.context<{ db: string }>().create();
    // @ts-expect-error the app context lacks `session`
    createSessionRouter(withoutSession, { authenticate: () => null });
    // @ts-expect-error the app context lacks `session`
    createSessionProcedures(withoutSession);
    // @ts-expect-error concat checks the context too
    withoutSession.procedure.concat(createSessionPlugin<Cart>().sessionProcedure);

    const wrongType = initTRPC.context<{ session: Session<Cart> }>().create();
    // @ts-expect-error a loaded Session is not the lazy one the context factory makes
    createSessionRouter(wrongType, { authenticate: () => null });
  });

  it('session procedures see the typed, loaded session; authed ones a userId', () => {
    const createContext = (opts: FetchCreateContextFnOptions) => ({ ...sessionContext(opts), db: 'db' });
    expectTypeOf(createContext).toBeFunction();
    const t = initTRPC.context<typeof createContext>().create();
    const { sessionProcedure, authedProcedure } = createSessionProcedures(t);
    sessionProcedure.query(({ ctx }) => {
      expectTypeOf(ctx.session).toEqualTypeOf<Session<Cart>>();
      expectTypeOf(ctx.session.get('cart')).toEqualTypeOf<string[] | undefined>();
      expectTypeOf(ctx.db).toEqualTypeOf<string>();
    });
    authedProcedure.query(({ ctx }) => expectTypeOf(ctx.userId).toEqualTypeOf<string>());
    const viaConcat = t.procedure.concat(createSessionPlugin<Cart>().authedProcedure);
    viaConcat.query(({ ctx }) => {
      expectTypeOf(ctx.session).toEqualTypeOf<Session<Cart>>();
      expectTypeOf(ctx.userId).toEqualTypeOf<string>();
    });
  });

  it('the context factory takes every adapter’s options', () => {
    const router = initTRPC.context<ReturnType<typeof sessionContext>>().create().router({});
    void fetchRequestHandler({ endpoint: '/trpc', req: new Request('http://localhost/trpc'), router, createContext: (opts) => sessionContext(opts) });
    createHTTPServer({ router, createContext: (opts: CreateHTTPContextOptions) => sessionContext(opts) });
    createExpressMiddleware({ router, createContext: (opts) => sessionContext(opts) });
    const fastifyContext = (opts: CreateFastifyContextOptions) => sessionContext(opts);
    expectTypeOf(fastifyContext).returns.toEqualTypeOf<ReturnType<typeof sessionContext>>();
    expectTypeOf(fastifyTRPCPlugin).toBeFunction();
  });
});

describe('a manager that cannot list or revoke lacks those members in its types', () => {
  it('cookieSessions(): no listSessions on the manager, no list/revoke/revokeOthers on the router', () => {
    const cookies = cookieSessions<Cart>({ secrets: ['x'.repeat(32)] });
    const cookieContext = createSessionContext(cookies);
    expectTypeOf(cookieContext).toBeFunction();
    const t = initTRPC.context<ReturnType<typeof cookieContext>>().create();
    const router = t.router({ session: createSessionRouter(t, { authenticate: () => null }) });
    expectTypeOf(router.session).not.toBeAny();
    type Out = inferRouterOutputs<typeof router>;
    expectTypeOf<keyof Out['session']>().toEqualTypeOf<'me' | 'login' | 'logout' | 'rotate'>();
    // @ts-expect-error listing needs server-side records
    void cookies.listSessions;
    // Control: the server-side manager's router has them.
    const t2 = initTRPC.context<ReturnType<typeof sessionContext>>().create();
    const full = t2.router({ session: createSessionRouter(t2, { authenticate: () => null }) });
    expectTypeOf(full.session).not.toBeAny();
    expectTypeOf<keyof inferRouterOutputs<typeof full>['session']>().toEqualTypeOf<'me' | 'login' | 'logout' | 'rotate' | 'list' | 'revoke' | 'revokeOthers'>();
  });
});
