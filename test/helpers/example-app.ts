import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createSessions, type SessionsConfig, type Store } from 'tessera';
import { sqliteStore } from 'tessera/sqlite';
import { createApp, type App } from '../../examples/fullstack/src/app.js';
import type { AppSession } from '../../examples/fullstack/src/app-session.js';
import { defaultDatabasePath, openDatabase } from '../../examples/fullstack/src/database.js';
import type { AppRouter } from '../../examples/fullstack/src/trpc-router.js';
import { UserDirectory } from '../../examples/fullstack/src/users.js';
import { browser, type BrowserOptions } from './cookie-jar.js';

export const APP_SECRET = 'example-app-test-secret-at-least-32-bytes';

/**
 * What a test varies around the example's `createApp`: where the data lives, and the
 * defence switches of the control runs (a store wrapper, session options, the clock).
 */
export interface ExampleAppOptions {
  /** Default: a temporary directory of its own, removed on close. */
  readonly dataDir?: string;
  /** The app's database (`postgres://…`, `mysql://…`, a SQLite path). Default `DATA_DIR/app.db`. */
  readonly databaseUrl?: string;
  /** The session store. Default `sqliteStore(DATA_DIR/sessions.db)`, as `npm start` uses. */
  readonly store?: Store;
  /** Session options beyond the example's own (tests switch single defences off for their controls). */
  readonly sessions?: Partial<Omit<SessionsConfig<AppSession>, 'store' | 'secrets' | 'clock' | 'trustProxy'>>;
  readonly clock?: () => Date;
  readonly secrets?: readonly string[];
  readonly trustProxy?: number;
  readonly tls?: { readonly key: string; readonly cert: string };
}

/** The example app as {@link startApp} runs it. */
export type ExampleApp = App & { readonly dataDir: string };

/**
 * The example app on a free port, composed as `examples/fullstack/src/server.ts` composes it
 * (the app's own database and users, a session manager on a store, `createApp`), with the
 * test's variations applied to the manager.
 */
export async function startApp(options: ExampleAppOptions = {}): Promise<ExampleApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tessera-app-'));
  const secrets = options.secrets ?? [APP_SECRET];
  const opened: { close(): Promise<void> }[] = [];
  const closeAll = async (): Promise<void> => {
    for (const each of opened.reverse()) await each.close();
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const database = await openDatabase(options.databaseUrl ?? defaultDatabasePath(dataDir));
    opened.push(database);
    const users = new UserDirectory(database.db, `${secrets[0] ?? ''}:user-fingerprint`);
    await users.setUp();
    let store = options.store;
    if (!store) {
      const own = await sqliteStore(join(dataDir, 'sessions.db'));
      opened.push(own);
      store = own;
    }
    const sessions = createSessions<AppSession>({
      ...options.sessions,
      secrets: [...secrets],
      trustProxy: options.trustProxy ?? 0,
      ...(options.clock ? { clock: options.clock } : {}),
      store,
    });
    const app = await createApp({ sessions, users, port: 0, graphiql: false, ...(options.tls ? { tls: options.tls } : {}) });
    return {
      ...app,
      dataDir,
      async close() {
        await app.close();
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

export type Visitor = ReturnType<typeof visitor>;

/**
 * One browser (one cookie jar) talking to the app through both faces: the real
 * `@trpc/client` and GraphQL over `fetch`. By default it behaves as the app's own page
 * (same-origin `Origin` and `Sec-Fetch-Site`).
 */
export function visitor(app: { url: string }, options: BrowserOptions = {}) {
  const client = browser({ pageOrigin: app.url, ...options });
  const trpc = createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${app.url}/trpc`, fetch: (input, init) => client.fetch(input as string, init as RequestInit) })],
  });
  async function graphql<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }> {
    const response = await client.fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  }
  return { trpc, graphql, browser: client, sid: () => client.sid(app.url) };
}
