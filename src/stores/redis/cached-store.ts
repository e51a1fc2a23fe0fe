import { randomBytes } from 'node:crypto';
import type { SessionLogEntry, SessionRecord, SessionTouch, Store } from '../../index.js';
import { SessionError } from '../../index.js';
import { CacheHealth } from './cache-health.js';
import { cacheFillScript, cacheGetScript, cacheInvalidateScript, cacheReleaseScript, cacheTouchScript, cacheUpdateScript } from './cache-scripts.js';
import { decodeRecord, encodeRecord } from './record-codec.js';
import { assertNoClientKeyPrefix, assertPrefix, toArray, toNullableString, type ObservableRedisClient } from './redis-client.js';

/** Options of {@link cachedStore}. */
export interface CachedStoreOptions {
  /** The Redis client of the cache: ioredis' `new Redis(url)`, or anything with its `call()`. */
  readonly cache: ObservableRedisClient;
  /** The store of record (the database), e.g. `await sqliteStore(path)` or `kyselyStore(...)`. */
  readonly store: Store;
  /**
   * Longest time a record stays cached, in seconds. Default 60. It bounds how long another
   * process could read an entry that a revocation during a Redis outage left behind (see below).
   */
  readonly ttlSeconds?: number;
  /** Namespace of the cache's keys. Default `'tessera:cache:'`. */
  readonly prefix?: string;
  /** How long one cache call may take before the store serves alone, in seconds. Default 0.25. */
  readonly timeoutSeconds?: number;
  /** Receives a warning when the cache fails (once per outage) and a note when it is back. */
  readonly logger?: (entry: SessionLogEntry) => void;
  /** The clock that caps an entry's TTL at the record's `expiresAt`. Default `() => new Date()`. */
  readonly clock?: () => Date;
}

/** The default key namespace of {@link cachedStore}. */
export const DEFAULT_CACHE_PREFIX = 'tessera:cache:';

/** How long a reader's fill lease lasts: far longer than a database read, short enough to heal. */
const LEASE_MS = 5_000;

function positiveSeconds(value: number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new SessionError('INVALID_CONFIG', `cachedStore: ${option} must be a positive number of seconds`);
  return value;
}

/**
 * Redis in front of any {@link Store} (Django's `cached_db`). Reads come from Redis and fall
 * back to the store, which fills the cache; every write goes to the store first, and only then
 * to the cache. When Redis fails or is slow, the store serves alone and `logger` gets a warning.
 *
 * How a revocation always wins (Django CVE-2015-3982 is the lesson: every layer must forget):
 * - `delete` drops the cached slot; `deleteByUser` renews the cache generation (a random token
 *   every cache key is built from), so no entry cached before it is read again, by any process;
 * - a writer never fills an empty slot: `create` writes only to the store, `update` and `touch`
 *   only refresh an entry that is already cached. A record enters the cache only through a reader
 *   that leased the slot *before* reading the store, and the fill is refused if the slot or the
 *   generation changed meanwhile, so a read that raced a revocation cannot resurrect it;
 * - a failed or timed-out cache call marks the cache stale: it is bypassed until the generation
 *   is renewed (at once on reconnect), so a session revoked while Redis was down stays revoked
 *   after it returns. Until that renewal lands, another process can still read a pre-outage
 *   entry for at most `ttlSeconds`;
 * - an entry never outlives the record's `expiresAt`, so a stale deadline cannot end a session early.
 *
 * Revoking a user therefore costs every cached session one store read. Listing and purging go
 * to the store. Sessions deleted in the database behind the cache's back (a script, the CLI)
 * stay readable from the cache for up to `ttlSeconds`; a `revokeUser` through the app ends that
 * at once. Standalone Redis or Sentinel; not Redis Cluster.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createSessions } from 'tessera';
 * import { cachedStore } from 'tessera/redis';
 * import { sqliteStore } from 'tessera/sqlite';
 *
 * const redis = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false, commandTimeout: 250 });
 * const store = cachedStore({ cache: redis, store: await sqliteStore('.data/sessions.db'), logger: console.warn });
 * const sessions = createSessions({ store, secrets: [secret] });
 * ```
 */
export function cachedStore(options: CachedStoreOptions): Store {
  const { cache: client, store } = options;
  const prefix = options.prefix ?? DEFAULT_CACHE_PREFIX;
  assertPrefix(prefix, 'cachedStore');
  assertNoClientKeyPrefix(client, 'cachedStore');
  const ttlMs = positiveSeconds(options.ttlSeconds, 60, 'ttlSeconds') * 1000;
  const timeoutMs = positiveSeconds(options.timeoutSeconds, 0.25, 'timeoutSeconds') * 1000;
  const clock = options.clock ?? (() => new Date());
  const health = new CacheHealth(client, prefix, timeoutMs, options.logger ?? (() => {}));

  /** Cache lifetime of a record: never past its own deadline. */
  const lifetimeMs = (record: SessionRecord): number => Math.floor(Math.min(ttlMs, record.expiresAt.getTime() - clock().getTime()));
  const fields = (record: SessionRecord): string[] => {
    const encoded = encodeRecord(record);
    return [encoded.version, encoded.rest, encoded.lastSeenAt, encoded.expiresAt];
  };
  const invalidate = (operation: string, id: string) => health.use(operation, () => cacheInvalidateScript.run(client, [], [prefix, id]));

  /** The cached record, or the lease to fill the slot after reading the store. */
  async function lookup(id: string): Promise<{ readonly record: SessionRecord } | { readonly lease: { generation: string; token: string } | null }> {
    const token = randomBytes(12).toString('base64url');
    const outcome = await health.use('read', () => cacheGetScript.run(client, [], [prefix, id, token, LEASE_MS]));
    if (!outcome.ok) return { lease: null };
    try {
      const [kind, generation, version, json, lastSeenAt, expiresAt] = toArray(outcome.value).map(toNullableString);
      if (generation === null || generation === undefined) throw new TypeError('tessera/redis: malformed cache reply');
      if (kind === 'lease') return { lease: { generation, token } };
      if (kind !== 'hit') return { lease: null };
      return { record: decodeRecord(id, version ?? null, json ?? null, lastSeenAt ?? null, expiresAt ?? null) };
    } catch (error) {
      // Whatever Redis holds here, the store decides: never trust what cannot be read.
      options.logger?.({ level: 'warn', event: 'session.cache.malformed', message: 'a cached session could not be read; dropped, reading the store', sessionId: id, error });
      await invalidate('drop malformed entry', id);
      return { lease: null };
    }
  }

  return Object.freeze({
    async get(id: string): Promise<SessionRecord | null> {
      const found = await lookup(id);
      if ('record' in found) return found.record;
      const record = await store.get(id);
      const lease = found.lease;
      if (lease === null) return record;
      const lifetime = record === null ? 0 : lifetimeMs(record);
      if (record !== null && lifetime > 0) {
        await health.use('fill', () => cacheFillScript.run(client, [], [prefix, lease.generation, id, lease.token, ...fields(record), lifetime]));
      } else {
        await health.use('release', () => cacheReleaseScript.run(client, [], [prefix, lease.generation, id, lease.token]));
      }
      return record;
    },

    // Writes only to the store: the first read caches the record (see the rule above).
    create: (record: SessionRecord): Promise<boolean> => store.create(record),

    async update(record: SessionRecord, expectedVersion: number): Promise<boolean> {
      const updated = await store.update(record, expectedVersion);
      const lifetime = lifetimeMs(record);
      if (updated && lifetime > 0) {
        await health.use('write', () => cacheUpdateScript.run(client, [], [prefix, record.id, ...fields(record), lifetime]));
      } else {
        // A lost race or a vanished record: whatever is cached is not the truth.
        await invalidate('invalidate', record.id);
      }
      return updated;
    },

    async touch(id: string, touch: SessionTouch): Promise<boolean> {
      const touched = await store.touch(id, touch);
      if (touched) {
        await health.use('touch', () => cacheTouchScript.run(client, [], [prefix, id, String(touch.lastSeenAt.getTime()), String(touch.expiresAt.getTime())]));
      } else {
        await invalidate('invalidate', id);
      }
      return touched;
    },

    async delete(id: string): Promise<boolean> {
      const deleted = await store.delete(id);
      await invalidate('delete', id);
      return deleted;
    },

    listByUser: (userId: string): Promise<SessionRecord[]> => store.listByUser(userId),

    async deleteByUser(userId: string, exceptId?: string): Promise<number> {
      const count = await store.deleteByUser(userId, exceptId);
      // The store does not say which ids it deleted; a new generation forgets them all. Even for
      // a count of 0: the records may have been deleted behind the cache's back (a CLI on the database).
      await health.invalidateAll('revoke user');
      return count;
    },

    deleteExpired: (now: Date, limit: number): Promise<number> => store.deleteExpired(now, limit),
  } satisfies Store);
}
