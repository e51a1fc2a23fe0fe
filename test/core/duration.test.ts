import { describe, expect, it } from 'vitest';
import { memoryRateLimiter, SessionError, type Duration } from '../../src/index.js';
import { durationToMs } from '../../src/core/duration.js';
import { cookieFrom, get, harness, post, roundTrip } from '../helpers/engine.js';

function configError(run: () => unknown): SessionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SessionError);
    return error as SessionError;
  }
  throw new Error('expected a configuration error');
}

describe('Duration: milliseconds or a string with a unit, parsed once into milliseconds', () => {
  it.each<[Duration, number]>([
    ['500ms', 500],
    [1500, 1500],
    [0.5, 0.5],
    ['1.5s', 1500],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['14d', 14 * 86_400_000],
  ])('%j is %d ms', (value, ms) => {
    expect(durationToMs(value, 'idleTimeout')).toBe(ms);
  });

  it.each<[string, unknown]>([
    ['zero', 0],
    ['a negative number', -1],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['an unknown unit', '1w'],
    ['a string without a unit', '10'],
    ['a zero string', '0s'],
    ['a negative string', '-5s'],
    ['spaces', '15 m'],
    ['an exponent', '1e3ms'],
    ['a non-duration', null],
  ])('%s throws INVALID_CONFIG naming the option', (_name, value) => {
    const error = configError(() => durationToMs(value as Duration, 'rotationGrace'));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain('rotationGrace');
  });
});

describe('sub-second durations are honoured exactly (injected clock)', () => {
  it('idleTimeout: 1500 — idle 1.4 s alive, idle 1.6 s gone', async () => {
    const { sessions, clock } = harness({ idleTimeout: 1500 });
    const a = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('a', 1)));
    const b = cookieFrom(await roundTrip(sessions, post(), (s) => s.set('b', 1)));
    clock.advance(1.4);
    expect((await sessions.load(post(a))).get('a')).toBe(1);
    clock.advance(0.2);
    expect((await sessions.load(post(b))).get('b')).toBeUndefined();
  });

  it("absoluteTimeout: '2.5s' — alive at 2.4 s despite activity, gone at 2.6 s; Max-Age is whole seconds, never 0", async () => {
    const { sessions, clock } = harness({ idleTimeout: 1500, absoluteTimeout: '2.5s' });
    const headers = await roundTrip(sessions, post(), (s) => s.set('a', 1));
    expect(headers.getSetCookie()[0]).toContain('Max-Age=2;');
    const cookie = cookieFrom(headers);
    for (let i = 0; i < 2; i++) {
      clock.advance(1);
      await roundTrip(sessions, get(cookie), (s) => void s.get('a')); // activity: the idle deadline moves on
    }
    clock.advance(0.4);
    expect((await sessions.load(get(cookie))).get('a')).toBe(1);
    clock.advance(0.2);
    expect((await sessions.load(post(cookie))).get('a')).toBeUndefined();
  });

  it("absoluteTimeout: '500ms' — the cookie gets Max-Age=1, not 0", async () => {
    const { sessions } = harness({ idleTimeout: 500, absoluteTimeout: '500ms' });
    const headers = await roundTrip(sessions, post(), (s) => s.set('a', 1));
    expect(headers.getSetCookie()[0]).toContain('Max-Age=1;');
  });

  it('rotationGrace: 1500 — the replaced secret works at 1.4 s, not at 1.6 s', async () => {
    const { sessions, clock } = harness({ rotationGrace: 1500 });
    const before = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('u1')));
    await roundTrip(sessions, post(before), (s) => s.rotate());
    clock.advance(1.4);
    expect((await sessions.load(post(before))).userId).toBe('u1');
    clock.advance(0.2);
    expect((await sessions.load(post(before))).userId).toBeNull();
  });

  it('requireRecentAuth(1500) — a sign-in 1.4 s old passes, 1.6 s old needs a new one', async () => {
    const { sessions, clock } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('u1')));
    clock.advance(1.4);
    expect((await sessions.load(post(cookie))).requireRecentAuth(1500)).toBeUndefined();
    clock.advance(0.2);
    const session = await sessions.load(post(cookie));
    expect(() => session.requireRecentAuth(1500)).toThrow(expect.objectContaining({ code: 'REAUTH_REQUIRED' }));
  });

  it("memoryRateLimiter({ window: '500ms' }) — counts per 500 ms window and resets after it", () => {
    let now = Date.UTC(2026, 0, 1, 0, 0, 0, 100);
    const limiter = memoryRateLimiter({ limit: 1, window: '500ms', clock: () => new Date(now) });
    const attempt = { kind: 'create' as const, clientAddress: '192.0.2.1' };
    expect([limiter(attempt), limiter(attempt)]).toEqual([true, false]);
    now += 399; // 499 ms into the window [0, 500)
    expect(limiter(attempt)).toBe(false);
    now += 1; // the next window
    expect([limiter(attempt), limiter(attempt)]).toEqual([true, false]);
    now += 250;
    expect(limiter(attempt)).toBe(false);
    now += 250;
    expect(limiter(attempt)).toBe(true);
  });

  it('memoryRateLimiter with a bad limit or window throws INVALID_CONFIG naming it', () => {
    expect(configError(() => memoryRateLimiter({ limit: 0 }))).toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringContaining('limit') });
    expect(configError(() => memoryRateLimiter({ limit: 1, window: 0 }))).toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringContaining('window') });
  });
});
