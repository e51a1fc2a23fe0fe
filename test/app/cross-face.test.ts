import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, visitor } from '../helpers/example-app.js';

type SessionInfo = { session: { id: string | null; userId: string | null; authenticatedAt: string | null; expiresAt: string | null } };

describe('one session, two faces: tRPC and GraphQL in the example app', () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('GET /healthz answers 200', async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(200);
  });

  it('serves the web page with a strict content security policy', async () => {
    const response = await fetch(`${app.url}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('tessera');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('sign in through tRPC, read the session through GraphQL with the same cookie', async () => {
    const user = visitor(app);
    const signedIn = await user.trpc.session.login.mutate({ username: 'alice', password: 'alice-password' });
    expect(signedIn.userId).toBe('user-alice');
    const { data } = await user.graphql<SessionInfo>('{ session { id userId authenticatedAt expiresAt } }');
    expect(data?.session).toEqual(signedIn);
  });

  it('sign in through GraphQL, read the session through tRPC', async () => {
    const user = visitor(app);
    const { data } = await user.graphql<{ login: SessionInfo['session'] }>('mutation($input: LoginInput!) { login(input: $input) { id userId authenticatedAt expiresAt } }', {
      input: { username: 'bob', password: 'bob-password' },
    });
    expect(data?.login.userId).toBe('user-bob');
    expect(await user.trpc.session.me.query()).toEqual(data?.login);
  });

  it('sign out through one face and be anonymous in the other, both ways', async () => {
    const viaTrpc = visitor(app);
    await viaTrpc.trpc.session.login.mutate({ username: 'alice', password: 'alice-password' });
    await viaTrpc.trpc.session.logout.mutate();
    expect((await viaTrpc.graphql<SessionInfo>('{ session { userId } }')).data?.session.userId).toBeNull();

    const viaGraphql = visitor(app);
    await viaGraphql.graphql('mutation($input: LoginInput!) { login(input: $input) { userId } }', { input: { username: 'alice', password: 'alice-password' } });
    expect((await viaGraphql.trpc.session.me.query()).userId).toBe('user-alice');
    expect((await viaGraphql.graphql<{ logout: boolean }>('mutation { logout }')).data?.logout).toBe(true);
    expect((await viaGraphql.trpc.session.me.query()).userId).toBeNull();
  });

  it('the cart is one: added through tRPC, listed through GraphQL, kept through sign-in', async () => {
    const user = visitor(app);
    await user.trpc.cart.add.mutate({ item: 'apple' });
    await user.graphql('mutation { addToCart(item: "pear") }');
    expect((await user.graphql<{ cart: string[] }>('{ cart }')).data?.cart).toEqual(['apple', 'pear']);
    await user.trpc.session.login.mutate({ username: 'bob', password: 'bob-password' });
    expect(await user.trpc.cart.get.query()).toEqual(['apple', 'pear']);
  });

  it('concurrent cart adds from both faces all persist', async () => {
    const user = visitor(app);
    await user.trpc.cart.add.mutate({ item: 'seed' });
    await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => user.trpc.cart.add.mutate({ item: `t${i}` })),
      ...Array.from({ length: 5 }, (_, i) => user.graphql(`mutation { addToCart(item: "g${i}") }`)),
    ]);
    const cart = (await user.graphql<{ cart: string[] }>('{ cart }')).data?.cart ?? [];
    expect([...cart].sort()).toEqual(['g0', 'g1', 'g2', 'g3', 'g4', 'seed', 't0', 't1', 't2', 't3', 't4']);
  });

  it('wrong credentials are UNAUTHORIZED in tRPC and UNAUTHENTICATED in GraphQL', async () => {
    const user = visitor(app);
    await expect(user.trpc.session.login.mutate({ username: 'alice', password: 'nope' })).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    const { errors } = await user.graphql('mutation($input: LoginInput!) { login(input: $input) { userId } }', { input: { username: 'alice', password: 'nope' } });
    expect(errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('a password change (GraphQL) ends the other devices and keeps this one on a new token (tRPC sees it)', async () => {
    const phone = visitor(app, { userAgent: 'Phone' });
    const laptop = visitor(app, { userAgent: 'Laptop' });
    await phone.trpc.session.login.mutate({ username: 'bob', password: 'bob-password' });
    await laptop.graphql('mutation($input: LoginInput!) { login(input: $input) { userId } }', { input: { username: 'bob', password: 'bob-password' } });
    const before = await laptop.sid();
    const { data, errors } = await laptop.graphql<{ changePassword: boolean }>('mutation { changePassword(currentPassword: "bob-password", newPassword: "bob-password-2") }');
    expect(errors).toBeUndefined();
    expect(data?.changePassword).toBe(true);
    expect(await laptop.sid()).not.toBe(before);
    expect((await laptop.trpc.session.me.query()).userId).toBe('user-bob');
    expect((await phone.trpc.session.me.query()).userId).toBeNull();
    // and back, through tRPC
    await phone.trpc.session.login.mutate({ username: 'bob', password: 'bob-password-2' });
    await laptop.trpc.account.changePassword.mutate({ currentPassword: 'bob-password-2', newPassword: 'bob-password' });
    expect((await phone.graphql<SessionInfo>('{ session { userId } }')).data?.session.userId).toBeNull();
    expect((await laptop.graphql<SessionInfo>('{ session { userId } }')).data?.session.userId).toBe('user-bob');
  });
});
