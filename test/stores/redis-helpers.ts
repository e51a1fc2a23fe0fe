import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
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
