import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { cookieSessions, createSessions, type Sessions, type SessionsConfig, type Store } from 'tessera';
import type { AppSession, AppSessions } from './app-session.js';
import { openAppDatabase } from './database.js';
import { buildYoga } from './graphql.js';
import { openSessionBackend, type SessionStoreKind } from './session-backend.js';
import { staticFiles } from './static-files.js';
import { buildTrpc } from './trpc-router.js';
import { UserDirectory } from './users.js';

/** Options of {@link createApp}; everything but `secrets` has a default. */
export interface AppOptions {
  /** Session secrets: the first seals, all open. */
  readonly secrets: readonly string[];
  /** Where the embedded SQLite file lives when `databaseUrl` is not set. Default `.data`. */
  readonly dataDir?: string;
  /** `postgres://…`, `mysql://…` or a SQLite path; sessions and users live there. */
  readonly databaseUrl?: string;
  /** A session store to use instead of the database's (Redis, cached, a test probe). Users stay in the database. Wins over `sessionStore`. */
  readonly store?: Store;
  /** Where sessions live: `kysely` (the database, the default), `redis`, or `cached` (Redis in front of the database). For `cookie`, see {@link CookieAppOptions}. */
  readonly sessionStore?: Exclude<SessionStoreKind, 'cookie'>;
  /** The Redis of the `redis` and `cached` stores, e.g. `redis://127.0.0.1:6379`. */
  readonly redisUrl?: string;
  /** Namespace of the app's Redis keys. Default: the store's own. */
  readonly redisPrefix?: string;
  /** The clock, for tests that move time. */
  readonly clock?: () => Date;
  /** `0` picks a free port. Default 3000. */
  readonly port?: number;
  readonly host?: string;
  /** Proxy hops whose `X-Forwarded-*` headers to believe. Default 0. */
  readonly trustProxy?: number;
  /** Serve GraphiQL on GET /graphql. Default true outside production. */
  readonly graphiql?: boolean;
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** Extra session options (tests switch single defences off for their controls). */
  readonly sessions?: Partial<Omit<SessionsConfig<AppSession>, 'store' | 'secrets' | 'clock' | 'trustProxy'>>;
}

/**
 * Options of {@link createApp} in `cookie` mode: sessions sealed in the cookie
 * (`cookieSessions()`), so there is no store to give and nothing to list or revoke.
 */
export type CookieAppOptions = Omit<AppOptions, 'store' | 'sessionStore'> & { readonly sessionStore: 'cookie' };

/**
 * A running app. `Manager` is `Sessions` (list, revoke, purge) on a server-side store, and
 * only the per-request `SessionManager` in `cookie` mode.
 */
export interface App<Manager extends AppSessions = Sessions<AppSession>> {
  /** `http(s)://host:port`, no trailing slash. */
  readonly url: string;
  readonly server: Server;
  /** The session manager: `createSessions()`, or `cookieSessions()` in `cookie` mode (which cannot list or revoke). */
  readonly sessions: Manager;
  readonly users: UserDirectory;
  /** What the database is: a SQLite path or a URL without its password. */
  readonly database: string;
  /** Where sessions live, as printed at start. */
  readonly sessionStore: string;
  close(): Promise<void>;
}

const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

/**
 * The example app: one server, one session manager, tRPC at `/trpc` and GraphQL at
 * `/graphql` sharing the session, the web page at `/`, and `GET /healthz`. Tables and the
 * demo users are created before it listens.
 *
 * @example
 * ```ts
 * const app = await createApp({ secrets: [secret], port: 0 });
 * console.log(app.url);
 * await app.close();
 * ```
 */
export function createApp(options: AppOptions): Promise<App>;
export function createApp(options: CookieAppOptions): Promise<App<AppSessions>>;
export function createApp(options: AppOptions | CookieAppOptions): Promise<App<AppSessions>>;
export async function createApp(options: AppOptions | CookieAppOptions): Promise<App<AppSessions>> {
  const database = await openAppDatabase(options.databaseUrl, options.dataDir ?? '.data');
  const users = new UserDirectory(database.db, `${options.secrets[0] ?? ''}:user-fingerprint`);
  await users.setUp();
  let backend: Awaited<ReturnType<typeof openSessionBackend>>;
  try {
    backend = 'store' in options && options.store
      ? { store: options.store, label: 'the given store', close: async () => {} }
      : await openSessionBackend(options.sessionStore ?? 'kysely', database, {
          ...(options.redisUrl === undefined ? {} : { redisUrl: options.redisUrl }),
          ...(options.redisPrefix === undefined ? {} : { redisPrefix: options.redisPrefix }),
        });
  } catch (error) {
    await database.close();
    throw error;
  }
  const common = { secrets: options.secrets, trustProxy: options.trustProxy ?? 0, ...(options.clock ? { clock: options.clock } : {}) };
  let sessions: AppSessions;
  if (backend.store) {
    sessions = createSessions<AppSession>({ ...options.sessions, ...common, store: backend.store });
  } else {
    // A sealed cookie cannot be revoked, but it can be refused: the credential fingerprint
    // checked on every load ends the user's other sessions when the password changes.
    const { rotationGrace: _unused, ...cookieOptions } = options.sessions ?? {};
    sessions = cookieSessions<AppSession>({ verifyUser: (userId) => users.fingerprint(userId), ...cookieOptions, ...common });
  }
  const trpc = buildTrpc(sessions, users);
  const trpcHandler = createHTTPHandler({ router: trpc.router, createContext: trpc.createContext, basePath: '/trpc/' });
  const yoga = buildYoga(sessions, users, { graphiql: options.graphiql ?? process.env['NODE_ENV'] !== 'production' });
  const serveStatic = staticFiles(PUBLIC_DIR);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?', 1)[0] ?? '/';
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('ok');
    } else if (path.startsWith('/trpc/')) {
      trpcHandler(request, response);
    } else if (path === '/graphql') {
      await yoga.requestListener(request, response);
    } else if (!(await serveStatic(request, response))) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
    }
  }
  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('internal error');
    });
  };
  const server: Server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createHttpServer(listener);
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 3000, host, () => resolve());
    });
  } catch (error) {
    await backend.close();
    await database.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${shownHost}:${port}`,
    server,
    sessions,
    users,
    database: database.label,
    sessionStore: backend.label,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await backend.close();
      await database.close();
    },
  };
}
