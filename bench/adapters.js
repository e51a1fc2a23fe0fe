// The adapters without sockets: tRPC's fetchRequestHandler and yoga.fetch, in one process,
// tessera vs the floor session in the context (and no session), so the adapter and framework
// cost of a request can be told apart from the network's.
// Usage: node --expose-gc bench/adapters.js <out.json> [rounds] [budgetMs]
import { writeFileSync } from 'node:fs';
import { initTRPC } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { createSchema, createYoga } from 'graphql-yoga';
import { createFloor, openFloorDb } from './lib/floor.js';
import { ensureDatabase, fillerToken, SERVER_SECRET } from './lib/dataset.js';
import { interleave } from './lib/measure.js';

const [out, roundsArg, budgetArg] = process.argv.slice(2);
const lib = new URL('./.tmp/lib/', import.meta.url);
const { createSessions } = await import(new URL('index.js', lib));
const { sqliteStore } = await import(new URL('sqlite.js', lib));
const trpcAdapter = await import(new URL('trpc.js', lib));
const yogaAdapter = await import(new URL('yoga.js', lib));

const dataset = await ensureDatabase(10_000, { sqliteStore, reserve: 800 });
const store = await sqliteStore(dataset.path);
const sessions = createSessions({ store, secrets: [SERVER_SECRET] });
const floor = createFloor(openFloorDb(dataset.path), SERVER_SECRET, { cookieName: 'sid' });
const cookie = `_ga=GA1.2.1234567890.1700000000; sid=${fillerToken(0)}; theme=dark`;
const origin = 'http://127.0.0.1:4000';

const typeDefs = 'type Query { me: String }';
const common = { logging: false, landingPage: false };
const yoga = {
  tessera: createYoga({
    ...common,
    schema: createSchema({ typeDefs, resolvers: { Query: { me: async (_r, _a, ctx) => (await ctx.session()).userId } } }),
    plugins: [yogaAdapter.useSessions(sessions)],
  }),
  floor: createYoga({
    ...common,
    schema: createSchema({ typeDefs, resolvers: { Query: { me: (_r, _a, ctx) => ctx.session?.userId ?? null } } }),
    context: ({ request }) => ({ session: floor.load(request.headers.get('cookie')) }),
  }),
  none: createYoga({ ...common, schema: createSchema({ typeDefs, resolvers: { Query: { me: () => 'user-0' } } }) }),
};
const sessionContext = trpcAdapter.createSessionContext(sessions);
const tT = initTRPC.context().create();
const { sessionProcedure } = trpcAdapter.createSessionProcedures(tT);
const tF = initTRPC.context().create();
const tN = initTRPC.create();
const trpc = {
  tessera: { router: tT.router({ me: sessionProcedure.query(({ ctx }) => ctx.session.userId) }), createContext: (opts) => ({ ...sessionContext(opts) }) },
  floor: { router: tF.router({ me: tF.procedure.query(({ ctx }) => ctx.session?.userId ?? null) }), createContext: ({ req }) => ({ session: floor.load(req.headers.get('cookie')) }) },
  none: { router: tN.router({ me: tN.procedure.query(() => 'user-0') }), createContext: () => ({}) },
};
const yogaCall = (variant) => async () => (await yoga[variant].fetch(`${origin}/graphql?query=%7Bme%7D`, { headers: { cookie, accept: 'application/json' } })).text();
const trpcCall = (variant) => async () => (await fetchRequestHandler({ endpoint: '/trpc', req: new Request(`${origin}/trpc/me`, { headers: { cookie } }), ...trpc[variant] })).text();
for (const variant of ['tessera', 'floor']) {
  for (const call of [yogaCall(variant), trpcCall(variant)]) {
    const body = await call();
    if (!body.includes('user-0')) throw new Error(`${variant}: ${body}`);
  }
}
const cases = {};
for (const variant of ['floor', 'tessera', 'none']) {
  cases[`yoga.fetch: ${variant}`] = yogaCall(variant);
  cases[`tRPC fetchRequestHandler: ${variant}`] = trpcCall(variant);
}
const baselines = {
  'yoga.fetch: tessera': 'yoga.fetch: floor',
  'yoga.fetch: none': 'yoga.fetch: floor',
  'tRPC fetchRequestHandler: tessera': 'tRPC fetchRequestHandler: floor',
  'tRPC fetchRequestHandler: none': 'tRPC fetchRequestHandler: floor',
};
const result = await interleave(cases, { rounds: Number(roundsArg ?? 5), budgetMs: Number(budgetArg ?? 150), baselines, onRound: (round) => process.stderr.write(`  adapters: round ${round + 1}\n`) });
writeFileSync(out, JSON.stringify({ cases: result }, null, 2));
await store.close();
