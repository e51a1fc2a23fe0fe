import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { Redis } from 'ioredis';
import type { ServiceConfig } from '../helpers/services.js';

/** The example app's settings for one backend, as environment variables, and how to drop what it made. */
export interface BackendEnv {
  readonly name: string;
  /** `DATABASE_URL`, `REDIS_URL`, `SESSION_STORE`, … (always with `SESSION_SECRET` and a `DATA_DIR` of its own). */
  readonly env: Readonly<Record<string, string>>;
  cleanup(): Promise<void>;
}

export const SCALE_SECRET = 'scale-test-secret-at-least-32-bytes-long';

const label = () => `${process.pid}_${randomBytes(4).toString('hex')}`;

function dataDir(): { dir: string; drop(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-scale-'));
  return { dir, drop: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A fresh PostgreSQL schema, selected through the URL (`options=-c search_path=…`), so the
 * app's tables (`users`, `tessera_sessions`, `tessera_migrations`) never meet another run's.
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
    env: { DATABASE_URL: url, SESSION_SECRET: SCALE_SECRET, DATA_DIR: data.dir },
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
    env: { DATABASE_URL: url.href, SESSION_SECRET: SCALE_SECRET, DATA_DIR: data.dir },
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
    env: { REDIS_URL: service.url, SESSION_STORE: store, REDIS_PREFIX: prefix, DATABASE_URL: join(data.dir, 'app.db'), SESSION_SECRET: SCALE_SECRET, DATA_DIR: data.dir },
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
    env: { SESSION_STORE: store, SESSION_SECRET: SCALE_SECRET, DATA_DIR: data.dir },
    async cleanup() {
      data.drop();
    },
  };
}
