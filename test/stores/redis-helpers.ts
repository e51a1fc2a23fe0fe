import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { SessionRecord } from '../../src/index.js';
import type { ServiceConfig } from '../helpers/services.js';

/** A namespace no other test or parallel run uses. */
export const uniquePrefix = (label: string): string => `tessera-test:${label}:${process.pid}:${randomBytes(4).toString('hex')}:`;

/** A client that fails fast instead of queueing while Redis is away. */
export function connect(service: ServiceConfig): Redis {
  return new Redis(service.url, { enableOfflineQueue: false, commandTimeout: 1000, maxRetriesPerRequest: 1, lazyConnect: false });
}

/** Every key under `prefix`, found with SCAN (KEYS would block a shared server). */
export async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

/** Deletes every key under `prefix`: the tests' own cleanup, never FLUSHDB. */
export async function dropPrefix(client: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(client, prefix);
  if (keys.length > 0) await client.del(...keys);
}

/** Resolves once the client is connected (ioredis connects on its own). */
export async function ready(client: Redis): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve);
    client.once('end', () => reject(new Error('redis connection ended')));
  });
}

let recordCounter = 0;
/** A signed-in record, live for `expiresInMs`, with an id no other test of this process uses. */
export function liveSessionRecord(idPrefix: string, overrides: Partial<SessionRecord>, expiresInMs: number): SessionRecord {
  const now = Date.now();
  return {
    id: `${idPrefix}-${process.pid}-${++recordCounter}`,
    secretHash: 'secret-hash',
    previousSecretHash: null,
    previousSecretExpiresAt: null,
    userId: 'alice',
    authenticatedAt: new Date(now),
    data: 'sealed',
    version: 1,
    createdAt: new Date(now),
    lastSeenAt: new Date(now),
    expiresAt: new Date(now + expiresInMs),
    absoluteExpiresAt: new Date(now + 30 * 86_400_000),
    userAgent: null,
    ipAddress: null,
    ...overrides,
  };
}
