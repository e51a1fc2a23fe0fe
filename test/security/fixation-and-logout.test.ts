import type { Store } from 'tessera';
import { describe, expect, it } from 'vitest';
import { attackBackends, attackEnvironment, cookieOf, pagePost, visitor, whoIs, type AttackApp } from './attack-kit.js';
import { holdsNextUpdate, keepsOldSecrets, neverDeletes, noGraceWindow, upsertsOnUpdate } from './probes.js';

const backends = await attackBackends();

describe.each(backends)('session fixation, logout and rotation attacks on $name', (backend) => {
  const env = attackEnvironment(backend);

  async function plantedThenSignedIn(current: AttackApp): Promise<string> {
    const attacker = visitor(current);
    await attacker.trpc.cart.add.mutate({ item: 'bait' });
    const planted = await cookieOf(attacker);
    const victim = visitor(current);
    await victim.browser.jar.setCookie(`${planted}; Path=/`, current.url);
    await victim.trpc.session.login.mutate({ username: 'alice', password: 'alice-password' });
    expect(await cookieOf(victim)).not.toBe(planted);
    return planted;
  }

  it('session fixation: a planted anonymous token is dead after the victim signs in', async () => {
    const app = await env.start();
    const planted = await plantedThenSignedIn(app);
    expect(await whoIs(app, planted)).toBeNull();
  });

  it('control: without rotation at sign-in the planted token is signed in as the victim', async () => {
    const app = await env.start({ wrap: keepsOldSecrets });
    const planted = await plantedThenSignedIn(app);
    expect(await whoIs(app, planted)).toBe('user-alice');
  });

  async function replayAfterLogout(current: AttackApp): Promise<string | null> {
    const user = visitor(current);
    await user.trpc.session.login.mutate({ username: 'bob', password: 'bob-password' });
    const stolen = await cookieOf(user);
    await user.trpc.session.logout.mutate();
    expect(await user.sid()).toBeUndefined();
    return whoIs(current, stolen);
  }

  it('logout replay: a copied cookie is anonymous after logout (the record is deleted server-side)', async () => {
    const app = await env.start();
    expect(await replayAfterLogout(app)).toBeNull();
  });

  it('control: when logout only clears the browser cookie, the copy still works', async () => {
    const app = await env.start({ wrap: neverDeletes });
    expect(await replayAfterLogout(app)).toBe('user-bob');
  });

  async function logoutRacesSlowMutation(wrap?: (store: Store) => Store) {
    let hold!: ReturnType<typeof holdsNextUpdate>;
    const app = await env.start({ wrap: (store) => (hold = holdsNextUpdate(wrap ? wrap(store) : store)).store });
    const user = visitor(app);
    await user.trpc.session.login.mutate({ username: 'alice', password: 'alice-password' });
    const cookie = await cookieOf(user);
    // The first update after this point is the slow mutation's commit: hold it.
    const slow = pagePost(app, '/trpc/cart.add', { item: 'late' }, cookie);
    await hold.arrived;
    const logout = await pagePost(app, '/trpc/session.logout', {}, cookie);
    expect(logout.status).toBe(200);
    hold.release();
    return { slow: await slow, cookie, app };
  }

  it('a logout racing a slow mutation: the mutation gets 409 CONFLICT and the session is not resurrected', async () => {
    const { slow, cookie, app } = await logoutRacesSlowMutation();
    expect(slow.status).toBe(409);
    expect(await whoIs(app, cookie)).toBeNull();
  });

  it('control: with upserting saves the late mutation resurrects the logged-out session', async () => {
    const { slow, cookie, app } = await logoutRacesSlowMutation(upsertsOnUpdate);
    expect(slow.status).toBe(200);
    expect(await whoIs(app, cookie)).toBe('user-alice');
  });

  async function stampede(current: AttackApp) {
    const user = visitor(current);
    await user.trpc.session.login.mutate({ username: 'alice', password: 'alice-password' });
    const old = await cookieOf(user);
    const rotate = pagePost(current, '/trpc/session.rotate', {}, old);
    const readers = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0 ? whoIs(current, old) : pagePost(current, '/trpc/cart.add', { item: `item-${i}` }, old).then(async (r) => (r.status === 200 ? 'user-alice' : `status ${r.status}`)),
    );
    const rotated = await rotate;
    const results = await Promise.all(readers);
    const after = await Promise.all(Array.from({ length: 10 }, () => whoIs(current, old)));
    return { rotated, results, after, old };
  }

  it('rotation stampede: 50 parallel requests on the old token around a rotate: no 5xx, still signed in, and the grace token cannot rotate', async () => {
    const app = await env.start();
    const { rotated, results, after, old } = await stampede(app);
    expect(rotated.status).toBe(200);
    expect(results.every((result) => result === 'user-alice')).toBe(true);
    expect(after.every((result) => result === 'user-alice')).toBe(true);
    const again = await pagePost(app, '/trpc/session.rotate', {}, old);
    expect(again.status).toBe(409);
    app.clock.advance(31);
    expect(await whoIs(app, old)).toBeNull();
  });

  it('control: without a grace window the in-flight requests on the old token are signed out', async () => {
    const app = await env.start({ wrap: noGraceWindow });
    const { rotated, after } = await stampede(app);
    expect(rotated.status).toBe(200);
    expect(after.every((result) => result === null)).toBe(true);
  });
});
