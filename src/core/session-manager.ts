import type { SessionData } from './config.js';
import { originAllowed } from './csrf.js';
import { readRequest, type SessionRequest } from './request.js';
import type { OpenOptions, SessionEngine, SessionScope } from './session-scope.js';

/**
 * What every manager offers per request, `createSessions()` and `cookieSessions()` alike:
 * adapters and route helpers open one {@link SessionScope} per request and translate their
 * framework's events into its calls.
 */
export interface SessionManager<Data extends SessionData = SessionData, Scope = SessionScope<Data>> {
  /**
   * Opens the request's session scope: no store access until the session is first used.
   *
   * @example
   * ```ts
   * const scope = sessions.open(request);
   * const userId = await scope.run('read', (session) => session.userId);
   * ```
   */
  open(request: SessionRequest, options?: OpenOptions): Scope;
  /**
   * Whether the request's `Origin` is its own or one of `allowedOrigins` (`false` without an
   * `Origin`): adapters grant credentialed CORS only when this holds.
   *
   * @example
   * ```ts
   * if (sessions.isAllowedOrigin(request)) headers.set('access-control-allow-credentials', 'true');
   * ```
   */
  isAllowedOrigin(request: SessionRequest): boolean;
}

/** The per-request members of a manager over `engine`, each request's scope made by `makeScope`. */
export function requestMethods<Data extends SessionData, Scope>(
  engine: SessionEngine<Data>,
  makeScope: (engine: SessionEngine<Data>, facts: ReturnType<typeof readRequest>, options: OpenOptions) => Scope,
): SessionManager<Data, Scope> {
  const { config } = engine;
  return {
    open: (request: SessionRequest, options: OpenOptions = NO_OPTIONS) => makeScope(engine, readRequest(request, config.trustProxy, config.trustForwardedHost, options.clientAddress), options),
    isAllowedOrigin: (request: SessionRequest) => originAllowed(readRequest(request, config.trustProxy, config.trustForwardedHost), config.csrf),
  };
}

/** `open()` without options, shared so that no request allocates its own. */
const NO_OPTIONS: OpenOptions = Object.freeze({});

/** The scope type a manager type opens (a union for a union of managers). */
export type ScopeOf<Manager> = Manager extends { open(request: SessionRequest, options?: OpenOptions): infer Scope } ? Scope : never;
