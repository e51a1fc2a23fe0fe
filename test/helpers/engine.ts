import {
  cookieSessions,
  createSessions,
  memoryStore,
  type CookieSessions,
  type CookieSessionsConfig,
  type HeaderTarget,
  type Session,
  type SessionData,
  type SessionManager,
  type SessionRequest,
  type Sessions,
  type SessionScope,
  type SessionsConfig,
  type Store,
} from '../../src/index.js';
import { commitPendingOf, type OperationKind } from '../../src/core/session-scope.js';
import { writeDecidedHeaders } from '../../src/core/response-headers.js';
import { stateOf } from '../../src/core/session.js';
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
  sessions: Sessions<Data> & DirectSessions<Data>;
  store: Store;
  clock: ReturnType<typeof manualClock>;
}

export function harness<Data extends SessionData = SessionData>(overrides: Partial<SessionsConfig<Data>> = {}): Harness<Data> {
  const clock = manualClock();
  const store = overrides.store ?? memoryStore();
  const sessions = direct<Data, Sessions<Data>>(createSessions<Data>({ store, secrets: [SECRET], clock: clock.now, ...overrides }));
  return { sessions, store, clock };
}

/** Loads, lets `change` act, commits, and returns the response headers. */
export async function roundTrip<Data extends SessionData>(sessions: DirectSessions<Data>, request: Request, change: (session: Session<Data>) => void | Promise<void>): Promise<Headers> {
  const session = await sessions.load(request);
  await change(session);
  const headers = new Headers();
  await sessions.commit(session, headers);
  return headers;
}

/**
 * The core's per-request protocol, driven step by step: one scope per loaded session, held in
 * one operation until the test closes it. Tests of the core use it to load, change and commit a
 * session and to read the headers each commit decided (through the core's internal writer).
 */
export interface DirectSessions<Data extends SessionData> {
  /**
   * Opens a scope for `request`, begins an operation (a write unless `operation` says `'read'`:
   * a write of an unsafe-method request must pass the CSRF rule) and loads the session.
   */
  load(request: SessionRequest, options?: { readonly cookieWritable?: boolean; readonly operation?: OperationKind; readonly clientAddress?: string }): Promise<Session<Data>>;
  /** Commits what changed and writes the headers decided so far into `target`. */
  commit(session: Session<Data>, target?: HeaderTarget): Promise<void>;
  /** Whether a commit would do anything now (ending the operation would not be synchronous). */
  needsCommit(session: Session<Data>): boolean;
  /** The headers decided so far, without a commit. */
  writeHeaders(session: Session<Data>, target: HeaderTarget): void;
  /** Ends the operation as failed: its changes are forgotten (a sign-out is kept); a new one begins. */
  discard(session: Session<Data>): Promise<void>;
  /** Ends the operation and marks the response decided: any later change throws where it is made. */
  close(session: Session<Data>): void;
  /** Marks the response head as sent: a change needing a new cookie throws. */
  lockCookie(session: Session<Data>): void;
  /** The scope behind a loaded session. */
  scopeOf(session: Session<Data>): SessionScope<Data>;
}

/** {@link DirectSessions} over a manager's public scope API. */
export function direct<Data extends SessionData, M extends SessionManager<Data, SessionScope<Data>>>(manager: M): M & DirectSessions<Data> {
  const opened = new WeakMap<Session<Data>, SessionScope<Data>>();
  const of = (session: Session<Data>): SessionScope<Data> => {
    const found = opened.get(session);
    if (found === undefined) throw new TypeError('not a session loaded through direct()');
    return found;
  };
  const methods: DirectSessions<Data> = {
    async load(request, options = {}) {
      const scope = manager.open(request, { streamed: options.cookieWritable === false, ...(options.clientAddress === undefined ? {} : { clientAddress: options.clientAddress }) });
      await scope.begin(options.operation ?? 'write');
      const session = await scope.session();
      opened.set(session, scope);
      return session;
    },
    async commit(session, target) {
      await of(session).commit();
      if (target !== undefined) writeDecidedHeaders(stateOf(session), target);
    },
    needsCommit: (session) => commitPendingOf(of(session) as unknown as SessionScope<SessionData>),
    writeHeaders: (session, target) => writeDecidedHeaders(stateOf(session), target),
    async discard(session) {
      const scope = of(session);
      await scope.end('write', true);
      await scope.begin('write');
    },
    close(session) {
      const scope = of(session);
      void scope.end('write');
      scope.respond(new Headers());
    },
    lockCookie(session) {
      stateOf(session).cookieWritable = false;
    },
    scopeOf: (session) => of(session),
  };
  return Object.assign(Object.create(manager) as M, methods);
}

/** `createSessions(config)` driven through {@link direct}. */
export function directSessions<Data extends SessionData = SessionData>(config: SessionsConfig<Data>): Sessions<Data> & DirectSessions<Data> {
  return direct<Data, Sessions<Data>>(createSessions<Data>(config));
}

/** `cookieSessions(config)` driven through {@link direct}. */
export function directCookieSessions<Data extends SessionData = SessionData>(config: CookieSessionsConfig<Data>): CookieSessions<Data> & DirectSessions<Data> {
  return direct<Data, CookieSessions<Data>>(cookieSessions<Data>(config));
}
