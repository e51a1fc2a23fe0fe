// The HTTP bench's server process: a tRPC (standalone adapter) and a GraphQL Yoga server
// for each variant — tessera, the floor session in the context, no session — on 127.0.0.1,
// and for tRPC the core by hand in one middleware (what is left without the adapter).
// Each endpoint returns the signed-in user id. The parent talks over IPC: it asks for
// process.cpuUsage() around each load run to get the server's CPU per request.
import { createServer } from 'node:http';
import { initTRPC } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { createSchema, createYoga } from 'graphql-yoga';
import { createFloor, openFloorDb } from './lib/floor.js';
import { ensureDatabase, fillerToken, SERVER_SECRET } from './lib/dataset.js';

const lib = new URL('./.tmp/lib/', import.meta.url);
const { createSessions } = await import(new URL('index.js', lib));
const { sqliteStore } = await import(new URL('sqlite.js', lib));
const trpcAdapter = await import(new URL('trpc.js', lib));
const yogaAdapter = await import(new URL('yoga.js', lib));

const dataset = await ensureDatabase(10_000, { sqliteStore, reserve: 800 });
const store = await sqliteStore(dataset.path);
const sessions = createSessions({ store, secrets: [SERVER_SECRET] });
// Plain http on loopback: tessera reads the development cookie name `sid` there.
const floor = createFloor(openFloorDb(dataset.path), SERVER_SECRET, { cookieName: 'sid' });
// A session of the database (user-0); the token does not depend on the cookie's name.
const token = fillerToken(0);

// ---- tRPC
function trpcServer(variant) {
  if (variant === 'tessera') {
    const sessionContext = trpcAdapter.createSessionContext(sessions);
    const createContext = (opts) => ({ ...sessionContext(opts) });
    const t = initTRPC.context().create();
    const { sessionProcedure } = trpcAdapter.createSessionProcedures(t);
    return createHTTPServer({ router: t.router({ me: sessionProcedure.query(({ ctx }) => ctx.session.userId) }), createContext });
  }
  if (variant === 'core-by-hand') {
    // The core without an adapter: open the request's scope, run the procedure as one read
    // operation through begin / session() / end in a middleware, and attach the decided
    // headers with respond() before tRPC writes the head. No streamed-batch detection, no
    // CSRF refusal of the whole request, no error translation.
    const t = initTRPC.context().create();
    const withSession = t.procedure.use(async ({ ctx, next }) => {
      const scope = sessions.open(ctx.req);
      const turn = scope.begin('read');
      if (turn !== undefined) await turn;
      const result = await next({ ctx: { session: await scope.session() } });
      const ending = scope.end('read', !result.ok);
      if (ending !== undefined) await ending;
      scope.respond(ctx.res);
      return result;
    });
    return createHTTPServer({ router: t.router({ me: withSession.query(({ ctx }) => ctx.session.userId) }), createContext: ({ req, res }) => ({ req, res }) });
  }
  if (variant === 'floor') {
    const t = initTRPC.context().create();
    const createContext = ({ req }) => ({ session: floor.load(req.headers.cookie) });
    return createHTTPServer({ router: t.router({ me: t.procedure.query(({ ctx }) => ctx.session?.userId ?? null) }), createContext });
  }
  if (variant === 'floor-lazy') {
    // The floor with tessera's shape: loaded on first use, behind a promise, in a middleware.
    const t = initTRPC.context().create();
    const createContext = ({ req }) => ({ session: async () => floor.load(req.headers.cookie) });
    const withSession = t.procedure.use(async ({ ctx, next }) => next({ ctx: { session: await ctx.session() } }));
    return createHTTPServer({ router: t.router({ me: withSession.query(({ ctx }) => ctx.session?.userId ?? null) }), createContext });
  }
  const t = initTRPC.create();
  return createHTTPServer({ router: t.router({ me: t.procedure.query(() => 'user-0') }), createContext: () => ({}) });
}

// ---- GraphQL Yoga
function yogaServer(variant) {
  const typeDefs = 'type Query { me: String }';
  const common = { logging: false, graphqlEndpoint: '/graphql', landingPage: false, maskedErrors: true };
  if (variant === 'tessera') {
    const schema = createSchema({ typeDefs, resolvers: { Query: { me: async (_root, _args, ctx) => (await ctx.session()).userId } } });
    return createServer(createYoga({ ...common, schema, plugins: [yogaAdapter.useSessions(sessions)] }));
  }
  if (variant === 'floor') {
    const schema = createSchema({ typeDefs, resolvers: { Query: { me: (_root, _args, ctx) => ctx.session?.userId ?? null } } });
    return createServer(createYoga({ ...common, schema, context: ({ request }) => ({ session: floor.load(request.headers.get('cookie')) }) }));
  }
  if (variant === 'floor-lazy') {
    // The floor with tessera's shape: loaded on first use, behind a promise.
    const schema = createSchema({ typeDefs, resolvers: { Query: { me: async (_root, _args, ctx) => (await ctx.session())?.userId ?? null } } });
    return createServer(createYoga({ ...common, schema, context: ({ request }) => ({ session: async () => floor.load(request.headers.get('cookie')) }) }));
  }
  const schema = createSchema({ typeDefs, resolvers: { Query: { me: () => 'user-0' } } });
  return createServer(createYoga({ ...common, schema }));
}

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
const ports = {};
for (const variant of ['tessera', 'floor', 'floor-lazy', 'none']) {
  ports[`trpc:${variant}`] = await listen(trpcServer(variant));
  ports[`yoga:${variant}`] = await listen(yogaServer(variant));
}
ports['trpc:core-by-hand'] = await listen(trpcServer('core-by-hand'));
process.on('message', (message) => {
  if (message === 'cpu') process.send({ cpu: process.cpuUsage() });
  if (message === 'exit') void store.close().then(() => process.exit(0));
});
process.send({ ready: true, ports, cookie: `sid=${token}` });
