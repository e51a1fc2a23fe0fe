import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';

/**
 * Real backing services for tests, found or skipped in one place.
 *
 * Each `…OrSkip()` probes its service once per process and resolves its connection
 * settings, or `null` after printing exactly one line that says what is missing and
 * how to enable it. With `TESSERA_REQUIRE_SERVICES=1` (CI) a missing service throws
 * instead, so the test file fails rather than silently passing.
 *
 * ```ts
 * const pg = await postgresOrSkip();
 * describe.skipIf(!pg)('on PostgreSQL', () => { … pg!.url … });
 * ```
 */

/** Where a service listens. `url` is what drivers take (`pg`, `mysql2`, redis clients). */
export interface ServiceConfig {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** The database name (PostgreSQL, MariaDB) or number (Redis, as a string). */
  readonly database: string;
}

const required = () => process.env['TESSERA_REQUIRE_SERVICES'] === '1';
const probes = new Map<string, Promise<ServiceConfig | null>>();

function configFromUrl(url: string, defaults: { port: number; user: string; database: string }): ServiceConfig {
  const parsed = new URL(url);
  return {
    url,
    host: parsed.hostname,
    port: parsed.port === '' ? defaults.port : Number(parsed.port),
    user: decodeURIComponent(parsed.username) || defaults.user,
    password: decodeURIComponent(parsed.password),
    database: parsed.pathname.replace(/^\//, '') || defaults.database,
  };
}

async function findService(
  name: string,
  envVar: string,
  candidates: readonly string[],
  probe: (config: ServiceConfig) => Promise<void>,
  defaults: { port: number; user: string; database: string },
): Promise<ServiceConfig | null> {
  const fromEnv = process.env[envVar];
  const urls = fromEnv ? [fromEnv] : candidates;
  const failures: string[] = [];
  for (const url of urls) {
    const config = configFromUrl(url, defaults);
    try {
      await probe(config);
      return config;
    } catch (error) {
      failures.push(`${url.replace(/:[^:@/]*@/, ':***@')}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const message = `${name} is not reachable (${failures.join('; ')}). Start it, or point ${envVar} at one`;
  if (required()) throw new Error(`${message}. TESSERA_REQUIRE_SERVICES=1, so a missing service fails the run.`);
  console.warn(`[tessera tests] skipping ${name} tests: ${message}; set TESSERA_REQUIRE_SERVICES=1 to make this a failure.`);
  return null;
}

function once(name: string, find: () => Promise<ServiceConfig | null>): Promise<ServiceConfig | null> {
  let found = probes.get(name);
  if (!found) probes.set(name, (found = find()));
  return found;
}

/** PostgreSQL (default `postgres://postgres@127.0.0.1:5432/test`, then user `root`; override with `TESSERA_POSTGRES_URL`). */
export function postgresOrSkip(): Promise<ServiceConfig | null> {
  return once('PostgreSQL', () =>
    findService(
      'PostgreSQL',
      'TESSERA_POSTGRES_URL',
      ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'],
      async (config) => {
        const { default: pg } = await import('pg');
        const client = new pg.Client({ connectionString: config.url, connectionTimeoutMillis: 2000 });
        try {
          await client.connect();
          await client.query('select 1');
        } finally {
          await client.end().catch(() => {});
        }
      },
      { port: 5432, user: 'postgres', database: 'test' },
    ),
  );
}

/** MariaDB or MySQL (default `mysql://root@127.0.0.1:3306/test`; override with `TESSERA_MARIADB_URL`). */
export function mariadbOrSkip(): Promise<ServiceConfig | null> {
  return once('MariaDB', () =>
    findService(
      'MariaDB',
      'TESSERA_MARIADB_URL',
      ['mysql://root@127.0.0.1:3306/test'],
      async (config) => {
        const mysql = await import('mysql2/promise');
        const connection = await mysql.createConnection({ uri: config.url, connectTimeout: 2000 });
        try {
          await connection.query('select 1');
        } finally {
          await connection.end().catch(() => {});
        }
      },
      { port: 3306, user: 'root', database: 'test' },
    ),
  );
}

/** Redis (default `redis://127.0.0.1:6379/0`; override with `TESSERA_REDIS_URL`). Probed with a raw PING, no client needed. */
export function redisOrSkip(): Promise<ServiceConfig | null> {
  return once('Redis', () =>
    findService(
      'Redis',
      'TESSERA_REDIS_URL',
      ['redis://127.0.0.1:6379/0'],
      (config) =>
        new Promise<void>((resolve, reject) => {
          const socket = new Socket();
          const fail = (error: Error) => (socket.destroy(), reject(error));
          socket.setTimeout(2000, () => fail(new Error('timed out')));
          socket.once('error', fail);
          socket.connect(config.port, config.host, () => {
            const auth = config.password ? `AUTH ${config.user === 'default' || !config.user ? '' : config.user + ' '}${config.password}\r\n` : '';
            socket.write(`${auth}PING\r\n`);
          });
          socket.on('data', (chunk) => {
            const reply = chunk.toString();
            if (reply.includes('+PONG')) {
              socket.end();
              resolve();
            } else if (reply.startsWith('-')) fail(new Error(reply.trim()));
          });
        }),
      { port: 6379, user: '', database: '0' },
    ),
  );
}

/** A table name no other test file or parallel run uses (identifier characters only). */
export function uniqueTableName(label: string): string {
  return `t_${label}_${process.pid}_${randomBytes(4).toString('hex')}`.slice(0, 48);
}
