// docs/architecture.md, "Performance": a request that never touches the session costs no store query and no crypto.
// Proved by counting, not timing: every store call through a counting wrapper, and every call
// of the node:crypto functions tessera uses, through the real tRPC and Yoga handlers.
import { initTRPC } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../../src/index.js';
import { createSessionContext, createSessionProcedures, type SessionContextOptions } from '../../src/adapters/trpc/index.js';
import { useSessions, type SessionContext } from '../../src/adapters/yoga/index.js';
import { countingStore } from '../helpers/store-probes.js';
import { directSessions } from '../helpers/engine.js';

const counted = vi.hoisted(() => ({ calls: new Map<string, number>() }));
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  const names = ['hash', 'createHash', 'createHmac', 'createCipheriv', 'createDecipheriv', 'randomBytes', 'randomUUID', 'timingSafeEqual', 'hkdfSync', 'pbkdf2Sync', 'scryptSync'] as const;
  const wrapped = Object.fromEntries(
    names.map((name) => [
      name,
      (...args: unknown[]) => {
        counted.calls.set(name, (counted.calls.get(name) ?? 0) + 1);
        return (original[name] as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  );
  return { ...original, ...wrapped, default: { ...original, ...wrapped } };
});

const SECRET = 'perf-test-secret-0123456789abcdef0123456789';
const cryptoCalls = () => Object.fromEntries(counted.calls);

async function signedInCookie(sessions: ReturnType<typeof directSessions>): Promise<string> {
  const session = await sessions.load(new Request('https://app.example.com/login', { method: 'POST', headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' } }));
  session.login('user-1');
  const headers = new Headers();
  await sessions.commit(session, headers);
  return headers.getSetCookie()[0]!.split(';')[0]!;
}

describe('a request that never touches the session', () => {
  let probe: ReturnType<typeof countingStore>;
  let sessions: ReturnType<typeof directSessions>;
  let cookie: string;

  beforeEach(async () => {
    probe = countingStore(memoryStore());
    sessions = directSessions({ store: probe.store, secrets: [SECRET] });
    cookie = await signedInCookie(sessions);
    probe.reset();
    counted.calls.clear();
  });
  afterEach(() => vi.restoreAllMocks());

  const noStoreCalls = () => expect(Object.values(probe.calls).reduce((a, b) => a + b, 0)).toBe(0);

  it('the counters see the work of a request that does use it', async () => {
    const session = await sessions.load(new Request('https://app.example.com/', { headers: { cookie } }));
    expect(session.userId).toBe('user-1');
    expect(probe.calls.get).toBe(1);
    expect(cryptoCalls()).toMatchObject({ hash: 1, createDecipheriv: 1, timingSafeEqual: 1 });
  });

  it('core: no cookie, then a commit — no store call, no crypto', async () => {
    const session = await sessions.load(new Request('https://app.example.com/'));
    await sessions.commit(session, new Headers());
    noStoreCalls();
    expect(cryptoCalls()).toEqual({});
  });

  it.each([
    ['not a token', 'not-a-token'],
    ['a token of the wrong length', `${'A'.repeat(22)}.${'B'.repeat(40)}`],
    ['a token with a character outside base64url', `${'A'.repeat(21)}%.${'B'.repeat(43)}`],
  ])('core: a malformed cookie (%s) — no store call, no crypto', async (_name, value) => {
    const session = await sessions.load(new Request('https://app.example.com/', { headers: { cookie: `__Host-sid=${value}` } }));
    expect(session.userId).toBeNull();
    await sessions.commit(session, new Headers());
    noStoreCalls();
    expect(cryptoCalls()).toEqual({});
  });

  it('tRPC: a procedure without the session, with a valid session cookie — no store call, no crypto', async () => {
    const sessionContext = createSessionContext(sessions);
    const createContext = (opts: SessionContextOptions) => ({ ...sessionContext(opts) });
    const t = initTRPC.context<typeof createContext>().create();
    const { sessionProcedure } = createSessionProcedures(t);
    const router = t.router({ health: t.procedure.query(() => 'ok'), me: sessionProcedure.query(({ ctx }) => ctx.session.userId) });
    const call = (path: string) => fetchRequestHandler({ endpoint: '/trpc', req: new Request(`https://app.example.com/trpc/${path}`, { headers: { cookie } }), router, createContext });

    const response = await call('health');
    expect(await response.json()).toEqual({ result: { data: 'ok' } });
    noStoreCalls();
    expect(cryptoCalls()).toEqual({});

    expect(await (await call('me')).json()).toEqual({ result: { data: 'user-1' } });
    expect(probe.calls.get).toBe(1);
  });

  it('GraphQL Yoga: a field without the session, with a valid session cookie — no store call, no crypto', async () => {
    const yoga = createYoga<SessionContext>({
      schema: createSchema<SessionContext>({
        typeDefs: 'type Query { health: String, me: String }',
        resolvers: { Query: { health: () => 'ok', me: async (_root, _args, ctx) => (await ctx.session()).userId } },
      }),
      plugins: [useSessions(sessions)],
      logging: false,
    });
    const query = (q: string) => yoga.fetch(`https://app.example.com/graphql?query=${encodeURIComponent(q)}`, { headers: { cookie, accept: 'application/json' } });

    expect(await (await query('{ health }')).json()).toEqual({ data: { health: 'ok' } });
    noStoreCalls();
    expect(cryptoCalls()).toEqual({});

    expect(await (await query('{ me }')).json()).toEqual({ data: { me: 'user-1' } });
    expect(probe.calls.get).toBe(1);
  });
});
