import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionRecord } from '../../src/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { postgresOrSkip, uniqueTableName } from '../helpers/services.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repo, 'dist/cli/main.js');
const root = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function newestMtime(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => statSync(join(dir, f)).mtimeMs),
  );
}

beforeAll(() => {
  const sources = Math.max(...['src/cli', 'src/stores/kysely', 'src/stores/sqlite'].map((dir) => newestMtime(join(repo, dir))));
  if (!existsSync(bin) || statSync(bin).mtimeMs < sources - 1000) throw new Error('dist/cli/main.js is missing or older than src/: run `npm run build` first');
});

function tesseraIn(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 20_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
const tessera = (...args: string[]) => tesseraIn(repo, ...args);

let counter = 0;
// An existing directory: sqliteStore(path), which seeds these files, refuses a missing one.
const freshPath = () => {
  const dir = join(root, `db-${++counter}`);
  mkdirSync(dir);
  return join(dir, 'sessions.db');
};

function record(id: string, userId: string | null, expiresAt: Date): SessionRecord {
  const now = new Date();
  return {
    id,
    secretHash: 'h',
    previousSecretHash: null,
    previousSecretExpiresAt: null,
    userId,
    authenticatedAt: null,
    data: 'd',
    version: 1,
    createdAt: now,
    lastSeenAt: now,
    expiresAt,
    absoluteExpiresAt: expiresAt,
    userAgent: null,
    ipAddress: null,
  };
}

async function seed(path: string, records: SessionRecord[]): Promise<void> {
  const store = await sqliteStore(path);
  for (const each of records) await store.create(each);
  await store.close();
}

async function remainingIds(path: string, ids: string[]): Promise<string[]> {
  const store = await sqliteStore(path);
  const found = (await Promise.all(ids.map(async (id) => store.get(id)))).flatMap((r) => (r ? [r.id] : []));
  await store.close();
  return found;
}

describe('tessera migrate', () => {
  it('creates the SQLite file and table, then reports up to date on a second run (exit 0)', () => {
    const path = freshPath();
    const first = tessera('migrate', path);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('applied 0001_create_sessions');
    const second = tessera('migrate', path);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('up to date');
    const database = new Database(path, { readonly: true });
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    database.close();
  });
});

describe('database arguments (test/cli/database-target.test.ts has the parser cases)', () => {
  it.each([
    ['sqlite:./x.db', 'x.db'],
    ['file:./y.db', 'y.db'],
    ['./z.db', 'z.db'],
  ])('migrate %s opens the file %s in the working directory', (argument, file) => {
    const cwd = mkdtempSync(join(root, 'cwd-'));
    const result = tesseraIn(cwd, 'migrate', argument);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`${argument}: applied 0001_create_sessions`);
    expect(readdirSync(cwd).filter((name) => !name.endsWith('-wal') && !name.endsWith('-shm'))).toEqual([file]);
  });

  it('migrate creates the directory of a plain path (an explicit admin command; sqliteStore does not)', () => {
    const cwd = mkdtempSync(join(root, 'cwd-'));
    expect(tesseraIn(cwd, 'migrate', 'data/sessions.db').code).toBe(0);
    expect(existsSync(join(cwd, 'data', 'sessions.db'))).toBe(true);
  });

  it('a URL with a raw "/" in its password is a usage error that prints only the scheme', () => {
    const result = tessera('migrate', 'postgres://app:pa/ss-word@127.0.0.1:1/db');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('postgres://***');
    expect(result.stderr).not.toMatch(/pa\/ss|ss-word/);
  });

  it('a connection failure with a raw "@" in the password never prints any part of it', () => {
    const result = tessera('purge-expired', 'mysql://app:p@ss-word@127.0.0.1:1/db');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('mysql://app:***@127.0.0.1:1/db');
    expect(result.stderr).not.toMatch(/p@ss|ss-word/);
  });

  it('an unknown scheme is a usage error naming the supported ones', () => {
    const result = tessera('migrate', 'sqlserver://app@db/x');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unsupported database URL scheme "sqlserver:"');
  });
});

describe('tessera purge-expired', () => {
  it('deletes every expired session in batches and keeps live ones', async () => {
    const path = freshPath();
    const past = new Date(Date.now() - 60_000);
    const future = new Date(Date.now() + 3_600_000);
    const dead = Array.from({ length: 5 }, (_, i) => record(`dead-${i}`, null, past));
    const alive = [record('alive-0', null, future), record('alive-1', 'u', future)];
    await seed(path, [...dead, ...alive]);
    const result = tessera('purge-expired', path, '--batch-size', '2');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('deleted 5 expired session(s)');
    expect(
      await remainingIds(
        path,
        [...dead, ...alive].map((r) => r.id),
      ),
    ).toEqual(['alive-0', 'alive-1']);
  });

  it('purges a SQLite batch larger than one chunk completely', async () => {
    const path = freshPath();
    const past = new Date(Date.now() - 60_000);
    const dead = Array.from({ length: 130 }, (_, i) => record(`dead-${i}`, null, past));
    const alive = record('alive-0', 'u', new Date(Date.now() + 3_600_000));
    await seed(path, [...dead, alive]);
    const result = tessera('purge-expired', path);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('deleted 130 expired session(s)');
    expect(
      await remainingIds(
        path,
        [...dead, alive].map((r) => r.id),
      ),
    ).toEqual(['alive-0']);
  });

  it('purges a SQLite file whose batches end inside a chunk, exactly (batch size 60 over chunks of 50)', async () => {
    const path = freshPath();
    const past = new Date(Date.now() - 60_000);
    const dead = Array.from({ length: 130 }, (_, i) => record(`dead-${i}`, null, past));
    const alive = record('alive-0', 'u', new Date(Date.now() + 3_600_000));
    await seed(path, [...dead, alive]);
    const result = tessera('purge-expired', path, '--batch-size', '60');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('deleted 130 expired session(s)');
    expect(
      await remainingIds(
        path,
        [...dead, alive].map((r) => r.id),
      ),
    ).toEqual(['alive-0']);
  });

  it('refuses a missing SQLite file without creating it (exit 2)', () => {
    const path = join(root, 'nowhere', 'sessions.db');
    const result = tessera('purge-expired', path);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('tessera migrate');
    expect(existsSync(path)).toBe(false);
  });

  it('exits 1 with the driver error when the table does not exist', () => {
    const path = join(root, 'empty.db');
    new Database(path).close();
    const result = tessera('purge-expired', path);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/purge-expired failed.*no such table/);
  });
});

describe('tessera revoke-user', () => {
  it("deletes the user's sessions and nobody else's", async () => {
    const path = freshPath();
    const future = new Date(Date.now() + 3_600_000);
    await seed(path, [record('a1', 'alice', future), record('a2', 'alice', future), record('b1', 'bob', future)]);
    const result = tessera('revoke-user', path, 'alice');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('revoked 2 session(s) of user "alice"');
    expect(await remainingIds(path, ['a1', 'a2', 'b1'])).toEqual(['b1']);
  });
});

describe('usage errors (exit 2, usage on stderr)', () => {
  it.each([
    ['no arguments', []],
    ['an unknown command', ['frobnicate', 'x.db']],
    ['a missing database', ['migrate']],
    ['a missing user id', ['revoke-user', 'x.db']],
    ['an unknown option', ['migrate', 'x.db', '--force']],
    ['a non-numeric batch size', ['purge-expired', 'x.db', '--batch-size', 'ten']],
    ['a zero batch size', ['purge-expired', 'x.db', '--batch-size', '0']],
    ['an unsupported URL scheme', ['migrate', 'mongodb://localhost/x']],
  ])('%s', (_name, args) => {
    const result = tessera(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^tessera: /);
  });

  it('--help prints usage and exits 0', () => {
    const result = tessera('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('tessera purge-expired <database>');
  });

  it('an invalid --table is a usage error', () => {
    const result = tessera('migrate', freshPath(), '--table', 'x;drop');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not a valid table name');
  });
});

const service = await postgresOrSkip();

describe.skipIf(service === null)('on PostgreSQL by URL', () => {
  const table = uniqueTableName('cli_s');
  const migrationsTable = uniqueTableName('cli_m');
  afterAll(async () => {
    const client = new pg.Client({ connectionString: service?.url });
    await client.connect();
    await client.query(`drop table if exists ${table}; drop table if exists ${migrationsTable}`);
    await client.end();
  });

  it('migrates, purges and revokes, never printing the password', () => {
    const url = service?.url ?? '';
    const options = ['--table', table];
    expect(tessera('migrate', url, ...options, '--migrations-table', migrationsTable)).toMatchObject({ code: 0 });
    expect(tessera('migrate', url, ...options, '--migrations-table', migrationsTable).stdout).toContain('up to date');
    expect(tessera('purge-expired', url, ...options).stdout).toContain('deleted 0 expired');
    expect(tessera('revoke-user', url, 'nobody', ...options).stdout).toContain('revoked 0');
    const withPassword = new URL(url);
    withPassword.password = 'hunter2';
    withPassword.pathname = '/no_such_database_tessera';
    const failed = tessera('purge-expired', withPassword.href, ...options);
    expect(failed.code).toBe(1);
    expect(failed.stderr + failed.stdout).not.toContain('hunter2');
  });
});
