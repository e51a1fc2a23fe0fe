import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/index.js';
import { countingStore } from '../helpers/store-probes.js';
import { cookieFrom, get, harness, post, roundTrip } from '../helpers/engine.js';

const DAY = 86_400;

// Ports of Django's expiry tests (§7.4), with tessera's separate idle and absolute deadlines.
describe('idle and absolute timeouts', () => {
  it('defaults: 14 days idle, 30 days absolute; Max-Age is the absolute deadline', async () => {
    const { sessions, clock } = harness();
    const headers = await roundTrip(sessions, post(), (s) => s.set('a', 1));
    expect(headers.getSetCookie()[0]).toContain(`Max-Age=${30 * DAY}`);
    const session = await sessions.load(post(cookieFrom(headers)));
    expect(session.expiresAt?.getTime()).toBe(clock.now().getTime() + 14 * DAY * 1000);
  });

  it('an idle session expires server-side after the idle timeout', async () => {
    const { sessions, clock } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('a', 1)));
    clock.advance(14 * DAY - 1);
    expect((await sessions.load(post(cookie))).get('a')).toBe(1);
    clock.advance(1);
    expect((await sessions.load(post(cookie))).get('a')).toBeUndefined();
  });

  it('activity extends the idle deadline but never past the absolute one', async () => {
    const { sessions, clock } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('a', 1)));
    for (let day = 0; day < 29; day++) {
      clock.advance(DAY);
      await roundTrip(sessions, get(cookie), (s) => void s.get('a'));
    }
    expect((await sessions.load(get(cookie))).get('a')).toBe(1);
    clock.advance(DAY);
    expect((await sessions.load(get(cookie))).get('a')).toBeUndefined();
  });

  it('the touch is throttled to min(1 h, idle / 10) and needs no cookie', async () => {
    const counted = countingStore(memoryStore());
    const { sessions, clock } = harness({ store: counted.store });
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('a', 1)));
    counted.reset();
    clock.advance(59 * 60);
    await roundTrip(sessions, get(cookie), (s) => void s.get('a'));
    expect(counted.calls.touch).toBe(0);
    clock.advance(60);
    const headers = await roundTrip(sessions, get(cookie), (s) => void s.get('a'));
    expect(counted.calls.touch).toBe(1);
    expect(headers.getSetCookie()).toEqual([]);
    await roundTrip(sessions, get(cookie), (s) => void s.get('a'));
    expect(counted.calls.touch).toBe(1);
  });

  it('short idle timeouts throttle the touch at a tenth of the idle timeout', async () => {
    const counted = countingStore(memoryStore());
    const { sessions, clock } = harness({ store: counted.store, idleTimeout: '15m', absoluteTimeout: '12h' });
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('a', 1)));
    counted.reset();
    clock.advance(89);
    await roundTrip(sessions, get(cookie), () => {});
    expect(counted.calls.touch).toBe(0);
    clock.advance(1);
    await roundTrip(sessions, get(cookie), () => {});
    expect(counted.calls.touch).toBe(1);
  });

  it('login restarts the absolute timeout', async () => {
    const { sessions, clock } = harness();
    const anonymous = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('a', 1)));
    clock.advance(10 * DAY);
    const headers = await roundTrip(sessions, post(anonymous), (s) => s.login('alice'));
    expect(headers.getSetCookie()[0]).toContain(`Max-Age=${30 * DAY}`);
  });

  it('setExpiry shortens a session (custom expiry) and null restores the default', async () => {
    const { sessions, clock } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('a', 1)));
    const soon = new Date(clock.now().getTime() + 10_000);
    const headers = await roundTrip(sessions, post(cookie), (s) => s.setExpiry(soon));
    expect(headers.getSetCookie()[0]).toContain('Max-Age=10');
    clock.advance(10);
    expect((await sessions.load(post(cookie))).get('a')).toBeUndefined();
  });

  it('setExpiry(null) after a shortening restores the default absolute deadline', async () => {
    const { sessions, clock } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('a', 1)));
    const soon = new Date(clock.now().getTime() + 10_000);
    await roundTrip(sessions, post(cookie), (s) => s.setExpiry(soon));
    const restored = await roundTrip(sessions, post(cookie), (s) => s.setExpiry(null));
    expect(restored.getSetCookie()[0]).toContain(`Max-Age=${30 * DAY}`);
    clock.advance(11);
    expect((await sessions.load(post(cookie))).get('a')).toBe(1);
  });

  it('a stale touch cannot carry a session past a deadline that setExpiry() shortened meanwhile', async () => {
    const { sessions, clock } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('a', 1)));
    clock.advance(2 * 3600); // the throttled touch is due for whoever loads now
    const stale = await sessions.load(post(cookie));
    stale.get('a');
    const soon = new Date(clock.now().getTime() + 10_000);
    await roundTrip(sessions, post(cookie), (s) => s.setExpiry(soon));
    await sessions.commit(stale); // its touch writes an idle deadline computed from its old record
    clock.advance(11);
    expect((await sessions.load(post(cookie))).get('a')).toBeUndefined();
  });

  it('setExpiry can never extend a session beyond the absolute timeout', async () => {
    const { sessions } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('a', 1)));
    const headers = await roundTrip(sessions, post(cookie), (s) => s.setExpiry(new Date(Date.UTC(2030, 0, 1))));
    expect(headers.getSetCookie()[0]).toContain(`Max-Age=${30 * DAY}`);
  });

  it('an expired record is deleted when a load finds it (actual expiry)', async () => {
    const { sessions, store, clock } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('a', 1)));
    const id = (await sessions.load(post(cookie))).id as string;
    clock.advance(15 * DAY);
    await sessions.load(post(cookie));
    expect(await store.get(id)).toBeNull();
  });

  it('an expired record is neither deleted nor reported for a client that knows only its public id', async () => {
    const events: string[] = [];
    const { sessions, store, clock } = harness({ onEvent: (event) => events.push(event.type) });
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('a', 1))) as string;
    const id = (await sessions.load(post(cookie))).id as string;
    clock.advance(15 * DAY);
    // The public id with a made-up secret: the secret is checked before expiry is acted on.
    await sessions.load(post(`${cookie.slice(0, cookie.indexOf('.') + 1)}${'Z'.repeat(43)}`));
    expect(await store.get(id)).not.toBeNull();
    expect(events).not.toContain('expired');
    // Control: the holder of the secret gets the record deleted and the event emitted.
    await sessions.load(post(cookie));
    expect(await store.get(id)).toBeNull();
    expect(events).toContain('expired');
  });

  it('profiles.aal3 ends a session after 15 idle minutes', async () => {
    const { sessions, clock } = harness({ idleTimeout: '15m', absoluteTimeout: '12h' });
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('alice')));
    clock.advance(15 * 60);
    expect((await sessions.load(post(cookie))).userId).toBeNull();
  });
});

describe('profile controls', () => {
  it('control: with the default 14-day idle timeout a session idle for 15 minutes is alive', async () => {
    const { sessions, clock } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('alice')));
    clock.advance(15 * 60);
    expect((await sessions.load(post(cookie))).userId).toBe('alice');
  });
});
