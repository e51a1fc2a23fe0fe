// "Remember me" off (Django's SESSION_EXPIRE_AT_BROWSER_CLOSE): a cookie without Max-Age, while
// the server's idle and absolute deadlines still apply.
import { describe, expect, it } from 'vitest';
import { cookieSessions, createSessions, memoryStore, type SessionManager, type SessionScope } from '../../src/index.js';
import { manualClock } from '../helpers/clock.js';
import { SECRET, post } from '../helpers/engine.js';

/** Runs a write operation and returns the Set-Cookie it produced. */
async function write(
  sessions: SessionManager<Record<string, unknown>, SessionScope<Record<string, unknown>>>,
  cookie: string | null,
  operation: (scope: SessionScope<Record<string, unknown>>) => Promise<unknown>,
): Promise<string> {
  const scope = sessions.open(post(cookie));
  await scope.run('write', () => operation(scope));
  const headers = new Headers();
  scope.respond(headers);
  return headers.getSetCookie().at(-1) ?? '';
}

const pair = (setCookie: string) => setCookie.split(';')[0] as string;
const clock = manualClock();

describe.each([
  ['server-side records', () => createSessions({ store: memoryStore(), secrets: [SECRET], idleTimeout: '1h', clock: clock.now })],
  ['sealed cookies', () => cookieSessions({ secrets: [SECRET], idleTimeout: '1h', clock: clock.now })],
] as const)('remember me, with %s', (_mode, make) => {
  it('off: the sign-in cookie and every later one have no Max-Age; the idle deadline still ends it', async () => {
    const sessions = make();
    const signedIn = await write(sessions, null, (scope) => scope.signIn({ id: 'alice', persistent: false }));
    expect(signedIn).not.toMatch(/Max-Age|Expires/i);
    const rotated = await write(sessions, pair(signedIn), (scope) => scope.rotate());
    expect(rotated).not.toMatch(/Max-Age|Expires/i);
    expect(await sessions.open(post(pair(rotated))).run('read', (s) => s.userId)).toBe('alice');
    clock.advance(3601);
    expect(await sessions.open(post(pair(rotated))).run('read', (s) => s.userId)).toBeNull();
  });

  it('control: on (the default), the cookie carries Max-Age, the absolute deadline', async () => {
    const sessions = make();
    const signedIn = await write(sessions, null, (scope) => scope.signIn({ id: 'alice' }));
    expect(signedIn).toMatch(/Max-Age=2592000/);
  });

  it('signing in again with remember me on restores a persistent cookie', async () => {
    const sessions = make();
    const off = await write(sessions, null, (scope) => scope.signIn({ id: 'alice', persistent: false }));
    const on = await write(sessions, pair(off), (scope) => scope.signIn({ id: 'alice' }));
    expect(on).toMatch(/Max-Age=/);
  });
});
