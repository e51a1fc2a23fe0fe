import { createSessions, memoryStore, type SessionData, type Sessions, type SessionsConfig, type Store } from '../../src/index.js';
import { manualClock } from './clock.js';

export const SECRET = 'test-secret-that-is-at-least-32-bytes-long!';

/** A same-origin JSON POST (what a tRPC/GraphQL client sends) to a loopback host, with a cookie header. */
export function post(cookie?: string | null, headers: Record<string, string> = {}, url = 'http://localhost:3000/api'): Request {
  return new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}), ...headers },
  });
}

export function get(cookie?: string | null, headers: Record<string, string> = {}, url = 'http://localhost:3000/api'): Request {
  return new Request(url, { method: 'GET', headers: { ...(cookie ? { cookie } : {}), ...headers } });
}

/** The `name=value` part of the session Set-Cookie in `headers`, or null. */
export function cookieFrom(headers: Headers): string | null {
  const all = headers.getSetCookie();
  const last = all[all.length - 1];
  return last ? (last.split(';')[0] ?? null) : null;
}

export interface Harness<Data extends SessionData> {
  sessions: Sessions<Data>;
  store: Store;
  clock: ReturnType<typeof manualClock>;
}

export function harness<Data extends SessionData = SessionData>(overrides: Partial<SessionsConfig<Data>> = {}): Harness<Data> {
  const clock = manualClock();
  const store = overrides.store ?? memoryStore();
  const sessions = createSessions<Data>({ store, secrets: [SECRET], clock: clock.now, ...overrides });
  return { sessions, store, clock };
}

/** Loads, lets `change` act, commits, and returns the response headers. */
export async function roundTrip<Data extends SessionData>(
  sessions: Sessions<Data>,
  request: Request,
  change: (session: Awaited<ReturnType<Sessions<Data>['load']>>) => void | Promise<void>,
): Promise<Headers> {
  const session = await sessions.load(request);
  await change(session);
  const headers = new Headers();
  await sessions.commit(session, headers);
  return headers;
}
