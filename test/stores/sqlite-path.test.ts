import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SessionError } from '../../src/index.js';
import { DEFAULT_SQLITE_PATH, sqliteStore } from '../../src/stores/sqlite/index.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-sqlite-path-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshDir = () => mkdtempSync(join(root, `case-${++counter}-`));

async function rejection(promise: Promise<unknown>): Promise<SessionError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SessionError);
  return error as SessionError;
}

describe('sqliteStore() paths', () => {
  it('with no path, creates the directory of the default path (and nothing else) in the working directory', async () => {
    const dir = freshDir();
    const previous = process.cwd();
    process.chdir(dir);
    try {
      const store = await sqliteStore();
      await store.close();
      expect(DEFAULT_SQLITE_PATH).toBe('.data/sessions.db');
      expect(readdirSync(dir)).toEqual(['.data']);
      expect(existsSync(join(dir, '.data', 'sessions.db'))).toBe(true);
    } finally {
      process.chdir(previous);
    }
  });

  it('opens an explicit path whose directory exists', async () => {
    const path = join(freshDir(), 'sessions.db');
    const store = await sqliteStore(path);
    await store.close();
    expect(existsSync(path)).toBe(true);
  });

  it('refuses an explicit path whose directory is missing with INVALID_CONFIG naming the path, and creates nothing', async () => {
    const dir = freshDir();
    const path = join(dir, 'typo', 'nested', 'sessions.db');
    const error = await rejection(sqliteStore(path));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain(JSON.stringify(path));
    expect(error.message).toContain('does not exist; create it first');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses an explicit relative path in a missing directory, even one under the default directory name', async () => {
    const dir = freshDir();
    const previous = process.cwd();
    process.chdir(dir);
    try {
      const error = await rejection(sqliteStore('.data/other.db'));
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toContain('".data/other.db"');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      process.chdir(previous);
    }
  });

  it('refuses a path whose "directory" is a file', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'not-a-dir'), '');
    const error = await rejection(sqliteStore(join(dir, 'not-a-dir', 'sessions.db')));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain('is not a directory');
  });

  it("leaves ':memory:' alone", async () => {
    const store = await sqliteStore(':memory:');
    await store.close();
  });
});
