import { commitDue, rollback } from './commit.js';
import type { ResolvedConfig, SessionData } from './config.js';
import { csrfVerdict, originAllowed } from './csrf.js';
import { SessionError } from './errors.js';
import type { LoadOptions } from './load.js';
import { readRequest, type SessionRequest } from './request.js';
import { writeDecidedHeaders, type HeaderTarget } from './response-headers.js';
import { stateOf, type Session } from './session.js';
import type { SessionState } from './session-state.js';

/**
 * What an adapter needs of a manager: the per-request half, shared by {@link createSessions}
 * and the stateless `cookieSessions()`.
 */
export interface SessionManager<Data extends SessionData = SessionData> {
  /**
   * Resolves the request's session: one store read at most, none for an absent or
   * malformed cookie. A missing, forged or expired cookie gives an empty anonymous session.
   */
  load(request: SessionRequest, options?: LoadOptions): Promise<Session<Data>>;
  /**
   * Persists what changed since the last commit and writes `Set-Cookie` (when a new
   * cookie was decided), `Vary: Cookie` and `Cache-Control: no-store` to `target`.
   * Commits of one session run one at a time. On failure the changes since the last
   * commit are rolled back and the error is thrown.
   */
  commit(session: Session<Data>, target?: HeaderTarget): Promise<void>;
  /**
   * Whether {@link SessionManager.commit} has anything to do for `session` now: store I/O
   * (a pending deletion, a creation, a new secret, a change, a due throttled touch) or a
   * new cookie to decide — for `cookieSessions()`, whatever its commit would write. Also
   * `true` while a commit of the session is still running, and whenever in doubt. When it
   * is `false`, {@link SessionManager.writeHeaders} alone gives the response exactly the
   * headers a commit would, synchronously, with no promise. Synchronous, no I/O.
   *
   * @example
   * ```ts
   * if (sessions.needsCommit(session)) await sessions.commit(session, response.headers);
   * else sessions.writeHeaders(session, response.headers);
   * ```
   */
  needsCommit(session: Session<Data>): boolean;
  /** Writes the headers decided by earlier commits, without any I/O (for response hooks). */
  writeHeaders(session: Session<Data>, target: HeaderTarget): void;
  /** Forgets the changes since the last commit (an operation failed). */
  discard(session: Session<Data>): void;
  /** Closes the session: any later change throws `SESSION_CLOSED` where it is made. */
  close(session: Session<Data>): void;
  /** Marks response headers as possibly sent: later changes that need a new cookie throw. */
  lockCookie(session: Session<Data>): void;
  /** Throws `CSRF_REJECTED` unless the request passes the CSRF rule of DESIGN.md §4. */
  assertSameOrigin(request: SessionRequest): void;
  /**
   * Whether the request's `Origin` is its own or one of `allowedOrigins` (`false` without an
   * `Origin`): adapters grant credentialed CORS only when this holds.
   */
  isAllowedOrigin(request: SessionRequest): boolean;
}

/**
 * The per-request methods of a manager, around a mode's own load and commit (server-side
 * records for `createSessions`, the sealed cookie for `cookieSessions`), and its test of
 * whether that commit has anything to do (by default the server-side one, {@link commitDue}).
 */
export function requestMethods<Data extends SessionData>(
  resolved: ResolvedConfig<Data>,
  load: (config: ResolvedConfig<Data>, request: SessionRequest, options?: LoadOptions) => Promise<Session<Data>>,
  commitState: (state: SessionState<Data>) => Promise<void>,
  commitStateDue: (state: SessionState<Data>) => boolean = commitDue,
): SessionManager<Data> {
  /**
   * Commits queued or running per session. A running commit has not yet brought the state to
   * its commit point (it clears the changes only once the store answered), so until it is done
   * `needsCommit` says `true` and the caller's commit queues behind it as before. Kept here, off
   * the state, and only ever touched on the commit path, which already does I/O.
   */
  const running = new WeakMap<SessionState<Data>, number>();

  /** One commit of `state` has finished (either way). */
  function settled(state: SessionState<Data>): void {
    const left = (running.get(state) ?? 1) - 1;
    if (left === 0) running.delete(state);
    else running.set(state, left);
  }

  return {
    load: (request: SessionRequest, options?: LoadOptions) => load(resolved, request, options),

    commit(session: Session<Data>, target?: HeaderTarget): Promise<void> {
      const state = stateOf(session);
      running.set(state, (running.get(state) ?? 0) + 1);
      const run = state.chain.then(async () => {
        try {
          await commitState(state);
        } catch (error) {
          rollback(state);
          throw error;
        }
        if (target) writeDecidedHeaders(state, target);
      });
      state.chain = run.then(
        () => settled(state),
        () => settled(state),
      );
      return run;
    },

    needsCommit(session: Session<Data>): boolean {
      const state = stateOf(session);
      return running.has(state) || commitStateDue(state);
    },

    writeHeaders(session: Session<Data>, target: HeaderTarget): void {
      writeDecidedHeaders(stateOf(session), target);
    },

    discard(session: Session<Data>): void {
      rollback(stateOf(session));
    },

    close(session: Session<Data>): void {
      stateOf(session).closed = true;
    },

    lockCookie(session: Session<Data>): void {
      stateOf(session).cookieWritable = false;
    },

    assertSameOrigin(request: SessionRequest): void {
      const verdict = csrfVerdict(readRequest(request, resolved.trustProxy), resolved.csrf);
      if (verdict !== null) throw new SessionError('CSRF_REJECTED', `request refused by the CSRF rule (${verdict})`);
    },

    isAllowedOrigin(request: SessionRequest): boolean {
      return originAllowed(readRequest(request, resolved.trustProxy), resolved.csrf);
    },
  };
}
