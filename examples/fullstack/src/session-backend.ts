import type { Redis } from 'ioredis';
import type { SessionLogEntry, Store } from 'tessera';
import { cachedStore, redisStore } from 'tessera/redis';
import type { AppDatabase } from './database.js';

/** The values of `SESSION_STORE`. */
export const SESSION_STORE_KINDS = ['kysely', 'redis', 'cached', 'cookie'] as const;

/**
 * Where the example app keeps sessions:
 * - `kysely`: in the app's database (`DATABASE_URL`, or the embedded SQLite file);
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
  /** Disconnects Redis, if any; the database is the app's to close. */
  close(): Promise<void>;
}

/** Options of {@link openSessionBackend}. */
export interface SessionBackendOptions {
  /** Needed by `redis` and `cached`. */
  readonly redisUrl?: string;
  /** Namespace of the Redis keys; default the store's own. */
  readonly redisPrefix?: string;
}

/** A URL as it may be printed: the password masked. */
export function withoutPassword(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

/**
 * Opens the session store `kind` names over the app's database. For `redis` and `cached`
 * it connects to `redisUrl` first, and fails with one line if Redis cannot be reached, so
 * the app never starts half-configured.
 *
 * @example
 * ```ts
 * const database = await openAppDatabase(process.env.DATABASE_URL, '.data');
 * const backend = await openSessionBackend('cached', database, { redisUrl: 'redis://127.0.0.1:6379' });
 * const sessions = createSessions<AppSession>({ store: backend.store!, secrets: [secret] });
 * ```
 */
export async function openSessionBackend(kind: SessionStoreKind, database: AppDatabase, options: SessionBackendOptions = {}): Promise<SessionBackend> {
  if (kind === 'kysely') return { store: database.store, label: `kysely on ${database.label}`, close: async () => {} };
  if (kind === 'cookie') return { store: null, label: 'sealed cookies (no server-side store)', close: async () => {} };
  if (options.redisUrl === undefined) throw new Error(`SESSION_STORE=${kind} needs REDIS_URL (e.g. redis://127.0.0.1:6379)`);
  const client = await connectRedis(options.redisUrl, kind === 'cached' ? 250 : 1000);
  const prefix = options.redisPrefix === undefined ? {} : { prefix: options.redisPrefix };
  const where = withoutPassword(options.redisUrl);
  const close = async (): Promise<void> => {
    await client.quit().catch(() => client.disconnect());
  };
  if (kind === 'redis') return { store: redisStore({ client, ...prefix }), label: `redis on ${where}`, close };
  const logger = (entry: SessionLogEntry): void => console.warn(`tessera example: ${entry.message}`);
  return { store: cachedStore({ cache: client, store: database.store, logger, ...prefix }), label: `${database.label} cached in redis on ${where}`, close };
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
  // Outages are reported by the store (cached) or per request (redis); one line per outage here.
  let reported = false;
  client.on('error', (error: Error) => {
    if (!reported) console.warn(`tessera example: Redis at ${withoutPassword(url)}: ${error.message}`);
    reported = true;
  });
  client.on('ready', () => {
    reported = false;
  });
  return client;
}
