import type { ResolvedConfig, SessionData } from './config.js';
import type { RequestFacts } from './request.js';
import type { SessionRecord } from './store.js';

/** One recorded data change, replayed on the latest stored data when a commit meets a concurrent write. */
export type DataOp =
  | { readonly kind: 'set'; readonly key: string; readonly value: unknown }
  | { readonly kind: 'delete'; readonly key: string }
  | { readonly kind: 'clear' }
  | { readonly kind: 'update'; readonly key: string; readonly fn: (current: unknown) => unknown };

/** What the sealed payload holds besides the data. */
export interface Envelope {
  /** The data. */
  d: SessionData;
  /** The credential fingerprint given to `login()`, for `verifyUser`. */
  f?: string;
  /** `1`: a browser-close session (`login(user, { persistent: false })`): its cookie has no `Max-Age`. */
  b?: 1;
}

/**
 * The mutable state behind one request's {@link Session}. Internal to the core:
 * the session methods change it, `commitSession` persists it.
 */
export interface SessionState<Data extends SessionData = SessionData> {
  readonly config: ResolvedConfig<Data>;
  readonly facts: RequestFacts;
  /** The cookie name for this request; `null` over plain http to a non-loopback host. */
  readonly cookieName: string | null;
  /** The request carried a cookie of our name (valid or not). */
  readonly hadCookie: boolean;
  /** `false` once response headers may already be on the wire (a streamed response). */
  cookieWritable: boolean;
  /** Every data change needs a new cookie (the sealed-cookie mode keeps data in the cookie). */
  readonly dataInCookie: boolean;

  /** The record as last loaded or committed; `null` when none exists for this client. */
  record: SessionRecord | null;
  /** The secret the client holds for `record` (from its cookie, or issued by this request). */
  secret: string | null;
  /** The client presented the previous secret of a rotation (grace window). */
  viaGrace: boolean;
  /** The record, secret and data as last loaded or committed: the rollback point. */
  committedRecord: SessionRecord | null;
  committedSecret: string | null;
  committedViaGrace: boolean;
  /**
   * JSON of the data as last loaded or committed, or `null` while `data` still is that data
   * (nothing has changed it since): most requests never change their data, so the snapshot
   * is taken by {@link snapshotCommittedData} before the first change, not at every load.
   */
  committedData: string | null;
  committedFingerprint: string | undefined;

  data: SessionData;
  ops: DataOp[];
  userId: string | null;
  authenticatedAt: Date | null;
  fingerprint: string | undefined;
  /** The cookie ends with the browser session (no `Max-Age`); the server deadlines still apply. */
  browserSession: boolean;
  committedBrowserSession: boolean;
  /** Records to delete at the next commit (flush, logout, a different user's login). */
  deletions: { id: string; reason: 'logout' | 'flush' | 'user-changed' }[];
  /** A new secret is due: for a sign-in or a rotation. */
  newSecret: 'login' | 'rotate' | null;
  /** An earlier absolute deadline asked for by `setExpiry()`; `null` for the default. */
  expiryOverride: Date | null | undefined;

  accessed: boolean;
  modified: boolean;
  /** The response is decided and no operation runs: every change throws. */
  closed: boolean;
  /** What the request's running operations allow (set by its `SessionScope`): changes need `'write'`. */
  access: 'idle' | 'read' | 'write';
  /** A `Set-Cookie` decided by the last commit and not yet written to a response. */
  outgoingCookie: string | null;
  /** A `Clear-Site-Data` value decided by a logout and not yet written. */
  outgoingClearSiteData: string | null;
}

/** Takes the rollback snapshot of the committed data; call before anything changes or replaces `data`. */
export function snapshotCommittedData(state: SessionState): void {
  if (state.committedData === null) state.committedData = JSON.stringify(state.data);
}

/**
 * The state of a session that has loaded nothing yet: anonymous, empty, unchanged; or, with
 * `data`, the start of a loaded session's (the loader sets the rest), so a load does not build
 * an empty null-prototype object only to replace it.
 */
export function newSessionState<Data extends SessionData>(
  config: ResolvedConfig<Data>,
  facts: RequestFacts,
  cookieName: string | null,
  hadCookie: boolean,
  cookieWritable: boolean,
  dataInCookie = false,
  data: SessionData = Object.create(null) as SessionData,
): SessionState<Data> {
  return {
    config,
    facts,
    cookieName,
    hadCookie,
    cookieWritable,
    dataInCookie,
    record: null,
    secret: null,
    viaGrace: false,
    committedRecord: null,
    committedSecret: null,
    committedViaGrace: false,
    committedData: '{}',
    committedFingerprint: undefined,
    data,
    ops: [],
    userId: null,
    authenticatedAt: null,
    fingerprint: undefined,
    browserSession: false,
    committedBrowserSession: false,
    deletions: [],
    newSecret: null,
    expiryOverride: undefined,
    accessed: false,
    modified: false,
    closed: false,
    access: 'idle',
    outgoingCookie: null,
    outgoingClearSiteData: null,
  };
}

/** Ends the session in `state` (logout, flush, a different user's sign-in): the record is deleted at the next commit. */
export function flushState(state: SessionState, reason: 'logout' | 'flush' | 'user-changed'): void {
  state.accessed = true;
  if (state.record !== null) {
    state.deletions.push({ id: state.record.id, reason });
    state.modified = true;
  }
  state.record = null;
  state.secret = null;
  state.viaGrace = false;
  snapshotCommittedData(state);
  state.data = Object.create(null) as SessionData;
  state.ops = [];
  state.userId = null;
  state.authenticatedAt = null;
  state.fingerprint = undefined;
  state.browserSession = false;
  state.newSecret = null;
  state.expiryOverride = undefined;
}

/** Forgets the changes since the last commit (a failed operation must not leave them half-applied). */
export function rollback(state: SessionState): void {
  state.record = state.committedRecord;
  state.secret = state.committedSecret;
  state.viaGrace = state.committedViaGrace;
  state.deletions = [];
  if (state.committedData !== null) state.data = Object.assign(Object.create(null) as SessionData, JSON.parse(state.committedData) as SessionData);
  state.fingerprint = state.committedFingerprint;
  state.browserSession = state.committedBrowserSession;
  state.ops = [];
  state.newSecret = null;
  state.modified = false;
  state.expiryOverride = undefined;
  state.userId = state.record?.userId ?? null;
  state.authenticatedAt = state.record?.authenticatedAt ?? null;
}

/**
 * Rolls a failed operation's changes back, keeping a sign-out it made: a sign-out is never
 * undone by an unrelated failure (a shared computer must not stay signed in). Returns whether
 * a sign-out is pending again, so the caller commits it.
 */
export function rollbackKeepingSignOut(state: SessionState): boolean {
  const signedOut = state.deletions.some((deletion) => deletion.reason === 'logout');
  rollback(state);
  if (!signedOut || state.record === null) return false;
  flushState(state, 'logout');
  return true;
}
