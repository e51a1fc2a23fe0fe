// The store error contract (security audit finding on store errors): a store that cannot be
// reached is STORE_UNAVAILABLE, answered 503 with Retry-After on both faces; any other store
// error is STORE_FAILURE (500); either way the driver's error reaches logs and `cause` redacted
// of SQL, arguments and record contents.
import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore, SessionError, type Store } from '../../src/index.js';
import { redactedCause, storeError } from '../../src/core/store-errors.js';
import { makeApp } from '../helpers/trpc-app.js';
import { startServer as startYoga } from '../helpers/yoga-app.js';
import { startServer as startTrpc, type Running } from '../trpc/servers.js';

const SECRET_HASH = 'c2VjcmV0LWhhc2gtdGhhdC1tdXN0LW5ldmVyLWxlYWs';

/** Errors shaped as the drivers throw them, each carrying record contents where that driver puts them. */
const DRIVER_ERRORS = {
  mysql2: Object.assign(new Error(`Duplicate entry '${SECRET_HASH}' for key 'PRIMARY'`), { code: 'ER_DUP_ENTRY', sql: `insert into tessera_sessions values ('${SECRET_HASH}')` }),
  pg: Object.assign(new Error('duplicate key value violates unique constraint "tessera_sessions_pkey"'), { code: '23505', detail: `Key (id)=(${SECRET_HASH}) already exists.` }),
  ioredis: Object.assign(new Error('ERR wrong number of arguments'), { command: { name: 'evalsha', args: [SECRET_HASH] } }),
  lostPg: Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
  refused: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
  closedRedis: new Error('Connection is closed.'),
};

describe('store errors are typed and redacted', () => {
  it.each([
    ['mysql2', 'STORE_FAILURE'],
    ['pg', 'STORE_FAILURE'],
    ['ioredis', 'STORE_FAILURE'],
    ['lostPg', 'STORE_UNAVAILABLE'],
    ['refused', 'STORE_UNAVAILABLE'],
    ['closedRedis', 'STORE_UNAVAILABLE'],
  ] as const)('%s → %s, the cause keeps the code and loses record contents', (driver, code) => {
    const error = storeError('load', DRIVER_ERRORS[driver]);
    expect(error.code).toBe(code);
    const cause = error.cause as Error & { code?: unknown };
    expect(cause.code).toBe((DRIVER_ERRORS[driver] as { code?: unknown }).code);
    const everything = JSON.stringify({ ...cause, message: cause.message, stack: cause.stack });
    expect(everything).not.toContain(SECRET_HASH);
    // Control: the raw driver error does carry it (in its message, `sql`, `detail` or `command`).
    if (driver === 'mysql2' || driver === 'pg' || driver === 'ioredis') expect(JSON.stringify({ ...DRIVER_ERRORS[driver], message: DRIVER_ERRORS[driver].message })).toContain(SECRET_HASH);
  });

  it('a SessionError a store throws itself passes as it is', () => {
    const own = new SessionError('STORE_UNAVAILABLE', 'the cache is down');
    expect(storeError('load', own)).toBe(own);
  });

  it('keeps identifiers a message quotes in double quotes (a missing table says which)', () => {
    expect(redactedCause(new Error('relation "tessera_sessions" does not exist')).message).toBe('relation "tessera_sessions" does not exist');
  });
});

/** A store whose every call fails with `error`. */
function failingStore(error: Error): Store {
  const base = memoryStore();
  const fail = async (): Promise<never> => Promise.reject(error);
  return { ...base, get: fail, create: fail, update: fail, touch: fail, delete: fail };
}

const COOKIE = `sid=${'A'.repeat(22)}.${'B'.repeat(43)}`;

describe('a store outage is a 503 with Retry-After on both faces; other store errors a 500 (control)', () => {
  const running: Running[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all([...running.splice(0).map((server) => server.close()), ...closers.splice(0).map((close) => close())]);
  });

  it.each([
    ['refused', 503, 'SERVICE_UNAVAILABLE', '2'],
    ['pg', 500, 'INTERNAL_SERVER_ERROR', null],
  ] as const)('tRPC (fetch adapter), store error %s: %i %s, Retry-After %s', async (driver, status, code, retryAfter) => {
    const app = makeApp({ store: failingStore(DRIVER_ERRORS[driver]) });
    const server = await startTrpc('fetch', app.router, app.createContext);
    running.push(server);
    const response = await fetch(`${server.url}/cart.get`, { headers: { cookie: COOKIE } });
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { data: { code: string } } }).error.data.code).toBe(code);
    expect(response.headers.get('retry-after')).toBe(retryAfter);
  });

  it.each([
    ['refused', 503, 'SERVICE_UNAVAILABLE', '2'],
    ['pg', 500, 'INTERNAL_SERVER_ERROR', null],
  ] as const)('GraphQL Yoga, store error %s: %i %s, Retry-After %s', async (driver, status, code, retryAfter) => {
    const server = await startYoga({ store: failingStore(DRIVER_ERRORS[driver]) });
    closers.push(server.close);
    const response = await fetch(`${server.url}?query=${encodeURIComponent('{ cart }')}`, { headers: { cookie: COOKIE, accept: 'application/graphql-response+json' } });
    expect(response.status).toBe(status);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(code);
    expect(response.headers.get('retry-after')).toBe(retryAfter);
  });
});
