import type { ResolvedConfig, SessionData } from './config.js';
import { AMBIGUOUS, findCookie } from './cookie.js';
import { SessionError } from './errors.js';
import { clientAddress, type RequestFacts } from './request.js';
import { Session } from './session.js';
import { newSessionState, type Envelope } from './session-state.js';
import type { SessionRecord } from './store.js';
import { hashesEqual, hashSecret, parseToken } from './token.js';

/** A store's error as it leaves the engine: `STORE_FAILURE` with its cause (a `SessionError` as is). */
function storeFailure(operation: string, error: unknown): SessionError {
  if (error instanceof SessionError) return error;
  return new SessionError('STORE_FAILURE', `session store failed during ${operation}`, { cause: error });
}

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
  // pays for inside the timed load (bench/.tmp measurement, 2026-11-28).
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

/** A well-formed token that matched nothing: anonymous, unless the rate limit hook refuses the client. */
async function invalidToken<Data extends SessionData>(config: ResolvedConfig<Data>, facts: RequestFacts, cookieName: string | null, cookieWritable: boolean): Promise<Session<Data>> {
  if (config.rateLimit && !(await config.rateLimit({ kind: 'invalid-token', clientAddress: clientAddress(facts, config.trustProxy) }))) {
    throw new SessionError('RATE_LIMITED', 'too many invalid session tokens from this client; try again later');
  }
  return anonymous(config, facts, cookieName, true, cookieWritable);
}

/** An empty anonymous session for this request. */
function anonymous<Data extends SessionData>(config: ResolvedConfig<Data>, facts: RequestFacts, cookieName: string | null, hadCookie: boolean, cookieWritable: boolean): Session<Data> {
  return new Session(newSessionState(config, facts, cookieName, hadCookie, cookieWritable));
}

/**
 * Resolves a request's session with at most one store read, and none when the
 * cookie is absent or malformed. Any failure to match is an empty anonymous session.
 */
export async function loadSession<Data extends SessionData>(config: ResolvedConfig<Data>, facts: RequestFacts, cookieWritable: boolean): Promise<Session<Data>> {
  // Over https only the prefixed name is read, so a sibling subdomain's cookie is ignored (RFC 6265bis §4.1.3).
  const cookieName = facts.secure ? config.secureCookieName : facts.loopback ? config.devCookieName : null;
  const found = cookieName === null ? null : findCookie(facts.header('cookie'), cookieName);
  // The state is built where the outcome is known: a loaded session's starts with its data.
  if (found === AMBIGUOUS) {
    config.emit({ type: 'suspicious', sessionId: null, reason: 'ambiguous-cookie', at: new Date(config.now()) });
    return anonymous(config, facts, cookieName, true, cookieWritable);
  }
  const token = found === null ? null : parseToken(found);
  if (token === null) return anonymous(config, facts, cookieName, found !== null, cookieWritable);

  // Called directly rather than through storeCall: one async frame and closure fewer per request;
  // a store that answers synchronously (sqliteStore) saves the promise and its await as well.
  let record: SessionRecord | null;
  try {
    const answer = config.store.get(token.id);
    record = answer !== null && typeof (answer as Partial<PromiseLike<unknown>>).then === 'function' ? await answer : (answer as SessionRecord | null);
  } catch (error) {
    throw storeFailure('load', error);
  }
  if (record === null) return invalidToken(config, facts, cookieName, cookieWritable);
  const now = config.now();
  if (record.expiresAt.getTime() <= now) {
    await storeCall('delete expired', () => config.store.delete(record.id));
    config.emit({ type: 'expired', sessionId: record.id, userId: record.userId, at: new Date(now) });
    return anonymous(config, facts, cookieName, true, cookieWritable);
  }
  const secretHash = hashSecret(token.secret);
  let viaGrace = false;
  if (!hashesEqual(secretHash, record.secretHash)) {
    const graceOk =
      record.previousSecretHash !== null && record.previousSecretExpiresAt !== null && record.previousSecretExpiresAt.getTime() > now && hashesEqual(secretHash, record.previousSecretHash);
    if (!graceOk) {
      config.emit({ type: 'suspicious', sessionId: record.id, reason: 'wrong-secret', at: new Date(now) });
      return invalidToken(config, facts, cookieName, cookieWritable);
    }
    viaGrace = true;
  }
  // Synchronous unless a schema validates the data: no promise for the common case.
  const opened = openSealedData(config, record);
  const envelope = opened === null || !config.schema ? opened : await validateData(config, record, opened);
  if (envelope === null) return anonymous(config, facts, cookieName, true, cookieWritable);
  if (config.verifyUser && record.userId !== null) {
    const current = await config.verifyUser(record.userId);
    const stored = envelope.f;
    if (current === null || stored === undefined || !hashesEqual(hashSecret(current), hashSecret(stored))) {
      await storeCall('delete', () => config.store.delete(record.id));
      config.emit({ type: 'revoked', sessionId: record.id, userId: record.userId, reason: 'credentials-changed', at: new Date(now) });
      return anonymous(config, facts, cookieName, true, cookieWritable);
    }
  }
  const state = newSessionState(config, facts, cookieName, true, cookieWritable, false, envelope.d);
  state.record = state.committedRecord = record;
  state.secret = state.committedSecret = token.secret;
  state.viaGrace = state.committedViaGrace = viaGrace;
  state.committedData = null;
  state.committedFingerprint = envelope.f;
  state.fingerprint = envelope.f;
  state.userId = record.userId;
  state.authenticatedAt = record.authenticatedAt;
  return new Session(state);
}
