import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionRecord } from 'tessera';
import type Database from 'better-sqlite3';
import { kyselyStore } from 'tessera/kysely';
import { sqlitePurge } from '../../src/stores/sqlite/chunked-purge.js';
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

  /**
   * The WAL index (`<file>-shm`, sqlite.org/walformat.html) without touching the database:
   * `mxFrame` (frames in the WAL) at byte 16 and `nBackfill` (frames already copied into the
   * database file) at byte 96, both native-endian. Reading it cannot checkpoint anything.
   */
  function walProgress(path: string): { frames: number; backfilled: number } {
    const shm = readFileSync(`${path}-shm`);
    const read = (offset: number): number => (endianness() === 'LE' ? shm.readUInt32LE(offset) : shm.readUInt32BE(offset));
    return { frames: read(16), backfilled: read(96) };
  }

  it('checkpoints the WAL after the chunks of a purge on a file, where a plain DELETE leaves it to SQLite (control)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-purge-checkpoint-'));
    try {
      const path = join(dir, 'sessions.db');
      store = await sqliteStore(path);
      const expired = (): Promise<unknown> =>
        Promise.all(Array.from({ length: 200 }, () => store!.create({ ...record(new Date(now.getTime() - 1000)), data: randomBytes(300).toString('base64url') })));
      await expired();
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.db);

      // Control: the same purge as one DELETE through a plain kyselyStore on the same
      // connection writes fewer than SQLite's 1000-page threshold, so nothing is copied yet.
      expect(await kyselyStore({ db: store.db }).deleteExpired(now, 1000)).toBe(200);
      const plain = walProgress(path);
      expect(plain.frames).toBeGreaterThan(0);
      expect(plain.backfilled).toBeLessThan(plain.frames);

      await expired();
      // Both purges start from an empty WAL and write far below SQLite's 1000 pages.
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.db);
      expect(await store.deleteExpired(now, 1000)).toBe(200);
      const chunked = walProgress(path);
      expect(chunked.frames).toBeGreaterThan(0);
      expect(chunked.backfilled).toBe(chunked.frames);
    } finally {
      await store?.close();
      store = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('purges inside a transaction the app opened on store.db, leaving the checkpoint to SQLite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-purge-transaction-'));
    try {
      store = await sqliteStore(join(dir, 'sessions.db'));
      for (let i = 0; i < 120; i++) await store.create(record(new Date(now.getTime() - 1000)));
      const live = record(new Date(now.getTime() + 60_000));
      await store.create(live);
      await sql`begin`.execute(store.db);
      // A checkpoint cannot run inside the connection's own write transaction: the purge must not try.
      expect(await store.deleteExpired(now, 1000)).toBe(120);
      await sql`commit`.execute(store.db);
      expect(await store.deleteExpired(now, 1000)).toBe(0);
      expect(await store.get(live.id)).not.toBeNull();
    } finally {
      await store?.close();
      store = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports what it deleted when the store is closed while the checkpoint turn of the last chunk is pending', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-purge-close-'));
    try {
      store = await sqliteStore(join(dir, 'sessions.db'));
      for (let i = 0; i < 10; i++) await store.create(record(new Date(now.getTime() - 1000)));
      const purge = store.deleteExpired(now, 1000);
      // One chunk deletes all ten; the close lands before the checkpoint's turn (a SIGTERM
      // handler closing the store during a scheduled purge).
      await new Promise<void>((resolve) => setImmediate(resolve));
      await store.close();
      await expect(purge).resolves.toBe(10);
    } finally {
      store = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps its count when a checkpoint fails with an I/O error, and says so once as a process warning', async () => {
    // A disk failing under the checkpoint cannot be provoked on a real file here: a stand-in
    // connection whose pragma throws, and a store whose chunks delete 50, 50, 20 rows.
    const failing = {
      open: true,
      inTransaction: false,
      memory: false,
      pragma: () => {
        throw new Error('disk I/O error');
      },
    } as unknown as Database.Database;
    const chunks = [50, 50, 20];
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const deleted = await sqlitePurge(async (_now, limit) => Math.min(limit, chunks.shift() ?? 0), failing)(now, 1000);
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(deleted).toBe(120);
      expect(warnings.filter((warning) => (warning as { code?: string }).code === 'TESSERA_PURGE_CHECKPOINT')).toHaveLength(1);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('refuses a bad limit as the Kysely store does', async () => {
    store = await sqliteStore(':memory:');
    await expect(store.deleteExpired(now, 0)).rejects.toThrow(RangeError);
    await expect(store.deleteExpired(now, 1.5)).rejects.toThrow(RangeError);
  });
});
