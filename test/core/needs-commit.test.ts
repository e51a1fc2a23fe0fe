import { describe, expect, it } from 'vitest';
import { memoryStore, type SessionData } from '../../src/index.js';
import { countingStore } from '../helpers/store-probes.js';
import { manualClock } from '../helpers/clock.js';
import { cookieFrom, harness, post, roundTrip, SECRET, directCookieSessions, type DirectSessions } from '../helpers/engine.js';

/** The default throttle: a tenth of the 14-day idle timeout, capped at one hour. */
const TOUCH_INTERVAL_MS = 3_600_000;

/** A stored session with data, its cookie, and the store's call counts reset after it was made. */
async function stored() {
  const counted = countingStore(memoryStore());
  const h = harness({ store: counted.store });
  const cookie = cookieFrom(await roundTrip(h.sessions, post(), (s) => s.set('a', 1))) as string;
  const start = h.clock.now().getTime();
  counted.reset();
  return { ...h, counted, cookie, start };
}

async function headersOf(sessions: DirectSessions<SessionData>, session: Awaited<ReturnType<DirectSessions<SessionData>['load']>>, commit: boolean): Promise<[string, string][]> {
  const headers = new Headers();
  if (commit) await sessions.commit(session, headers);
  else sessions.writeHeaders(session, headers);
  return [...headers.entries()];
}

describe('needsCommit (server-side sessions)', () => {
  it('is false for an unchanged loaded session before the touch is due, and then a commit does no I/O', async () => {
    const { sessions, counted, cookie, clock, start } = await stored();
    clock.set(start + TOUCH_INTERVAL_MS - 1);
    const session = await sessions.load(post(cookie));
    session.get('a');
    expect(sessions.needsCommit(session)).toBe(false);
    counted.reset();
    await sessions.commit(session);
    expect(Object.values(counted.calls).every((n) => n === 0)).toBe(true);
  });

  it('is false for an empty anonymous session', async () => {
    const { sessions } = harness();
    const session = await sessions.load(post());
    session.get('anything');
    expect(sessions.needsCommit(session)).toBe(false);
  });

  it('false: writeHeaders alone gives the headers a commit would (Vary: Cookie, Cache-Control: no-store)', async () => {
    const { sessions, cookie } = await stored();
    const skipped = await sessions.load(post(cookie));
    skipped.get('a');
    expect(sessions.needsCommit(skipped)).toBe(false);
    const committed = await sessions.load(post(cookie));
    committed.get('a');
    const written = await headersOf(sessions, skipped, false);
    expect(written).toEqual(await headersOf(sessions, committed, true));
    expect(written).toEqual([
      ['cache-control', 'no-store'],
      ['vary', 'Cookie'],
    ]);
  });

  it('is true once the throttled touch is due (the boundary, with an injected clock)', async () => {
    const { sessions, counted, cookie, clock, start } = await stored();
    clock.set(start + TOUCH_INTERVAL_MS - 1);
    const early = await sessions.load(post(cookie));
    expect(sessions.needsCommit(early)).toBe(false);
    clock.set(start + TOUCH_INTERVAL_MS);
    expect(sessions.needsCommit(early)).toBe(true);
    const due = await sessions.load(post(cookie));
    expect(sessions.needsCommit(due)).toBe(true);
    counted.reset();
    await sessions.commit(due);
    expect(counted.calls.touch).toBe(1);
    expect(sessions.needsCommit(due)).toBe(false);
  });

  it('is true for a modification', async () => {
    const { sessions, cookie } = await stored();
    const session = await sessions.load(post(cookie));
    session.set('b', 2);
    expect(sessions.needsCommit(session)).toBe(true);
    await sessions.commit(session);
    expect(sessions.needsCommit(session)).toBe(false);
  });

  it('is true for a creation (data on an anonymous session)', async () => {
    const { sessions } = harness();
    const session = await sessions.load(post());
    session.set('a', 1);
    expect(sessions.needsCommit(session)).toBe(true);
    const headers = new Headers();
    await sessions.commit(session, headers);
    expect(cookieFrom(headers)).not.toBeNull();
    expect(sessions.needsCommit(session)).toBe(false);
  });

  it('is true for a new secret: a rotation and a sign-in', async () => {
    const { sessions, cookie } = await stored();
    const rotated = await sessions.load(post(cookie));
    rotated.rotate();
    expect(sessions.needsCommit(rotated)).toBe(true);
    const signedIn = await sessions.load(post(cookie));
    signedIn.login('u1');
    expect(sessions.needsCommit(signedIn)).toBe(true);
  });

  it('is true for pending deletions: a flush and a logout', async () => {
    const { sessions, cookie } = await stored();
    const flushed = await sessions.load(post(cookie));
    flushed.flush();
    expect(sessions.needsCommit(flushed)).toBe(true);
    const loggedOut = await sessions.load(post(cookie));
    loggedOut.logout();
    expect(sessions.needsCommit(loggedOut)).toBe(true);
    const headers = new Headers();
    await sessions.commit(loggedOut, headers);
    expect(headers.getSetCookie()[0]).toMatch(/Max-Age=0/);
    expect(sessions.needsCommit(loggedOut)).toBe(false);
  });

  it('is true while a commit of the session is still running, so a later commit queues behind it', async () => {
    const { sessions, cookie } = await stored();
    const session = await sessions.load(post(cookie));
    session.set('b', 2);
    const running = sessions.commit(session);
    expect(sessions.needsCommit(session)).toBe(true);
    await running;
    expect(sessions.needsCommit(session)).toBe(false);
  });

  it('is false again after a failed commit was rolled back', async () => {
    const { sessions, cookie } = await stored();
    const session = await sessions.load(post(cookie));
    session.set('huge', 'x'.repeat(1_000_000));
    expect(sessions.needsCommit(session)).toBe(true);
    await expect(sessions.commit(session)).rejects.toMatchObject({ code: 'DATA_TOO_LARGE' });
    expect(sessions.needsCommit(session)).toBe(false);
  });
});

describe('needsCommit (cookieSessions)', () => {
  function setUp() {
    const clock = manualClock();
    return { sessions: directCookieSessions({ secrets: [SECRET], clock: clock.now }), clock };
  }

  async function issued(sessions: DirectSessions<SessionData>): Promise<string> {
    const session = await sessions.load(post());
    session.set('a', 1);
    const headers = new Headers();
    await sessions.commit(session, headers);
    return cookieFrom(headers) as string;
  }

  it('is false for an unchanged session before the touch is due, true for a change', async () => {
    const { sessions } = setUp();
    const cookie = await issued(sessions);
    const session = await sessions.load(post(cookie));
    expect(sessions.needsCommit(session)).toBe(false);
    session.set('b', 2);
    expect(sessions.needsCommit(session)).toBe(true);
  });

  it('is true once the touch is due (a new cookie), unless the cookie can no longer be written', async () => {
    const { sessions, clock } = setUp();
    const start = clock.now().getTime();
    const cookie = await issued(sessions);
    clock.set(start + TOUCH_INTERVAL_MS - 1);
    const session = await sessions.load(post(cookie));
    expect(sessions.needsCommit(session)).toBe(false);
    clock.set(start + TOUCH_INTERVAL_MS);
    expect(sessions.needsCommit(session)).toBe(true);
    sessions.lockCookie(session);
    expect(sessions.needsCommit(session)).toBe(false);
  });

  it('is true for a new secret and for a logout (a clearing cookie)', async () => {
    const { sessions } = setUp();
    const cookie = await issued(sessions);
    const signedIn = await sessions.load(post(cookie));
    signedIn.login('u1');
    expect(sessions.needsCommit(signedIn)).toBe(true);
    const loggedOut = await sessions.load(post(cookie));
    loggedOut.logout();
    expect(sessions.needsCommit(loggedOut)).toBe(true);
    const headers = new Headers();
    await sessions.commit(loggedOut, headers);
    expect(headers.getSetCookie()[0]).toMatch(/Max-Age=0/);
  });
});
