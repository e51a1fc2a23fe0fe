import { SessionError, type LoadOptions, type Session, type SessionData, type SessionRequest, type SessionManager } from '../../index.js';
import { toTRPCError } from './errors.js';

/** What one HTTP request needs to resolve and commit its session. Internal to the adapter. */
export interface RequestState<Data extends SessionData = SessionData> {
  readonly sessions: SessionManager<Data>;
  readonly request: SessionRequest;
  readonly loadOptions: LoadOptions;
  /** Where each commit writes its headers (the fetch adapter's `resHeaders`); `undefined` on Node, where they are written when the head goes out. */
  readonly target: Headers | undefined;
  /**
   * Procedures of a request that can write run their session part one at a time: they share
   * one session, and `discard()` after a failed one must not roll back another's changes.
   */
  readonly exclusive: boolean;
  /**
   * A query (or subscription) sent over POST (tRPC's `methodOverride`): closed as soon as it is
   * loaded, so it is as read-only as over GET, where the core itself refuses writes; only the
   * touch, which a commit does without any change, still happens.
   */
  readonly readOnly: boolean;
  /** Calls of this request whose procedure has a session middleware; once all have finished, nothing can commit any more. */
  readonly expectedUsers: number;
  finishedUsers: number;
  /** Settles when the last exclusive turn is released; `null` until a procedure of an `exclusive` request takes one. */
  queue: Promise<void> | null;
  loading: Promise<Session<Data>> | null;
  session: Session<Data> | null;
}

/**
 * The request state a loaded session belongs to, kept on the session under a symbol only this
 * module holds, not in a module `WeakMap`: a WeakMap entry per request costs garbage-collector
 * (ephemeron) work on every request, and either way the state lives as long as the session.
 */
const OWNER: unique symbol = Symbol('tessera.trpc.owner');
type Owned = { [OWNER]?: RequestState };

/** Reads a handle's private state; set by {@link LazySession}'s static block. */
let readState: (value: unknown) => RequestState | undefined;

/**
 * The request's session before anyone asked for it: what `createSessionContext` puts on
 * `ctx.session`. Nothing is read from the store until a procedure built on
 * `sessionProcedure`, `authedProcedure` or `createSessionRouter` runs; those replace it
 * with the loaded {@link Session}, loaded once per HTTP request however many batched
 * procedures use it, and commit it when the procedure ends.
 *
 * @example
 * ```ts
 * const createContext = (opts: FetchCreateContextFnOptions) => ({ ...sessionContext(opts), db });
 * // ctx.session is a LazySession; inside sessionProcedure it is the loaded Session
 * ```
 */
export class LazySession<Data extends SessionData = SessionData> {
  /** Carries the data type to the procedures (no runtime field). */
  declare private readonly dataType?: Data;

  // A private field, not a module WeakMap keyed by the handle: one handle is made per
  // request, and a WeakMap entry per request costs garbage-collector (ephemeron) work.
  // Typed `unknown` so that the field keeps `LazySession<Data>` assignable as before (a
  // `RequestState<Data>` here would make the class invariant in `Data`).
  readonly #state: unknown;

  static {
    readState = (value) => (typeof value === 'object' && value !== null && #state in value ? (value.#state as RequestState) : undefined);
  }

  /** @internal Created by `createSessionContext` only. */
  constructor(state: RequestState<Data>) {
    this.#state = state;
  }

  /** `true` once a procedure of this request loaded the session. */
  get loaded(): boolean {
    return (this.#state as RequestState).session !== null;
  }
}

/** The request state behind a lazy session. */
export function requestStateOf<Data extends SessionData>(handle: LazySession<Data>): RequestState<Data> {
  const state = readState(handle);
  if (!state) throw new TypeError('ctx.session is not a LazySession from createSessionContext()');
  return state as unknown as RequestState<Data>;
}

/** The request state a loaded session belongs to, for procedures that commit before they return. */
export function ownerOf<Data extends SessionData>(session: Session<Data>): RequestState<Data> {
  const state = (session as Owned)[OWNER];
  if (!state) throw new TypeError('session was not loaded through a tessera tRPC procedure');
  return state as unknown as RequestState<Data>;
}

/** `true` for the lazy handle (and not for a session a wrapping middleware already loaded). */
export function isLazySession(value: unknown): value is LazySession<never> {
  return readState(value) !== undefined;
}

function loadOnce<Data extends SessionData>(state: RequestState<Data>): Promise<Session<Data>> {
  state.loading ??= state.sessions.load(state.request, state.loadOptions).then((session) => {
    state.session = session;
    if (state.readOnly) state.sessions.close(session);
    (session as Owned)[OWNER] = state as unknown as RequestState;
    return session;
  });
  return state.loading;
}

async function acquire(state: RequestState<SessionData>): Promise<() => void> {
  const previous = state.queue;
  let release: () => void = () => {};
  state.queue = new Promise<void>((resolve) => {
    release = resolve;
  });
  if (previous !== null) await previous;
  return release;
}

/** The part of a tRPC middleware result this adapter reads. */
export type ProcedureOutcome = { readonly ok: true } | { readonly ok: false; readonly error: { readonly cause?: unknown } };

/** Commits `session` now (headers included; only the headers when it has nothing to persist), translating a failure through the error table. */
export async function commitNow<Data extends SessionData>(state: RequestState<Data>, session: Session<Data>): Promise<void> {
  if (!state.sessions.needsCommit(session)) {
    if (state.target) state.sessions.writeHeaders(session, state.target);
    return;
  }
  try {
    await state.sessions.commit(session, state.target);
  } catch (error) {
    throw toTRPCError(error);
  }
}

/**
 * Runs one procedure with the request's session (DESIGN.md §3): loads it at most once per
 * request, commits when the procedure succeeded (the core serialises commits, persists
 * only changes or a due touch, and writes the headers), forgets its changes when it failed,
 * and closes the session once every procedure of the request that can use it has finished,
 * so a change made later (a stray promise) throws where it is made instead of vanishing.
 */
export async function withSession<Data extends SessionData, R extends ProcedureOutcome>(
  handle: LazySession<Data>,
  run: (session: Session<Data>) => Promise<R>,
): Promise<R> {
  const state = requestStateOf(handle);
  const release = state.exclusive ? await acquire(state as unknown as RequestState) : undefined;
  try {
    let session: Session<Data>;
    try {
      session = await loadOnce(state);
    } catch (error) {
      throw toTRPCError(error);
    }
    const result = await run(session);
    if (!result.ok) {
      state.sessions.discard(session);
      // A SessionError thrown by the procedure (a write in a GET, data too large…) reaches
      // here wrapped as INTERNAL_SERVER_ERROR; give it its code from the error table.
      if (result.error.cause instanceof SessionError) throw toTRPCError(result.error.cause);
      return result;
    }
    // Nothing to persist (the usual read): the headers a commit would write, synchronously,
    // without the commit's promise chain.
    if (!state.sessions.needsCommit(session)) {
      if (state.target) state.sessions.writeHeaders(session, state.target);
      return result;
    }
    // Inlined commitNow: one async frame less on every request that used the session.
    try {
      await state.sessions.commit(session, state.target);
    } catch (error) {
      throw toTRPCError(error);
    }
    return result;
  } finally {
    release?.();
    state.finishedUsers++;
    if (state.finishedUsers === state.expectedUsers && state.session !== null) state.sessions.close(state.session);
  }
}
