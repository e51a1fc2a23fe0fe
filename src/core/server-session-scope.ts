import type { SessionData } from './config.js';
import { SessionError } from './errors.js';
import type { RequestFacts } from './request.js';
import type { Session } from './session.js';
import { SessionScope, type AuthenticatedUser, type OpenOptions, type SessionEngine } from './session-scope.js';
import type { SessionInfo } from './session.js';

/** A session as listed for its user: a handle and metadata, never a token or hash. */
export interface SessionSummary {
  readonly id: string;
  readonly userId: string | null;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly expiresAt: Date;
  readonly authenticatedAt: Date | null;
  readonly userAgent: string | null;
  readonly ipAddress: string | null;
}

/** One of the signed-in user's own sessions, as {@link ServerSessionScope.listOwn} shows it to that user. */
export type OwnSession = Pick<SessionSummary, 'id' | 'createdAt' | 'lastSeenAt' | 'userAgent'> & {
  /** The session of this request. */
  readonly current: boolean;
};

/** The server-side administration a scope's own-session use cases need (the manager's). */
export interface SessionAdministration {
  listSessions(userId: string): Promise<SessionSummary[]>;
  revokeSession(id: string): Promise<boolean>;
  revokeUser(userId: string, options?: { readonly except?: string | null }): Promise<number>;
}

/**
 * The scope of a manager with server-side records (`createSessions()`): the use cases of
 * {@link SessionScope} plus listing and ending the signed-in user's own sessions, which the
 * sealed-cookie mode cannot offer. A request on a secret that a rotation replaced may read
 * these but never end a session (docs/architecture.md, "Security model").
 *
 * @example
 * ```ts
 * const scope = sessions.open(request);
 * const mine = await scope.run('read', () => scope.listOwn());
 * ```
 */
export class ServerSessionScope<Data extends SessionData = SessionData> extends SessionScope<Data> {
  readonly mode = 'server' as const;
  readonly #admin: SessionAdministration;

  /** @internal Made by `createSessions().open()`. */
  constructor(engine: SessionEngine<Data>, facts: RequestFacts, options: OpenOptions, admin: SessionAdministration) {
    super(engine, facts, options);
    this.#admin = admin;
  }

  /** The signed-in user's live sessions, newest activity first; `UNAUTHENTICATED` without a user. */
  async listOwn(): Promise<OwnSession[]> {
    const session = await this.session();
    const listed = await this.#admin.listSessions(signedIn(session));
    return listed.map((summary) => ({ id: summary.id, current: summary.id === session.id, createdAt: summary.createdAt, lastSeenAt: summary.lastSeenAt, userAgent: summary.userAgent }));
  }

  /**
   * Ends one of the signed-in user's sessions by its public id; ending the current one signs
   * out (the cookie is cleared too). Resolves whether a session of this user was ended: someone
   * else's id, or one that does not exist, answers `false` alike, so ids are no oracle.
   */
  async revokeOwn(id: string): Promise<boolean> {
    const session = await this.session();
    const userId = signedIn(session);
    if (session.isGrace) throw graceRefusal();
    if (id === session.id) return this.signOut();
    const own = await this.#admin.listSessions(userId);
    if (!own.some((summary) => summary.id === id)) return false;
    return this.#admin.revokeSession(id);
  }

  /** Ends every other session of the signed-in user; resolves how many. */
  async revokeOthers(): Promise<number> {
    const session = await this.session();
    const userId = signedIn(session);
    if (session.isGrace) throw graceRefusal();
    return this.#admin.revokeUser(userId, { except: session.id });
  }

  /**
   * After a password change: signs `user` in again on this device (new secret, fresh
   * `authenticatedAt`, the new credential fingerprint) and ends every other session of theirs.
   */
  async reauthenticate(user: AuthenticatedUser): Promise<number> {
    const info = await this.signIn(user);
    return this.#admin.revokeUser(user.id, { except: info.id });
  }
}

function signedIn(session: Pick<Session, 'userId'>): string {
  const userId = session.userId;
  if (userId === null) throw new SessionError('UNAUTHENTICATED', 'sign in first');
  return userId;
}

function graceRefusal(): SessionError {
  return new SessionError('SESSION_INTERRUPTED', 'cannot end sessions with a session secret that a rotation has replaced');
}

export type { SessionInfo };
