import type { ResolvedConfig, SessionData } from './config.js';
import { SessionError } from './errors.js';
import type { RequestFacts } from './request.js';
import { withholdCredentialedCors, writeDecidedHeaders, writeRetryAfter, writeStreamedHeaders, type HeaderTarget } from './response-headers.js';
import { csrfVerdict } from './csrf.js';
import { stateOf, type Session, type SessionInfo } from './session.js';
import { rollback, rollbackKeepingSignOut, type SessionState } from './session-state.js';

/**
 * What an operation may do with the session: a `'read'` (a query) reads and is touched, a
 * `'write'` (a mutation) may change it. Reads of one request run side by side; a write runs alone.
 */
export type OperationKind = 'read' | 'write';

/** Options of `sessions.open()`. */
export interface OpenOptions {
  /**
   * Response headers may leave before the operations finish (a streamed tRPC batch, a
   * subscription): a change that needs a new cookie then throws before changing anything,
   * and the response gets `Vary: Cookie` (and `Cache-Control: no-store` when a cookie came)
   * up front.
   */
  readonly streamed?: boolean;
  /**
   * Response headers that stay writable until the response is built (a fetch handler's
   * `resHeaders`): each commit writes its headers there at once. Without it, call
   * {@link SessionScope.respond} when the response head is decided.
   */
  readonly headers?: HeaderTarget;
  /**
   * The peer's address, for runtimes whose request carries none (a fetch handler on Deno, Bun
   * or a worker): it keys rate limits and lets a `trustProxy` list take effect. A Node request's
   * socket gives it already.
   */
  readonly clientAddress?: string;
}

/**
 * How a manager's mode loads and persists a session (server-side records, or the sealed
 * cookie): the half of the request's lifecycle that differs between them. Internal to the core.
 */
export interface SessionEngine<Data extends SessionData> {
  readonly config: ResolvedConfig<Data>;
  load(facts: RequestFacts, cookieWritable: boolean): Promise<Session<Data>>;
  /** Persists what changed since the last commit and decides the response headers. */
  commit(state: SessionState<Data>): Promise<void>;
  /** Whether {@link SessionEngine.commit} has anything to do now (store I/O or a cookie to decide). Synchronous. */
  commitDue(state: SessionState<Data>): boolean;
}

/** Who `authenticate` found for good credentials: the user to sign in. */
export interface AuthenticatedUser {
  readonly id: string;
  /** A fingerprint of the user's credentials (e.g. an HMAC of the password hash), for the `verifyUser` option. */
  readonly fingerprint?: string;
  /** `false` for "remember me" off: a cookie the browser forgets when it closes (see `LoginOptions`). */
  readonly persistent?: boolean;
}

interface Waiter {
  readonly kind: OperationKind;
  readonly grant: () => void;
}

/**
 * Whether ending the scope's running operation would commit (store I/O or a cookie to decide):
 * `false` means `end()` answers synchronously. Internal to the core and its tests.
 */
export let commitPendingOf: (scope: SessionScope<SessionData>) => boolean;

/**
 * One request's session lifecycle, owned by the core (docs/architecture.md, "Request
 * lifecycle"): adapters open a scope per request and only translate their framework's events
 * into its calls.
 *
 * - {@link SessionScope.session} loads the session on first use, once per request, however
 *   many operations (batched procedures, GraphQL operations) share it.
 * - Each operation runs between {@link SessionScope.begin} and {@link SessionScope.end}: writes
 *   run alone and pass the CSRF rule first; reads run side by side and cannot change the
 *   session. Outside an operation the session cannot be changed, so a change no commit will pick
 *   up throws where it is made.
 * - {@link SessionScope.end} commits a successful operation (only when something changed or a
 *   touch is due) and discards a failed one's changes, except a sign-out, which no failure undoes.
 * - {@link SessionScope.respond} attaches the decided headers when the response head is built; a
 *   change that needs a new cookie after that throws.
 *
 * @example
 * ```ts
 * const scope = sessions.open(request);
 * const cart = await scope.run('write', async (session) => session.update('cart', (cart: string[] = []) => [...cart, 'apple']));
 * const response = Response.json(cart);
 * scope.respond(response.headers);
 * ```
 */
export abstract class SessionScope<Data extends SessionData = SessionData> {
  /** Where the session lives: `'server'` (`createSessions()`, a `ServerSessionScope`) or `'cookie'` (`cookieSessions()`). */
  abstract readonly mode: 'server' | 'cookie';

  // Private fields typed without `Data` keep the class covariant in it (see `Session`).
  readonly #engine: SessionEngine<SessionData>;
  readonly #facts: RequestFacts;
  readonly #streamed: boolean;
  readonly #target: HeaderTarget | undefined;
  #loading: Promise<Session> | null = null;
  #session: Session | null = null;
  #writing = false;
  #reading = 0;
  #waiting: Waiter[] | null = null;
  #responded = false;
  /** A store call of this request found the store unavailable: the response says when to retry. */
  #unavailable = false;
  #originChecked = false;
  /** Commits started and not yet settled: while one runs, the next one queues behind it. */
  #commits = 0;
  #chain: Promise<void> = SETTLED;

  static {
    commitPendingOf = (scope) => {
      const session = scope.#session;
      return session !== null && (scope.#commits > 0 || scope.#engine.commitDue(stateOf(session)));
    };
  }

  /** @internal Made by a manager's `open()`. */
  constructor(engine: SessionEngine<Data>, facts: RequestFacts, options: OpenOptions) {
    this.#engine = engine as unknown as SessionEngine<SessionData>;
    this.#facts = facts;
    this.#streamed = options.streamed === true;
    this.#target = options.headers;
    if (this.#streamed && this.#target !== undefined) writeStreamedHeaders(this.#target, facts);
  }

  /** The session once loaded; `null` before (synchronous, never loads). */
  get current(): Session<Data> | null {
    return this.#session as Session<Data> | null;
  }

  /** The request's session, loaded on the first call (one store read at most); later calls share it. */
  session(): Promise<Session<Data>> {
    return (this.#loading ??= this.#engine.load(this.#facts, !this.#streamed && !this.#responded).then(
      (session) => {
        this.#session = session;
        const state = stateOf(session);
        state.access = this.#access();
        if (this.#responded) {
          state.cookieWritable = false;
          if (state.access === 'idle') state.closed = true;
        }
        return session;
      },
      (error: unknown) => this.#failed(error),
    )) as Promise<Session<Data>>;
  }

  /**
   * Throws `CSRF_REJECTED` when the request may change state — `stateChanging` says it runs a
   * mutation, or it uses an unsafe method — and fails the CSRF rule (docs/architecture.md,
   * "Security model"). Checked once per request; {@link SessionScope.begin} checks it for every
   * write, so adapters call it only to refuse a whole request early.
   */
  assertSameOrigin(stateChanging = true): void {
    if (this.#originChecked || (!stateChanging && isSafeMethod(this.#facts.method))) return;
    const verdict = csrfVerdict(this.#facts, this.#engine.config.csrf);
    if (verdict !== null) throw new SessionError('CSRF_REJECTED', `request refused by the CSRF rule (${verdict})${proxyHint(verdict, this.#facts)}`);
    this.#originChecked = true;
  }

  /**
   * Starts an operation: waits for its turn (a write alone, reads side by side, in arrival
   * order) and returns `undefined` when the turn is free at once. A write of an unsafe-method
   * request must pass the CSRF rule first. Every `begin` needs its {@link SessionScope.end}.
   */
  begin(kind: OperationKind): Promise<void> | undefined {
    if (kind === 'write' && !isSafeMethod(this.#facts.method)) this.assertSameOrigin();
    if (this.#waiting === null && !this.#writing && (kind === 'read' || this.#reading === 0)) {
      this.#enter(kind);
      return undefined;
    }
    return new Promise<void>((resolve) => {
      (this.#waiting ??= []).push({ kind, grant: () => (this.#enter(kind), resolve()) });
    });
  }

  /**
   * Ends an operation begun with {@link SessionScope.begin}: on success, commits what it changed
   * (nothing when nothing changed and no touch is due: then synchronously, `undefined`); on
   * failure, forgets its changes, but a sign-out it made is committed all the same. Rejects
   * with the commit's `SessionError`, after rolling its changes back.
   */
  end(kind: OperationKind, failed = false): Promise<void> | undefined {
    const session = this.#session;
    if (session === null) {
      // Still loading (a resolver that did not wait for it): settle once the load has.
      if (this.#loading !== null)
        return this.#loading.then(
          () => this.end(kind, failed),
          () => this.#leave(kind),
        );
      this.#leave(kind);
      return undefined;
    }
    const state = stateOf(session);
    if (failed) {
      const signedOut = rollbackKeepingSignOut(state);
      if (!signedOut) {
        this.#leave(kind);
        return undefined;
      }
    } else if (this.#commits === 0 && !this.#engine.commitDue(state)) {
      if (this.#target !== undefined) writeDecidedHeaders(state, this.#target);
      this.#leave(kind);
      return undefined;
    }
    return this.#commit(state).finally(() => this.#leave(kind));
  }

  /**
   * Commits now, inside a write operation (a sign-in answers with the stored session's id and
   * deadlines). Resolves at once when there is nothing to commit.
   */
  commit(): Promise<void> {
    const session = this.#session;
    if (session === null) return SETTLED;
    const state = stateOf(session);
    if (this.#commits === 0 && !this.#engine.commitDue(state)) {
      if (this.#target !== undefined) writeDecidedHeaders(state, this.#target);
      return SETTLED;
    }
    return this.#commit(state);
  }

  /**
   * Runs `operation` as one operation of this request ({@link SessionScope.begin}, the session
   * loaded, {@link SessionScope.end}): committed when it resolves, its changes discarded when it
   * throws, or when `failed` says its result is a failure (a framework that reports errors as
   * values, such as a tRPC middleware result).
   */
  async run<R>(kind: OperationKind, operation: (session: Session<Data>) => R | Promise<R>, failed?: (result: R) => boolean): Promise<R> {
    await this.begin(kind);
    let result: R;
    try {
      result = await operation(await this.session());
    } catch (error) {
      await this.end(kind, true);
      throw error;
    }
    await this.end(kind, failed?.(result) === true);
    return result;
  }

  /**
   * The response head is being built: writes the headers earlier commits decided
   * (`Set-Cookie`, `Vary: Cookie`, `Cache-Control: no-store`, `Clear-Site-Data`) to `target`,
   * without any I/O, and withholds a credentialed CORS grant from an origin the manager does
   * not allow. From now on a change that needs a new cookie throws where it is made, and
   * once no operation runs any more, every change does.
   */
  respond(target: HeaderTarget): void {
    this.#responded = true;
    if (this.#unavailable) writeRetryAfter(target);
    if (this.#streamed) writeStreamedHeaders(target, this.#facts);
    withholdCredentialedCors(target, this.#facts, this.#engine.config.csrf);
    const session = this.#session;
    if (session === null) return;
    const state = stateOf(session);
    state.cookieWritable = false;
    writeDecidedHeaders(state, target);
    if (state.access === 'idle') state.closed = true;
  }

  /**
   * Signs `user` in (a new secret, fresh `authenticatedAt`, the absolute timeout restarted) and
   * commits, so the answer carries the stored session's id and deadlines. `null` (bad
   * credentials) throws `UNAUTHENTICATED` without saying which part was wrong. Call it inside a
   * write operation.
   *
   * @example
   * ```ts
   * const scope = sessions.open(request);
   * const info = await scope.run('write', () => scope.signIn({ id: 'user-42' }));
   * ```
   */
  async signIn(user: AuthenticatedUser | null): Promise<SessionInfo> {
    if (user === null) throw new SessionError('UNAUTHENTICATED', 'invalid credentials');
    const session = await this.session();
    session.login(user.id, { ...(user.fingerprint === undefined ? {} : { fingerprint: user.fingerprint }), ...(user.persistent === undefined ? {} : { persistent: user.persistent }) });
    await this.commit();
    return session.info();
  }

  /**
   * Signs out: deletes the record and clears the cookie, committed at once, so no later failure
   * of the same request undoes it. Resolves `true`, also when there was no session to end.
   */
  async signOut(): Promise<true> {
    (await this.session()).logout();
    await this.commit();
    return true;
  }

  /** Issues a new secret for the same session (Django's `cycle_key()`) and commits it. */
  async rotate(): Promise<SessionInfo> {
    const session = await this.session();
    session.rotate();
    await this.commit();
    return session.info();
  }

  /** What the client may see of its session: never a token, secret or hash. */
  async info(): Promise<SessionInfo> {
    return (await this.session()).info();
  }

  #commit(state: SessionState): Promise<void> {
    this.#commits++;
    const engine = this.#engine;
    const target = this.#target;
    const run = this.#chain.then(async () => {
      try {
        await engine.commit(state);
      } catch (error) {
        rollback(state);
        return this.#failed(error);
      }
      if (target !== undefined) writeDecidedHeaders(state, target);
    });
    const settled = (): void => {
      this.#commits--;
    };
    this.#chain = run.then(settled, settled);
    return run;
  }

  /** Notes a store outage for the response's `Retry-After`, and rethrows. */
  #failed(error: unknown): never {
    if (error instanceof SessionError && (error.code === 'STORE_UNAVAILABLE' || error.code === 'STORE_FAILURE')) {
      const unavailable = error.code === 'STORE_UNAVAILABLE';
      // The client sees a bare 500 or 503: the cause (redacted of record contents) belongs in the log.
      this.#engine.config.log({ level: 'error', event: unavailable ? 'session.store.unavailable' : 'session.store.failed', message: error.message, error: error.cause });
      if (unavailable) {
        this.#unavailable = true;
        if (this.#target !== undefined) writeRetryAfter(this.#target);
      }
    }
    throw error;
  }

  #access(): SessionState['access'] {
    return this.#writing ? 'write' : this.#reading > 0 ? 'read' : 'idle';
  }

  #enter(kind: OperationKind): void {
    if (kind === 'write') this.#writing = true;
    else this.#reading++;
    this.#sync();
  }

  #leave(kind: OperationKind): void {
    if (kind === 'write') this.#writing = false;
    else this.#reading--;
    const waiting = this.#waiting;
    if (waiting !== null) {
      while (waiting.length > 0) {
        const next = waiting[0] as Waiter;
        if (next.kind === 'write' ? this.#writing || this.#reading > 0 : this.#writing) break;
        waiting.shift();
        next.grant();
        if (next.kind === 'write') break;
      }
      if (waiting.length === 0) this.#waiting = null;
    }
    this.#sync();
  }

  /** Tells the loaded session what the running operations allow. */
  #sync(): void {
    const session = this.#session;
    if (session === null) return;
    const state = stateOf(session);
    state.access = this.#access();
    if (this.#responded && state.access === 'idle') state.closed = true;
  }
}

/** The chain of a scope with no commit yet: one settled promise serves every scope. */
const SETTLED: Promise<void> = Promise.resolve();

/**
 * A browser on `https://host` posting to what reached us as `http://host` is the mark of a TLS
 * proxy whose forwarded scheme is not believed: name the fix (the refusal itself stands).
 */
function proxyHint(verdict: string, facts: RequestFacts): string {
  if (verdict !== 'foreign-origin' || facts.secure || facts.header('origin')?.toLowerCase() !== `https://${facts.host.toLowerCase()}`) return '';
  return '; the page is https but the request arrived as plain http: behind a TLS proxy, set trustProxy so its X-Forwarded-Proto is believed';
}

/**
 * Whether `method` is safe (GET, HEAD, OPTIONS). The exact upper-case spelling every HTTP
 * stack passes is checked first, so the common request does not allocate an upper-cased copy.
 */
export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

/** A session scope of any data type: the members that do not depend on it. */
export type AnySessionScope = Pick<SessionScope, 'begin' | 'end' | 'commit' | 'respond' | 'assertSameOrigin' | 'signIn' | 'signOut' | 'rotate' | 'info'>;

/** The session data type of a scope type. */
export type ScopeData<Scope> = Scope extends SessionScope<infer Data> ? Data : never;

/**
 * The scope of the sealed-cookie mode (`cookieSessions()`): the use cases of
 * {@link SessionScope}, without listing or revoking, which need server-side records.
 *
 * @example
 * ```ts
 * const scope = cookieSessions({ secrets: [process.env['SESSION_SECRET'] ?? ''] }).open(request);
 * const theme = await scope.run('read', (session) => session.get('theme'));
 * ```
 */
export class CookieSessionScope<Data extends SessionData = SessionData> extends SessionScope<Data> {
  readonly mode = 'cookie' as const;
}
