import { describe, expect, it } from 'vitest';
import { attackBackends, attackEnvironment, cookieOf, pagePost, visitor, whoIs, type AttackApp } from './attack-kit.js';

const backends = await attackBackends();
const DAY = 86_400;

describe.each(backends)('timeouts and revocation on $name', (backend) => {
  const env = attackEnvironment(backend);

  async function signedIn(current: AttackApp, username = 'alice'): Promise<string> {
    const user = visitor(current);
    await user.trpc.session.login.mutate({ username, password: `${username}-password` });
    return cookieOf(user);
  }

  it('idle expiry: a stolen cookie unused for 14 days is anonymous', async () => {
    const app = await env.start();
    const cookie = await signedIn(app);
    app.clock.advance(14 * DAY);
    expect(await whoIs(app, cookie)).toBeNull();
  });

  it('control: with a 30-day idle timeout the same cookie still works after 14 days', async () => {
    const app = await env.start({ sessions: { idleTimeout: '30d', absoluteTimeout: '60d' } });
    const cookie = await signedIn(app);
    app.clock.advance(14 * DAY);
    expect(await whoIs(app, cookie)).toBe('user-alice');
  });

  async function usedDailyFor(current: AttackApp, days: number): Promise<string | null> {
    const cookie = await signedIn(current);
    for (let day = 0; day < days; day++) {
      current.clock.advance(DAY);
      await whoIs(current, cookie);
    }
    return whoIs(current, cookie);
  }

  it('absolute expiry: a session used every day still ends 30 days after sign-in', async () => {
    const app = await env.start();
    expect(await usedDailyFor(app, 30)).toBeNull();
  });

  it('control: with a 60-day absolute timeout the daily-used session is alive at day 30', async () => {
    const app = await env.start({ sessions: { absoluteTimeout: '60d' } });
    expect(await usedDailyFor(app, 30)).toBe('user-alice');
  });

  it("password change ends the user's other sessions; this one continues on a new token", async () => {
    const app = await env.start();
    const other = await signedIn(app, 'bob');
    const here = visitor(app);
    await here.trpc.session.login.mutate({ username: 'bob', password: 'bob-password' });
    const before = await cookieOf(here);
    await here.trpc.account.changePassword.mutate({ currentPassword: 'bob-password', newPassword: 'bob-password-2' });
    expect(await whoIs(app, other)).toBeNull();
    expect(await whoIs(app, before)).toBeNull();
    expect(await whoIs(app, await cookieOf(here))).toBe('user-bob');
    await app.users.changePassword('user-bob', 'bob-password-2', 'bob-password');
  });

  it('control: a password change that does not re-authenticate leaves the other session signed in', async () => {
    const app = await env.start();
    const other = await signedIn(app, 'bob');
    await app.users.changePassword('user-bob', 'bob-password', 'bob-password-2');
    expect(await whoIs(app, other)).toBe('user-bob');
    await app.users.changePassword('user-bob', 'bob-password-2', 'bob-password');
  });

  it("listing shows only my sessions, and revoking someone else's id does nothing (false in both faces)", async () => {
    const app = await env.start();
    const alice = visitor(app);
    await alice.trpc.session.login.mutate({ username: 'alice', password: 'alice-password' });
    const aliceId = (await alice.trpc.session.me.query()).id as string;
    const mallory = visitor(app);
    await mallory.trpc.session.login.mutate({ username: 'bob', password: 'bob-password' });
    const listed = await mallory.trpc.session.list.query();
    expect(listed.map((s) => s.id)).not.toContain(aliceId);
    expect(await mallory.trpc.session.revoke.mutate({ id: aliceId })).toBe(false);
    const viaGraphql = await mallory.graphql<{ revokeSession: boolean }>('mutation($id: ID!) { revokeSession(id: $id) }', { id: aliceId });
    expect(viaGraphql.data?.revokeSession).toBe(false);
    expect((await alice.trpc.session.me.query()).userId).toBe('user-alice');
  });

  it("control: the same id revoked without the ownership check ends alice's session", async () => {
    const app = await env.start();
    const alice = visitor(app);
    await alice.trpc.session.login.mutate({ username: 'alice', password: 'alice-password' });
    const aliceId = (await alice.trpc.session.me.query()).id as string;
    expect(await app.sessions.revokeSession(aliceId)).toBe(true);
    expect((await alice.trpc.session.me.query()).userId).toBeNull();
  });

  it('revoking my other device signs it out on its next request', async () => {
    const app = await env.start();
    const phone = visitor(app, { userAgent: 'Phone' });
    const laptop = visitor(app, { userAgent: 'Laptop' });
    await phone.trpc.session.login.mutate({ username: 'alice', password: 'alice-password' });
    await laptop.trpc.session.login.mutate({ username: 'alice', password: 'alice-password' });
    const rows = await laptop.trpc.session.list.query();
    expect(rows.filter((row) => row.current).map((row) => row.userAgent)).toEqual(['Laptop']);
    const phoneRow = rows.find((row) => row.userAgent === 'Phone');
    expect(phoneRow?.current).toBe(false);
    await laptop.trpc.session.revoke.mutate({ id: phoneRow!.id });
    const next = await pagePost(app, '/trpc/cart.add', { item: 'x' }, await cookieOf(phone));
    expect(next.status).toBe(200);
    expect((await phone.trpc.session.me.query()).userId).toBeNull();
  });
});
