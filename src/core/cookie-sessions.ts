import { resolveConfig, type ResolvedConfig, type SessionData, type SessionsConfig } from './config.js';
import { touchDue } from './commit.js';
import { AMBIGUOUS, findCookie, serializeClearingCookie, serializeSessionCookie } from './cookie.js';
import { SessionError } from './errors.js';
import type { RequestFacts } from './request.js';
import { Keyring } from './seal.js';
import { Session } from './session.js';
import { requestMethods, type SessionManager } from './session-manager.js';
import { CookieSessionScope, type SessionEngine } from './session-scope.js';
import { newSessionState, type SessionState } from './session-state.js';
import type { SessionRecord, Store } from './store.js';
import { generateId, hashesEqual, hashSecret } from './token.js';

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
}

function refuse(): Promise<never> {
  return Promise.reject(new SessionError('INVALID_CONFIG', 'the sealed-cookie mode has no store'));
}

/** Stands in for the store in configuration checks; the cookie mode never calls it. */
const NO_STORE: Store = {
  get: refuse,
  create: refuse,
  update: refuse,
  touch: refuse,
  delete: refuse,
  listByUser: refuse,
  deleteByUser: refuse,
  deleteExpired: refuse,
};

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
  const resolved = resolveConfig<Data>({ ...config, cookie: { ...config.cookie, name: config.cookie?.name ?? 'session' }, store: NO_STORE });
  const keyring = new Keyring(config.secrets, 'cookie-session');
  const purpose = resolved.devCookieName;

  const own: ResolvedConfig<Data> = resolved;

  async function load(facts: RequestFacts, cookieWritable: boolean): Promise<Session<Data>> {
    const cookieName = facts.secure ? own.secureCookieName : facts.loopback ? own.devCookieName : null;
    const found = cookieName === null ? null : findCookie(facts.header('cookie'), cookieName);
    const state = newSessionState(own, facts, cookieName, found !== null, cookieWritable, true);
    if (typeof found !== 'string' || found === '') {
      if (found === AMBIGUOUS) own.emit({ type: 'suspicious', sessionId: null, reason: 'ambiguous-cookie', at: new Date(own.now()) });
      return new Session(state);
    }
    const opened = keyring.unseal(found, purpose);
    let payload: CookiePayload | null = null;
    if (opened !== null) {
      try {
        payload = JSON.parse(opened.plaintext) as CookiePayload;
      } catch {
        payload = null;
      }
    }
    if (payload === null || typeof payload.d !== 'object' || payload.d === null || payload.e <= own.now()) return new Session(state);
    let data = Object.assign(Object.create(null) as SessionData, payload.d);
    if (own.schema) {
      const result = await own.schema['~standard'].validate(data);
      data = result.issues ? (Object.create(null) as SessionData) : Object.assign(Object.create(null) as SessionData, result.value);
    }
    if (own.verifyUser && payload.u !== null) {
      const current = await own.verifyUser(payload.u);
      if (current === null || payload.f === undefined || !hashesEqual(hashSecret(current), hashSecret(payload.f))) return new Session(state);
    }
    const record = recordOf(payload);
    state.record = state.committedRecord = record;
    state.data = data;
    state.committedData = JSON.stringify(data);
    state.fingerprint = state.committedFingerprint = payload.f;
    state.userId = record.userId;
    state.authenticatedAt = record.authenticatedAt;
    return new Session(state);
  }

  async function commit(state: SessionState<Data>): Promise<void> {
    const now = own.now();
    const deleted = state.deletions.length > 0;
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
      };
      const json = JSON.stringify(payload);
      if (Buffer.byteLength(JSON.stringify(state.data), 'utf8') > own.maxDataBytes) {
        throw new SessionError('DATA_TOO_LARGE', `session data would be larger than maxDataBytes (${own.maxDataBytes} bytes); nothing was saved`);
      }
      const cookie = serializeSessionCookie(cookieName, keyring.seal(json, purpose), own.cookieAttributes, state.facts.secure, (absolute - now) / 1000);
      const size = Buffer.byteLength(cookie.slice(0, cookie.indexOf(';')), 'utf8');
      if (size > MAX_COOKIE_BYTES) {
        throw new SessionError('DATA_TOO_LARGE', `a cookie session must fit in ${MAX_COOKIE_BYTES} bytes, this one needs ${size}; keep less data or use a server-side store`);
      }
      record = recordOf(payload);
      state.outgoingCookie = cookie;
      state.expiryOverride = undefined;
    }
    state.record = state.committedRecord = record;
    state.ops = [];
    state.newSecret = null;
    state.modified = false;
    state.committedData = JSON.stringify(state.data);
    state.committedFingerprint = state.fingerprint;
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
