import { SessionError } from '../../index.js';

/**
 * The slice of a Redis client that tessera uses: one generic command call.
 *
 * ioredis (`new Redis(url)`) fits as it is; another client can be adapted by wrapping its
 * raw-command method (node-redis: `sendCommand`), as long as replies arrive as strings,
 * integers, arrays and `null`. Depending on this shape rather than on a package keeps
 * `tessera/redis` free of a runtime import, as Kysely does with its drivers.
 *
 * Do not configure the client with ioredis' `keyPrefix`: it is not applied to keys built
 * inside scripts, so keys would split across two namespaces. Use the store's `prefix`.
 */
export interface RedisClient {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

/**
 * A {@link RedisClient} that may also report its connection state (ioredis does). A cache
 * uses these to skip Redis at once while it is known to be down, and to drop what it cached
 * before an outage as soon as the connection is back.
 */
export interface ObservableRedisClient extends RedisClient {
  /** ioredis' connection state: `'ready'`, `'reconnecting'`, `'end'`… */
  readonly status?: string;
  /** ioredis' EventEmitter `once`: a `'ready'` listener is added only while the cache is stale. */
  once?(event: 'ready', listener: () => void): unknown;
}

/** Throws at construction for a client whose own key prefix would split the namespace. */
export function assertNoClientKeyPrefix(client: RedisClient, option: string): void {
  const options = (client as { readonly options?: { readonly keyPrefix?: unknown } }).options;
  if (typeof options?.keyPrefix === 'string' && options.keyPrefix !== '') {
    throw new SessionError(
      'INVALID_CONFIG',
      `${option}: the Redis client has keyPrefix "${options.keyPrefix}"; ioredis does not apply it inside scripts. Drop it and pass prefix to the store instead.`,
    );
  }
}

/** Throws at construction for a prefix that cannot namespace keys. */
export function assertPrefix(prefix: string, option: string): void {
  // Django CVE-2011-4136: un-namespaced keys let any cache entry be read as a session.
  if (prefix.length === 0) throw new SessionError('INVALID_CONFIG', `${option}: prefix must not be empty; session keys must never share a namespace with the app's keys`);
}

/** A reply as an integer (RESP2/RESP3, with or without ioredis' `stringNumbers`). */
export function toInteger(reply: unknown): number {
  const value = typeof reply === 'string' ? Number(reply) : reply;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`tessera/redis: expected an integer reply, got ${typeof reply}`);
  return value;
}

/** A reply as an array, failing loudly on anything else. */
export function toArray(reply: unknown): unknown[] {
  if (!Array.isArray(reply)) throw new TypeError(`tessera/redis: expected an array reply, got ${typeof reply}`);
  return reply;
}

/** A bulk-string reply, or `null` for a nil one. */
export function toNullableString(reply: unknown): string | null {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === 'string') return reply;
  if (Buffer.isBuffer(reply)) return reply.toString('utf8');
  throw new TypeError(`tessera/redis: expected a string reply, got ${typeof reply}`);
}
