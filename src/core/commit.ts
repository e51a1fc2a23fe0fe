import type { ResolvedConfig, SessionData } from './config.js';
import { serializeClearingCookie, serializeSessionCookie } from './cookie.js';
import { SessionError } from './errors.js';
import { openEnvelope, storeCall } from './load.js';
import { clientAddress } from './request.js';
import { rateLimited } from './rate-limiter.js';
import { applyOp } from './data-ops.js';
import { rollback, snapshotCommittedData, type Envelope, type SessionState } from './session-state.js';
import { deadlineOf, type SessionRecord, type Store } from './store.js';
import { formatToken, generateSecretWithIv, generateTokenWithIv, hashesEqual, hashSecret } from './token.js';

/** How often a commit re-reads and re-applies after losing a compare-and-swap race. */
const MAX_CAS_ATTEMPTS = 64;
const MAX_CREATE_ATTEMPTS = 3;
const MAX_USER_AGENT_LENGTH = 512;

/**
 * Seals the envelope for `id`, enforcing the data cap before anything is written. `iv`: fresh
 * CSPRNG bytes drawn with a new secret (see {@link generateSecretWithIv}), or drawn by the keyring.
 */
function sealEnvelope<Data extends SessionData>(config: ResolvedConfig<Data>, id: string, envelope: Envelope, iv?: Uint8Array): string {
  const json = JSON.stringify(envelope);
  if (Buffer.byteLength(json, 'utf8') > config.maxDataBytes) {
    throw new SessionError('DATA_TOO_LARGE', `session data would be larger than maxDataBytes (${config.maxDataBytes} bytes); nothing was saved`);
  }
  return config.keyring.seal(json, id, iv);
}

/** `record` after a touch, as a plain object. */
function touchedRecord(record: SessionRecord, lastSeenAt: Date, expiresAt: Date): SessionRecord {
  return { ...record, lastSeenAt, expiresAt };
}

function envelopeOf(state: SessionState): Envelope {
  const envelope: Envelope = state.fingerprint === undefined ? { d: state.data } : { d: state.data, f: state.fingerprint };
  if (state.browserSession) envelope.b = 1;
  return envelope;
}

/** The cookie's `Max-Age` in seconds, or `null` for a browser-close session. */
function cookieLifetime(state: SessionState, absoluteExpiresAt: Date, now: number): number | null {
  return state.browserSession ? null : (absoluteExpiresAt.getTime() - now) / 1000;
}

/** The absolute deadline for a record, honouring an earlier `setExpiry()`. */
function absoluteDeadline(state: SessionState, startedAt: number): Date {
  const deadline = startedAt + state.config.absoluteMs;
  const override = state.expiryOverride;
  return new Date(override ? Math.min(deadline, override.getTime()) : deadline);
}

function idleDeadline(state: SessionState, now: number, absolute: Date): Date {
  return new Date(Math.min(now + state.config.idleMs, absolute.getTime()));
}

/** Whether the throttled touch of `record` is due at `now` (the one write an unchanged session gets). */
export function touchDue(state: SessionState, record: SessionRecord, now: number): boolean {
  return now - record.lastSeenAt.getTime() >= state.config.touchIntervalMs;
}

/** Whether the session has any data, without building a key array as `Object.keys` would. */
function hasData(data: SessionData): boolean {
  for (const key in data) if (Object.hasOwn(data, key)) return true;
  return false;
}

/**
 * Whether {@link commitSession} would do anything now: a deletion, a creation, an update for a
 * new secret or a change, or the throttled touch. `false` only when it would write nothing and
 * decide no cookie, so skipping it changes nothing but the commit-point bookkeeping it would
 * reset to what it already is.
 */
export function commitDue(state: SessionState): boolean {
  if (state.deletions.length > 0 || state.newSecret !== null || state.modified) return true;
  const record = state.record;
  if (record === null) return state.userId !== null || hasData(state.data);
  return touchDue(state, record, state.config.now());
}

/**
 * Persists what changed since the last commit and decides the response cookie.
 * Nothing is written for an unchanged session unless the throttled touch is due, and
 * nothing at all for an empty anonymous one.
 */
export function storeCommit(store: Store): (state: SessionState) => Promise<void> {
  return (state) => commitSession(store, state);
}

async function commitSession(store: Store, state: SessionState): Promise<void> {
  const { config } = state;
  const now = config.now();
  const at = new Date(now);

  let deleted = false;
  for (const deletion of state.deletions) {
    await storeCall('delete', () => store.delete(deletion.id));
    deleted = true;
    config.emit({ type: 'revoked', sessionId: deletion.id, userId: null, reason: deletion.reason, at });
    if (deletion.reason === 'logout' && config.clearSiteData !== null) state.outgoingClearSiteData = config.clearSiteData;
  }
  state.deletions = [];

  if (state.record === null) {
    if (state.userId === null && Object.keys(state.data).length === 0) {
      if (deleted && state.hadCookie && state.cookieName !== null) {
        state.outgoingCookie = serializeClearingCookie(state.cookieName, config.cookieAttributes, state.facts.secure);
      }
      finish(state);
      return;
    }
    await createRecord(store, state, now);
    finish(state);
    return;
  }

  const record = state.record;
  const secretDue = state.newSecret;
  const dataDue = state.modified;
  // Data an older secret sealed is re-sealed with the current one at the first due touch, so
  // retiring that secret later signs nobody out (test/core/lifecycle.test.ts).
  const resealDue = !secretDue && !dataDue && touchDue(state, record, now) && !config.keyring.isCurrent(record.data);
  if (!secretDue && !dataDue && !resealDue) {
    if (touchDue(state, record, now)) {
      const expiresAt = idleDeadline(state, now, record.absoluteExpiresAt);
      const touched = await storeCall('touch', () => store.touch(record.id, { lastSeenAt: at, expiresAt }));
      if (touched) state.record = touchedRecord(record, at, expiresAt);
    }
    finish(state);
    return;
  }
  await updateRecord(store, state, now);
  finish(state);
}

function finish(state: SessionState): void {
  state.committedRecord = state.record;
  state.committedSecret = state.secret;
  state.committedViaGrace = state.viaGrace;
  state.ops = [];
  state.newSecret = null;
  state.modified = false;
  state.committedData = null;
  state.committedFingerprint = state.fingerprint;
  state.committedBrowserSession = state.browserSession;
}

async function createRecord(store: Store, state: SessionState, now: number): Promise<void> {
  const { config } = state;
  const cookieName = state.cookieName;
  if (cookieName === null) throw new SessionError('INSECURE_TRANSPORT', 'a new session needs a cookie, but the request came over plain http to a non-loopback host');
  const at = new Date(now);
  const absoluteExpiresAt = absoluteDeadline(state, now);
  const userAgent = state.facts.header('user-agent');
  const ipAddress = clientAddress(state.facts, config.trustProxy);
  if (state.userId === null && (await rateLimited(config, 'create', ipAddress))) {
    throw new SessionError('RATE_LIMITED', 'too many new sessions from this client; try again later');
  }
  for (let attempt = 0; attempt < MAX_CREATE_ATTEMPTS; attempt++) {
    const { id, secret, iv } = generateTokenWithIv();
    const record: SessionRecord = {
      id,
      secretHash: hashSecret(secret),
      previousSecretHash: null,
      previousSecretExpiresAt: null,
      userId: state.userId,
      authenticatedAt: state.authenticatedAt,
      data: sealEnvelope(config, id, envelopeOf(state), iv),
      version: 1,
      createdAt: at,
      lastSeenAt: at,
      expiresAt: idleDeadline(state, now, absoluteExpiresAt),
      absoluteExpiresAt,
      userAgent: userAgent === null ? null : userAgent.slice(0, MAX_USER_AGENT_LENGTH),
      ipAddress,
    };
    if (await storeCall('create', () => store.create(record))) {
      state.record = record;
      state.secret = secret;
      state.viaGrace = false;
      state.outgoingCookie = serializeSessionCookie(cookieName, formatToken(id, secret), config.cookieAttributes, state.facts.secure, cookieLifetime(state, absoluteExpiresAt, now));
      config.emit({ type: 'created', sessionId: id, userId: state.userId, at });
      if (state.userId !== null) {
        config.emit({ type: 'authenticated', sessionId: id, userId: state.userId, at });
        await enforceSessionCap(store, state, state.userId, id);
      }
      return;
    }
  }
  throw new SessionError('STORE_FAILURE', 'could not create a session: the store reported an id collision repeatedly');
}

/**
 * Compare-and-swap update. On a lost race, re-reads the record and re-applies this
 * request's changes on top (different keys merge, `update()` functions re-run); a record
 * that vanished or whose secret no longer matches is `SESSION_INTERRUPTED`, never recreated.
 */
async function updateRecord(store: Store, state: SessionState, now: number): Promise<void> {
  const { config } = state;
  const at = new Date(now);
  let base = state.record as SessionRecord;
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const secretDue = state.newSecret;
    const drawn = secretDue ? generateSecretWithIv() : null;
    const newSecret = drawn === null ? null : drawn.secret;
    const isLogin = secretDue === 'login';
    const absoluteExpiresAt = isLogin || state.expiryOverride !== undefined ? absoluteDeadline(state, isLogin ? now : base.createdAt.getTime()) : base.absoluteExpiresAt;
    const rotating = secretDue === 'rotate';
    const next: SessionRecord = {
      ...base,
      secretHash: newSecret ? hashSecret(newSecret) : base.secretHash,
      previousSecretHash: rotating ? base.secretHash : newSecret ? null : base.previousSecretHash,
      previousSecretExpiresAt: rotating ? new Date(now + config.graceMs) : newSecret ? null : base.previousSecretExpiresAt,
      userId: state.userId,
      authenticatedAt: state.authenticatedAt,
      data: sealEnvelope(config, base.id, envelopeOf(state), drawn?.iv),
      version: base.version + 1,
      lastSeenAt: at,
      expiresAt: idleDeadline(state, now, absoluteExpiresAt),
      absoluteExpiresAt,
    };
    if (await storeCall('update', () => store.update(next, base.version))) {
      state.record = next;
      const cookieName = state.cookieName;
      const token = newSecret ?? (state.expiryOverride !== undefined && !state.viaGrace ? state.secret : null);
      if (newSecret) {
        state.secret = newSecret;
        state.viaGrace = false;
        config.emit(isLogin ? { type: 'authenticated', sessionId: next.id, userId: state.userId as string, at } : { type: 'rotated', sessionId: next.id, userId: next.userId, at });
        if (isLogin) await enforceSessionCap(store, state, state.userId as string, next.id);
      }
      if (token !== null && cookieName !== null) {
        state.outgoingCookie = serializeSessionCookie(cookieName, formatToken(next.id, token), config.cookieAttributes, state.facts.secure, cookieLifetime(state, absoluteExpiresAt, now));
      }
      state.expiryOverride = undefined;
      return;
    }
    base = await rebase(store, state, base);
  }
  throw new SessionError('SESSION_INTERRUPTED', 'the session kept changing under this request; nothing was saved');
}

/**
 * `maxSessionsPerUser`: after a sign-in, ends the user's sessions beyond the cap, oldest sign-in
 * first, and never the current one. Every sign-in keeps the newest `cap` sessions of the same
 * ordering (sign-in time, then id), so two simultaneous sign-ins that each see the other agree on
 * which survives instead of ending each other (test/core/defences.test.ts).
 */
async function enforceSessionCap(store: Store, state: SessionState, userId: string, currentId: string): Promise<void> {
  const { config } = state;
  const cap = config.maxSessionsPerUser;
  if (cap === undefined) return;
  const now = config.now();
  const signedInAt = (record: SessionRecord): number => (record.authenticatedAt ?? record.createdAt).getTime();
  const newestFirst = (await storeCall('list', () => store.listByUser(userId)))
    .filter((record) => deadlineOf(record) > now)
    .sort((a, b) => signedInAt(b) - signedInAt(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  for (const record of newestFirst.slice(cap)) {
    if (record.id === currentId) continue;
    if (await storeCall('evict', () => store.delete(record.id))) {
      config.emit({ type: 'revoked', sessionId: record.id, userId, reason: 'evicted', at: new Date(now) });
    }
  }
}

/** After a lost compare-and-swap: the latest record with this request's changes re-applied, or `SESSION_INTERRUPTED`. */
async function rebase(store: Store, state: SessionState, lost: SessionRecord): Promise<SessionRecord> {
  const { config } = state;
  const fresh = await storeCall('load', () => store.get(lost.id));
  const now = config.now();
  const secretHash = state.secret === null ? null : hashSecret(state.secret);
  const stillOurs =
    fresh !== null &&
    secretHash !== null &&
    deadlineOf(fresh) > now &&
    fresh.userId === lost.userId &&
    (hashesEqual(secretHash, fresh.secretHash) ||
      (fresh.previousSecretHash !== null && fresh.previousSecretExpiresAt !== null && fresh.previousSecretExpiresAt.getTime() > now && hashesEqual(secretHash, fresh.previousSecretHash)));
  if (!stillOurs) {
    rollback(state);
    throw new SessionError('SESSION_INTERRUPTED', 'the session was ended or changed by a concurrent request; nothing was saved');
  }
  const envelope = await openEnvelope(config, fresh);
  const data = envelope?.d ?? (Object.create(null) as SessionData);
  for (const op of state.ops) applyOp(data, op);
  snapshotCommittedData(state);
  state.data = data;
  if (!hashesEqual(secretHash, fresh.secretHash)) {
    // Someone rotated meanwhile: we now hold the grace secret, which may not rotate or sign in.
    state.viaGrace = true;
    if (state.newSecret !== null) {
      rollback(state);
      throw new SessionError('SESSION_INTERRUPTED', 'the session was rotated by a concurrent request; sign in or rotate again');
    }
  }
  state.record = fresh;
  return fresh;
}
