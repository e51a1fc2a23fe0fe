import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionRecord } from 'tessera';
import { sqliteStore, type SqliteStore } from 'tessera/sqlite';

const now = new Date('2026-01-01T00:00:00Z');

function record(expiresAt: Date): SessionRecord {
  return {
    id: randomBytes(12).toString('base64url'),
    secretHash: randomBytes(32).toString('base64url'),
    previousSecretHash: null,
    previousSecretExpiresAt: null,
    userId: null,
    authenticatedAt: null,
    data: '{}',
    version: 1,
    createdAt: new Date(expiresAt.getTime() - 60_000),
    lastSeenAt: new Date(expiresAt.getTime() - 60_000),
    expiresAt,
    absoluteExpiresAt: expiresAt,
    userAgent: null,
    ipAddress: null,
  };
}

describe('sqliteStore purges a large batch in chunks', () => {
  let store: SqliteStore | undefined;
  afterEach(() => store?.close());

  it('deletes exactly limit records across chunks, then the rest, and keeps the live ones', async () => {
    store = await sqliteStore(':memory:');
    for (let i = 0; i < 250; i++) await store.create(record(new Date(now.getTime() - 1000 - i)));
    const live = record(new Date(now.getTime() + 60_000));
    await store.create(live);
    expect(await store.deleteExpired(now, 230)).toBe(230);
    expect(await store.deleteExpired(now, 230)).toBe(20);
    expect(await store.deleteExpired(now, 230)).toBe(0);
    expect(await store.get(live.id)).not.toBeNull();
  });

  it('gives the event loop a turn between chunks of one batch', async () => {
    store = await sqliteStore(':memory:');
    for (let i = 0; i < 300; i++) await store.create(record(new Date(now.getTime() - 1000)));
    let turns = 0;
    let purged = false;
    const ticker = (): void => {
      turns++;
      if (!purged) setImmediate(ticker);
    };
    setImmediate(ticker);
    const deleted = await store.deleteExpired(now, 1000);
    purged = true;
    expect(deleted).toBe(300);
    // 300 rows are three chunks: the ticker ran between them, not only after the batch.
    expect(turns).toBeGreaterThanOrEqual(2);
  });

  it('refuses a bad limit as the Kysely store does', async () => {
    store = await sqliteStore(':memory:');
    await expect(store.deleteExpired(now, 0)).rejects.toThrow(RangeError);
    await expect(store.deleteExpired(now, 1.5)).rejects.toThrow(RangeError);
  });
});
