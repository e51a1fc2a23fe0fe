import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { exampleClient } from '../../examples/trpc/client.js';
import { createExampleServer } from '../../examples/trpc/server.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-trpc-example-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('examples/trpc on a real SQLite file', () => {
  it('anonymous cart, sign-in, list, sign-out through the split link (batch for mutations, stream for queries)', async () => {
    const store = await sqliteStore(join(dir, 'sessions.db'));
    const server = await createExampleServer({ store, secrets: ['an-example-secret-of-at-least-32-bytes!'] });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const trpc = exampleClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}/trpc`);
      expect(await trpc.addToCart.mutate('apple')).toEqual(['apple']);
      const me = await trpc.session.login.mutate({ username: 'ada', password: 'correct horse battery staple' });
      expect(me.userId).toBe('user-ada');
      expect(await trpc.cart.query()).toEqual(['apple']);
      expect(await trpc.session.list.query()).toEqual([expect.objectContaining({ id: me.id, current: true })]);
      await trpc.session.logout.mutate();
      expect(await trpc.session.me.query()).toEqual({ id: null, userId: null, authenticatedAt: null, expiresAt: null });
      expect(await trpc.cart.query()).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await store.close();
    }
  });
});
