// npm run bench:purge — purgeExpired at scale on the SQLite store.
//
// Creates ROWS session records in a fresh sqliteStore file (one bulk insert through
// better-sqlite3, in one transaction; EXPIRED_SHARE of them already expired), then runs
// `sessions.purgeExpired({ batchSize })` while a loop in the same process keeps loading one
// valid session through a read operation of `sessions.open()`, one load due every millisecond. SQLite is
// synchronous here, so each DELETE holds the event loop for its whole duration: a load that
// falls due meanwhile waits for it, and the longest time from due to loaded is the longest
// stall a request would see. Reports the longest, 99th-percentile and median load, the total
// purge time and the longest batch, per batch size. Target: no load over 50 ms (exit 1 if
// missed). Expired deadlines are random, so the deleted rows are scattered through the file:
// the worst case for page writes.
//
//   node bench/purge-at-scale.mjs [--rows 1000000] [--batch-sizes 500,2000] [--expired-share 0.9] [--compare]
//
// --compare also purges through a plain kyselyStore on the same connection (one DELETE per
// batch, as sqliteStore did before it chunked its purge). Each line also shows the loads of
// the two seconds before the purge: the machine's own noise floor.
//
// Reads the built package (dist/): `npm run bench:purge` builds first.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { createSessions } from 'tessera';
import { kyselyStore } from 'tessera/kysely';
import { sqliteStore } from 'tessera/sqlite';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    'batch-sizes': { type: 'string', default: '500' },
    'expired-share': { type: 'string', default: '0.9' },
    // Also purge through a plain kyselyStore on the same connection: one DELETE per batch, unchunked.
    compare: { type: 'boolean', default: false },
  },
});
const ROWS = Number(values.rows);
const BATCH_SIZES = values['batch-sizes'].split(',').map(Number);
const EXPIRED_SHARE = Number(values['expired-share']);
const TARGET_MS = 50;
const SECRET = 'purge-at-scale-secret-at-least-32-bytes';

/** Fills the session table with `rows` records in one transaction; returns how many are expired. */
function bulkInsert(path, rows) {
  const database = new Database(path);
  const now = Date.now();
  const insert = database.prepare(`insert into tessera_sessions (id, secret_hash, previous_secret_hash, previous_secret_expires_at, user_id, authenticated_at, data,
    version, created_at, last_seen_at, expires_at, absolute_expires_at, user_agent, ip_address) values (?, ?, null, null, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`);
  const data = randomBytes(96).toString('base64url');
  const hash = randomBytes(32).toString('base64url');
  let expired = 0;
  database.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const isExpired = i / rows < EXPIRED_SHARE;
      if (isExpired) expired++;
      // Expired ones spread over the past 30 days, live ones over the next 14.
      const expiresAt = isExpired ? now - 1000 - Math.floor(Math.random() * 30 * 86_400_000) : now + 3_600_000 + Math.floor(Math.random() * 14 * 86_400_000);
      const userId = i % 3 === 0 ? null : `user-${i % 50_000}`;
      insert.run(
        randomBytes(12).toString('base64url'),
        hash,
        userId,
        userId === null ? null : expiresAt - 86_400_000,
        data,
        expiresAt - 86_400_000,
        expiresAt - 86_400_000,
        expiresAt,
        expiresAt + 86_400_000,
        'Mozilla/5.0 (bench)',
        '127.0.0.1',
      );
    }
  })();
  database.pragma('wal_checkpoint(TRUNCATE)');
  database.close();
  return expired;
}

/** One valid session, created through the public API; resolves the request that carries its cookie. */
async function validSession(sessions) {
  const headers = new Headers();
  const scope = sessions.open(new Request('http://127.0.0.1/', { method: 'POST', headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' } }), { headers });
  await scope.run('write', (session) => session.set('cart', ['apple']));
  const cookie = headers.getSetCookie()[0]?.split(';', 1)[0];
  if (!cookie) throw new Error('no session cookie was set');
  return new Request('http://127.0.0.1/', { headers: { cookie } });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

async function run(batchSize, mode) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-purge-'));
  const path = join(dir, 'sessions.db');
  try {
    await (await sqliteStore(path)).close();
    const t0 = performance.now();
    const expired = bulkInsert(path, ROWS);
    const insertSeconds = (performance.now() - t0) / 1000;

    const store = await sqliteStore(path);
    const sessions = createSessions({ store, secrets: [SECRET] });
    const request = await validSession(sessions);

    const loads = [];
    const idleLoads = [];
    let phase = 'idle';
    let purging = true;
    let lostSession = 0;
    // A client that wants the session every millisecond: each load is due when its timer is,
    // so a load that had to wait for a purge batch (the event loop is busy) counts the wait.
    const loader = (async () => {
      while (purging) {
        const due = performance.now() + 1;
        await new Promise((resolve) => setTimeout(resolve, 1));
        const session = await sessions.open(request).run('read', (loaded) => loaded);
        (phase === 'idle' ? idleLoads : loads).push(performance.now() - due);
        if (session.get('cart')?.[0] !== 'apple') lostSession++;
      }
    })();

    // Time each batch: wrap the store's deleteExpired as the engine calls it.
    const batches = [];
    // The noise floor: the same loads for two seconds with no purge running.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    phase = 'purge';
    const purger = mode === 'unchunked' ? kyselyStore({ db: store.db }) : store;
    const timed = {
      ...store,
      deleteExpired: async (now, limit) => {
        const started = performance.now();
        const deleted = await purger.deleteExpired(now, limit);
        batches.push(performance.now() - started);
        return deleted;
      },
    };
    const timedSessions = createSessions({ store: timed, secrets: [SECRET] });
    const purgeStart = performance.now();
    const purged = await timedSessions.purgeExpired({ batchSize });
    const purgeSeconds = (performance.now() - purgeStart) / 1000;
    purging = false;
    await loader;

    const remaining =
      store.db === undefined
        ? null
        : Number(
            (
              await store.db
                .selectFrom('tessera_sessions')
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirst()
            )?.n,
          );
    await store.close();
    const sorted = [...loads].sort((a, b) => a - b);
    const idle = [...idleLoads].sort((a, b) => a - b);
    const result = {
      batchSize,
      mode,
      idleLongestMs: Number(idle.at(-1).toFixed(1)),
      idleP99Ms: Number(percentile(idle, 0.99).toFixed(2)),
      rows: ROWS,
      expired,
      purged,
      remaining,
      insertSeconds: Number(insertSeconds.toFixed(1)),
      purgeSeconds: Number(purgeSeconds.toFixed(2)),
      batches: batches.length,
      longestBatchMs: Number(Math.max(...batches).toFixed(1)),
      loads: loads.length,
      longestLoadMs: Number(sorted.at(-1).toFixed(1)),
      p99LoadMs: Number(percentile(sorted, 0.99).toFixed(2)),
      medianLoadMs: Number(percentile(sorted, 0.5).toFixed(3)),
      lostSession,
      fileMB: Number((statSync(path).size / 1e6).toFixed(0)),
    };
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`purgeExpired at scale: ${ROWS.toLocaleString('en')} records, ${Math.round(EXPIRED_SHARE * 100)} % expired, SQLite (sqliteStore), node ${process.version}`);
let failed = false;
for (const [batchSize, mode] of BATCH_SIZES.flatMap((size) =>
  values.compare
    ? [
        [size, 'sqliteStore'],
        [size, 'unchunked'],
      ]
    : [[size, 'sqliteStore']],
)) {
  const r = await run(batchSize, mode);
  const ok = r.longestLoadMs <= TARGET_MS && r.purged === r.expired && r.lostSession === 0;
  failed ||= !ok;
  console.log(
    `${mode.padEnd(11)} batchSize ${String(batchSize).padStart(6)}: purged ${r.purged.toLocaleString('en')} of ${r.expired.toLocaleString('en')} expired in ${r.purgeSeconds} s ` +
      `(${r.batches} batches, longest ${r.longestBatchMs} ms); ${r.remaining?.toLocaleString('en')} left; ` +
      `${r.loads.toLocaleString('en')} concurrent loads: longest ${r.longestLoadMs} ms, p99 ${r.p99LoadMs} ms, median ${r.medianLoadMs} ms ` +
      `${ok ? '✓' : `✗ (target ≤ ${TARGET_MS} ms, every expired record purged, the valid session always loaded)`}  ` +
      `[no purge: longest ${r.idleLongestMs} ms, p99 ${r.idleP99Ms} ms; insert ${r.insertSeconds} s]`,
  );
}
process.exitCode = failed ? 1 : 0;
