// Measures the session hot path on SQLite: sqliteStore().get(id) against the floor of
// DESIGN.md §7, a hand-written cached better-sqlite3 prepared PK lookup on the same file
// with the same settings (WAL, synchronous=NORMAL, busy_timeout, normal locking).
// Also prints, for reference, kyselyStore through Kysely with and without cacheStatements().
// Run after `npm run build`:  node bench/hot-path-sqlite.mjs
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { kyselyStore } from '../dist/stores/kysely/index.js';
import { cacheStatements, sqliteStore } from '../dist/stores/sqlite/index.js';

const ROWS = 10_000;
const BATCHES = 200;
const PER_BATCH = 500;

const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
const path = join(dir, 'sessions.db');
const store = await sqliteStore(path);

const ids = [];
const now = Date.now();
for (let i = 0; i < ROWS; i++) {
  const id = randomBytes(16).toString('base64url');
  ids.push(id);
  await store.create({
    id,
    secretHash: randomBytes(32).toString('base64url'),
    previousSecretHash: null,
    previousSecretExpiresAt: null,
    userId: i % 3 === 0 ? null : `user-${i % 1000}`,
    authenticatedAt: new Date(now),
    data: randomBytes(300).toString('base64url'),
    version: 1,
    createdAt: new Date(now),
    lastSeenAt: new Date(now),
    expiresAt: new Date(now + 86_400_000),
    absoluteExpiresAt: new Date(now + 30 * 86_400_000),
    userAgent: 'Mozilla/5.0 bench',
    ipAddress: '127.0.0.1',
  });
}

// The floor: its own connection on the same file, same pragmas, one cached statement.
const floorDb = new Database(path);
floorDb.pragma('journal_mode = WAL');
floorDb.pragma('synchronous = NORMAL');
floorDb.pragma('busy_timeout = 5000');
const floorStmt = floorDb.prepare('select * from "tessera_sessions" where "id" = ?');

// For reference: the same store through Kysely's SqliteDialect without the statement cache.
const plainDb = new Database(path);
plainDb.pragma('journal_mode = WAL');
plainDb.pragma('synchronous = NORMAL');
plainDb.pragma('busy_timeout = 5000');
const uncached = kyselyStore({ db: new Kysely({ dialect: new SqliteDialect({ database: plainDb }) }) });

// And through Kysely with the statement cache under its driver (the path every other query takes).
const cachedDb = new Database(path);
cachedDb.pragma('journal_mode = WAL');
cachedDb.pragma('synchronous = NORMAL');
cachedDb.pragma('busy_timeout = 5000');
const viaKysely = kyselyStore({ db: new Kysely({ dialect: new SqliteDialect({ database: cacheStatements(cachedDb) }) }) });

const variants = {
  'floor: cached stmt.get(id) (sync)': { sync: (id) => floorStmt.get(id) },
  'floor: cached stmt.get(id), awaited': { async: async (id) => floorStmt.get(id) },
  'tessera sqliteStore().get(id)': { async: (id) => store.get(id) },
  'kyselyStore on Kysely + cacheStatements()': { async: (id) => viaKysely.get(id) },
  'kyselyStore, SqliteDialect without statement cache': { async: (id) => uncached.get(id) },
};

let cursor = 0;
const nextId = () => ids[(cursor = (cursor + 7919) % ROWS)];
const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));

async function batch(variant) {
  const start = process.hrtime.bigint();
  if (variant.sync) for (let i = 0; i < PER_BATCH; i++) variant.sync(nextId());
  else for (let i = 0; i < PER_BATCH; i++) await variant.async(nextId());
  return Number(process.hrtime.bigint() - start) / 1000 / PER_BATCH;
}

for (const variant of Object.values(variants)) for (let i = 0; i < 20; i++) await batch(variant); // warm-up
for (let b = 0; b < BATCHES; b++) {
  // Interleaved, so drift (GC, CPU frequency, a noisy neighbour) hits every variant alike.
  for (const [name, variant] of Object.entries(variants)) samples[name].push(await batch(variant));
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const floor = median(samples['floor: cached stmt.get(id) (sync)']);
console.log(`SQLite hot path, ${ROWS} rows, WAL + synchronous=NORMAL, median of ${BATCHES} batches x ${PER_BATCH} lookups (node ${process.version})`);
for (const [name, values] of Object.entries(samples)) {
  const m = median(values);
  console.log(`  ${name.padEnd(52)} ${m.toFixed(2).padStart(7)} µs/op   x${(m / floor).toFixed(2)} floor`);
}
const check = await store.get(ids[0]);
if (check?.id !== ids[0]) throw new Error('bench sanity check failed: store.get did not return the row');

await store.close();
floorDb.close();
plainDb.close();
cachedDb.close();
rmSync(dir, { recursive: true, force: true });
