import { randomBytes } from 'node:crypto';
import type { SessionRecord, Store } from '../index.js';
import type { StoreFactory, StoreFixture } from './test-api.js';

/** A fixed instant with a non-zero millisecond part, so a store that drops milliseconds fails. */
export const BASE_MS = Date.UTC(2026, 0, 15, 12, 30, 45, 123);

export const at = (offsetMs: number): Date => new Date(BASE_MS + offsetMs);

/** A fresh random id shaped like the engine's (16 bytes, base64url). */
export const newId = (): string => randomBytes(16).toString('base64url');

const hash = (): string => randomBytes(32).toString('base64url');

/** A complete record: every nullable field set, so a round trip checks them all. */
export function sampleRecord(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: newId(),
    secretHash: hash(),
    previousSecretHash: hash(),
    previousSecretExpiresAt: at(30_000),
    userId: 'user-42',
    authenticatedAt: at(-1_000),
    data: randomBytes(96).toString('base64url'),
    version: 1,
    createdAt: at(-5_000),
    lastSeenAt: at(0),
    expiresAt: at(14 * 86_400_000),
    absoluteExpiresAt: at(30 * 86_400_000),
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) tessera-test',
    ipAddress: '2001:db8::1',
    ...overrides,
  };
}

/** The next version of `record`, as the engine writes it after a change. */
export function nextVersion(record: SessionRecord, changes: Partial<SessionRecord> = {}): SessionRecord {
  return { ...record, data: randomBytes(64).toString('base64url'), lastSeenAt: at(60_000), version: record.version + 1, ...changes };
}

function isStore(value: Store | StoreFixture): value is Store {
  return typeof (value as Store).get === 'function';
}

/** Runs `body` on a fresh store from `makeStore`, then its cleanup, whatever happens. */
export async function withStore(makeStore: StoreFactory, body: (store: Store) => Promise<void>): Promise<void> {
  const made = await makeStore();
  const fixture: StoreFixture = isStore(made) ? { store: made } : made;
  try {
    await body(fixture.store);
  } finally {
    await fixture.cleanup?.();
  }
}
