// In-process suite for one dataset size: tessera (sqliteStore, and kyselyStore on a plain
// user-supplied Kysely) against the hand-written floor, interleaved in one process.
// Usage: node --expose-gc bench/inprocess.js <rows> <out.json> [rounds] [budgetMs]
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { createFloor, openFloorDb } from './lib/floor.js';
import { createLiveSessions, ensureDatabase, fillerToken, request, sampleIndices, SERVER_SECRET } from './lib/dataset.js';
import { interleave } from './lib/measure.js';

const [rowsArg, out, roundsArg, budgetArg] = process.argv.slice(2);
const rows = Number(rowsArg);
const rounds = Number(roundsArg ?? 5);
const budgetMs = Number(budgetArg ?? 150);
const lib = new URL('./.tmp/lib/', import.meta.url);
const { createSessions } = await import(new URL('index.js', lib));
const { sqliteStore } = await import(new URL('sqlite.js', lib));
const { kyselyStore } = await import(new URL('kysely.js', lib));
const log = (line) => process.stderr.write(`${line}\n`);

// Reads go to 5,000 of the filler sessions, spread over the whole table (so at 1M most
// lookups miss SQLite's page cache); the 800 written sessions are created fresh each run.
const dataset = await ensureDatabase(rows, { sqliteStore, reserve: 800, log });
if (!dataset.reused) log(`  ${rows.toLocaleString('en')} rows filled in ${dataset.fillSeconds.toFixed(1)} s`);

const store = await sqliteStore(dataset.path);
const sessions = createSessions({ store, secrets: [SERVER_SECRET] });
// A user-supplied Kysely on the same file, without tessera's statement cache.
const plainDb = new Database(dataset.path);
plainDb.pragma('journal_mode = WAL');
plainDb.pragma('synchronous = NORMAL');
plainDb.pragma('busy_timeout = 5000');
const userKysely = new Kysely({ dialect: new SqliteDialect({ database: plainDb }) });
const kyselySessions = createSessions({ store: kyselyStore({ db: userKysely }), secrets: [SERVER_SECRET] });
const floor = createFloor(openFloorDb(dataset.path), SERVER_SECRET);
// Informational: the same floor with memory-mapped I/O (sqliteStore does not set mmap_size).
const mmapDb = openFloorDb(dataset.path);
mmapDb.pragma('mmap_size = 1073741824');
const floorMmap = createFloor(mmapDb, SERVER_SECRET);

const LIVE = 5000;
const readIndices = sampleIndices(dataset.fillerRows, LIVE);
const readTokens = readIndices.map(fillerToken);
const writeTokens = await createLiveSessions(sessions, store, 200, 'bench-write-');
const rotateTokens = await createLiveSessions(sessions, store, 200, 'bench-rotate-');
const floorRotateTokens = await createLiveSessions(sessions, store, 200, 'bench-frotate-');
const floorWriteTokens = await createLiveSessions(sessions, store, 200, 'bench-fwrite-');
const cookieOf = (token) => request(token).headers.cookie;

// Requests are built once: the bench times session resolution, not request construction.
const validReqs = readTokens.map((token) => request(token));
const validCookies = readTokens.map(cookieOf);
const anonymousReq = request(null);
const malformedToken = 'not-a-token';
const malformedReq = request(malformedToken);
const wrongTokens = readTokens.map((token) => `${token.slice(0, 23)}${'A'.repeat(43)}`);
const wrongReqs = wrongTokens.map((token) => request(token));
const wrongCookies = wrongTokens.map(cookieOf);

/** A response stand-in for commit (the Node ServerResponse slice tessera writes to). */
function response() {
  const headers = new Map();
  return { getHeader: (name) => headers.get(name), setHeader: (name, value) => void headers.set(name, value), headers };
}
function tokenFromSetCookie(value) {
  const cookie = Array.isArray(value) ? value[0] : value;
  return cookie.slice(cookie.indexOf('=') + 1, cookie.indexOf(';'));
}

let i = 0;
const next = (n) => (i = (i + 1) % n);
let sink = null;
/** Read operations whose end committed (a touch was due): the load case must not write. */
let touches = 0;

/**
 * One read operation of a request, the shape of a query: open a scope, begin a read, load
 * the session, end the read (which commits only when a touch is due: it never is here, see
 * the warm-up below). No headers: the floor's load writes none.
 */
async function read(manager, req) {
  const scope = manager.open(req);
  const turn = scope.begin('read');
  if (turn !== undefined) await turn;
  const session = await scope.session();
  const ending = scope.end('read');
  if (ending !== undefined) {
    touches++;
    await ending;
  }
  return session;
}

/**
 * One write operation of a request, the shape of a mutation: open a scope, begin a write
 * (a POST that passes the CSRF rule), load, change, end (commits), attach the headers.
 */
async function write(req, change) {
  const scope = sessions.open(req);
  const turn = scope.begin('write');
  if (turn !== undefined) await turn;
  change(await scope.session());
  const ending = scope.end('write');
  if (ending !== undefined) await ending;
  const res = response();
  scope.respond(res);
  return res;
}
const login = (session) => session.login('bench-login-tessera');
const rotate = (session) => session.rotate();
const logout = (session) => session.logout();

const cases = {
  'floor: load': () => (sink = floor.load(validCookies[next(LIVE)])),
  'floor + mmap_size=1GiB: load': () => (sink = floorMmap.load(validCookies[next(LIVE)])),
  'floor: anonymous': () => (sink = floor.load(anonymousReq.headers.cookie)),
  'floor: malformed': () => (sink = floor.load(malformedReq.headers.cookie)),
  'floor: wrong secret': () => (sink = floor.load(wrongCookies[next(LIVE)])),
  'floor: create': () => (sink = floor.create('bench-login-floor', anonymousReq.headers['user-agent'], '203.0.113.7')),
  'floor: rotate': () => {
    const k = next(floorRotateTokens.length);
    const cookie = floor.rotate(cookieOf(floorRotateTokens[k]));
    floorRotateTokens[k] = tokenFromSetCookie(cookie);
  },
  'floor: data change': () => (sink = floor.setData(cookieOf(floorWriteTokens[next(floorWriteTokens.length)]), 'cart', ['sku-1042', 'sku-2210', `sku-${i}`])),
  *'floor: logout'() {
    yield { [0]: () => cookieOf(tokenFromSetCookie(floor.create('bench-logout-f'))), bench: (cookie) => (sink = floor.logout(cookie)) };
  },
  'tessera: load': async () => (sink = (await read(sessions, validReqs[next(LIVE)])).userId),
  'tessera: anonymous': async () => (sink = await read(sessions, anonymousReq)),
  'tessera: malformed': async () => (sink = await read(sessions, malformedReq)),
  'tessera: wrong secret': async () => (sink = await read(sessions, wrongReqs[next(LIVE)])),
  'tessera: login': async () => (sink = await write(request(null, 'POST'), login)),
  'tessera: rotate': async () => {
    const k = next(rotateTokens.length);
    const res = await write(request(rotateTokens[k], 'POST'), rotate);
    rotateTokens[k] = tokenFromSetCookie(res.headers.get('set-cookie'));
  },
  'tessera: data change': async () => (sink = await write(request(writeTokens[next(writeTokens.length)], 'POST'), (session) => session.set('cart', ['sku-1042', 'sku-2210', `sku-${i}`]))),
  *'tessera: logout'() {
    yield {
      [0]: () => request(tokenFromSetCookie(floor.create('bench-logout-t')), 'POST'),
      bench: async (req) => (sink = await write(req, logout)),
    };
  },
  'kyselyStore (user Kysely, no statement cache): load': async () => (sink = (await read(kyselySessions, validReqs[next(LIVE)])).userId),
};
const baselines = {
  'tessera: load': 'floor: load',
  'tessera: anonymous': 'floor: anonymous',
  'tessera: malformed': 'floor: malformed',
  'tessera: wrong secret': 'floor: wrong secret',
  'tessera: login': 'floor: create',
  'tessera: rotate': 'floor: rotate',
  'tessera: data change': 'floor: data change',
  'tessera: logout': 'floor: logout',
  'kyselyStore (user Kysely, no statement cache): load': 'floor: load',
  'floor + mmap_size=1GiB: load': 'floor: load',
};
const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;
const selected = only
  ? Object.fromEntries(Object.entries(cases).filter(([name]) => only.test(name) || (Object.values(baselines).includes(name) && Object.entries(baselines).some(([c, b]) => b === name && only.test(c)))))
  : cases;

// Sanity: each path does what its name says before it is timed.
const firstUser = `user-${readIndices[0]}`;
if ((await read(sessions, validReqs[0])).userId !== firstUser) throw new Error('tessera did not load a valid session');
if (floor.load(validCookies[0])?.userId !== firstUser) throw new Error('the floor did not load a valid session');
if ((await read(sessions, wrongReqs[0])).userId !== null || floor.load(wrongCookies[0]) !== null) throw new Error('a wrong secret was accepted');
if ((await read(kyselySessions, validReqs[1])).userId !== `user-${readIndices[1]}`) throw new Error('kyselyStore did not load a valid session');
if ((await write(request(null, 'POST'), login)).headers.get('set-cookie') === undefined) throw new Error('tessera login set no cookie');
// Steady state of a read: each of the read sessions was seen within the touch interval, so a
// load commits nothing (a filler row from an older run would otherwise be touched once, timed).
for (const req of validReqs) await read(sessions, req);
touches = 0;

const cleanup = () => userKysely.deleteFrom('tessera_sessions').where('user_id', 'like', 'bench-log%').execute();
const result = await interleave(selected, {
  rounds,
  budgetMs,
  baselines,
  onRound: async (round) => {
    await cleanup();
    log(`  ${rows.toLocaleString('en')} rows: round ${round + 1}/${rounds}`);
  },
});
await cleanup();
void sink;
const count = plainDb.prepare('select count(*) from tessera_sessions').pluck().get();
if (touches > 0) log(`  warning: ${touches} timed read operations committed a touch`);
writeFileSync(
  out,
  JSON.stringify(
    {
      rows,
      liveRowsAtEnd: count,
      pinned: process.env.BENCH_PINNED ?? null,
      touchesDuringTimedReads: touches,
      fill: { ...dataset, path: `bench/.tmp/${dataset.path.split('/').pop()}` },
      rounds,
      budgetMs,
      cases: result,
    },
    null,
    2,
  ),
);
await store.close();
await userKysely.destroy();
