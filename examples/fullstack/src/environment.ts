import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SESSION_STORE_KINDS, type SessionStoreKind } from './session-backend.js';

/** The example app's settings, read from the environment once at start. */
export interface AppEnvironment {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly secrets: string[];
  readonly trustProxy: number;
  /** `DATABASE_URL`: `postgres://…`, `mysql://…` or a SQLite path; unset, the SQLite file in `dataDir`. */
  readonly databaseUrl?: string;
  /** `REDIS_URL`: the Redis of the `redis` and `cached` session stores. */
  readonly redisUrl?: string;
  /** `REDIS_PREFIX`: the namespace of the app's Redis keys; unset, the store's default. */
  readonly redisPrefix?: string;
  /** `SESSION_STORE`: where sessions live (see {@link SessionStoreKind}). */
  readonly sessionStore: SessionStoreKind;
  /** `PGAPPNAME`: the `application_name` of the PostgreSQL connections. Default `tessera-example`. */
  readonly databaseApplicationName: string;
  /**
   * The database pools' `error` listeners: always on. `TESSERA_EXAMPLE_NO_POOL_ERROR_HANDLER=1`
   * turns them off; it is not a setting but the control switch of `test/app/connection-loss.test.ts`.
   */
  readonly poolErrorHandlers: boolean;
}

/**
 * Reads `PORT`, `HOST`, `DATA_DIR`, `SESSION_SECRET`, `TRUST_PROXY`, `DATABASE_URL`,
 * `REDIS_URL`, `REDIS_PREFIX`, `SESSION_STORE` and `PGAPPNAME`. Without `SESSION_SECRET` a secret is
 * generated once into `DATA_DIR` (with a warning), so a restart keeps everyone signed in;
 * `SESSION_SECRET` may list older secrets after a comma. With `DATABASE_URL` or `REDIS_URL`
 * set, `SESSION_SECRET` is required: every process sharing that database must seal and open
 * with the same secrets, and a secret generated into one machine's `DATA_DIR` is not shared.
 *
 * `SESSION_STORE` defaults to `cached` when `REDIS_URL` is set and to `kysely` otherwise.
 * Settings that cannot work together throw one line naming the setting.
 *
 * @example
 * ```ts
 * const environment = readEnvironment({ DATABASE_URL: 'postgres://postgres@127.0.0.1/test', SESSION_SECRET: secret });
 * environment.sessionStore; // 'kysely'
 * ```
 */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env, warn: (line: string) => void = console.warn): AppEnvironment {
  const port = Number(env['PORT'] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be a port number, got "${env['PORT']}"`);
  const trustProxy = Number(env['TRUST_PROXY'] ?? 0);
  if (!Number.isInteger(trustProxy) || trustProxy < 0) throw new Error(`TRUST_PROXY must be a hop count (0, 1, 2…), got "${env['TRUST_PROXY']}"`);
  const databaseUrl = env['DATABASE_URL'] || undefined;
  const redisUrl = env['REDIS_URL'] || undefined;
  const sessionStore = readSessionStore(env['SESSION_STORE'] || undefined, redisUrl);
  const dataDir = resolve(env['DATA_DIR'] ?? '.data');
  mkdirSync(dataDir, { recursive: true });
  let secrets: string[];
  if (env['SESSION_SECRET']) {
    secrets = env['SESSION_SECRET']
      .split(',')
      .map((secret) => secret.trim())
      .filter(Boolean);
  } else if (databaseUrl !== undefined || redisUrl !== undefined) {
    const shared = databaseUrl !== undefined ? 'DATABASE_URL' : 'REDIS_URL';
    throw new Error(`SESSION_SECRET is required when ${shared} is set: every process sharing that store must use the same secrets`);
  } else {
    const file = join(dataDir, 'session-secret');
    let secret: string;
    try {
      secret = readFileSync(file, 'utf8').trim();
    } catch {
      secret = randomBytes(32).toString('base64url');
      writeFileSync(file, `${secret}\n`, { mode: 0o600 });
      warn(`tessera example: SESSION_SECRET is not set; generated one into ${file} (set SESSION_SECRET in production)`);
    }
    secrets = [secret];
  }
  return {
    port,
    host: env['HOST'] ?? '127.0.0.1',
    dataDir,
    secrets,
    trustProxy,
    sessionStore,
    databaseApplicationName: env['PGAPPNAME'] || 'tessera-example',
    poolErrorHandlers: env['TESSERA_EXAMPLE_NO_POOL_ERROR_HANDLER'] !== '1',
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    ...(redisUrl === undefined ? {} : { redisUrl }),
    ...(env['REDIS_PREFIX'] ? { redisPrefix: env['REDIS_PREFIX'] } : {}),
  };
}

function readSessionStore(value: string | undefined, redisUrl: string | undefined): SessionStoreKind {
  if (value === undefined) return redisUrl === undefined ? 'kysely' : 'cached';
  const kind = SESSION_STORE_KINDS.find((known) => known === value);
  if (kind === undefined) throw new Error(`SESSION_STORE must be one of ${SESSION_STORE_KINDS.join(', ')}, got "${value}"`);
  if ((kind === 'redis' || kind === 'cached') && redisUrl === undefined) throw new Error(`SESSION_STORE=${kind} needs REDIS_URL (e.g. redis://127.0.0.1:6379)`);
  return kind;
}
