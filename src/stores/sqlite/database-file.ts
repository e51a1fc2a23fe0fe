import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SessionError } from '../../index.js';

/** A path better-sqlite3 opens as a file on disk (not `':memory:'`, `''` or a `file:` URI). */
function isFile(path: string): boolean {
  return path !== '' && path !== ':memory:' && !path.startsWith('file:');
}

/**
 * Makes sure `path` can be created: the directory of the default path is created
 * (zero set-up), any other directory must already exist. An explicit path in a missing
 * directory is almost always a typo or a wrong working directory; creating the tree
 * silently would put the sessions somewhere nobody looks (test/stores/sqlite-path.test.ts).
 *
 * So the default `.data/sessions.db` creates `.data/`, while `/srv/typo/sessions.db` throws
 * `INVALID_CONFIG` when `/srv/typo` is missing.
 */
export function prepareDatabaseDirectory(path: string, defaultPath: string): void {
  if (!isFile(path)) return;
  const directory = dirname(path);
  if (path === defaultPath) {
    mkdirSync(directory, { recursive: true });
    return;
  }
  const stat = statSync(directory, { throwIfNoEntry: false });
  if (stat === undefined) {
    throw new SessionError(
      'INVALID_CONFIG',
      `sqliteStore: the directory of ${JSON.stringify(path)} (${resolve(directory)}) does not exist; create it first (only the default path's directory, ${dirname(defaultPath)}, is created automatically)`,
    );
  }
  if (!stat.isDirectory()) throw new SessionError('INVALID_CONFIG', `sqliteStore: the directory of ${JSON.stringify(path)} (${resolve(directory)}) is not a directory`);
}
