import { commitSession, rollback } from './commit.js';
import { resolveConfig, type ResolvedConfig, type SessionData, type SessionsConfig } from './config.js';
import { csrfVerdict, originAllowed } from './csrf.js';
import { SessionError } from './errors.js';
import { loadSession, storeCall, type LoadOptions } from './load.js';
import { isHeadersLike, readRequest, type SessionRequest } from './request.js';
import { stateOf, type Session } from './session.js';
import type { SessionState } from './session-state.js';
import type { SessionRecord } from './store.js';

/** Where `commit()` writes response headers: WHATWG `Headers`, or a Node `ServerResponse` (Express, Fastify's `reply.raw`). */
export type HeaderTarget = Headers | NodeResponseLike;

/** The slice of Node's `ServerResponse` that tessera writes to. */
export interface NodeResponseLike {
  getHeader(name: string): number | string | readonly string[] | undefined;
  setHeader(name: string, value: number | string | readonly string[]): unknown;
}

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

/** The session manager returned by {@link createSessions}. */
export interface Sessions<Data extends SessionData = SessionData> {
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
  /** The user's live sessions, newest activity first. */
  listSessions(userId: string): Promise<SessionSummary[]>;
  /** Ends one session by its public id; resolves whether it existed. */
  revokeSession(id: string): Promise<boolean>;
  /** Ends every session of a user, except `except` (the current one, after a password change). */
  revokeUser(userId: string, options?: { readonly except?: string | null }): Promise<number>;
  /** Deletes expired records in batches of `batchSize` (default 500); resolves how many. */
  purgeExpired(options?: { readonly batchSize?: number }): Promise<number>;
}

function summarise(record: SessionRecord): SessionSummary {
  return {
    id: record.id,
    userId: record.userId,
    createdAt: record.createdAt,
    lastSeenAt: record.lastSeenAt,
    expiresAt: record.expiresAt,
    authenticatedAt: record.authenticatedAt,
    userAgent: record.userAgent,
    ipAddress: record.ipAddress,
  };
}

/** Appends `value` to a comma-list header unless it is already there. */
function mergeListHeader(target: HeaderTarget, name: string, value: string): void {
  const current = isHeadersLike(target) ? target.get(name) : target.getHeader(name);
  const text = current === undefined || current === null ? '' : Array.isArray(current) ? current.join(', ') : String(current);
  if (text.split(',').some((part) => part.trim().toLowerCase() === value.toLowerCase() || part.trim() === '*')) return;
  const next = text === '' ? value : `${text}, ${value}`;
  if (isHeadersLike(target)) target.set(name, next);
  else target.setHeader(name, next);
}

function appendSetCookie(target: HeaderTarget, cookie: string): void {
  if (isHeadersLike(target)) {
    target.append('set-cookie', cookie);
    return;
  }
  const current = target.getHeader('set-cookie');
  const list = current === undefined ? [] : Array.isArray(current) ? [...(current as string[])] : [String(current)];
  target.setHeader('set-cookie', [...list, cookie]);
}

function writeDecidedHeaders(state: SessionState, target: HeaderTarget): void {
  const cookie = state.outgoingCookie;
  if (cookie !== null) {
    appendSetCookie(target, cookie);
    state.outgoingCookie = null;
  }
  // Django CVE-2026-35192 / CVE-2014-0473: a response that depends on the cookie must say so,
  // and one that carries a session must never sit in a shared cache.
  if (state.accessed || cookie !== null || state.record !== null) mergeListHeader(target, 'vary', 'Cookie');
  if (cookie !== null || state.record !== null || state.hadCookie) {
    if (isHeadersLike(target)) target.set('cache-control', 'no-store');
    else target.setHeader('cache-control', 'no-store');
  }
}

/**
 * Creates the session manager: Django's session framework for TypeScript API servers.
 * Validates the configuration (throwing `INVALID_CONFIG` naming the option) and derives
 * keys once, so the per-request path does no set-up work.
 *
 * @example
 * ```ts
 * import { createSessions } from 'tessera';
 * import { sqliteStore } from 'tessera/sqlite';
 *
 * const sessions = createSessions<{ cart: string[] }>({
 *   store: await sqliteStore('.data/sessions.db'),
 *   secrets: [process.env.SESSION_SECRET!],
 * });
 * const session = await sessions.load(request);
 * session.update('cart', (cart = []) => [...cart, 'apple']);
 * await sessions.commit(session, response.headers);
 * ```
 */
export function createSessions<Data extends SessionData = SessionData>(config: SessionsConfig<Data>): Sessions<Data> {
  const resolved: ResolvedConfig<Data> = resolveConfig(config);
  const store = resolved.store;
  return Object.freeze({
    load: (request: SessionRequest, options?: LoadOptions) => loadSession(resolved, request, options),

    commit(session: Session<Data>, target?: HeaderTarget): Promise<void> {
      const state = stateOf(session);
      const run = state.chain.then(async () => {
        try {
          await commitSession(state);
        } catch (error) {
          rollback(state);
          throw error;
        }
        if (target) writeDecidedHeaders(state, target);
      });
      state.chain = run.catch(() => {});
      return run;
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

    async listSessions(userId: string): Promise<SessionSummary[]> {
      const records = await storeCall('list', () => store.listByUser(userId));
      const now = resolved.now();
      return records
        .filter((record) => record.expiresAt.getTime() > now)
        .sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime())
        .map(summarise);
    },

    async revokeSession(id: string): Promise<boolean> {
      const deleted = await storeCall('revoke', () => store.delete(id));
      if (deleted) resolved.emit({ type: 'revoked', sessionId: id, userId: null, reason: 'revoke', at: new Date(resolved.now()) });
      return deleted;
    },

    async revokeUser(userId: string, options: { readonly except?: string | null } = {}): Promise<number> {
      const except = options.except ?? undefined;
      const count = await storeCall('revoke user', () => store.deleteByUser(userId, except));
      if (count > 0) resolved.emit({ type: 'revoked', sessionId: '*', userId, reason: 'revoke-user', at: new Date(resolved.now()) });
      return count;
    },

    async purgeExpired(options: { readonly batchSize?: number } = {}): Promise<number> {
      const batchSize = options.batchSize ?? 500;
      if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('purgeExpired: batchSize must be a positive integer');
      let total = 0;
      for (;;) {
        const deleted = await storeCall('purge', () => store.deleteExpired(new Date(resolved.now()), batchSize));
        total += deleted;
        if (deleted < batchSize) return total;
        // Yield between batches so concurrent session loads interleave with a long purge.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },
  });
}
