import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Store } from 'tessera';
import { kyselyStore, migrateSessions } from 'tessera/kysely';
import { sqliteStore } from 'tessera/sqlite';
import type { AppOptions } from '../../examples/fullstack/src/app.js';
import { postgresOrSkip } from '../helpers/services.js';

/** Where one run of the attack suite keeps its data, and the session store on it. */
export interface BackendRun {
  /** Options for `createApp`: the same database the store below uses. */
  readonly appOptions: Pick<AppOptions, 'dataDir' | 'databaseUrl'>;
  /** A second handle on the app's session table, for probes and controls. */
  readonly store: Store;
  cleanup(): Promise<void>;
}

export interface Backend {
  readonly name: string;
  open(): Promise<BackendRun>;
}

const sqlite: Backend = {
  name: 'SQLite',
  async open() {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-attack-'));
    const store = await sqliteStore(join(dataDir, 'tessera.db'));
    return {
      appOptions: { dataDir },
      store,
      async cleanup() {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

function postgres(url: string): Backend {
  return {
    name: 'PostgreSQL',
    async open() {
      // A schema of its own, so runs in parallel test files never meet.
      const schema = `tessera_attack_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      await admin.end();
      const scoped = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
      const db = new Kysely<never>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: scoped, max: 4 }) }) });
      await migrateSessions(db);
      const dataDir = mkdtempSync(join(tmpdir(), 'tessera-attack-pg-'));
      return {
        appOptions: { dataDir, databaseUrl: scoped },
        store: kyselyStore({ db }),
        async cleanup() {
          await db.destroy();
          const drop = new pg.Client({ connectionString: url });
          await drop.connect();
          await drop.query(`drop schema ${schema} cascade`);
          await drop.end();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  };
}

/** SQLite always; PostgreSQL when it runs here (mandatory under TESSERA_REQUIRE_SERVICES=1). */
export async function attackBackends(): Promise<Backend[]> {
  const service = await postgresOrSkip();
  return service ? [sqlite, postgres(service.url)] : [sqlite];
}
