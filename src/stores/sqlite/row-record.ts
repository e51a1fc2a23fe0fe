import type { SessionRecord } from '../../index.js';

/** A session row as the raw-mode lookup returns it, in the store's column order. */
export type SessionRow = readonly [
  id: string,
  secretHash: string,
  previousSecretHash: string | null,
  previousSecretExpiresAt: number | null,
  userId: string | null,
  authenticatedAt: number | null,
  data: string,
  version: number,
  createdAt: number,
  lastSeenAt: number,
  expiresAt: number,
  absoluteExpiresAt: number,
  userAgent: string | null,
  ipAddress: string | null,
];

/** The plain record a row holds: what `store.get()` returns. */
export function recordFromRow(row: SessionRow): SessionRecord {
  return {
    id: row[0],
    secretHash: row[1],
    previousSecretHash: row[2],
    previousSecretExpiresAt: row[3] === null ? null : new Date(row[3]),
    userId: row[4],
    authenticatedAt: row[5] === null ? null : new Date(row[5]),
    data: row[6],
    version: row[7],
    createdAt: new Date(row[8]),
    lastSeenAt: new Date(row[9]),
    expiresAt: new Date(row[10]),
    absoluteExpiresAt: new Date(row[11]),
    userAgent: row[12],
    ipAddress: row[13],
  };
}

/**
 * A {@link SessionRecord} over a row whose `Date` fields are built on first access (and then
 * kept, so a field is the same `Date` every time). For the engine's synchronous lookup only:
 * its fields are prototype getters, which `{ ...record }` and deep-equality helpers do not see,
 * so `store.get()` keeps returning plain records. A load reads one or two of the six dates;
 * `new Date(ms)` is a C++ builtin call of ≈ 0.1 µs here, so the other four to five cost
 * ≈ 0.4–0.6 µs of a ≈ 17 µs load (bench/.tmp measurement, 2026-11-28).
 */
export class LazyRowRecord implements SessionRecord {
  readonly #row: SessionRow;
  #previousSecretExpiresAt: Date | null | undefined;
  #authenticatedAt: Date | null | undefined;
  #createdAt: Date | undefined;
  #lastSeenAt: Date | undefined;
  #expiresAt: Date | undefined;
  #absoluteExpiresAt: Date | undefined;

  constructor(row: SessionRow) {
    this.#row = row;
  }

  get id(): string {
    return this.#row[0];
  }
  get secretHash(): string {
    return this.#row[1];
  }
  get previousSecretHash(): string | null {
    return this.#row[2];
  }
  get previousSecretExpiresAt(): Date | null {
    if (this.#previousSecretExpiresAt === undefined) {
      const ms = this.#row[3];
      this.#previousSecretExpiresAt = ms === null ? null : new Date(ms);
    }
    return this.#previousSecretExpiresAt;
  }
  get userId(): string | null {
    return this.#row[4];
  }
  get authenticatedAt(): Date | null {
    if (this.#authenticatedAt === undefined) {
      const ms = this.#row[5];
      this.#authenticatedAt = ms === null ? null : new Date(ms);
    }
    return this.#authenticatedAt;
  }
  get data(): string {
    return this.#row[6];
  }
  get version(): number {
    return this.#row[7];
  }
  get createdAt(): Date {
    return (this.#createdAt ??= new Date(this.#row[8]));
  }
  get lastSeenAt(): Date {
    return (this.#lastSeenAt ??= new Date(this.#row[9]));
  }
  get expiresAt(): Date {
    return (this.#expiresAt ??= new Date(this.#row[10]));
  }
  get absoluteExpiresAt(): Date {
    return (this.#absoluteExpiresAt ??= new Date(this.#row[11]));
  }
  get userAgent(): string | null {
    return this.#row[12];
  }
  get ipAddress(): string | null {
    return this.#row[13];
  }
}
