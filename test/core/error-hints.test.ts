// Errors that name the fix (issue "Native clients, … errors that name the fix"): a CSRF refusal
// that looks like a TLS proxy without trustProxy says so; a cookie write over a streamed
// response names the links to use; a store failure is logged by default, its cause redacted.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSessions, memoryStore, type SessionLogEntry, type Store } from '../../src/index.js';
import { SECRET, cookieFrom, post } from '../helpers/engine.js';

function sessionsWith(overrides: Partial<Parameters<typeof createSessions>[0]> = {}) {
  return createSessions({ store: memoryStore(), secrets: [SECRET], ...overrides });
}

describe('a CSRF refusal behind a TLS proxy without trustProxy says to set it', () => {
  const behindProxy = (origin: string, headers: Record<string, string> = {}) =>
    new Request('http://app.test/trpc/cart.add', { method: 'POST', headers: { 'content-type': 'application/json', origin, 'sec-fetch-site': 'same-origin', ...headers } });

  it('an https page posting to what arrived as plain http: refused, and the message names trustProxy', () => {
    const scope = sessionsWith().open(behindProxy('https://app.test'));
    expect(() => scope.begin('write')).toThrow(/foreign-origin.*set trustProxy/);
  });

  it('control: a truly foreign origin is refused without the hint', () => {
    const scope = sessionsWith().open(behindProxy('https://evil.test'));
    expect(() => scope.begin('write')).toThrow(expect.objectContaining({ code: 'CSRF_REJECTED', message: expect.not.stringContaining('trustProxy') }));
  });

  it('with trustProxy set, the forwarded scheme is believed and the same request passes', () => {
    const scope = sessionsWith({ trustProxy: 1 }).open(behindProxy('https://app.test', { 'x-forwarded-proto': 'https' }));
    expect(scope.begin('write')).toBeUndefined();
  });
});

describe('a cookie write over a streamed response names the links that can carry it', () => {
  it('sign-in throws SESSION_CLOSED naming httpLink and splitLink', async () => {
    const scope = sessionsWith().open(post(), { streamed: true });
    await expect(scope.run('write', (session) => session.login('alice'))).rejects.toThrow(/httpLink.*splitLink/);
  });
});

describe('a store failure is logged, its cause redacted', () => {
  afterEach(() => vi.restoreAllMocks());
  const secretHash = 'c2VjcmV0LWhhc2gtdGhhdC1tdXN0LW5ldmVyLWxlYWs';
  const failing: Store = { ...memoryStore(), get: () => Promise.reject(Object.assign(new Error(`Duplicate entry '${secretHash}'`), { code: 'ER_X', sql: `select '${secretHash}'` })) };
  const cookie = `sid=${'A'.repeat(22)}.${'B'.repeat(43)}`;

  it('through the app logger: one error entry whose cause keeps the code and loses the row', async () => {
    const entries: SessionLogEntry[] = [];
    const scope = sessionsWith({ store: failing, logger: (entry) => entries.push(entry) }).open(post(cookie));
    await expect(scope.run('read', (session) => session.userId)).rejects.toMatchObject({ code: 'STORE_FAILURE' });
    expect(entries.map((entry) => [entry.level, entry.event])).toEqual([['error', 'session.store.failed']]);
    expect((entries[0]?.error as { code?: string }).code).toBe('ER_X');
    expect(JSON.stringify(entries, (_key, value: unknown) => (value instanceof Error ? { ...value, message: value.message } : value))).not.toContain(secretHash);
  });

  it('without a logger: on console.error by default (a server fault is never silent)', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const scope = sessionsWith({ store: failing }).open(post(cookie));
    await expect(scope.run('read', (session) => session.userId)).rejects.toMatchObject({ code: 'STORE_FAILURE' });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(String(spy.mock.calls[0]?.[0])).toContain('session.store.failed');
  });

  it('control: warnings (a tampered cookie) are not printed by default', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const sessions = sessionsWith();
    const scope = sessions.open(post());
    await scope.run('write', (session) => session.set('a', 1));
    const headers = new Headers();
    scope.respond(headers);
    const value = cookieFrom(headers) as string;
    await sessions.open(post(`${value.slice(0, -3)}AAA`)).run('read', (session) => session.get('a'));
    expect(spy).not.toHaveBeenCalled();
  });
});
