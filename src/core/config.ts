import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { CookieAttributes } from './cookie.js';
import { normaliseOrigin, type CsrfPolicy } from './csrf.js';
import { durationToMs, type Duration } from './duration.js';
import { SessionError } from './errors.js';
import type { SessionEvent } from './events.js';
import type { TrustProxy } from './request.js';
import { Keyring } from './seal.js';
import type { Store } from './store.js';

/** Session data: a JSON object keyed by strings. */
export type SessionData = Record<string, unknown>;

/** A structured log line. It never carries a token, a secret or a secret hash. */
export interface SessionLogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly event: string;
  readonly message: string;
  /** The public session id (a handle, not a credential). */
  readonly sessionId?: string;
  readonly error?: unknown;
}

/**
 * Everything {@link createSessions} accepts. Only `store` and `secrets` are required;
 * every default is the strict one.
 */
export interface SessionsConfig<Data extends SessionData = SessionData> {
  /** Where records live: `sqliteStore()`, `kyselyStore()`, `memoryStore()` or your own. */
  readonly store: Store;
  /**
   * Server secrets, each at least 32 bytes: the first seals new data, all of them open
   * existing data, so rotating means prepending a new secret and, later, dropping the old one.
   */
  readonly secrets: readonly (string | Uint8Array)[];
  /** Inactivity limit, enforced on the server: milliseconds or a string such as `'15m'`. Default `'14d'` (Django's `SESSION_COOKIE_AGE`). */
  readonly idleTimeout?: Duration;
  /** Lifetime limit from sign-in (or creation), never extended by activity. Default `'30d'`. */
  readonly absoluteTimeout?: Duration;
  /** How long the secret replaced by `rotate()` keeps working for requests already in flight. Default `'30s'`. */
  readonly rotationGrace?: Duration;
  /** Cookie settings. The name gets the `__Host-` prefix over https (or `__Secure-` with a `domain` or `path`). */
  readonly cookie?: {
    readonly name?: string;
    readonly sameSite?: 'lax' | 'strict' | 'none';
    readonly domain?: string;
    readonly path?: string;
  };
  /** Cap on the serialised session data, in bytes. Default 16 KiB. */
  readonly maxDataBytes?: number;
  /** A Standard Schema (zod, valibot, arktype…) that stored data must satisfy at load; failing data is dropped. */
  readonly schema?: StandardSchemaV1<unknown, Data>;
  /** Proxies in front of the app: a hop count, or their addresses. Default `0`: none is believed. */
  readonly trustProxy?: TrustProxy;
  /**
   * Whether the trusted proxies (`trustProxy`) set `X-Forwarded-Host`, so the request's own
   * origin is taken from it. Default `false`: only `X-Forwarded-Proto` and `X-Forwarded-For` are
   * read from them, since a proxy that passes a client's `X-Forwarded-Host` through would let
   * any client pick the origin the CSRF rule calls its own.
   */
  readonly trustForwardedHost?: boolean;
  /** Origins besides the request's own that may send state-changing requests, e.g. `'https://app.example.com'`. */
  readonly allowedOrigins?: readonly string[];
  /** Request headers that mark a request as preflighted for the CSRF rule. Default `['x-csrf-protection', 'x-trpc-source', 'x-graphql-yoga-csrf', 'apollo-require-preflight']`. */
  readonly csrfHeaders?: readonly string[];
  /**
   * Opt-in credential check on every load (Django's session auth hash): return the user's current
   * credential fingerprint, or `null` when the user is gone. A mismatch with the fingerprint given
   * to `login()` ends the session.
   */
  readonly verifyUser?: (userId: string) => string | null | Promise<string | null>;
  /**
   * Receives structured log entries. Default: entries of level `error` (a store that failed or
   * cannot be reached) go to `console.error`, so a server fault the client sees only as
   * "Internal session error" is never silent; pass your own to route or silence them.
   */
  readonly logger?: (entry: SessionLogEntry) => void;
  /** Receives lifecycle events (created, rotated, revoked, expired, suspicious). */
  readonly onEvent?: (event: SessionEvent) => void;
  /**
   * Caps the sessions one user may hold; at sign-in the oldest beyond the cap are ended
   * (oldest-first eviction, OWASP session management cheat sheet). Default: no cap.
   */
  readonly maxSessionsPerUser?: number;
  /**
   * Asked before an anonymous session is created and when a well-formed but unknown or wrong
   * token is presented, with the client address (from trusted proxy hops only). Return `false`
   * to refuse with `RATE_LIMITED`. See `memoryRateLimiter()` for a ready one.
   */
  readonly rateLimit?: (attempt: RateLimitAttempt) => boolean | Promise<boolean>;
  /**
   * `Clear-Site-Data` directives sent with the response of a logout, e.g. `['cache', 'storage']`
   * (W3C Clear Site Data; OWASP ASVS 5.0 V7.4). Default: none.
   */
  readonly clearSiteDataOnLogout?: readonly ('cache' | 'cookies' | 'storage' | 'executionContexts' | '*')[];
  /** The clock, for tests. Default `() => new Date()`. */
  readonly clock?: () => Date;
}

/** What a {@link SessionsConfig.rateLimit} hook is asked about. */
export interface RateLimitAttempt {
  /** `'create'`: a new anonymous session; `'invalid-token'`: a well-formed token that matched nothing. */
  readonly kind: 'create' | 'invalid-token';
  /**
   * The client's address (from trusted proxy hops only). A request whose address cannot be
   * learned is never asked about: pooling every such client into one bucket would let one of
   * them lock all others out; it is counted in an `unlimited` event instead.
   */
  readonly clientAddress: string;
}

/**
 * Timeout profiles for NIST SP 800-63B §2.2.3 / §2.3.3 reauthentication limits, to spread into a config.
 *
 * @example
 * ```ts
 * const sessions = createSessions({ ...profiles.aal2, store, secrets });
 * ```
 */
export const profiles = {
  /** AAL2: 24 h absolute, 1 h idle. */
  aal2: { absoluteTimeout: '24h', idleTimeout: '1h' },
  /** AAL3: 12 h absolute, 15 min idle. */
  aal3: { absoluteTimeout: '12h', idleTimeout: '15m' },
} as const satisfies Record<string, Pick<SessionsConfig, 'idleTimeout' | 'absoluteTimeout'>>;

/** The configuration with every value resolved and derived once, at construction. */
export interface ResolvedConfig<Data extends SessionData> {
  readonly keyring: Keyring;
  readonly idleMs: number;
  readonly absoluteMs: number;
  readonly graceMs: number;
  /** Touch throttle: `min(1 h, idle / 10)`. */
  readonly touchIntervalMs: number;
  /** Cookie name over https (prefixed). */
  readonly secureCookieName: string;
  /** Cookie name over plain http to a loopback host. */
  readonly devCookieName: string;
  readonly cookieAttributes: CookieAttributes;
  readonly maxDataBytes: number;
  readonly schema: StandardSchemaV1<unknown, Data> | undefined;
  readonly trustProxy: TrustProxy;
  readonly trustForwardedHost: boolean;
  readonly csrf: CsrfPolicy;
  readonly verifyUser: SessionsConfig<Data>['verifyUser'];
  readonly maxSessionsPerUser: number | undefined;
  readonly rateLimit: SessionsConfig<Data>['rateLimit'];
  /** The `Clear-Site-Data` header value for logouts, or `null`. */
  readonly clearSiteData: string | null;
  readonly log: (entry: SessionLogEntry) => void;
  readonly emit: (event: SessionEvent) => void;
  readonly now: () => number;
}

const COOKIE_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

function invalid(message: string): SessionError {
  return new SessionError('INVALID_CONFIG', message);
}

/** Validates a configuration and derives everything the hot path needs; throws `INVALID_CONFIG` naming the option. */
export function resolveConfig<Data extends SessionData>(config: Omit<SessionsConfig<Data>, 'store'>): ResolvedConfig<Data> {
  if (typeof config !== 'object' || config === null) throw invalid('createSessions(config): config must be an object');
  if (!Array.isArray(config.secrets) || config.secrets.length === 0) {
    throw invalid('secrets: at least one secret is required (32 bytes or more, e.g. crypto.randomBytes(32).toString("base64url"))');
  }
  const secrets: readonly (string | Uint8Array | undefined)[] = config.secrets;
  secrets.forEach((secret, index) => {
    const bytes = typeof secret === 'string' ? Buffer.byteLength(secret, 'utf8') : secret?.byteLength;
    if (typeof bytes !== 'number' || bytes < 32) throw invalid(`secrets[${index}]: a secret must be at least 32 bytes`);
  });

  const idleMs = durationToMs(config.idleTimeout ?? '14d', 'idleTimeout');
  const absoluteMs = durationToMs(config.absoluteTimeout ?? '30d', 'absoluteTimeout');
  const graceMs = durationToMs(config.rotationGrace ?? '30s', 'rotationGrace');
  if (idleMs > absoluteMs) throw invalid('idleTimeout must not be longer than absoluteTimeout');

  const cookie = config.cookie ?? {};
  const baseName = cookie.name ?? 'sid';
  if (!COOKIE_NAME.test(baseName) || baseName.toLowerCase().startsWith('__host-') || baseName.toLowerCase().startsWith('__secure-')) {
    throw invalid('cookie.name: use a plain token name such as "sid"; tessera adds the __Host-/__Secure- prefix itself');
  }
  const sameSite = cookie.sameSite ?? 'lax';
  if (!['lax', 'strict', 'none'].includes(sameSite)) throw invalid('cookie.sameSite must be "lax", "strict" or "none"');
  const path = cookie.path ?? '/';
  if (!path.startsWith('/') || /[;\s]/.test(path)) throw invalid('cookie.path must start with "/" and contain no ";" or spaces');
  if (cookie.domain !== undefined && !/^\.?[A-Za-z0-9.-]+$/.test(cookie.domain)) throw invalid('cookie.domain is not a host name');
  // RFC 6265bis §4.1.3.2: __Host- forbids Domain and requires Path=/; fall back to __Secure- then.
  const prefix = cookie.domain === undefined && path === '/' ? '__Host-' : '__Secure-';

  const maxDataBytes = config.maxDataBytes ?? 16 * 1024;
  if (!Number.isInteger(maxDataBytes) || maxDataBytes < 64) throw invalid('maxDataBytes must be an integer of at least 64');

  const trustProxy = config.trustProxy ?? 0;
  if (typeof trustProxy === 'number' ? !Number.isInteger(trustProxy) || trustProxy < 0 : !Array.isArray(trustProxy)) {
    throw invalid('trustProxy must be a hop count (0, 1, 2…) or a list of proxy addresses; never a blanket "true"');
  }
  const allowedOrigins = new Set<string>();
  for (const origin of config.allowedOrigins ?? []) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) throw invalid(`allowedOrigins: "${origin}" must be scheme://host[:port] with no path`);
    allowedOrigins.add(normaliseOrigin(origin));
  }
  const customHeaders = (config.csrfHeaders ?? ['x-csrf-protection', 'x-trpc-source', 'x-graphql-yoga-csrf', 'apollo-require-preflight']).map((name) => name.toLowerCase());

  const maxSessionsPerUser = config.maxSessionsPerUser;
  if (maxSessionsPerUser !== undefined && (!Number.isInteger(maxSessionsPerUser) || maxSessionsPerUser < 1)) {
    throw invalid('maxSessionsPerUser must be a positive integer');
  }
  const directives = ['cache', 'cookies', 'storage', 'executionContexts', '*'];
  for (const directive of config.clearSiteDataOnLogout ?? []) {
    if (!directives.includes(directive)) throw invalid(`clearSiteDataOnLogout: "${String(directive)}" is not a Clear-Site-Data directive`);
  }
  const clock = config.clock;
  const logger = config.logger;
  const onEvent = config.onEvent;
  return Object.freeze({
    keyring: new Keyring(config.secrets, 'session-data'),
    idleMs,
    absoluteMs,
    graceMs,
    touchIntervalMs: Math.min(3_600_000, Math.floor(idleMs / 10)),
    secureCookieName: `${prefix}${baseName}`,
    devCookieName: baseName,
    cookieAttributes: Object.freeze({ sameSite, path, domain: cookie.domain }),
    maxDataBytes,
    schema: config.schema,
    trustProxy: typeof trustProxy === 'number' ? trustProxy : Object.freeze([...trustProxy]),
    trustForwardedHost: config.trustForwardedHost === true,
    csrf: Object.freeze({ allowedOrigins, customHeaders: Object.freeze(customHeaders) }),
    verifyUser: config.verifyUser,
    maxSessionsPerUser,
    rateLimit: config.rateLimit,
    clearSiteData: config.clearSiteDataOnLogout?.length ? config.clearSiteDataOnLogout.map((directive) => `"${directive}"`).join(', ') : null,
    log: logger ? (entry: SessionLogEntry) => safely(() => logger(entry)) : defaultLog,
    emit: onEvent ? (event: SessionEvent) => safely(() => onEvent(event)) : () => {},
    now: clock ? () => clock().getTime() : Date.now,
  });
}

/** Without a `logger`: errors only, one line each (entries carry no token material, causes are redacted). */
function defaultLog(entry: SessionLogEntry): void {
  if (entry.level === 'error') console.error(`tessera: ${entry.event}: ${entry.message}`, entry.error ?? '');
}

/** A throwing logger or event hook must not break a request. */
function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // Deliberately ignored: observability hooks are best effort.
  }
}
