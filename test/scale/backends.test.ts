import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvironment } from '../../examples/fullstack/src/environment.js';
import { startServer, type RunningApp } from '../../examples/fullstack/src/server.js';
import { backendMatrix, type Backend, type BackendEnv } from '../helpers/backends.js';
import { sharedJar } from '../helpers/shared-jar.js';

/** The backends with a server-side store: they list, revoke and merge concurrent writes. */
const serverSide: Backend[] = await backendMatrix(['sqlite', 'postgres', 'mariadb', 'redis', 'cached']);

const silent = () => {};

describe('the example app reads its backend from the environment', () => {
  it.each([
    [{ DATABASE_URL: 'postgres://postgres@127.0.0.1/test' }, 'SESSION_SECRET is required when DATABASE_URL is set'],
    [{ REDIS_URL: 'redis://127.0.0.1:6379' }, 'SESSION_SECRET is required when REDIS_URL is set'],
    [{ SESSION_STORE: 'redis', SESSION_SECRET: 'x'.repeat(32) }, 'SESSION_STORE=redis needs REDIS_URL'],
    [{ SESSION_STORE: 'memcached', SESSION_SECRET: 'x'.repeat(32) }, 'SESSION_STORE must be one of kysely, redis, cached, cookie'],
  ])('refuses %o with one line', (env, message) => {
    const dataDir = `${process.env['TMPDIR'] ?? '/tmp'}/tessera-scale-env-${process.pid}`;
    expect(() => readEnvironment({ DATA_DIR: dataDir, ...env }, silent)).toThrowError(message);
    try {
      readEnvironment({ DATA_DIR: dataDir, ...env }, silent);
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('takes REDIS_URL alone as a cache in front of the database', () => {
    const environment = readEnvironment({ REDIS_URL: 'redis://127.0.0.1:6379', SESSION_SECRET: 'x'.repeat(32), DATA_DIR: `/tmp/tessera-scale-env-${process.pid}` }, silent);
    expect(environment.sessionStore).toBe('cached');
    expect(readEnvironment({ SESSION_SECRET: 'x'.repeat(32), DATA_DIR: `/tmp/tessera-scale-env-${process.pid}` }, silent).sessionStore).toBe('kysely');
  });
});

/** The app on `open()`'s backend, configured through the environment as `npm start` is, for one describe block. */
function appOn(open: Backend['open']): () => RunningApp {
  let backend: BackendEnv | undefined;
  let app: RunningApp | undefined;
  beforeAll(async () => {
    backend = await open();
    app = await startServer(readEnvironment({ ...backend.env, PORT: '0' }, silent), { graphiql: false });
  });
  afterAll(async () => {
    await app?.close();
    await backend?.cleanup();
  });
  return () => app!;
}

async function signInThroughBothFaces(app: RunningApp): Promise<void> {
  const browser = sharedJar();
  const signedIn = await browser.trpc(app.url).session.login.mutate({ username: 'alice', password: 'alice-password' });
  expect(signedIn.userId).toBe('user-alice');
  const { data } = await browser.graphql<{ session: { userId: string | null } }>(app.url, '{ session { userId } }');
  expect(data?.session.userId).toBe('user-alice');
  await browser.trpc(app.url).session.logout.mutate();
  expect((await browser.trpc(app.url).session.me.query()).userId).toBeNull();
}

describe.each(serverSide)('the example app on $name', ({ open }) => {
  const app = appOn(open);

  it('signs in through tRPC, reads the same session through GraphQL, signs out', () => signInThroughBothFaces(app()));

  it('keeps every cart item added concurrently through both faces', async () => {
    const browser = sharedJar();
    const url = app().url;
    await browser.trpc(url).cart.add.mutate({ item: 'seed' });
    await Promise.all([
      ...Array.from({ length: 4 }, (_, i) => browser.trpc(url).cart.add.mutate({ item: `t${i}` })),
      ...Array.from({ length: 4 }, (_, i) => browser.graphql(url, `mutation { addToCart(item: "g${i}") }`)),
    ]);
    expect([...(await browser.trpc(url).cart.get.query())].sort()).toEqual(['g0', 'g1', 'g2', 'g3', 'seed', 't0', 't1', 't2', 't3']);
  });

  it('lists and revokes the user’s sessions', async () => {
    const url = app().url;
    const phone = sharedJar({ userAgent: 'Phone' });
    const laptop = sharedJar({ userAgent: 'Laptop' });
    await phone.trpc(url).session.login.mutate({ username: 'bob', password: 'bob-password' });
    const me = await laptop.trpc(url).session.login.mutate({ username: 'bob', password: 'bob-password' });
    const listed = await laptop.trpc(url).session.list.query();
    expect(listed.map((item) => item.userAgent).sort()).toEqual(['Laptop', 'Phone']);
    const other = listed.find((item) => item.id !== me.id);
    await laptop.trpc(url).session.revoke.mutate({ id: other?.id ?? '' });
    expect((await phone.trpc(url).session.me.query()).userId).toBeNull();
    expect((await laptop.trpc(url).session.me.query()).userId).toBe('user-bob');
  });
});

const [cookies] = await backendMatrix(['cookie']);

describe('the example app on sealed cookies (SESSION_STORE=cookie)', () => {
  const app = appOn(cookies!.open);

  it('signs in through tRPC, reads the same session through GraphQL, signs out', () => signInThroughBothFaces(app()));

  it('keeps the cart in the cookie', async () => {
    const browser = sharedJar();
    await browser.trpc(app().url).cart.add.mutate({ item: 'apple' });
    await browser.graphql(app().url, 'mutation { addToCart(item: "pear") }');
    expect(await browser.trpc(app().url).cart.get.query()).toEqual(['apple', 'pear']);
  });

  it('answers listing and revoking with an error, in both faces: NOT_IMPLEMENTED (tRPC), a masked server error (GraphQL)', async () => {
    const browser = sharedJar();
    await browser.trpc(app().url).session.login.mutate({ username: 'bob', password: 'bob-password' });
    await expect(browser.trpc(app().url).session.list.query()).rejects.toMatchObject({ data: { code: 'NOT_IMPLEMENTED' } });
    const { errors } = await browser.graphql(app().url, '{ mySessions { id } }');
    expect(errors?.[0]?.message).toBe('Unexpected error.');
    expect((await browser.trpc(app().url).session.me.query()).userId).toBe('user-bob');
  });

  it('ends the other devices’ cookies at a password change (credential fingerprint)', async () => {
    const url = app().url;
    const phone = sharedJar();
    const laptop = sharedJar();
    await phone.trpc(url).session.login.mutate({ username: 'alice', password: 'alice-password' });
    await laptop.trpc(url).session.login.mutate({ username: 'alice', password: 'alice-password' });
    await laptop.trpc(url).account.changePassword.mutate({ currentPassword: 'alice-password', newPassword: 'alice-password-2' });
    expect((await phone.trpc(url).session.me.query()).userId).toBeNull();
    expect((await laptop.trpc(url).session.me.query()).userId).toBe('user-alice');
  });
});
