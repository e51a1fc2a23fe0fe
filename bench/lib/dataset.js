// Session databases for the bench: bench/.tmp/sessions-<rows>.db holds `rows` live sessions
// in tessera's own table (created by sqliteStore's migration). The filler rows are inserted
// once, in one transaction of prepared inserts, and the file is reused by later runs; the
// sessions the bench actually uses are created fresh through tessera on every run.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { floorCrypto } from './floor.js';

export const tmpDir = fileURLToPath(new URL('../.tmp/', import.meta.url));
export const SERVER_SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';
/** Bumped when the filler rows change shape: older files are rebuilt. */
const FORMAT = '2';

/**
 * The token of filler session `i`, derived from `i` so that any of the rows can be loaded
 * without keeping a million tokens: id = 16 bytes and secret = 32 bytes of SHA-256 of `i`.
 */
export function fillerToken(i) {
  const id = createHash('sha256').update(`bench-filler-id:${i}`).digest().subarray(0, 16).toString('base64url');
  const secret = createHash('sha256').update(`bench-filler-secret:${i}`).digest('base64url');
  return `${id}.${secret}`;
}

/** `count` distinct filler indices spread over `[0, rows)`, the same on every run (a fixed LCG). */
export function sampleIndices(rows, count) {
  const picked = new Set();
  let x = 12345;
  while (picked.size < Math.min(count, rows)) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    picked.add(x % rows);
  }
  return [...picked];
}

/** A production-shaped request: https, a browser's Cookie header with a few other cookies. */
export function request(token, method = 'GET') {
  const cookie = token === null ? '_ga=GA1.2.1234567890.1700000000; theme=dark' : `_ga=GA1.2.1234567890.1700000000; __Host-sid=${token}; theme=dark`;
  return {
    method,
    url: '/api/trpc/me',
    headers: {
      host: 'app.example.com',
      cookie,
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36',
      accept: 'application/json',
      ...(method === 'POST' ? { 'content-type': 'application/json', origin: 'https://app.example.com', 'sec-fetch-site': 'same-origin' } : {}),
    },
    socket: { encrypted: true, remoteAddress: '203.0.113.7' },
  };
}

function label(rows) {
  return rows >= 1_000_000 ? `${rows / 1_000_000}m` : `${rows / 1000}k`;
}

/**
 * Ensures the database with `rows` sessions exists (migrated by `sqliteStore`, filled by
 * hand with `rows - reserve` of them: the bench creates the other `reserve` itself on every
 * run); returns its path and how long the fill took (0 when reused).
 */
export async function ensureDatabase(rows, { sqliteStore, reserve = 0, log = () => {} }) {
  const filler = rows - reserve;
  mkdirSync(tmpDir, { recursive: true });
  const path = `${tmpDir}sessions-${label(rows)}.db`;
  if (existsSync(path)) {
    const db = new Database(path, { readonly: true });
    try {
      const done = db.prepare("select value from bench_meta where key = 'filled'").pluck().get();
      const format = db.prepare("select value from bench_meta where key = 'format'").pluck().get();
      if (Number(done) === rows && format === FORMAT) return { path, fillSeconds: 0, reused: true, fillerRows: rows - reserve };
    } catch {
      // no meta table: an interrupted fill; rebuild below
    } finally {
      db.close();
    }
  }
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  const store = await sqliteStore(path);
  await store.close();
  const started = performance.now();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table bench_meta (key text primary key, value text)');
  const insert = db.prepare(
    'insert into tessera_sessions (id, secret_hash, previous_secret_hash, previous_secret_expires_at, user_id, authenticated_at, data, version, created_at, last_seen_at, expires_at, absolute_expires_at, user_agent, ip_address) values (?, ?, null, null, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)',
  );
  const ua = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
  const year = 365 * 86_400_000;
  const now = Date.now();
  const crypto = floorCrypto(SERVER_SECRET);
  // Real sessions, sealed as tessera seals them, so any row can be loaded by its derived token.
  const json = JSON.stringify({ d: { prefs: { theme: 'dark', lang: 'en-GB', tz: 'Europe/London' }, cart: ['sku-1042', 'sku-2210'] } });
  const fill = db.transaction(() => {
    for (let i = 0; i < filler; i++) {
      const token = fillerToken(i);
      const id = token.slice(0, 22);
      insert.run(id, crypto.hash(token.slice(23)), `user-${i}`, now, crypto.seal(json, id), now, now, now + year, now + year, ua, `198.51.${(i >> 8) & 255}.${i & 255}`);
      if (i % 200_000 === 0 && i > 0) log(`  filled ${i.toLocaleString('en')} rows`);
    }
  });
  fill();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('analyze');
  db.prepare("insert into bench_meta values ('filled', ?), ('format', ?)").run(String(rows), FORMAT);
  db.close();
  return { path, fillSeconds: (performance.now() - started) / 1000, reused: false, fillerRows: filler };
}

/**
 * Signs in `count` users through tessera and returns their tokens. Run on every bench run,
 * so the sessions used are never near expiry; the previous run's ones are removed first.
 */
export async function createLiveSessions(sessions, store, count, prefix) {
  const db = store.db;
  await db.deleteFrom('tessera_sessions').where('user_id', 'like', `${prefix}%`).execute();
  const tokens = [];
  for (let i = 0; i < count; i++) {
    const headers = new Headers();
    const scope = sessions.open(request(null, 'POST'), { headers });
    await scope.run('write', (session) => {
      session.set('prefs', { theme: 'dark', lang: 'en-GB', tz: 'Europe/London' });
      session.set('cart', ['sku-1042', 'sku-2210']);
      session.login(`${prefix}${i}`);
    });
    const cookie = headers.getSetCookie()[0];
    tokens.push(cookie.slice(cookie.indexOf('=') + 1, cookie.indexOf(';')));
  }
  return tokens;
}
