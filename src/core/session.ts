import type { SessionData } from './config.js';
import { durationToMs, type Duration } from './duration.js';
import { SessionError } from './errors.js';
import { applyOp, isEmptyObject, toJson } from './data-ops.js';
import { flushState, snapshotCommittedData, type DataOp, type SessionState } from './session-state.js';

/** Reads a session's private state; set once by the class's static block. */
let readState: (session: Session<SessionData>) => SessionState | undefined;

/** The internal state of a session; for the core's own commit path only. */
export function stateOf<Data extends SessionData>(session: Session<Data>): SessionState<Data> {
  const state = readState(session as Session<SessionData>);
  if (!state) throw new TypeError('Not a session loaded by a tessera session scope (sessions.open(request).session())');
  return state as SessionState<Data>;
}

/** What a client may see of a session: never a token, secret or hash. */
export interface SessionInfo {
  /** The public session handle, or `null` before the session is first stored. */
  readonly id: string | null;
  readonly userId: string | null;
  readonly authenticatedAt: Date | null;
  /** When the session ends if unused (the earlier of the idle and absolute deadlines). */
  readonly expiresAt: Date | null;
}

/** Options of {@link Session.login}. */
export interface LoginOptions {
  /**
   * A fingerprint of the user's current credentials (e.g. an HMAC of the password hash),
   * checked against `verifyUser` on later loads: Django's session auth hash.
   */
  readonly fingerprint?: string;
  /**
   * `false` for "remember me" off: the cookie has no `Max-Age`, so the browser forgets it when it
   * closes (Django's `SESSION_EXPIRE_AT_BROWSER_CLOSE`); the idle and absolute deadlines still
   * apply on the server. Default `true`: the cookie lives until the absolute deadline.
   */
  readonly persistent?: boolean;
}

/**
 * One request's session: synchronous data methods over data loaded once, and the
 * lifecycle operations of Django's sessions. Changes are persisted by
 * `sessions.commit()` (adapters do it for you); a change that no commit can persist
 * throws where it is made.
 *
 * Values are JSON. `get()` returns the stored value itself: change a nested value
 * through `set()` or `update()`, or the change is not seen (as in Django).
 *
 * @example
 * ```ts
 * await sessions.open(request).run('write', (session) => {
 *   session.update('cart', (cart = []) => [...cart, 'apple']);
 *   session.login('user-42'); // new secret, anonymous cart kept
 * });
 * ```
 */
export class Session<Data extends SessionData = SessionData> {
  // A private field, not a WeakMap keyed by session: a WeakMap entry per request costs
  // about 1 µs of garbage-collector (ephemeron) work, ~8 % of the floor of a whole load.
  // Typed without `Data`: a private field typed with it would make `Session` invariant in
  // `Data`, so a `Session<{ cart: string[] }>` could not be passed where a `Session` is expected.
  readonly #state: SessionState;

  static {
    readState = (session) => (typeof session === 'object' && session !== null && #state in session ? session.#state : undefined);
  }

  /** @internal Created by `sessions.load()` only. */
  constructor(state: SessionState<Data>) {
    this.#state = state;
  }

  /** The public session handle (safe to show and to revoke by), `null` until first stored. */
  get id(): string | null {
    return stateOf(this).record?.id ?? null;
  }

  /** The signed-in user, or `null`. Reading it marks the session accessed: the answer depends on the cookie. */
  get userId(): string | null {
    const state = stateOf(this);
    state.accessed = true;
    return state.userId;
  }

  get authenticatedAt(): Date | null {
    return stateOf(this).authenticatedAt;
  }

  /** When the session ends if unused, or `null` when it is not stored. */
  get expiresAt(): Date | null {
    return stateOf(this).record?.expiresAt ?? null;
  }

  get createdAt(): Date | null {
    return stateOf(this).record?.createdAt ?? null;
  }

  /** `true` when the request presented a secret superseded by a rotation (it may use data, not rotate or sign in). */
  get isGrace(): boolean {
    return stateOf(this).viaGrace;
  }

  /** Django's `accessed`: data was read or written. */
  get accessed(): boolean {
    return stateOf(this).accessed;
  }

  /** Django's `modified`: something changed that the next commit persists. */
  get modified(): boolean {
    return stateOf(this).modified;
  }

  /** No data, no user. An empty new session is never stored. */
  get isEmpty(): boolean {
    const state = stateOf(this);
    state.accessed = true;
    return state.userId === null && isEmptyObject(state.data);
  }

  /** The fields a client may see. Marks the session accessed, so the response gets `Vary: Cookie`. */
  info(): SessionInfo {
    const state = stateOf(this);
    state.accessed = true;
    return { id: state.record?.id ?? null, userId: state.userId, authenticatedAt: state.authenticatedAt, expiresAt: state.record?.expiresAt ?? null };
  }

  get<K extends keyof Data & string>(key: K): Data[K] | undefined {
    const state = stateOf(this);
    state.accessed = true;
    return state.data[key] as Data[K] | undefined;
  }

  has(key: keyof Data & string): boolean {
    const state = stateOf(this);
    state.accessed = true;
    return Object.hasOwn(state.data, key);
  }

  keys(): (keyof Data & string)[] {
    const state = stateOf(this);
    state.accessed = true;
    return Object.keys(state.data);
  }

  set<K extends keyof Data & string>(key: K, value: Data[K]): void {
    if (value === undefined) {
      this.delete(key);
      return;
    }
    this.#record({ kind: 'set', key, value: toJson(value, key) });
  }

  /** Removes a key; returns whether it was there. Removing a missing key changes nothing. */
  delete(key: keyof Data & string): boolean {
    const state = stateOf(this);
    state.accessed = true;
    if (!Object.hasOwn(state.data, key)) return false;
    this.#record({ kind: 'delete', key });
    return true;
  }

  /** Removes every key (the user stays signed in: use `logout()` to end the session). */
  clear(): void {
    const state = stateOf(this);
    state.accessed = true;
    if (isEmptyObject(state.data)) return;
    this.#record({ kind: 'clear' });
  }

  /**
   * A functional update: `fn` gets the current value and returns the next one. If another
   * request changed the session meanwhile, the commit runs `fn` again on the stored value,
   * so concurrent appends to one key all persist. `fn` must be pure.
   */
  update<K extends keyof Data & string>(key: K, fn: (current: Data[K] | undefined) => Data[K]): Data[K] {
    this.#record({ kind: 'update', key, fn: fn as (current: unknown) => unknown });
    return stateOf(this).data[key] as Data[K];
  }

  /**
   * Signs a user in (Django's `login()`): a new secret always (session fixation defence,
   * OWASP ASVS 5.0 V7.2.4); an anonymous session keeps its data, a different user's
   * session is flushed first; records the user and `authenticatedAt`, and restarts the
   * absolute timeout.
   */
  login(userId: string, options: LoginOptions = {}): void {
    if (typeof userId !== 'string' || userId.length === 0) throw new TypeError('login(userId): userId must be a non-empty string');
    const state = stateOf(this);
    this.#assertWritable(true, 'login');
    if (state.viaGrace) throw graceError('sign in');
    if (state.userId !== null && state.userId !== userId) this.#flush('user-changed');
    state.accessed = true;
    state.modified = true;
    state.userId = userId;
    state.authenticatedAt = new Date(state.config.now());
    state.fingerprint = options.fingerprint;
    state.browserSession = options.persistent === false;
    state.expiryOverride = undefined;
    if (state.record !== null) state.newSecret = 'login';
  }

  /** Ends the session: the record is deleted and the cookie cleared (Django's `logout()`). */
  logout(): void {
    // Clearing the cookie is a cookie write too: over a streamed response it could not be sent.
    this.#assertWritable(stateOf(this).hadCookie || stateOf(this).record !== null, 'logout');
    // A superseded secret may be a stolen one: it must not end the owner's fresh session.
    if (stateOf(this).viaGrace) throw graceError('sign out');
    this.#flush('logout');
  }

  /** Deletes the record and empties the session; a later change starts a new one. */
  flush(): void {
    this.#assertWritable(stateOf(this).hadCookie || stateOf(this).record !== null, 'flush');
    if (stateOf(this).viaGrace) throw graceError('flush the session');
    this.#flush('flush');
  }

  /**
   * Issues a new secret for the same session and data (Django's `cycle_key()`); the
   * previous secret keeps working for `rotationGrace`, without the right to rotate again.
   */
  rotate(): void {
    const state = stateOf(this);
    if (state.record === null) return; // nothing issued yet: the first cookie will be fresh anyway
    this.#assertWritable(true, 'rotate');
    if (state.viaGrace) throw graceError('rotate');
    state.accessed = true;
    state.modified = true;
    if (state.newSecret === null) state.newSecret = 'rotate';
  }

  /**
   * Step-up for sensitive operations: throws `UNAUTHENTICATED` without a user and
   * `REAUTH_REQUIRED` when the sign-in is older than `maxAge` (OWASP ASVS 5.0 V7.5).
   *
   * @example
   * ```ts
   * ctx.session.requireRecentAuth('10m'); // before changing an e-mail address
   * ```
   */
  requireRecentAuth(maxAge: Duration): void {
    const state = stateOf(this);
    state.accessed = true;
    if (state.userId === null || state.authenticatedAt === null) throw new SessionError('UNAUTHENTICATED', 'sign in first');
    if (state.viaGrace) throw new SessionError('REAUTH_REQUIRED', 'this request used a session secret that a rotation has replaced; sign in again');
    const limitMs = durationToMs(maxAge, 'requireRecentAuth(maxAge)');
    if (state.config.now() - state.authenticatedAt.getTime() > limitMs) {
      throw new SessionError('REAUTH_REQUIRED', 'this operation needs a recent sign-in; sign in again');
    }
  }

  /**
   * Ends the session earlier than the configured absolute timeout (for "remember me" off),
   * or restores the default with `null`. It can never extend a session.
   */
  setExpiry(expiresAt: Date | null): void {
    const state = stateOf(this);
    this.#assertWritable(true, 'setExpiry');
    if (state.viaGrace) throw graceError('change the expiry');
    state.accessed = true;
    state.modified = true;
    state.expiryOverride = expiresAt;
  }

  #flush(reason: 'logout' | 'flush' | 'user-changed'): void {
    flushState(stateOf(this), reason);
  }

  #record(op: DataOp): void {
    const state = stateOf(this);
    this.#assertWritable(state.record === null || state.dataInCookie, 'a data change');
    state.accessed = true;
    snapshotCommittedData(state);
    applyOp(state.data, op);
    state.ops.push(op);
    state.modified = true;
  }

  /**
   * Throws where a change is made if no commit could persist it (docs/architecture.md,
   * "Request lifecycle"): outside a write operation of the request's scope (a query, a stray
   * promise after its operation ended, a response already decided), in a safe-method request,
   * in a request failing the CSRF rule, or when it needs a new cookie that can no longer be sent.
   */
  #assertWritable(needsCookie: boolean, what: string): void {
    const state = stateOf(this);
    if (state.access !== 'write') {
      if (state.closed) throw new SessionError('SESSION_CLOSED', `${what} after the session was closed: the response has been decided, so the change could not be saved`);
      if (state.access === 'read') throw new SessionError('SESSION_CLOSED', `${what} in a read-only operation: queries and subscriptions cannot change the session (use a mutation)`);
      throw new SessionError('SESSION_CLOSED', `${what} outside a session operation: the operation has ended, so no commit could save the change`);
    }
    // The scope applied the CSRF rule when the write operation began; a safe-method request
    // never passes it, so its writes are refused here.
    const method = state.facts.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') {
      throw new SessionError('SESSION_CLOSED', `${what} in a ${method} request: sessions are read-only in safe-method requests (use a mutation)`);
    }
    if (needsCookie) {
      if (state.cookieName === null) {
        throw new SessionError(
          'INSECURE_TRANSPORT',
          `${what} needs a session cookie, but the request came over plain http to a non-loopback host; serve https, or set trustProxy if a TLS proxy is in front`,
        );
      }
      if (!state.cookieWritable) {
        throw new SessionError(
          'SESSION_CLOSED',
          `${what} needs a new cookie, but response headers may already be sent (a streamed response: tRPC's httpBatchStreamLink or a subscription); send sign-in, sign-out and rotate through httpLink or httpBatchLink, e.g. with splitLink`,
        );
      }
    }
  }
}

function graceError(what: string): SessionError {
  return new SessionError('SESSION_INTERRUPTED', `cannot ${what} with a session secret that a rotation has replaced`);
}
