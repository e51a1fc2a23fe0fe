/**
 * A value, or a promise of it: what {@link Store.get} answers. A store whose driver is
 * synchronous (sqliteStore's better-sqlite3) returns the record itself and saves the caller a
 * promise and a microtask turn; any other store returns a promise. Callers `await` the answer,
 * which takes both.
 */
export type MaybePromise<T> = T | Promise<T>;

/**
 * One stored session, as a {@link Store} keeps it.
 *
 * A record never holds a usable token: `id` is the public lookup handle and
 * `secretHash` is `SHA-256(secret)`, so a leaked row cannot be replayed as a cookie.
 * `data` is opaque to the store (sealed with AES-256-GCM by the engine).
 *
 * A store returns records as plain objects whose time fields are real `Date` instances (no
 * getters, no class instances), so `{ ...record }` copies every field; `testStore()` checks it.
 */
export interface SessionRecord {
  /** Public, non-secret handle (≥ 96 random bits, base64url). Primary key. */
  readonly id: string;
  /** base64url `SHA-256` of the current secret. */
  readonly secretHash: string;
  /** base64url `SHA-256` of the secret replaced by the last rotation, usable until `previousSecretExpiresAt`. */
  readonly previousSecretHash: string | null;
  readonly previousSecretExpiresAt: Date | null;
  /** The signed-in user, or `null` for an anonymous session. */
  readonly userId: string | null;
  readonly authenticatedAt: Date | null;
  /** Sealed session data; the store must keep it byte for byte. */
  readonly data: string;
  /** Incremented by every {@link Store.update}; the compare-and-swap token. */
  readonly version: number;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  /** The earlier of the idle and absolute deadlines: the record is dead from this instant on. */
  readonly expiresAt: Date;
  /** The absolute deadline, which activity never extends. */
  readonly absoluteExpiresAt: Date;
  readonly userAgent: string | null;
  readonly ipAddress: string | null;
}

/** The fields a touch (activity without a data change) moves forward. */
export interface SessionTouch {
  readonly lastSeenAt: Date;
  readonly expiresAt: Date;
}

/**
 * The backend seam. Every member is async (`get` may also answer synchronously) and has a
 * contract that `testStore()` from `tessera/testing` checks; a store is done when that suite passes.
 *
 * Stores receive ids and secret hashes, never raw secrets. They do not check expiry
 * on `get` (the engine does, against its own clock) and never create a record
 * except through `create`.
 *
 * Errors: a store throws whatever its driver throws; the engine wraps it as
 * `SessionError('STORE_FAILURE', { cause })`.
 */
export interface Store {
  /**
   * The record with this id, or `null` when there is none. Never creates. Answers with the
   * value itself when the store can read it synchronously, otherwise with a promise of it:
   * `await` the answer, which takes both.
   */
  get(id: string): MaybePromise<SessionRecord | null>;
  /**
   * Inserts a new record. Resolves `false` (and changes nothing) when a record
   * with the same id exists, so the engine can retry with a fresh id.
   */
  create(record: SessionRecord): Promise<boolean>;
  /**
   * Compare-and-swap: replaces the record whose id is `record.id` and whose version is
   * `expectedVersion` with `record` (whose `version` is `expectedVersion + 1`).
   * Resolves `false` when no such record exists (deleted, or changed by someone else);
   * never inserts.
   */
  update(record: SessionRecord, expectedVersion: number): Promise<boolean>;
  /**
   * Moves `lastSeenAt` and `expiresAt` forward without changing the version.
   * Resolves `false` when the record does not exist; never inserts.
   */
  touch(id: string, touch: SessionTouch): Promise<boolean>;
  /** Deletes the record. Idempotent: resolves `false` when there was none. */
  delete(id: string): Promise<boolean>;
  /** Every record of this user, expired ones included, in no particular order. */
  listByUser(userId: string): Promise<SessionRecord[]>;
  /** Deletes every record of this user except `exceptId`; resolves how many were deleted. */
  deleteByUser(userId: string, exceptId?: string): Promise<number>;
  /**
   * Deletes at most `limit` records whose `expiresAt` is at or before `now`;
   * resolves how many were deleted (fewer than `limit` means none are left).
   */
  deleteExpired(now: Date, limit: number): Promise<number>;
}

/**
 * When a record is dead: the earlier of its idle and absolute deadlines. A touch written by a
 * request that loaded the record before `setExpiry()` shortened it may carry a later `expiresAt`;
 * the absolute deadline still ends the session on time (test/core/expiry.test.ts).
 */
export function deadlineOf(record: Pick<SessionRecord, 'expiresAt' | 'absoluteExpiresAt'>): number {
  return Math.min(record.expiresAt.getTime(), record.absoluteExpiresAt.getTime());
}
