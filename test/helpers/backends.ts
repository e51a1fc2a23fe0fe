import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, MysqlDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { createPool } from 'mysql2';
import { Redis } from 'ioredis';
import type { Store } from 'tessera';
import { kyselyStore, migrateSessions } from 'tessera/kysely';
import { sqliteStore } from 'tessera/sqlite';
import { mariadbOrSkip, postgresOrSkip, redisOrSkip, type ServiceConfig } from './services.js';

/*
 * The one backend matrix of the example-app suites (app, security, scale): each backend the
 * example runs on, as the environment variables `npm start` reads, in a schema, database or
 * key prefix of its own, with the cleanup that drops it.
 */

/** The backends, by what `SESSION_STORE`/`DATABASE_URL` select. */
export type BackendKind = 'sqlite' | 'postgres' | 'mariadb' | 'redis' | 'cached' | 'cookie';

/** A backend of the matrix; `open()` makes a fresh, private copy of it. */
export interface Backend {
  readonly name: string;
  readonly kind: BackendKind;
  open(): Promise<BackendEnv>;
}

/** The example app's settings for one backend, as environment variables, and how to drop what it made. */
export interface BackendEnv {
  readonly name: string;
  readonly kind: BackendKind;
  /** `DATABASE_URL`, `REDIS_URL`, `SESSION_STORE`, … (always with `SESSION_SECRET` and a `DATA_DIR` of its own). */
  readonly env: Readonly<Record<string, string>>;
  cleanup(): Promise<void>;
}

export const BACKEND_SECRET = 'scale-test-secret-at-least-32-bytes-long';

const label = () => `${process.pid}_${randomBytes(4).toString('hex')}`;

function dataDir(): { dir: string; drop(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-scale-'));
  return { dir, drop: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A fresh PostgreSQL schema, selected through the URL (`options=-c search_path=…`), so the
 * app's tables (`users`, `tessera_sessions`, `tessera_migrations`) never meet another run's;
 * `PGAPPNAME` is the schema's name, so `pg_stat_activity` tells this run's connections apart.
 */
export async function postgresBackend(service: ServiceConfig): Promise<BackendEnv> {
  const schema = `tessera_scale_${label()}`;
  const admin = new pg.Client({ connectionString: service.url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = `${service.url}${service.url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const data = dataDir();
  return {
    name: 'PostgreSQL',
    kind: 'postgres',
    // Its own application_name too, so a fault test can terminate this run's connections only.
    env: { DATABASE_URL: url, PGAPPNAME: schema, SESSION_SECRET: BACKEND_SECRET, DATA_DIR: data.dir },
    async cleanup() {
      const drop = new pg.Client({ connectionString: service.url });
      await drop.connect();
      await drop.query(`drop schema ${schema} cascade`);
      await drop.end();
      data.drop();
    },
  };
}

/** A fresh MariaDB database (`create database`), dropped afterwards. */
export async function mariadbBackend(service: ServiceConfig): Promise<BackendEnv> {
  const database = `tessera_scale_${label()}`;
  const admin = await mysql.createConnection({ uri: service.url });
  await admin.query(`create database ${database}`);
  await admin.end();
  const url = new URL(service.url);
  url.pathname = `/${database}`;
  const data = dataDir();
  return {
    name: 'MariaDB',
    kind: 'mariadb',
    env: { DATABASE_URL: url.href, SESSION_SECRET: BACKEND_SECRET, DATA_DIR: data.dir },
    async cleanup() {
      const drop = await mysql.createConnection({ uri: service.url });
      await drop.query(`drop database ${database}`);
      await drop.end();
      data.drop();
    },
  };
}

/**
 * Sessions in Redis (`SESSION_STORE=redis`) or cached in front of the database (`cached`),
 * under a key prefix of their own; users in a SQLite file every process of the run shares.
 */
export function redisBackend(service: ServiceConfig, store: 'redis' | 'cached'): BackendEnv {
  const prefix = `tessera-scale:${label()}:`;
  const data = dataDir();
  return {
    name: store === 'redis' ? 'Redis' : 'SQLite cached in Redis',
    kind: store,
    env: { REDIS_URL: service.url, SESSION_STORE: store, REDIS_PREFIX: prefix, DATABASE_URL: join(data.dir, 'app.db'), SESSION_SECRET: BACKEND_SECRET, DATA_DIR: data.dir },
    async cleanup() {
      const client = new Redis(service.url, { maxRetriesPerRequest: 1 });
      try {
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) await client.del(...keys);
        } while (cursor !== '0');
      } finally {
        client.disconnect();
      }
      data.drop();
    },
  };
}

/** The embedded SQLite file (`SESSION_STORE=kysely`, no `DATABASE_URL`), or sealed cookies. */
export function localBackend(store: 'kysely' | 'cookie'): BackendEnv {
  const data = dataDir();
  return {
    name: store === 'kysely' ? 'SQLite' : 'sealed cookies',
    kind: store === 'kysely' ? 'sqlite' : 'cookie',
    env: { SESSION_STORE: store, SESSION_SECRET: BACKEND_SECRET, DATA_DIR: data.dir },
    async cleanup() {
      data.drop();
    },
  };
}

/** Display names of the matrix's backends, as the suites' titles show them. */
const NAMES: Readonly<Record<BackendKind, string>> = {
  sqlite: 'SQLite (SESSION_STORE=kysely)',
  postgres: 'PostgreSQL (DATABASE_URL)',
  mariadb: 'MariaDB (DATABASE_URL)',
  redis: 'Redis (SESSION_STORE=redis)',
  cached: 'Redis cache (SESSION_STORE=cached)',
  cookie: 'sealed cookies (SESSION_STORE=cookie)',
};

/**
 * The matrix: the backends of `kinds` whose service runs here, in that order (the probes in
 * `services.ts` print one line for each missing service, or fail under TESSERA_REQUIRE_SERVICES=1).
 */
export async function backendMatrix(kinds: readonly BackendKind[]): Promise<Backend[]> {
  const needs = (...wanted: BackendKind[]) => kinds.some((kind) => wanted.includes(kind));
  const postgres = needs('postgres') ? await postgresOrSkip() : null;
  const mariadb = needs('mariadb') ? await mariadbOrSkip() : null;
  const redis = needs('redis', 'cached') ? await redisOrSkip() : null;
  const open: Record<BackendKind, (() => Promise<BackendEnv>) | null> = {
    sqlite: async () => localBackend('kysely'),
    cookie: async () => localBackend('cookie'),
    postgres: postgres && (() => postgresBackend(postgres)),
    mariadb: mariadb && (() => mariadbBackend(mariadb)),
    redis: redis && (async () => redisBackend(redis, 'redis')),
    cached: redis && (async () => redisBackend(redis, 'cached')),
  };
  return kinds.flatMap((kind) => {
    const opener = open[kind];
    return opener ? [{ name: NAMES[kind], kind, open: opener }] : [];
  });
}

/**
 * A second handle on the session table of a database backend (`sqlite`: the app's
 * `DATA_DIR/sessions.db`; `postgres`, `mariadb`: `DATABASE_URL`), for in-process apps that
 * take a store, and for probes and controls that read or wrap it.
 */
export async function openSessionStore(backend: BackendEnv): Promise<{ readonly store: Store; close(): Promise<void> }> {
  const url = backend.env['DATABASE_URL'];
  if (backend.kind === 'sqlite') {
    const store = await sqliteStore(join(backend.env['DATA_DIR']!, 'sessions.db'));
    return { store, close: () => store.close() };
  }
  if (url === undefined || (backend.kind !== 'postgres' && backend.kind !== 'mariadb')) throw new Error(`${backend.name} has no session table to open`);
  const db = new Kysely<never>({
    dialect: backend.kind === 'postgres' ? new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 4 }) }) : new MysqlDialect({ pool: createPool({ uri: url, connectionLimit: 4 }) }),
  });
  await migrateSessions(db);
  return { store: kyselyStore({ db }), close: () => db.destroy() };
}
