import { initTRPC } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { createSessions } from 'tessera';
import { sqliteStore } from 'tessera/sqlite';
import { createSessionContext, createSessionProcedures, createSessionRouter, type SessionContextOptions } from 'tessera/trpc';
import { z } from 'zod';
import { checkPassword } from './users.js';

const sessions = createSessions<{ cart: string[] }>({ store: await sqliteStore(), secrets: [process.env['SESSION_SECRET'] ?? ''] });
const sessionContext = createSessionContext(sessions);
const createContext = (options: SessionContextOptions) => ({ ...sessionContext(options) });
const t = initTRPC.context<typeof createContext>().create();
const { sessionProcedure } = createSessionProcedures(t);

export const appRouter = t.router({
  session: createSessionRouter(t, { authenticate: ({ username, password }) => checkPassword(username, password) }),
  addToCart: sessionProcedure.input(z.string().min(1)).mutation(({ ctx, input }) => ctx.session.update('cart', (cart = []) => [...cart, input])),
});
export type AppRouter = typeof appRouter;

createHTTPServer({ router: appRouter, createContext, basePath: '/trpc/' }).listen(3000);
