import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Sessions } from 'tessera';
import type { AppSession, AppSessions } from './app-session.js';
import { buildYoga } from './graphql.js';
import { staticFiles } from './static-files.js';
import { buildTrpc } from './trpc-router.js';
import type { UserDirectory } from './users.js';

/**
 * Options of {@link createApp}: what the app serves with. Opening the database, the users
 * and the session store is the caller's (`server.ts` does it from the environment).
 */
export interface AppOptions<Manager extends AppSessions = Sessions<AppSession>> {
  /** The session manager: `createSessions()` on a store, or `cookieSessions()`. */
  readonly sessions: Manager;
  /** The users, in the app's own database. */
  readonly users: UserDirectory;
  /** `0` picks a free port. Default 3000. */
  readonly port?: number;
  readonly host?: string;
  /** Serve GraphiQL on GET /graphql. Default true outside production. */
  readonly graphiql?: boolean;
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly key: string; readonly cert: string };
}

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
  /** Stops listening; the database and the store are the caller's to close. */
  close(): Promise<void>;
}

const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

/**
 * The example app: one server, one session manager, tRPC at `/trpc` and GraphQL at
 * `/graphql` sharing the session, the web page at `/`, and `GET /healthz`.
 *
 * @example
 * ```ts
 * const users = new UserDirectory(database.db, `${secret}:user-fingerprint`);
 * await users.setUp();
 * const app = await createApp({ sessions: createSessions<AppSession>({ store, secrets: [secret] }), users, port: 0 });
 * console.log(app.url);
 * await app.close();
 * ```
 */
export async function createApp<Manager extends AppSessions>(options: AppOptions<Manager>): Promise<App<Manager>> {
  const { sessions, users } = options;
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
      yoga.requestListener(request, response);
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
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
