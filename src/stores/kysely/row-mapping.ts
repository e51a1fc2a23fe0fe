import type { SessionRecord } from '../../index.js';

/** A row as a driver returns it: PostgreSQL gives `bigint` as strings, MySQL `varbinary` as Buffers. */
export type RawSessionRow = { readonly [column: string]: unknown };

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  return String(value);
}

function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : text(value);
}

function date(value: unknown): Date {
  return new Date(Number(value));
}

function dateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : new Date(Number(value));
}

/** The record a row holds, every field normalised to the {@link SessionRecord} types. */
export function recordFromRow(row: RawSessionRow): SessionRecord {
  return {
    id: text(row['id']),
    secretHash: text(row['secret_hash']),
    previousSecretHash: textOrNull(row['previous_secret_hash']),
    previousSecretExpiresAt: dateOrNull(row['previous_secret_expires_at']),
    userId: textOrNull(row['user_id']),
    authenticatedAt: dateOrNull(row['authenticated_at']),
    data: text(row['data']),
    version: Number(row['version']),
    createdAt: date(row['created_at']),
    lastSeenAt: date(row['last_seen_at']),
    expiresAt: date(row['expires_at']),
    absoluteExpiresAt: date(row['absolute_expires_at']),
    userAgent: textOrNull(row['user_agent']),
    ipAddress: textOrNull(row['ip_address']),
  };
}

/** Epoch milliseconds, the one time representation every driver binds. */
export function millis(value: Date | null): number | null {
  return value === null ? null : value.getTime();
}

/**
 * A record's column values, in `SESSION_COLUMNS` order (times as epoch milliseconds): what
 * the store binds when it inserts, and what a query of your own over the table would bind.
 *
 */
export function sessionRowValues(record: SessionRecord): unknown[] {
  return [
    record.id,
    record.secretHash,
    record.previousSecretHash,
    millis(record.previousSecretExpiresAt),
    record.userId,
    millis(record.authenticatedAt),
    record.data,
    record.version,
    record.createdAt.getTime(),
    record.lastSeenAt.getTime(),
    record.expiresAt.getTime(),
    record.absoluteExpiresAt.getTime(),
    record.userAgent,
    record.ipAddress,
  ];
}
