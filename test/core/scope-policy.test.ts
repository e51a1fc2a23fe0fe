// The per-request policy of the core's SessionScope, tested once here, table-driven
// (docs/architecture.md, "Request lifecycle"); each adapter only has thin real-HTTP wiring tests.
import { describe, expect, it } from 'vitest';
import { createSessions, memoryStore, SessionError, type OperationKind, type Session } from '../../src/index.js';
import { manualClock } from '../helpers/clock.js';
import { cookieFrom, get, post, SECRET } from '../helpers/engine.js';

function setUp() {
  const store = memoryStore();
  const clock = manualClock();
  const sessions = createSessions<{ a?: number; b?: number }>({ store, secrets: [SECRET], clock: clock.now });
  return { store, clock, sessions };
}

/** A stored session signed in as alice, and its cookie. */
async function signedIn(sessions: ReturnType<typeof setUp>['sessions']): Promise<string> {
  const scope = sessions.open(post());
  await scope.run('write', (session) => (session.set('a', 1), session.login('alice')));
  const headers = new Headers();
  scope.respond(headers);
  return cookieFrom(headers) as string;
}

type Change = (session: Session<{ a?: number; b?: number }>) => void;
const CHANGES: readonly [string, Change][] = [
  ['set', (s) => s.set('a', 2)],
  ['delete', (s) => void s.delete('a')],
  ['update', (s) => void s.update('a', (a = 0) => a + 1)],
  ['clear', (s) => s.clear()],
  ['login', (s) => s.login('bob')],
  ['logout', (s) => s.logout()],
  ['rotate', (s) => s.rotate()],
  ['setExpiry', (s) => s.setExpiry(new Date(Date.UTC(2026, 0, 2)))],
];

describe('what an operation may change', () => {
  const cases: readonly [string, OperationKind, () => Request, boolean][] = [
    ['a write of a same-origin POST', 'write', () => post(), true],
    ['a read of a same-origin POST', 'read', () => post(), false],
    ['a write of a GET (safe method)', 'write', () => get(), false],
    ['a read of a GET', 'read', () => get(), false],
  ];
  for (const [name, kind, request, allowed] of cases) {
    for (const [change, apply] of CHANGES) {
      it(`${name}: ${change} ${allowed ? 'is allowed' : 'throws SESSION_CLOSED where it is made'}`, async () => {
        const { sessions } = setUp();
        const cookie = await signedIn(sessions);
        const req = request();
        const withCookie = new Request(req.url, { method: req.method, headers: { ...Object.fromEntries(req.headers), cookie } });
        const scope = sessions.open(withCookie);
        const run = scope.run(kind, (session) => apply(session));
        if (allowed) await expect(run).resolves.toBeUndefined();
        else await expect(run).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
      });
    }
  }

  it('outside an operation every change throws, and nothing is saved', async () => {
    const { sessions } = setUp();
    const cookie = await signedIn(sessions);
    const scope = sessions.open(post(cookie));
    const session = await scope.run('write', (s) => s);
    for (const [, apply] of CHANGES) expect(() => apply(session)).toThrow(expect.objectContaining({ code: 'SESSION_CLOSED' }));
    expect(await sessions.open(post(cookie)).run('read', (s) => s.get('a'))).toBe(1);
  });

  it('after respond() a change needing a new cookie throws, while an operation still runs', async () => {
    const { sessions } = setUp();
    const cookie = await signedIn(sessions);
    const scope = sessions.open(post(cookie));
    await scope.begin('write');
    const session = await scope.session();
    scope.respond(new Headers());
    expect(() => session.rotate()).toThrow(expect.objectContaining({ code: 'SESSION_CLOSED' }));
    expect(() => session.set('a', 3)).not.toThrow();
    await scope.end('write');
    expect(() => session.set('a', 4)).toThrow(/response has been decided/);
  });
});

describe('what an operation commits', () => {
  const outcomes: readonly [string, boolean, Change, (a: number | undefined, user: string | null) => void][] = [
    ['a successful write commits its data change', false, (s) => s.set('a', 2), (a) => expect(a).toBe(2)],
    ['a failed write forgets its data change', true, (s) => s.set('a', 2), (a) => expect(a).toBe(1)],
    ['a failed write keeps its sign-out (never undone by a failure)', true, (s) => (s.set('a', 2), s.logout()), (_a, user) => expect(user).toBeNull()],
    ['a failed write forgets its sign-in of another user', true, (s) => s.login('bob'), (_a, user) => expect(user).toBe('alice')],
  ];
  for (const [name, failed, apply, check] of outcomes) {
    it(name, async () => {
      const { sessions } = setUp();
      const cookie = await signedIn(sessions);
      const scope = sessions.open(post(cookie));
      await scope.begin('write');
      apply(await scope.session());
      await scope.end('write', failed);
      const after = await sessions.open(post(cookie)).run('read', (s) => [s.get('a'), s.userId] as const);
      check(after[0], after[1]);
    });
  }

  it('an operation that changed nothing and has no touch due ends synchronously, without a commit', async () => {
    const { sessions } = setUp();
    const cookie = await signedIn(sessions);
    const scope = sessions.open(post(cookie));
    expect(scope.begin('read')).toBeUndefined();
    await scope.session();
    expect(scope.end('read')).toBeUndefined();
  });
});

describe('turns: writes alone, reads side by side, in arrival order', () => {
  it('a write waits for the reads before it, reads after it wait for the write', async () => {
    const { sessions } = setUp();
    const scope = sessions.open(post());
    const order: string[] = [];
    expect(scope.begin('read')).toBeUndefined();
    expect(scope.begin('read')).toBeUndefined();
    const write = scope.begin('write');
    expect(write).toBeInstanceOf(Promise);
    const laterRead = scope.begin('read');
    expect(laterRead).toBeInstanceOf(Promise);
    void write?.then(() => order.push('write'));
    void laterRead?.then(() => order.push('read after write'));
    // Ends of reads that changed nothing answer synchronously (undefined): nothing to await.
    expect(scope.end('read')).toBeUndefined();
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(scope.end('read')).toBeUndefined();
    await write;
    expect(order).toEqual(['write']);
    await scope.end('write');
    await laterRead;
    expect(order).toEqual(['write', 'read after write']);
    expect(scope.end('read')).toBeUndefined();
  });

  it('a write of a cross-site request is refused before it takes a turn; a read of it runs', async () => {
    const { sessions } = setUp();
    const scope = sessions.open(post(null, { 'sec-fetch-site': 'cross-site' }));
    expect(() => scope.begin('write')).toThrow(SessionError);
    expect(scope.begin('read')).toBeUndefined();
  });
});

describe('a secret replaced by a rotation (grace window)', () => {
  const lifeChanges: readonly [string, Change][] = [
    ['sign out', (s) => s.logout()],
    ['flush', (s) => s.flush()],
    ['sign in', (s) => s.login('alice')],
    ['rotate', (s) => s.rotate()],
    ['change the expiry', (s) => s.setExpiry(new Date(Date.UTC(2026, 0, 2)))],
    ['pass requireRecentAuth', (s) => s.requireRecentAuth('1h')],
  ];
  for (const [name, apply] of lifeChanges) {
    it(`may not ${name}; the fresh secret may (control)`, async () => {
      const { sessions } = setUp();
      const before = await signedIn(sessions);
      const scope = sessions.open(post(before));
      await scope.run('write', (s) => s.rotate());
      const headers = new Headers();
      scope.respond(headers);
      const after = cookieFrom(headers) as string;
      await expect(sessions.open(post(before)).run('write', (s) => apply(s))).rejects.toBeInstanceOf(SessionError);
      await expect(sessions.open(post(after)).run('write', (s) => apply(s))).resolves.toBeUndefined();
    });
  }

  it('may still change data', async () => {
    const { sessions } = setUp();
    const before = await signedIn(sessions);
    const scope = sessions.open(post(before));
    await scope.run('write', (s) => s.rotate());
    await sessions.open(post(before)).run('write', (s) => s.set('b', 7));
    expect(await sessions.open(post(before)).run('read', (s) => s.get('b'))).toBe(7);
  });

  it('may not revoke other sessions or its own', async () => {
    const { sessions } = setUp();
    const before = await signedIn(sessions);
    const scope = sessions.open(post(before));
    await scope.run('write', (s) => s.rotate());
    const grace = sessions.open(post(before));
    await expect(grace.run('write', () => grace.revokeOthers())).rejects.toMatchObject({ code: 'SESSION_INTERRUPTED' });
    const again = sessions.open(post(before));
    await expect(again.run('write', async (s) => again.revokeOwn(s.id as string))).rejects.toMatchObject({ code: 'SESSION_INTERRUPTED' });
  });
});
