import type { SessionRecord } from '../../index.js';

/**
 * A session row as the raw-mode lookup returns it, in the store's column order, without `id`:
 * the lookup is by primary key (BINARY collation), so the row's id is the one asked for, and
 * not reading it back saves a string conversion (≈ 0.2 µs of a 12-column read here).
 */
export type SessionRow = readonly [
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
export function recordFromRow(id: string, row: SessionRow): SessionRecord {
  return {
    id,
    secretHash: row[0],
    previousSecretHash: row[1],
    previousSecretExpiresAt: row[2] === null ? null : new Date(row[2]),
    userId: row[3],
    authenticatedAt: row[4] === null ? null : new Date(row[4]),
    data: row[5],
    version: row[6],
    createdAt: new Date(row[7]),
    lastSeenAt: new Date(row[8]),
    expiresAt: new Date(row[9]),
    absoluteExpiresAt: new Date(row[10]),
    userAgent: row[11],
    ipAddress: row[12],
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
  readonly #id: string;
  readonly #row: SessionRow;
  #previousSecretExpiresAt: Date | null | undefined;
  #authenticatedAt: Date | null | undefined;
  #createdAt: Date | undefined;
  #lastSeenAt: Date | undefined;
  #expiresAt: Date | undefined;
  #absoluteExpiresAt: Date | undefined;

  constructor(id: string, row: SessionRow) {
    this.#id = id;
    this.#row = row;
  }

  get id(): string {
    return this.#id;
  }
  get secretHash(): string {
    return this.#row[0];
  }
  get previousSecretHash(): string | null {
    return this.#row[1];
  }
  get previousSecretExpiresAt(): Date | null {
    if (this.#previousSecretExpiresAt === undefined) {
      const ms = this.#row[2];
      this.#previousSecretExpiresAt = ms === null ? null : new Date(ms);
    }
    return this.#previousSecretExpiresAt;
  }
  get userId(): string | null {
    return this.#row[3];
  }
  get authenticatedAt(): Date | null {
    if (this.#authenticatedAt === undefined) {
      const ms = this.#row[4];
      this.#authenticatedAt = ms === null ? null : new Date(ms);
    }
    return this.#authenticatedAt;
  }
  get data(): string {
    return this.#row[5];
  }
  get version(): number {
    return this.#row[6];
  }
  get createdAt(): Date {
    return (this.#createdAt ??= new Date(this.#row[7]));
  }
  get lastSeenAt(): Date {
    return (this.#lastSeenAt ??= new Date(this.#row[8]));
  }
  get expiresAt(): Date {
    return (this.#expiresAt ??= new Date(this.#row[9]));
  }
  get absoluteExpiresAt(): Date {
    return (this.#absoluteExpiresAt ??= new Date(this.#row[10]));
  }
  get userAgent(): string | null {
    return this.#row[11];
  }
  get ipAddress(): string | null {
    return this.#row[12];
  }
}
