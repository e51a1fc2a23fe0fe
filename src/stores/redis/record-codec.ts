import type { SessionRecord } from '../../index.js';

/**
 * A record as the hash fields a Redis store keeps: `v` (version), `l` and `e` (lastSeenAt and
 * expiresAt in epoch ms), and `r`, a JSON string of every other field. The fields a script
 * must read or change (the version for compare-and-swap, the deadlines for a touch) stay
 * outside the JSON, so scripts never decode and re-encode it: the sealed data is kept
 * byte for byte.
 */
export interface EncodedRecord {
  readonly version: string;
  readonly rest: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
  /** Kept as its own field (`u`) too, so scripts can maintain the per-user index. */
  readonly userId: string | null;
}

/** The JSON part (`r`). Dates are epoch milliseconds. */
interface RestJson {
  readonly secretHash: string;
  readonly previousSecretHash: string | null;
  readonly previousSecretExpiresAt: number | null;
  readonly userId: string | null;
  readonly authenticatedAt: number | null;
  readonly data: string;
  readonly createdAt: number;
  readonly absoluteExpiresAt: number;
  readonly userAgent: string | null;
  readonly ipAddress: string | null;
}

const msOrNull = (date: Date | null): number | null => (date === null ? null : date.getTime());

export function encodeRecord(record: SessionRecord): EncodedRecord {
  const rest: RestJson = {
    secretHash: record.secretHash,
    previousSecretHash: record.previousSecretHash,
    previousSecretExpiresAt: msOrNull(record.previousSecretExpiresAt),
    userId: record.userId,
    authenticatedAt: msOrNull(record.authenticatedAt),
    data: record.data,
    createdAt: record.createdAt.getTime(),
    absoluteExpiresAt: record.absoluteExpiresAt.getTime(),
    userAgent: record.userAgent,
    ipAddress: record.ipAddress,
  };
  return {
    version: String(record.version),
    rest: JSON.stringify(rest),
    lastSeenAt: String(record.lastSeenAt.getTime()),
    expiresAt: String(record.expiresAt.getTime()),
    userId: record.userId,
  };
}

function fail(id: string, what: string): never {
  throw new TypeError(`tessera/redis: the record ${id} is malformed (${what}); was the key written by something else?`);
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isNullableString = (value: unknown): value is string | null => value === null || typeof value === 'string';
const isMs = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);
const isNullableMs = (value: unknown): value is number | null => value === null || isMs(value);

function integerField(id: string, name: string, text: string | null): number {
  const value = text === null ? Number.NaN : Number(text);
  if (!Number.isSafeInteger(value)) fail(id, name);
  return value;
}

/** Rebuilds a record from its hash fields; throws on anything tessera did not write. */
export function decodeRecord(id: string, version: string | null, rest: string | null, lastSeenAt: string | null, expiresAt: string | null): SessionRecord {
  let json: Partial<Record<keyof RestJson, unknown>>;
  try {
    json = JSON.parse(rest ?? 'null') as Partial<Record<keyof RestJson, unknown>>;
  } catch {
    fail(id, 'r is not JSON');
  }
  if (typeof json !== 'object' || json === null) fail(id, 'r is not an object');
  const { secretHash, previousSecretHash, previousSecretExpiresAt, userId, authenticatedAt, data, createdAt, absoluteExpiresAt, userAgent, ipAddress } = json;
  if (!isString(secretHash) || !isString(data)) fail(id, 'secretHash or data');
  if (!isNullableString(previousSecretHash) || !isNullableString(userId) || !isNullableString(userAgent) || !isNullableString(ipAddress)) fail(id, 'a text field');
  if (!isNullableMs(previousSecretExpiresAt) || !isNullableMs(authenticatedAt) || !isMs(createdAt) || !isMs(absoluteExpiresAt)) fail(id, 'a date field');
  return {
    id,
    secretHash,
    previousSecretHash,
    previousSecretExpiresAt: previousSecretExpiresAt === null ? null : new Date(previousSecretExpiresAt),
    userId,
    authenticatedAt: authenticatedAt === null ? null : new Date(authenticatedAt),
    data,
    version: integerField(id, 'v', version),
    createdAt: new Date(createdAt),
    lastSeenAt: new Date(integerField(id, 'l', lastSeenAt)),
    expiresAt: new Date(integerField(id, 'e', expiresAt)),
    absoluteExpiresAt: new Date(absoluteExpiresAt),
    userAgent,
    ipAddress,
  };
}
