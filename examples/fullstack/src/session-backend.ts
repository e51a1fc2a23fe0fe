import type { Redis } from 'ioredis';
import type { SessionLogEntry, Store } from 'tessera';
import { kyselyStore, migrateSessions } from 'tessera/kysely';
import { cachedStore, redisStore } from 'tessera/redis';
import { sqliteStore } from 'tessera/sqlite';
import { withoutPassword, type AppDatabase } from './database.js';

/** The values of `SESSION_STORE`. */
export const SESSION_STORE_KINDS = ['kysely', 'redis', 'cached', 'cookie'] as const;

/**
 * Where the example app keeps sessions:
 * - `kysely`: in the app's database (`DATABASE_URL`), or in the embedded SQLite file `sqliteFile`;
 * - `redis`: in Redis only (`REDIS_URL`); users stay in the database;
 * - `cached`: in the database, with Redis in front (Django's `cached_db`);
 * - `cookie`: in the cookie, sealed (`cookieSessions()`): nothing to list or revoke server-side.
 */
export type SessionStoreKind = (typeof SESSION_STORE_KINDS)[number];

/** The session store the app runs on, and what owns it. */
export interface SessionBackend {
  /** The store, or `null` in `cookie` mode (no store at all). */
  readonly store: Store | null;
  /** What to print: the kind and where it lives, without passwords. */
  readonly label: string;
  /** Closes what this opened (the SQLite session file, the Redis client); the app's database is the app's to close. */
  close(): Promise<void>;
}

/** Options of {@link openSessionBackend}. */
export interface SessionBackendOptions {
  /**
   * The embedded default: sessions in this SQLite file through `sqliteStore()`, which owns
   * its connection (statement cache, direct per-request statements, chunked purge), instead
   * of in the app's database. Unset: sessions go in the app's database through `kyselyStore`.
   */
  readonly sqliteFile?: string;
  /** Needed by `redis` and `cached`. */
  readonly redisUrl?: string;
  /** Namespace of the Redis keys; default the store's own. */
  readonly redisPrefix?: string;
}

/**
 * Opens the session store `kind` names. The database stores (`kysely`, and the database
 * under `cached`) are the app's own Kysely handed to `kyselyStore({ db })` after
 * `migrateSessions(db)`, or `sqliteStore(sqliteFile)` for the embedded default. For `redis`
 * and `cached` it connects to `redisUrl` first, and fails with one line if Redis cannot be
 * reached, so the app never starts half-configured.
 *
 * @example
 * ```ts
 * const database = await openDatabase('postgres://postgres@127.0.0.1/test');
 * const backend = await openSessionBackend('cached', database, { redisUrl: 'redis://127.0.0.1:6379' });
 * const sessions = createSessions<AppSession>({ store: backend.store!, secrets: [secret] });
 * ```
 */
export async function openSessionBackend(kind: SessionStoreKind, database: AppDatabase, options: SessionBackendOptions = {}): Promise<SessionBackend> {
  if (kind === 'cookie') return { store: null, label: 'sealed cookies (no server-side store)', close: async () => {} };
  if (kind !== 'kysely' && options.redisUrl === undefined) throw new Error(`SESSION_STORE=${kind} needs REDIS_URL (e.g. redis://127.0.0.1:6379)`);
  const client = options.redisUrl === undefined ? undefined : await connectRedis(options.redisUrl, kind === 'cached' ? 250 : 1000);
  const closeRedis = async (): Promise<void> => {
    if (client) await client.quit().catch(() => client.disconnect());
  };
  const prefix = options.redisPrefix === undefined ? {} : { prefix: options.redisPrefix };
  const where = options.redisUrl === undefined ? '' : withoutPassword(options.redisUrl);
  if (kind === 'redis') return { store: redisStore({ client: client!, ...prefix }), label: `redis on ${where}`, close: closeRedis };
  let sessionDatabase: { store: Store; label: string; close(): Promise<void> };
  try {
    sessionDatabase = await openDatabaseSessions(database, options.sqliteFile);
  } catch (error) {
    await closeRedis();
    throw error;
  }
  if (kind === 'kysely') return { store: sessionDatabase.store, label: `kysely on ${sessionDatabase.label}`, close: sessionDatabase.close };
  const logger = (entry: SessionLogEntry): void => console.warn(`tessera example: ${entry.message}`);
  return {
    store: cachedStore({ cache: client!, store: sessionDatabase.store, logger, ...prefix }),
    label: `${sessionDatabase.label} cached in redis on ${where}`,
    async close() {
      await closeRedis();
      await sessionDatabase.close();
    },
  };
}

/** Sessions in a database: the embedded SQLite file, or the app's own Kysely. */
async function openDatabaseSessions(database: AppDatabase, sqliteFile: string | undefined): Promise<{ store: Store; label: string; close(): Promise<void> }> {
  if (sqliteFile !== undefined) {
    const store = await sqliteStore(sqliteFile);
    return { store, label: sqliteFile, close: () => store.close() };
  }
  await migrateSessions(database.db);
  return { store: kyselyStore({ db: database.db }), label: database.label, close: async () => {} };
}

/** An ioredis client that fails fast while Redis is down instead of queueing requests. */
async function connectRedis(url: string, commandTimeout: number): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, commandTimeout, maxRetriesPerRequest: 1 });
  let firstError: Error | undefined;
  const quiet = (error: Error): void => {
    firstError ??= error;
  };
  client.on('error', quiet);
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    const reason = firstError ?? error;
    throw new Error(`REDIS_URL: cannot connect to ${withoutPassword(url)}: ${reason instanceof Error ? reason.message : String(reason)}`);
  }
  client.off('error', quiet);
  // Outages are reported by the store (cached) or per request (redis); one line per outage
  // here, without the URL. This listener is also what keeps an ioredis `error` from crashing the process.
  let reported = false;
  client.on('error', (error: Error) => {
    if (!reported) console.warn(`tessera example: the Redis connection failed: ${error.message}`);
    reported = true;
  });
  client.on('ready', () => {
    reported = false;
  });
  return client;
}
