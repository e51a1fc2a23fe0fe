import { describe, expect, it } from 'vitest';
import { memoryRateLimiter, memoryStore, SessionError, type RateLimitAttempt } from '../../src/index.js';
import { countingStore } from '../helpers/store-probes.js';
import { cookieFrom, harness, post, roundTrip } from '../helpers/engine.js';

describe('maxSessionsPerUser (oldest-first eviction)', () => {
  it('a sign-in beyond the cap ends the oldest sessions, never the new one', async () => {
    const { sessions, clock } = harness({ maxSessionsPerUser: 2 });
    const first = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('alice')));
    clock.advance(1);
    const second = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('alice')));
    clock.advance(1);
    const third = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('alice')));
    expect((await sessions.load(post(first))).userId).toBeNull();
    expect((await sessions.load(post(second))).userId).toBe('alice');
    expect((await sessions.load(post(third))).userId).toBe('alice');
    expect(await sessions.listSessions('alice')).toHaveLength(2);
  });

  it('control: without the cap all three stay signed in', async () => {
    const { sessions } = harness();
    for (let i = 0; i < 3; i++) await roundTrip(sessions, post(), (s) => s.login('alice'));
    expect(await sessions.listSessions('alice')).toHaveLength(3);
  });

  it('two simultaneous sign-ins under the cap keep the newer one signed in, never neither', async () => {
    // Both sign-ins are stored before either lists the user's sessions: each sees the other.
    const base = memoryStore();
    let waiting: (() => void)[] = [];
    let listings = 0;
    const store = {
      ...base,
      async listByUser(userId: string) {
        listings++;
        if (listings <= 2) {
          await new Promise<void>((resolve) => {
            waiting.push(resolve);
            if (waiting.length === 2) for (const release of waiting.splice(0)) release();
          });
        }
        return base.listByUser(userId);
      },
    };
    const { sessions, clock } = harness({ store, maxSessionsPerUser: 1 });
    const [a, b] = await Promise.all([sessions.load(post()), sessions.load(post())]);
    a.login('alice');
    clock.advance(1);
    b.login('alice'); // the newer sign-in
    await Promise.all([sessions.commit(a), sessions.commit(b)]);
    waiting = [];
    expect(listings).toBe(2);
    const alive = (await sessions.listSessions('alice')).map((summary) => summary.id);
    expect(alive).toEqual([b.id]);
    expect(alive).not.toContain(a.id);
  });

  it('other users are not affected', async () => {
    const { sessions } = harness({ maxSessionsPerUser: 1 });
    const bob = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('bob')));
    await roundTrip(sessions, post(), (s) => s.login('alice'));
    await roundTrip(sessions, post(), (s) => s.login('alice'));
    expect((await sessions.load(post(bob))).userId).toBe('bob');
  });
});

describe('requireRecentAuth (step-up)', () => {
  it('passes within the window, REAUTH_REQUIRED after it, UNAUTHENTICATED without a user', async () => {
    const { sessions, clock } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('alice')));
    await expect(sessions.load(post(cookie)).then((s) => s.requireRecentAuth('10m'))).resolves.toBeUndefined();
    clock.advance(601);
    await expect(sessions.load(post(cookie)).then((s) => s.requireRecentAuth('10m'))).rejects.toMatchObject({ code: 'REAUTH_REQUIRED' });
    await expect(sessions.load(post()).then((s) => s.requireRecentAuth('10m'))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('signing in again restores the right', async () => {
    const { sessions, clock } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('alice')));
    clock.advance(3600);
    const again = cookieFrom(await roundTrip(sessions, post(cookie), (s) => s.login('alice')));
    await expect(sessions.load(post(again)).then((s) => s.requireRecentAuth('10m'))).resolves.toBeUndefined();
  });
});

describe('rate limit hook', () => {
  it('is asked about anonymous session creation with the client address, and can refuse it', async () => {
    const attempts: RateLimitAttempt[] = [];
    const { sessions } = harness({ rateLimit: (attempt) => (attempts.push(attempt), attempts.length <= 2), trustProxy: 1 });
    const headers = { 'x-forwarded-for': '203.0.113.9' };
    await roundTrip(sessions, post(null, headers), (s) => s.set('a', 1));
    await roundTrip(sessions, post(null, headers), (s) => s.set('a', 1));
    await expect(roundTrip(sessions, post(null, headers), (s) => s.set('a', 1))).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(attempts[0]).toEqual({ kind: 'create', clientAddress: '203.0.113.9' });
  });

  it('reads the client address only from trusted hops: a spoofed X-Forwarded-For is ignored without trustProxy', async () => {
    const attempts: RateLimitAttempt[] = [];
    const { sessions } = harness({ rateLimit: (attempt) => (attempts.push(attempt), true) });
    const session = await sessions.load(post(null, { 'x-forwarded-for': '198.51.100.1' }), { clientAddress: '203.0.113.9' });
    session.set('a', 1);
    await sessions.commit(session);
    expect(attempts[0]?.clientAddress).toBe('203.0.113.9');
  });

  it('is asked about well-formed but wrong tokens, not about malformed ones (those cost nothing)', async () => {
    const attempts: RateLimitAttempt[] = [];
    const counted = countingStore(memoryStore());
    const { sessions } = harness({ store: counted.store, rateLimit: (attempt) => (attempts.push(attempt), false) });
    await sessions.load(post('sid=garbage'), { clientAddress: '203.0.113.9' });
    expect(attempts).toEqual([]);
    await expect(sessions.load(post(`sid=${'A'.repeat(22)}.${'B'.repeat(43)}`), { clientAddress: '203.0.113.9' })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(attempts.map((a) => a.kind)).toEqual(['invalid-token']);
  });

  it('signing in is never rate limited as creation (only anonymous creation is)', async () => {
    const { sessions } = harness({ rateLimit: () => false });
    const headers = await roundTrip(sessions, post(), (s) => s.login('alice'));
    expect(cookieFrom(headers)).not.toBeNull();
  });

  it('memoryRateLimiter allows `limit` per window and client, then resets', () => {
    let now = 0;
    const limiter = memoryRateLimiter({ limit: 2, window: '1m', clock: () => new Date(now) });
    const attempt = { kind: 'create' as const, clientAddress: '192.0.2.1' };
    expect([limiter(attempt), limiter(attempt), limiter(attempt)]).toEqual([true, true, false]);
    expect(limiter({ ...attempt, clientAddress: '192.0.2.2' })).toBe(true);
    now += 60_000;
    expect(limiter(attempt)).toBe(true);
    expect(() => memoryRateLimiter({ limit: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });
});

describe('Clear-Site-Data on logout', () => {
  it('is sent with the logout response when configured, and only then', async () => {
    const { sessions } = harness({ clearSiteDataOnLogout: ['cache', 'storage'] });
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('alice')));
    const other = await roundTrip(sessions, post(cookie), (s) => s.set('a', 1));
    expect(other.get('clear-site-data')).toBeNull();
    const headers = await roundTrip(sessions, post(cookie), (s) => s.logout());
    expect(headers.get('clear-site-data')).toBe('"cache", "storage"');
  });

  it('is off by default', async () => {
    const { sessions } = harness();
    const cookie = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('alice')));
    const headers = await roundTrip(sessions, post(cookie), (s) => s.logout());
    expect(headers.get('clear-site-data')).toBeNull();
  });

  it('rejects unknown directives at construction', () => {
    expect(() => harness({ clearSiteDataOnLogout: ['everything' as never] })).toThrow(SessionError);
  });
});

describe('rate limits never pool clients whose address is unknown into one bucket', () => {
  const invalid = (i: number) => `sid=${String(i).padStart(22, 'A')}.${'B'.repeat(43)}`;

  it('fetch requests without an address: one client spraying wrong tokens does not lock anyone out; each is counted', async () => {
    const events: string[] = [];
    const { sessions } = harness({ rateLimit: memoryRateLimiter({ limit: 3 }), onEvent: (event) => events.push(event.type) });
    for (let i = 0; i < 10; i++) await sessions.load(post(invalid(i)), { operation: 'read' });
    // Another visitor (also without a known address) still gets a session.
    const visitor = await sessions.load(post());
    visitor.set('a', 1);
    await expect(sessions.commit(visitor)).resolves.toBeUndefined();
    expect(events.filter((type) => type === 'unlimited').length).toBe(11);
  });

  it('control: with the address known (open(request, { clientAddress })), the sprayer is limited and the other client is not', async () => {
    const { sessions } = harness({ rateLimit: memoryRateLimiter({ limit: 3 }) });
    const load = (cookie: string | null, clientAddress: string) => sessions.open(post(cookie), { clientAddress }).run('read', (s) => s.userId);
    for (let i = 0; i < 3; i++) await load(invalid(i), '203.0.113.7');
    await expect(load(invalid(99), '203.0.113.7')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(load(invalid(98), '198.51.100.2')).resolves.toBeNull();
  });
});
