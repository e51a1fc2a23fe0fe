import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, startAppProcess, type AppProcess } from '../helpers/app-process.js';
import { backendMatrix, type BackendEnv } from '../helpers/backends.js';
import { sharedJar } from '../helpers/shared-jar.js';

const runs = await backendMatrix(['postgres', 'redis', 'cached']);

// Without PostgreSQL and Redis (the helpers printed why), the file still has its one skipped test.
if (runs.length === 0) it.skip('needs PostgreSQL or Redis', () => {});

let server: Awaited<ReturnType<typeof buildServer>> | undefined;
beforeAll(async () => {
  if (runs.length > 0) server = await buildServer();
});
afterAll(() => server?.remove());

/** `session.me` with nothing but this cookie header, as a replayed copy of a cookie would be sent. */
async function whoIsCookie(origin: string, cookie: string): Promise<string | null> {
  const response = await fetch(`${origin}/trpc/session.me`, { headers: { cookie } });
  const body = (await response.json()) as { result?: { data?: { userId: string | null } } };
  return body.result?.data?.userId ?? null;
}

describe.each(runs)('two example-app processes on $name', ({ open }) => {
  let backend: BackendEnv;
  let a: AppProcess;
  let b: AppProcess;
  beforeAll(async () => {
    backend = await open();
    // Started together: both migrate and seed the same database at once.
    [a, b] = await Promise.all([startAppProcess(server!.path, backend.env), startAppProcess(server!.path, backend.env)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await backend?.cleanup();
  });

  it('listen on two ports', () => {
    expect(a.url).not.toBe(b.url);
  });

  it('sign in on one process, use the session on the other (both faces)', async () => {
    const browser = sharedJar();
    await browser.trpc(a.url).session.login.mutate({ username: 'alice', password: 'alice-password' });
    expect((await browser.trpc(b.url).session.me.query()).userId).toBe('user-alice');
    await browser.trpc(b.url).cart.add.mutate({ item: 'from-b' });
    const { data } = await browser.graphql<{ cart: string[]; session: { userId: string } }>(a.url, '{ cart session { userId } }');
    expect(data).toEqual({ cart: ['from-b'], session: { userId: 'user-alice' } });
  });

  it('a logout on one process rejects a copy of the cookie on the other at once', async () => {
    const browser = sharedJar();
    await browser.trpc(b.url).session.login.mutate({ username: 'bob', password: 'bob-password' });
    const copied = await browser.cookies(a.url);
    expect(await whoIsCookie(a.url, copied)).toBe('user-bob');
    await browser.trpc(b.url).session.logout.mutate();
    expect(await whoIsCookie(a.url, copied)).toBeNull();
    expect(await whoIsCookie(b.url, copied)).toBeNull();
  });

  it('a revocation on one process ends the session on the other at once', async () => {
    const phone = sharedJar({ userAgent: 'Phone' });
    const laptop = sharedJar({ userAgent: 'Laptop' });
    const tablet = sharedJar({ userAgent: 'Tablet' });
    await phone.trpc(a.url).session.login.mutate({ username: 'bob', password: 'bob-password' });
    await tablet.trpc(a.url).session.login.mutate({ username: 'bob', password: 'bob-password' });
    const me = await laptop.trpc(b.url).session.login.mutate({ username: 'bob', password: 'bob-password' });
    // Read on both processes first, so a cache (if any) holds every session before the revocations.
    for (const origin of [a.url, b.url]) for (const device of [phone, tablet]) expect((await device.trpc(origin).session.me.query()).userId).toBe('user-bob');

    const listed = await laptop.trpc(a.url).session.list.query();
    const phoneId = listed.find((item) => item.userAgent === 'Phone')?.id ?? '';
    await laptop.trpc(a.url).session.revoke.mutate({ id: phoneId });
    expect((await phone.trpc(b.url).session.me.query()).userId).toBeNull();
    expect((await tablet.trpc(b.url).session.me.query()).userId).toBe('user-bob');

    expect(await laptop.trpc(b.url).session.revokeOthers.mutate()).toBe(1);
    expect((await tablet.trpc(a.url).session.me.query()).userId).toBeNull();
    expect((await laptop.trpc(a.url).session.me.query()).id).toBe(me.id);
  });

  it('concurrent writes to different keys from both processes all persist', async () => {
    const browser = sharedJar();
    await browser.trpc(a.url).cart.add.mutate({ item: 'seed' });
    const origins = [a.url, b.url];
    await Promise.all([
      browser.trpc(a.url).preferences.set.mutate({ key: 'theme', value: 'dark' }),
      browser.trpc(b.url).preferences.set.mutate({ key: 'language', value: 'fr' }),
      browser.trpc(a.url).preferences.set.mutate({ key: 'currency', value: 'EUR' }),
      ...Array.from({ length: 6 }, (_, i) => browser.trpc(origins[i % 2]!).cart.add.mutate({ item: `x${i}` })),
    ]);
    for (const origin of origins) expect(await browser.trpc(origin).preferences.get.query()).toEqual({ theme: 'dark', language: 'fr', currency: 'EUR' });
  });

  it('concurrent cart adds (update) from both processes all persist', async () => {
    const browser = sharedJar();
    await browser.trpc(b.url).cart.add.mutate({ item: 'seed' });
    const items = Array.from({ length: 24 }, (_, i) => `item-${i}`);
    await Promise.all(
      items.map((item, i) =>
        i % 3 === 2 ? browser.graphql(i % 2 ? a.url : b.url, 'mutation($item: String!) { addToCart(item: $item) }', { item }) : browser.trpc(i % 2 ? a.url : b.url).cart.add.mutate({ item }),
      ),
    );
    for (const origin of [a.url, b.url]) expect([...(await browser.trpc(origin).cart.get.query())].sort()).toEqual(['seed', ...items].sort());
  });

  it('neither process logged an error', () => {
    expect(a.stderr() + b.stderr()).toBe('');
  });
});
