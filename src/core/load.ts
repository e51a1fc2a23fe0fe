import type { ResolvedConfig, SessionData } from './config.js';
import { AMBIGUOUS, findCookie } from './cookie.js';
import { SessionError } from './errors.js';
import { storeError } from './store-errors.js';
import { rateLimited } from './rate-limiter.js';
import { clientAddress, type RequestFacts } from './request.js';
import { Session } from './session.js';
import { newSessionState, type Envelope } from './session-state.js';
import { deadlineOf, type SessionRecord, type Store } from './store.js';
import { hashesEqual, hashSecret, parseToken } from './token.js';

/** A store's error as it leaves the engine: typed and redacted (see {@link storeError}). */
const storeFailure = storeError;

/** Wraps a store call so that a driver error surfaces as `STORE_FAILURE` with its cause. */
export async function storeCall<T>(operation: string, call: () => T | Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw storeFailure(operation, error);
  }
}

/** Opens and checks a record's sealed data; `null` when it cannot be trusted. */
export async function openEnvelope<Data extends SessionData>(config: ResolvedConfig<Data>, record: SessionRecord): Promise<Envelope | null> {
  const envelope = openSealedData(config, record);
  return envelope === null || !config.schema ? envelope : validateData(config, record, envelope);
}

/** Opens a record's sealed data without the schema check: synchronous, for the load path. */
function openSealedData<Data extends SessionData>(config: ResolvedConfig<Data>, record: SessionRecord): Envelope | null {
  const opened = config.keyring.unseal(record.data, record.id);
  if (opened === null) {
    config.log({ level: 'warn', event: 'session.data.tampered', message: 'session data could not be opened by any configured secret; treated as absent', sessionId: record.id });
    config.emit({ type: 'suspicious', sessionId: record.id, reason: 'tampered-data', at: new Date(config.now()) });
    return null;
  }
  let envelope: Envelope;
  try {
    envelope = JSON.parse(opened.plaintext) as Envelope;
  } catch {
    return null;
  }
  if (typeof envelope !== 'object' || envelope === null || typeof envelope.d !== 'object' || envelope.d === null || Array.isArray(envelope.d)) return null;
  // Null prototype: a stored "__proto__" key stays an ordinary own key (JSON.parse defines it as
  // one) and no key resolves to an Object.prototype member. Set in place rather than copied into
  // Object.create(null): that copy is a dictionary-mode object per load, garbage the collector
  // pays for inside the timed load (BENCHMARKS.md, "Where the cost goes").
  Object.setPrototypeOf(envelope.d, null);
  return envelope;
}

/** Applies the configured schema to opened data; failing data is dropped (logged, not thrown). */
async function validateData<Data extends SessionData>(config: ResolvedConfig<Data>, record: SessionRecord, envelope: Envelope): Promise<Envelope> {
  if (config.schema) {
    const result = await config.schema['~standard'].validate(envelope.d);
    if (result.issues) {
      config.log({ level: 'warn', event: 'session.data.invalid', message: `stored session data failed the schema (${result.issues.length} issue(s)); dropped`, sessionId: record.id });
      config.emit({ type: 'suspicious', sessionId: record.id, reason: 'invalid-data', at: new Date(config.now()) });
      envelope.d = Object.create(null) as SessionData;
    } else {
      envelope.d = Object.assign(Object.create(null) as SessionData, result.value);
    }
  }
  return envelope;
}

/** A well-formed token that matched nothing: anonymous (`null`), unless the rate limit hook refuses the client. */
async function invalidToken<Data extends SessionData>(config: ResolvedConfig<Data>, facts: RequestFacts): Promise<null> {
  if (await rateLimited(config, 'invalid-token', clientAddress(facts, config.trustProxy))) {
    throw new SessionError('RATE_LIMITED', 'too many invalid session tokens from this client; try again later');
  }
  return null;
}

/** An empty anonymous session for this request. */
function anonymous<Data extends SessionData>(config: ResolvedConfig<Data>, facts: RequestFacts, cookieName: string | null, hadCookie: boolean, cookieWritable: boolean): Session<Data> {
  return new Session(newSessionState(config, facts, cookieName, hadCookie, cookieWritable));
}

/** What a mode found for a cookie value: a live session, its data opened but not yet checked. */
export interface Found {
  readonly record: SessionRecord;
  readonly envelope: Envelope;
  /** The secret the client holds (server-side records); `null` when the cookie itself is the session. */
  readonly secret: string | null;
  readonly viaGrace: boolean;
}

/**
 * How a mode keeps sessions, as the one load path sees it (docs/architecture.md, "Request
 * lifecycle"): server-side records behind a token, or the sealed cookie itself. Whatever the
 * mode, the load path applies the same checks afterwards, with the same logs and events.
 */
export interface SessionLookup<Data extends SessionData> {
  /** Every data change needs a new cookie (the sealed-cookie mode keeps data in the cookie). */
  readonly dataInCookie: boolean;
  /**
   * The live session `value` (our cookie's value) names, or `null` when it names none (unknown,
   * forged, expired, tampered: each logged and counted by the mode). Synchronous when it can be.
   */
  find(config: ResolvedConfig<Data>, value: string, facts: RequestFacts): Found | null | Promise<Found | null>;
  /** Ends a session whose credentials changed (`verifyUser`); a sealed cookie has nothing to delete. */
  forget(config: ResolvedConfig<Data>, record: SessionRecord): Promise<void>;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return value !== null && typeof (value as Partial<PromiseLike<unknown>>).then === 'function';
}

/**
 * Resolves a request's session with at most one store read, and none when the cookie is absent
 * or malformed. Any failure to match is an empty anonymous session, never an error.
 */
export async function loadSession<Data extends SessionData>(config: ResolvedConfig<Data>, lookup: SessionLookup<Data>, facts: RequestFacts, cookieWritable: boolean): Promise<Session<Data>> {
  // Over https only the prefixed name is read, so a sibling subdomain's cookie is ignored (RFC 6265bis §4.1.3).
  const cookieName = facts.secure ? config.secureCookieName : facts.loopback ? config.devCookieName : null;
  const value = cookieName === null ? null : findCookie(facts.header('cookie'), cookieName);
  if (value === AMBIGUOUS) {
    config.emit({ type: 'suspicious', sessionId: null, reason: 'ambiguous-cookie', at: new Date(config.now()) });
    return anonymous(config, facts, cookieName, true, cookieWritable);
  }
  if (value === null || value === '') return anonymous(config, facts, cookieName, value !== null, cookieWritable);
  // Awaited only when the mode answers with a promise: sqliteStore and the sealed cookie answer at once.
  const answer = lookup.find(config, value, facts);
  const found = isPromise(answer) ? await answer : answer;
  if (found === null) return anonymous(config, facts, cookieName, true, cookieWritable);
  const { record } = found;
  const envelope = config.schema ? await validateData(config, record, found.envelope) : found.envelope;
  if (config.verifyUser && record.userId !== null) {
    const current = await config.verifyUser(record.userId);
    const stored = envelope.f;
    if (current === null || stored === undefined || !hashesEqual(hashSecret(current), hashSecret(stored))) {
      await lookup.forget(config, record);
      config.log({ level: 'info', event: 'session.credentials.changed', message: "the user's credentials changed since sign-in; the session ends", sessionId: record.id });
      config.emit({ type: 'revoked', sessionId: record.id, userId: record.userId, reason: 'credentials-changed', at: new Date(config.now()) });
      return anonymous(config, facts, cookieName, true, cookieWritable);
    }
  }
  const state = newSessionState(config, facts, cookieName, true, cookieWritable, lookup.dataInCookie, envelope.d);
  state.record = state.committedRecord = record;
  state.secret = state.committedSecret = found.secret;
  state.viaGrace = state.committedViaGrace = found.viaGrace;
  state.committedData = null;
  state.committedFingerprint = envelope.f;
  state.fingerprint = envelope.f;
  state.browserSession = state.committedBrowserSession = envelope.b === 1;
  state.userId = record.userId;
  state.authenticatedAt = record.authenticatedAt;
  return new Session(state);
}

/**
 * Server-side records: the cookie is a token `<id>.<secret>`; the record is looked up by id
 * (one indexed read) and its secret hash compared in constant time, before anything else is
 * decided about it, so a client that knows only a public id learns and changes nothing.
 */
export function storeLookup(store: Store): SessionLookup<SessionData> {
  return {
    dataInCookie: false,

    find(config, value, facts) {
      const token = parseToken(value);
      if (token === null) return null;
      // Called directly rather than through storeCall: one async frame and closure fewer per request.
      let answer: SessionRecord | null | Promise<SessionRecord | null>;
      try {
        answer = store.get(token.id);
      } catch (error) {
        throw storeFailure('load', error);
      }
      if (isPromise(answer))
        return answer.then(
          (record) => checkRecord(store, config, facts, token.secret, record),
          (error: unknown) => Promise.reject(storeFailure('load', error)),
        );
      return checkRecord(store, config, facts, token.secret, answer);
    },

    async forget(_config, record) {
      await storeCall('delete', () => store.delete(record.id));
    },
  };
}

/** The record's verdict for the secret the client presented: found, or `null` (each reason counted). */
function checkRecord(store: Store, config: ResolvedConfig<SessionData>, facts: RequestFacts, secret: string, record: SessionRecord | null): Found | null | Promise<Found | null> {
  if (record === null) return invalidToken(config, facts);
  const now = config.now();
  const secretHash = hashSecret(secret);
  let viaGrace = false;
  if (!hashesEqual(secretHash, record.secretHash)) {
    const graceOk =
      record.previousSecretHash !== null && record.previousSecretExpiresAt !== null && record.previousSecretExpiresAt.getTime() > now && hashesEqual(secretHash, record.previousSecretHash);
    if (!graceOk) {
      config.emit({ type: 'suspicious', sessionId: record.id, reason: 'wrong-secret', at: new Date(now) });
      return invalidToken(config, facts);
    }
    viaGrace = true;
  }
  if (deadlineOf(record) <= now) {
    // Only the holder of the secret gets here: nobody else can make us delete or report a record.
    return storeCall('delete expired', () => store.delete(record.id)).then(() => {
      config.emit({ type: 'expired', sessionId: record.id, userId: record.userId, at: new Date(now) });
      return null;
    });
  }
  const envelope = openSealedData(config, record);
  return envelope === null ? null : { record, envelope, secret, viaGrace };
}
