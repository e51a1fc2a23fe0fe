import { commitDue, storeCommit } from './commit.js';
import { SessionError } from './errors.js';
import { resolveConfig, type ResolvedConfig, type SessionData, type SessionsConfig } from './config.js';
import { loadSession, storeCall, storeLookup, type SessionLookup } from './load.js';
import { ServerSessionScope, type SessionAdministration, type SessionSummary } from './server-session-scope.js';
import { requestMethods, type SessionManager } from './session-manager.js';
import type { SessionEngine } from './session-scope.js';
import { deadlineOf, type SessionRecord, type Store } from './store.js';

export type { HeaderTarget, NodeResponseLike } from './response-headers.js';
export type { SessionManager } from './session-manager.js';

/** The session manager returned by {@link createSessions}: per-request scopes plus server-side management. */
export interface Sessions<Data extends SessionData = SessionData> extends SessionManager<Data, ServerSessionScope<Data>>, SessionAdministration {
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

/** The server-side store of a configuration, checked before anything else; throws `INVALID_CONFIG` without one. */
function requireStore(config: SessionsConfig<SessionData>): Store {
  const store = typeof config === 'object' && config !== null ? (config as Partial<SessionsConfig<SessionData>>).store : undefined;
  if (typeof config === 'object' && config !== null && (!store || typeof store.get !== 'function')) {
    throw new SessionError('INVALID_CONFIG', 'store: a Store is required (sqliteStore(), kyselyStore(), memoryStore())');
  }
  return store as Store;
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
 * const scope = sessions.open(request);
 * await scope.run('write', (session) => session.update('cart', (cart = []) => [...cart, 'apple']));
 * scope.respond(response.headers);
 * ```
 */
export function createSessions<Data extends SessionData = SessionData>(config: SessionsConfig<Data>): Sessions<Data> {
  const store = requireStore(config);
  const resolved: ResolvedConfig<Data> = resolveConfig(config);
  const lookup = storeLookup(store) as SessionLookup<Data>;
  const engine: SessionEngine<Data> = { config: resolved, load: (facts, cookieWritable) => loadSession(resolved, lookup, facts, cookieWritable), commit: storeCommit(store), commitDue };
  const sessions: Sessions<Data> = Object.freeze({
    ...requestMethods(engine, (own, facts, options) => new ServerSessionScope(own, facts, options, sessions)),

    async listSessions(userId: string): Promise<SessionSummary[]> {
      const records = await storeCall('list', () => store.listByUser(userId));
      const now = resolved.now();
      return records
        .filter((record) => deadlineOf(record) > now)
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
      if (!Number.isInteger(batchSize) || batchSize < 1) throw new SessionError('INVALID_CONFIG', 'purgeExpired: batchSize must be a positive integer');
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
  return sessions;
}
