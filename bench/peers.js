// Peers, in one process with the floor and tessera so every ratio is same-run:
// express-session 1.19 with better-sqlite3-session-store (the middleware alone, and a
// whole request: middleware + response end, where it writes its touch), and Better Auth's
// auth.api.getSession on better-sqlite3. 10,000 sessions in each peer's own database.
// Usage: node --expose-gc bench/peers.js <out.json> [rounds] [budgetMs]
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import Database from 'better-sqlite3';
import { createFloor, openFloorDb } from './lib/floor.js';
import { ensureDatabase, fillerToken, request, sampleIndices, SERVER_SECRET, tmpDir } from './lib/dataset.js';
import { interleave } from './lib/measure.js';

const [out, roundsArg, budgetArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 5);
const budgetMs = Number(budgetArg ?? 150);
const ROWS = 10_000;
const LIVE = 100;
const log = (line) => process.stderr.write(`${line}\n`);
const lib = new URL('./.tmp/lib/', import.meta.url);
const { createSessions } = await import(new URL('index.js', lib));
const { sqliteStore } = await import(new URL('sqlite.js', lib));

function openPeerDb(path) {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  return db;
}

// ---- tessera and the floor, on the 10k database of the in-process suite
const dataset = await ensureDatabase(ROWS, { sqliteStore, reserve: 800, log });
const store = await sqliteStore(dataset.path);
const sessions = createSessions({ store, secrets: [SERVER_SECRET] });
const floor = createFloor(openFloorDb(dataset.path), SERVER_SECRET);
const tokens = sampleIndices(dataset.fillerRows, LIVE).map(fillerToken);
const tesseraReqs = tokens.map((token) => request(token));
const floorCookies = tesseraReqs.map((req) => req.headers.cookie);

// ---- express-session + better-sqlite3-session-store
const peers = {};
const unavailable = {};
try {
  const { default: expressSession } = await import('express-session');
  const { default: storeFactory } = await import('better-sqlite3-session-store');
  const SqliteSessionStore = storeFactory(expressSession);
  const db = openPeerDb(`${tmpDir}express-session-10k.db`);
  const sessionStore = new SqliteSessionStore({ client: db, expired: { clear: true, intervalMs: 3_600_000 } });
  const secret = SERVER_SECRET;
  const middleware = expressSession({
    store: sessionStore,
    secret,
    resave: false,
    saveUninitialized: false,
    name: 'sid',
    cookie: { secure: true, httpOnly: true, sameSite: 'lax', maxAge: 14 * 86_400_000 },
  });
  // Filler rows in the store's own format, then live sessions made through the middleware.
  const insert = db.prepare('insert or replace into sessions values (?, ?, ?)');
  const expire = new Date(Date.now() + 14 * 86_400_000).toISOString();
  db.transaction(() => {
    for (let i = 0; i < ROWS - LIVE; i++) {
      insert.run(
        randomBytes(24).toString('base64url'),
        JSON.stringify({ cookie: { originalMaxAge: 1209600000, expires: expire, secure: true, httpOnly: true, path: '/', sameSite: 'lax' }, userId: `user-${i}` }),
        expire,
      );
    }
  })();
  const socket = new Socket();
  socket.encrypted = true;
  const nodeRequest = (cookie) => {
    const req = new IncomingMessage(socket);
    req.method = 'GET';
    req.url = req.originalUrl = '/api/me';
    req.headers = { host: 'app.example.com', cookie: cookie ?? '' };
    return req;
  };
  // A response that is never attached to a socket: end() buffers, so nothing but the session work is timed.
  const run = (req, handler) =>
    new Promise((resolve, reject) => {
      const res = new ServerResponse(req);
      middleware(req, res, (error) => (error ? reject(error) : resolve(handler(req, res))));
    });
  const cookies = [];
  for (let i = 0; i < LIVE; i++) {
    const req = nodeRequest(null);
    await run(req, (req, res) => {
      req.session.userId = `user-live-${i}`;
      res.end('ok');
      return res.getHeader('set-cookie')[0].split(';')[0];
    }).then((cookie) => cookies.push(`_ga=GA1.2.1234567890.1700000000; ${cookie}; theme=dark`));
  }
  await new Promise((resolve) => setImmediate(resolve));
  const check = await run(nodeRequest(cookies[0]), (req) => req.session.userId);
  if (check !== 'user-live-0') throw new Error(`express-session did not load its session (${check})`);
  let k = 0;
  peers['express-session: middleware'] = () => run(nodeRequest(cookies[(k = (k + 1) % LIVE)]), (req) => req.session.userId);
  peers['express-session: whole request (touch)'] = () =>
    run(nodeRequest(cookies[(k = (k + 1) % LIVE)]), (req, res) => {
      const user = req.session.userId;
      res.end(user);
      return user;
    });
} catch (error) {
  unavailable['express-session'] = String(error?.stack ?? error);
  log(`express-session unavailable: ${error}`);
}

// ---- Better Auth
try {
  const { betterAuth } = await import('better-auth');
  const { getMigrations } = await import('better-auth/db/migration');
  const db = openPeerDb(`${tmpDir}better-auth-10k.db`);
  const auth = betterAuth({
    database: db,
    secret: SERVER_SECRET,
    baseURL: 'https://app.example.com',
    emailAndPassword: { enabled: true },
    telemetry: { enabled: false },
    logger: { disabled: true },
  });
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  const now = new Date().toISOString();
  const later = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const users = db.prepare('insert into user (id, name, email, emailVerified, createdAt, updatedAt) values (?, ?, ?, 0, ?, ?)');
  const sessionRows = db.prepare('insert into session (id, expiresAt, token, createdAt, updatedAt, ipAddress, userAgent, userId) values (?, ?, ?, ?, ?, ?, ?, ?)');
  const BA_LIVE = 10;
  db.transaction(() => {
    for (let i = 0; i < (ROWS - BA_LIVE) / 4; i++) {
      const userId = randomBytes(24).toString('base64url');
      users.run(userId, `Filler ${i}`, `filler-${i}@example.com`, now, now);
      for (let j = 0; j < 4; j++) sessionRows.run(randomBytes(24).toString('base64url'), later, randomBytes(24).toString('base64url'), now, now, '198.51.100.1', 'Mozilla/5.0', userId);
    }
  })();
  const headersList = [];
  for (let i = 0; i < BA_LIVE; i++) {
    const result = await auth.api.signUpEmail({ body: { email: `live-${i}@example.com`, password: 'correct horse battery staple', name: `Live ${i}` }, returnHeaders: true });
    const cookie = result.headers.get('set-cookie').split(';')[0];
    headersList.push(new Headers({ host: 'app.example.com', cookie: `_ga=GA1.2.1234567890.1700000000; ${cookie}; theme=dark` }));
  }
  const first = await auth.api.getSession({ headers: headersList[0] });
  if (first?.user?.email !== 'live-0@example.com') throw new Error('Better Auth did not load its session');
  let k = 0;
  peers['Better Auth: getSession'] = () => auth.api.getSession({ headers: headersList[(k = (k + 1) % BA_LIVE)] });
} catch (error) {
  unavailable['better-auth'] = String(error?.stack ?? error);
  log(`Better Auth unavailable: ${error}`);
}

/** A response stand-in for tessera's commit (the Node ServerResponse slice it writes to). */
function response() {
  const headers = new Map();
  return { getHeader: (name) => headers.get(name), setHeader: (name, value) => void headers.set(name, value) };
}
/** One read operation (as in bench/inprocess.js): open, begin a read, load, end; headers on `res` when given. */
async function read(req, res) {
  const scope = sessions.open(req);
  const turn = scope.begin('read');
  if (turn !== undefined) await turn;
  const session = await scope.session();
  const ending = scope.end('read');
  if (ending !== undefined) await ending;
  if (res !== undefined) scope.respond(res);
  return session.userId;
}
// Steady state: each session seen within the touch interval, as a session in use is.
for (const req of tesseraReqs) await read(req, response());
let i = 0;
const cases = {
  'floor: load': () => floor.load(floorCookies[(i = (i + 1) % LIVE)]),
  'tessera: load': () => read(tesseraReqs[(i = (i + 1) % LIVE)]),
  'tessera: whole request': () => read(tesseraReqs[(i = (i + 1) % LIVE)], response()),
  ...peers,
};
const baselines = Object.fromEntries(
  Object.keys(cases)
    .filter((name) => name !== 'floor: load')
    .map((name) => [name, 'floor: load']),
);
const result = await interleave(cases, { rounds, budgetMs, baselines, onRound: (round) => log(`  peers: round ${round + 1}/${rounds}`) });
writeFileSync(out, JSON.stringify({ rows: ROWS, rounds, budgetMs, cases: result, unavailable }, null, 2));
await store.close();
// better-sqlite3-session-store starts a timer it never clears.
process.exit(0);
