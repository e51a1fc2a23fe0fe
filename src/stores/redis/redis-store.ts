import type { SessionRecord, Store } from '../../index.js';
import { decodeRecord, encodeRecord } from './record-codec.js';
import { assertNoClientKeyPrefix, assertPrefix, toArray, toInteger, toNullableString, type RedisClient } from './redis-client.js';
import { createScript, deleteByUserScript, deleteExpiredScript, deleteScript, listByUserScript, touchScript, updateScript } from './store-scripts.js';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** A connected client: ioredis' `new Redis(url)`, or anything with its `call()` (see {@link RedisClient}). */
  readonly client: RedisClient;
  /**
   * Namespace of every key the store writes. Default `'tessera:sess:'`. Give each app (or
   * each environment sharing one Redis) its own; the store never touches keys outside it.
   */
  readonly prefix?: string;
}

/** The default key namespace of {@link redisStore}. */
export const DEFAULT_REDIS_PREFIX = 'tessera:sess:';

const recordArgs = (record: SessionRecord): string[] => {
  const encoded = encodeRecord(record);
  return [record.id, encoded.version, encoded.rest, encoded.lastSeenAt, encoded.expiresAt, encoded.userId === null ? '0' : '1', encoded.userId ?? ''];
};

/**
 * A {@link Store} on Redis (standalone or Sentinel; not Redis Cluster, whose slots the
 * per-user index would cross). Each record is a hash under `<prefix>s:<id>` whose TTL is
 * its `expiresAt`, so Redis reclaims dead sessions itself; a sorted set per user serves
 * `listByUser` and `deleteByUser`. Every write is one Lua script, so `create` is
 * insert-only, `update` is a compare-and-swap on the version, and neither `update` nor
 * `touch` can insert. Dates are kept as epoch milliseconds. A record whose `expiresAt` is
 * already past by Redis's clock (clock skew, a test clock) is kept one more minute, so that
 * the engine's clock, which is the authority, decides; `deleteExpired` removes it by that clock.
 *
 * Redis here is the database: run it with persistence (AOF) if sessions must survive a
 * restart. For Redis as a cache in front of SQL, see `cachedStore`.
 *
 * Recommended ioredis options so a Redis outage fails requests fast instead of queueing
 * them: `{ enableOfflineQueue: false, commandTimeout: 500, maxRetriesPerRequest: 1 }`.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createSessions } from 'tessera';
 * import { redisStore } from 'tessera/redis';
 *
 * const redis = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false, commandTimeout: 500 });
 * const sessions = createSessions({ store: redisStore({ client: redis }), secrets: [secret] });
 * ```
 */
export function redisStore(options: RedisStoreOptions): Store {
  const { client } = options;
  const prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
  assertPrefix(prefix, 'redisStore');
  assertNoClientKeyPrefix(client, 'redisStore');
  const recordKey = (id: string) => `${prefix}s:${id}`;
  const userKey = (userId: string) => `${prefix}u:${userId}`;

  return Object.freeze({
    async get(id: string): Promise<SessionRecord | null> {
      const [version, rest, lastSeenAt, expiresAt] = toArray(await client.call('HMGET', recordKey(id), 'v', 'r', 'l', 'e')).map(toNullableString);
      if (version === null || version === undefined) return null;
      return decodeRecord(id, version, rest ?? null, lastSeenAt ?? null, expiresAt ?? null);
    },

    async create(record: SessionRecord): Promise<boolean> {
      return toInteger(await createScript.run(client, [recordKey(record.id)], [prefix, ...recordArgs(record)])) === 1;
    },

    async update(record: SessionRecord, expectedVersion: number): Promise<boolean> {
      const args = [prefix, ...recordArgs(record), String(expectedVersion)];
      return toInteger(await updateScript.run(client, [recordKey(record.id)], args)) === 1;
    },

    async touch(id, touch): Promise<boolean> {
      const args = [prefix, id, String(touch.lastSeenAt.getTime()), String(touch.expiresAt.getTime())];
      return toInteger(await touchScript.run(client, [recordKey(id)], args)) === 1;
    },

    async delete(id: string): Promise<boolean> {
      return toInteger(await deleteScript.run(client, [recordKey(id)], [prefix, id])) === 1;
    },

    async listByUser(userId: string): Promise<SessionRecord[]> {
      const rows = toArray(await listByUserScript.run(client, [userKey(userId)], [prefix, userId]));
      return rows.map((row) => {
        const [id, version, rest, lastSeenAt, expiresAt] = toArray(row).map(toNullableString);
        if (id === null || id === undefined) throw new TypeError('tessera/redis: malformed listByUser reply');
        return decodeRecord(id, version ?? null, rest ?? null, lastSeenAt ?? null, expiresAt ?? null);
      });
    },

    async deleteByUser(userId: string, exceptId?: string): Promise<number> {
      const args = [prefix, userId, exceptId === undefined ? '0' : '1', exceptId ?? ''];
      return toInteger(await deleteByUserScript.run(client, [userKey(userId)], args));
    },

    async deleteExpired(now: Date, limit: number): Promise<number> {
      if (!(limit >= 1)) return 0;
      // Lua prints numbers with 14 significant digits: keep the limit an exact, printable integer.
      const bounded = Math.min(Math.floor(limit), 2 ** 31 - 1);
      return toInteger(await deleteExpiredScript.run(client, [`${prefix}expiry`], [prefix, now.getTime(), bounded]));
    },
  } satisfies Store);
}
