// kyselyStore on a user-supplied Kysely over PostgreSQL (127.0.0.1:5432, db `test`), against
// a hand-written PostgreSQL floor: one named prepared statement through `pg`, the same crypto
// as the SQLite floor. Reported without a target (a network round trip dominates both).
// Usage: node --expose-gc bench/postgres.js <out.json> [rounds] [budgetMs]
import { writeFileSync } from 'node:fs';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createFloor } from './lib/floor.js';
import { request, SERVER_SECRET } from './lib/dataset.js';
import { interleave } from './lib/measure.js';
import { randomBytes } from 'node:crypto';

const [out, roundsArg, budgetArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 5);
const budgetMs = Number(budgetArg ?? 150);
const ROWS = 10_000;
const LIVE = 200;
const TABLE = 'bench_tessera_sessions';
const connectionString = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const lib = new URL('./.tmp/lib/', import.meta.url);
const { createSessions } = await import(new URL('index.js', lib));
const { kyselyStore, migrateSessions } = await import(new URL('kysely.js', lib));

let db;
try {
  const pool = new pg.Pool({ connectionString, max: 4 });
  await pool.query('select 1');
  db = new Kysely({ dialect: new PostgresDialect({ pool }) });
} catch (error) {
  writeFileSync(out, JSON.stringify({ unavailable: `PostgreSQL at ${connectionString} is not reachable: ${error.message}` }));
  process.exit(0);
}
await migrateSessions(db, { table: TABLE, migrationsTable: 'bench_tessera_migrations' });
const store = kyselyStore({ db, table: TABLE });
const sessions = createSessions({ store, secrets: [SERVER_SECRET] });
const count = Number((await db.selectFrom(TABLE).select(db.fn.countAll().as('n')).executeTakeFirst()).n);
if (count < ROWS - LIVE) {
  const now = Date.now();
  const rows = Array.from({ length: ROWS - LIVE - count }, (_, i) => ({
    id: randomBytes(16).toString('base64url'),
    secret_hash: randomBytes(32).toString('base64url'),
    previous_secret_hash: null,
    previous_secret_expires_at: null,
    user_id: `user-${i}`,
    authenticated_at: now,
    data: `fillerk1.${randomBytes(110).toString('base64url')}`,
    version: 1,
    created_at: now,
    last_seen_at: now,
    expires_at: now + 365 * 86_400_000,
    absolute_expires_at: now + 365 * 86_400_000,
    user_agent: 'Mozilla/5.0',
    ip_address: '198.51.100.1',
  }));
  for (let i = 0; i < rows.length; i += 1000)
    await db
      .insertInto(TABLE)
      .values(rows.slice(i, i + 1000))
      .execute();
}
await db.deleteFrom(TABLE).where('user_id', 'like', 'bench-pg-%').execute();
const tokens = [];
for (let i = 0; i < LIVE; i++) {
  const headers = new Headers();
  const scope = sessions.open(request(null, 'POST'), { headers });
  await scope.run('write', (session) => {
    session.set('prefs', { theme: 'dark', lang: 'en-GB', tz: 'Europe/London' });
    session.set('cart', ['sku-1042', 'sku-2210']);
    session.login(`bench-pg-${i}`);
  });
  const cookie = headers.getSetCookie()[0];
  tokens.push(cookie.slice(cookie.indexOf('=') + 1, cookie.indexOf(';')));
}
const reqs = tokens.map((token) => request(token));

// The floor on PostgreSQL: one client, one named (server-side prepared) statement.
const client = new pg.Client({ connectionString });
await client.connect();
const crypto = createFloor({ prepare: () => ({}) }, SERVER_SECRET);
const lookup = { name: 'bench-floor-get', text: `select secret_hash, user_id, data, expires_at from ${TABLE} where id = $1`, values: [''] };
async function floorLoad(cookieHeader) {
  const at = cookieHeader.indexOf('__Host-sid=');
  const end = cookieHeader.indexOf(';', at);
  const value = cookieHeader.slice(at + 11, end === -1 ? undefined : end);
  if (value.length !== 66) return null;
  const id = value.slice(0, 22);
  lookup.values[0] = id;
  const row = (await client.query(lookup)).rows[0];
  if (row === undefined || Number(row.expires_at) <= Date.now() || crypto.hash(value.slice(23)) !== row.secret_hash) return null;
  return { userId: row.user_id, data: JSON.parse(crypto.unseal(row.data, id)).d };
}
/** One read operation of a request (as in bench/inprocess.js): open, begin a read, load, end. */
async function load(req) {
  const scope = sessions.open(req);
  await scope.begin('read');
  const session = await scope.session();
  await scope.end('read');
  return session;
}
if ((await floorLoad(reqs[0].headers.cookie))?.userId !== 'bench-pg-0') throw new Error('the PostgreSQL floor did not load');
if ((await load(reqs[0])).userId !== 'bench-pg-0') throw new Error('kyselyStore on PostgreSQL did not load');

let i = 0;
const result = await interleave(
  {
    'floor (pg): load': () => floorLoad(reqs[(i = (i + 1) % LIVE)].headers.cookie),
    'kyselyStore (pg): load': async () => (await load(reqs[(i = (i + 1) % LIVE)])).userId,
  },
  { rounds, budgetMs, baselines: { 'kyselyStore (pg): load': 'floor (pg): load' }, onRound: (round) => process.stderr.write(`  postgres: round ${round + 1}/${rounds}\n`) },
);
writeFileSync(out, JSON.stringify({ rows: ROWS, rounds, budgetMs, cases: result, server: (await client.query('show server_version')).rows[0].server_version }, null, 2));
await client.end();
await db.destroy();
