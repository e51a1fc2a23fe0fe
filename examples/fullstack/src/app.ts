import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { createSessions, type Sessions, type SessionsConfig, type Store } from 'tessera';
import type { AppSession } from './app-session.js';
import { openAppDatabase } from './database.js';
import { buildYoga } from './graphql.js';
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
  /** A session store to use instead of the database's (Redis, cached, a test probe). Users stay in the database. */
  readonly store?: Store;
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

/** A running app. */
export interface App {
  /** `http(s)://host:port`, no trailing slash. */
  readonly url: string;
  readonly server: Server;
  readonly sessions: Sessions<AppSession>;
  readonly users: UserDirectory;
  /** What the database is: a SQLite path or a URL without its password. */
  readonly database: string;
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
export async function createApp(options: AppOptions): Promise<App> {
  const database = await openAppDatabase(options.databaseUrl, options.dataDir ?? '.data');
  const users = new UserDirectory(database.db, `${options.secrets[0] ?? ''}:user-fingerprint`);
  await users.setUp();
  const sessions = createSessions<AppSession>({
    ...options.sessions,
    store: options.store ?? database.store,
    secrets: options.secrets,
    trustProxy: options.trustProxy ?? 0,
    ...(options.clock ? { clock: options.clock } : {}),
  });
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${shownHost}:${port}`,
    server,
    sessions,
    users,
    database: database.label,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}
