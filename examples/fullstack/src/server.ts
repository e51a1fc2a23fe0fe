import { join } from 'node:path';
import { cookieSessions, createSessions } from 'tessera';
import { createApp, type App } from './app.js';
import type { AppSession, AppSessions } from './app-session.js';
import { defaultDatabasePath, openDatabase } from './database.js';
import type { AppEnvironment } from './environment.js';
import { openSessionBackend } from './session-backend.js';
import { UserDirectory } from './users.js';

/** The app `npm start` runs, with what it opened. */
export interface RunningApp extends App<AppSessions> {
  /** What the database is: a SQLite path or a URL without its password. */
  readonly database: string;
  /** Where sessions live, as printed at start. */
  readonly sessionStore: string;
  /** Stops listening, then closes the session store and the database. */
  close(): Promise<void>;
}

/**
 * Everything `npm start` does, in order: open the app's database (its own Kysely and pool),
 * migrate the app's tables, open the session store the settings name (sessions in that same
 * database through `kyselyStore`, in the embedded `DATA_DIR/sessions.db` through
 * `sqliteStore`, or in Redis), build the session manager, and serve.
 *
 * @example
 * ```ts
 * const app = await startServer(readEnvironment());
 * process.once('SIGTERM', () => void app.close());
 * ```
 */
export async function startServer(environment: AppEnvironment, options: { readonly graphiql?: boolean } = {}): Promise<RunningApp> {
  const database = await openDatabase(environment.databaseUrl ?? defaultDatabasePath(environment.dataDir), {
    applicationName: environment.databaseApplicationName,
    poolErrorHandlers: environment.poolErrorHandlers,
  });
  const opened: { close(): Promise<void> }[] = [database];
  const closeAll = async (): Promise<void> => {
    for (const each of opened.reverse()) await each.close();
  };
  try {
    const users = new UserDirectory(database.db, `${environment.secrets[0] ?? ''}:user-fingerprint`);
    await users.setUp();
    const backend = await openSessionBackend(environment.sessionStore, database, {
      ...(environment.databaseUrl === undefined ? { sqliteFile: join(environment.dataDir, 'sessions.db') } : {}),
      ...(environment.redisUrl === undefined ? {} : { redisUrl: environment.redisUrl }),
      ...(environment.redisPrefix === undefined ? {} : { redisPrefix: environment.redisPrefix }),
    });
    opened.push(backend);
    const common = { secrets: environment.secrets, trustProxy: environment.trustProxy };
    // A sealed cookie cannot be revoked, but it can be refused: the credential fingerprint
    // checked on every load ends the user's other sessions when the password changes.
    const sessions: AppSessions = backend.store
      ? createSessions<AppSession>({ ...common, store: backend.store })
      : cookieSessions<AppSession>({ ...common, verifyUser: (userId) => users.fingerprint(userId) });
    const app = await createApp({
      sessions,
      users,
      port: environment.port,
      host: environment.host,
      ...(options.graphiql === undefined ? {} : { graphiql: options.graphiql }),
    });
    return {
      ...app,
      database: database.label,
      sessionStore: backend.label,
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
