import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, startAppProcess, type AppProcess } from '../helpers/app-process.js';
import { localBackend, type BackendEnv } from '../helpers/backends.js';
import { sharedJar } from '../helpers/shared-jar.js';

type Client = { readonly browser: ReturnType<typeof sharedJar>; readonly acknowledged: string[] };

/**
 * Cart adds from every client, one after another per client, until the process dies:
 * an item is acknowledged once its mutation answered with success.
 */
function streamWrites(app: AppProcess, clients: readonly Client[], round: number): { stop: Promise<void>; acknowledged: () => number } {
  let count = 0;
  const streams = clients.map(async (client, c) => {
    for (let i = 0; ; i++) {
      const item = `r${round}-c${c}-${i}`;
      try {
        await client.browser.trpc(app.url).cart.add.mutate({ item });
      } catch {
        return; // the process is gone: this item was never acknowledged
      }
      client.acknowledged.push(item);
      count++;
    }
  });
  return { stop: Promise.all(streams).then(() => {}), acknowledged: () => count };
}

function integrity(path: string): { check: unknown; journal: unknown } {
  const database = new Database(path);
  try {
    return { check: database.pragma('integrity_check', { simple: true }), journal: database.pragma('journal_mode', { simple: true }) };
  } finally {
    database.close();
  }
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('SIGKILL during a stream of writes on SQLite', () => {
  let server: Awaited<ReturnType<typeof buildServer>>;
  let backend: BackendEnv;
  let app: AppProcess | undefined;
  const clients: Client[] = Array.from({ length: 6 }, () => ({ browser: sharedJar(), acknowledged: [] }));
  beforeAll(async () => {
    server = await buildServer();
    backend = localBackend('kysely');
  });
  afterAll(async () => {
    await app?.stop();
    server?.remove();
    await backend?.cleanup();
  });

  it.each([1, 2, 3])('round %i: every write acknowledged before the kill is there after a restart', async (round) => {
    app = await startAppProcess(server.path, backend.env);
    const stream = streamWrites(app, clients, round);
    const target = stream.acknowledged() + 150;
    await until(() => stream.acknowledged() >= target);
    app.child.kill('SIGKILL');
    expect(await app.exited).toBe('SIGKILL');
    await stream.stop;
    // The files as the kill left them (their WAL recovered by this open), before the app touches them again.
    expect(integrity(join(backend.env['DATA_DIR']!, 'sessions.db'))).toEqual({ check: 'ok', journal: 'wal' });
    expect(integrity(join(backend.env['DATA_DIR']!, 'app.db'))).toEqual({ check: 'ok', journal: 'wal' });

    app = await startAppProcess(server.path, backend.env);
    for (const client of clients) {
      const cart = new Set(await client.browser.trpc(app.url).cart.get.query());
      expect(client.acknowledged.filter((item) => !cart.has(item))).toEqual([]);
    }
    await app.stop();
    app = undefined;
  });

  it('leaves a database that passes PRAGMA integrity_check after the last restart', () => {
    expect(integrity(join(backend.env['DATA_DIR']!, 'sessions.db'))).toEqual({ check: 'ok', journal: 'wal' });
    expect(integrity(join(backend.env['DATA_DIR']!, 'app.db'))).toEqual({ check: 'ok', journal: 'wal' });
  });
});
