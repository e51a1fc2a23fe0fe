import { resolveConfig, type ResolvedConfig, type SessionData, type SessionsConfig } from './config.js';
import { touchDue } from './commit.js';
import { serializeClearingCookie, serializeSessionCookie } from './cookie.js';
import { loadSession, type SessionLookup } from './load.js';
import { SessionError } from './errors.js';
import type { RequestFacts } from './request.js';
import { Keyring } from './seal.js';
import type { Session } from './session.js';
import { requestMethods, type SessionManager } from './session-manager.js';
import { CookieSessionScope, type SessionEngine } from './session-scope.js';
import type { Envelope, SessionState } from './session-state.js';
import type { SessionRecord } from './store.js';
import { generateId } from './token.js';

/** Browsers keep at most 4096 bytes of name and value per cookie (RFC 6265 §6.1). */
const MAX_COOKIE_BYTES = 4096;

/** The manager returned by {@link cookieSessions}: per-request scopes, nothing to list or revoke. */
export type CookieSessions<Data extends SessionData = SessionData> = SessionManager<Data, CookieSessionScope<Data>>;

/** Configuration of {@link cookieSessions}: {@link SessionsConfig} without a store. */
export type CookieSessionsConfig<Data extends SessionData = SessionData> = Omit<SessionsConfig<Data>, 'store' | 'rotationGrace'>;

/** What the sealed cookie carries. Times are epoch milliseconds. */
interface CookiePayload {
  readonly i: string;
  readonly u: string | null;
  readonly a: number | null;
  readonly c: number;
  readonly l: number;
  readonly e: number;
  readonly x: number;
  readonly d: SessionData;
  readonly f?: string;
  readonly b?: 1;
}

function recordOf(payload: CookiePayload): SessionRecord {
  return {
    id: payload.i,
    secretHash: '',
    previousSecretHash: null,
    previousSecretExpiresAt: null,
    userId: payload.u,
    authenticatedAt: payload.a === null ? null : new Date(payload.a),
    data: '',
    version: 0,
    createdAt: new Date(payload.c),
    lastSeenAt: new Date(payload.l),
    expiresAt: new Date(payload.e),
    absoluteExpiresAt: new Date(payload.x),
    userAgent: null,
    ipAddress: null,
  };
}

/**
 * Django's `signed_cookies` engine, sealed rather than signed: the whole session lives in
 * one cookie, encrypted and authenticated with AES-256-GCM under keys derived from
 * `secrets` and bound to the cookie name. No store, no I/O — and therefore no
 * server-side revocation: a copied cookie stays valid until it expires, and `logout()`
 * only clears the cookie in this browser. It cannot list sessions or merge concurrent
 * writes (the last response's cookie wins). Data that would not fit a 4096-byte cookie
 * throws `DATA_TOO_LARGE`.
 *
 * @example
 * ```ts
 * import { cookieSessions } from 'tessera';
 * const sessions = cookieSessions<{ theme: string }>({ secrets: [process.env.SESSION_SECRET!] });
 * const scope = sessions.open(request);
 * await scope.run('write', (session) => session.set('theme', 'dark'));
 * scope.respond(response.headers);
 * ```
 */
export function cookieSessions<Data extends SessionData = SessionData>(config: CookieSessionsConfig<Data>): CookieSessions<Data> {
  const resolved = resolveConfig<Data>({ ...config, cookie: { ...config.cookie, name: config.cookie?.name ?? 'session' } });
  const keyring = new Keyring(config.secrets, 'cookie-session');
  const purpose = resolved.devCookieName;

  const own: ResolvedConfig<Data> = resolved;

  /** The sealed cookie as the one load path sees it: the cookie itself is the session. */
  const lookup: SessionLookup<Data> = {
    dataInCookie: true,
    find(own, value) {
      const opened = keyring.unseal(value, purpose);
      let payload: CookiePayload | null = null;
      if (opened !== null) {
        try {
          payload = JSON.parse(opened.plaintext) as CookiePayload;
        } catch {
          payload = null;
        }
      }
      if (payload === null || typeof payload.d !== 'object' || payload.d === null || Array.isArray(payload.d)) {
        own.log({ level: 'warn', event: 'session.data.tampered', message: 'the session cookie could not be opened by any configured secret; treated as absent' });
        own.emit({ type: 'suspicious', sessionId: null, reason: 'tampered-data', at: new Date(own.now()) });
        return null;
      }
      const record = recordOf(payload);
      if (payload.e <= own.now()) {
        own.emit({ type: 'expired', sessionId: record.id, userId: record.userId, at: new Date(own.now()) });
        return null;
      }
      const d = Object.assign(Object.create(null) as SessionData, payload.d);
      const envelope: Envelope = payload.f === undefined ? { d } : { d, f: payload.f };
      if (payload.b === 1) envelope.b = 1;
      return { record, envelope, secret: null, viaGrace: false };
    },
    // A sealed cookie cannot be deleted server-side: refusing it on every load is what ends it.
    forget: async () => {},
  };

  const load = (facts: RequestFacts, cookieWritable: boolean): Promise<Session<Data>> => loadSession(own, lookup, facts, cookieWritable);

  async function commit(state: SessionState<Data>): Promise<void> {
    const now = own.now();
    const at = new Date(now);
    const deleted = state.deletions.length > 0;
    // The same events and headers as the server-side commit: a deleted record is a cleared cookie here.
    for (const deletion of state.deletions) {
      own.emit({ type: 'revoked', sessionId: deletion.id, userId: null, reason: deletion.reason, at });
      if (deletion.reason === 'logout' && own.clearSiteData !== null) state.outgoingClearSiteData = own.clearSiteData;
    }
    state.deletions = [];
    const empty = state.userId === null && Object.keys(state.data).length === 0;
    let record = state.record;
    const changed = state.modified || state.newSecret !== null;
    if (record === null && empty) {
      if (deleted && state.hadCookie && state.cookieName !== null) state.outgoingCookie = serializeClearingCookie(state.cookieName, own.cookieAttributes, state.facts.secure);
    } else if (changed || (record !== null && touchDue(state, record, now) && state.cookieWritable)) {
      const cookieName = state.cookieName;
      if (cookieName === null) throw new SessionError('INSECURE_TRANSPORT', 'a cookie session needs a cookie, but the request came over plain http to a non-loopback host');
      const restart = record === null || state.newSecret === 'login';
      const createdAt = record === null ? now : record.createdAt.getTime();
      const fullTerm = restart ? now + own.absoluteMs : createdAt + own.absoluteMs;
      let absolute = restart ? fullTerm : (record as SessionRecord).absoluteExpiresAt.getTime();
      if (state.expiryOverride === null) absolute = fullTerm;
      else if (state.expiryOverride) absolute = Math.min(fullTerm, state.expiryOverride.getTime());
      const payload: CookiePayload = {
        i: record?.id ?? generateId(),
        u: state.userId,
        a: state.authenticatedAt?.getTime() ?? null,
        c: createdAt,
        l: now,
        e: Math.min(now + own.idleMs, absolute),
        x: absolute,
        d: state.data,
        ...(state.fingerprint === undefined ? {} : { f: state.fingerprint }),
        ...(state.browserSession ? { b: 1 as const } : {}),
      };
      const json = JSON.stringify(payload);
      if (Buffer.byteLength(JSON.stringify(state.data), 'utf8') > own.maxDataBytes) {
        throw new SessionError('DATA_TOO_LARGE', `session data would be larger than maxDataBytes (${own.maxDataBytes} bytes); nothing was saved`);
      }
      const cookie = serializeSessionCookie(cookieName, keyring.seal(json, purpose), own.cookieAttributes, state.facts.secure, state.browserSession ? null : (absolute - now) / 1000);
      const size = Buffer.byteLength(cookie.slice(0, cookie.indexOf(';')), 'utf8');
      if (size > MAX_COOKIE_BYTES) {
        throw new SessionError('DATA_TOO_LARGE', `a cookie session must fit in ${MAX_COOKIE_BYTES} bytes, this one needs ${size}; keep less data or use a server-side store`);
      }
      const previous = record;
      record = recordOf(payload);
      state.outgoingCookie = cookie;
      state.expiryOverride = undefined;
      if (previous === null) own.emit({ type: 'created', sessionId: record.id, userId: record.userId, at });
      if (state.userId !== null && (previous === null || state.newSecret === 'login')) own.emit({ type: 'authenticated', sessionId: record.id, userId: state.userId, at });
      else if (state.newSecret === 'rotate') own.emit({ type: 'rotated', sessionId: record.id, userId: record.userId, at });
    }
    state.record = state.committedRecord = record;
    state.ops = [];
    state.newSecret = null;
    state.modified = false;
    state.committedData = JSON.stringify(state.data);
    state.committedFingerprint = state.fingerprint;
    state.committedBrowserSession = state.browserSession;
  }

  /**
   * Whether {@link commit} would decide a cookie now: a clearing one after a deletion, a new
   * one for a change, a new secret or a due touch (while the cookie can still be written).
   * Deletions count whatever the record, as the commit is the one to sort them out.
   */
  function commitDue(state: SessionState<Data>): boolean {
    if (state.deletions.length > 0 || state.modified || state.newSecret !== null) return true;
    const record = state.record;
    return record !== null && state.cookieWritable && touchDue(state, record, state.config.now());
  }

  const engine: SessionEngine<Data> = { config: resolved, load, commit, commitDue };
  return Object.freeze(requestMethods(engine, (own, facts, options) => new CookieSessionScope(own, facts, options)));
}
