import { parseArgs } from 'node:util';
import { kyselyStore, migrateSessions } from '../stores/kysely/index.js';
import type { Store } from '../index.js';
import { isUsageError, openDatabase, redactMessage, usageError, type OpenedDatabase } from './open-database.js';

export const USAGE = `Usage:
  tessera migrate <database> [--table <name>] [--migrations-table <name>]
  tessera purge-expired <database> [--batch-size <n>] [--table <name>]
  tessera revoke-user <database> <userId> [--table <name>]

<database> is a SQLite file path (or sqlite:./x.db, file:./x.db, sqlite:///abs/x.db),
postgres://user:password@host/db or mysql://user:password@host/db (also mariadb://);
percent-encode special characters in the password ("/" as %2F, "@" as %40).
Passwords are never printed.

  migrate        create or upgrade the session table (idempotent, safe to run concurrently)
  purge-expired  delete expired sessions in batches (default 1000 per batch)
  revoke-user    end every session of a user
  --table        the session table (default tessera_sessions)
  --migrations-table
                 tessera's bookkeeping table (default tessera_migrations)
  -h, --help     show this help

Exit codes: 0 done, 1 the database failed, 2 bad usage.`;

/** Where the CLI writes; a parameter so it can run in-process. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/** On a SQLite file, sqliteStore's purge (tessera/sqlite is loaded only for SQLite). */
async function purgeOf(deleteExpired: Store['deleteExpired'], sqlite: OpenedDatabase['sqlite']): Promise<Store['deleteExpired']> {
  if (sqlite === undefined) return deleteExpired;
  const { sqlitePurge } = await import('../stores/sqlite/chunked-purge.js');
  return sqlitePurge(deleteExpired, sqlite);
}

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1) throw usageError(`--${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return parsed;
}

/**
 * Runs one CLI command and resolves its exit code: 0 done, 1 the database failed,
 * 2 bad usage (with the usage text on stderr).
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(['purge-expired', '.data/sessions.db'], { out: console.log, err: console.error });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliOutput): Promise<number> {
  let command: string | undefined;
  let args: { positionals: string[]; table: string | undefined; migrationsTable: string | undefined; batchSize: number; help: boolean };
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { table: { type: 'string' }, 'migrations-table': { type: 'string' }, 'batch-size': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    command = positionals[0];
    args = {
      positionals: positionals.slice(1),
      table: values.table,
      migrationsTable: values['migrations-table'],
      batchSize: positiveInteger('batch-size', values['batch-size'], 1000),
      help: values.help === true,
    };
    if (args.help) {
      io.out(USAGE);
      return 0;
    }
    const expected = command === 'revoke-user' ? 2 : 1;
    if (command !== 'migrate' && command !== 'purge-expired' && command !== 'revoke-user') {
      throw usageError(command === undefined ? 'missing command' : `unknown command ${JSON.stringify(command)}`);
    }
    if (args.positionals.length !== expected) {
      throw usageError(`${command} takes ${expected === 2 ? '<database> <userId>' : '<database>'}, got ${args.positionals.length} argument(s)`);
    }
  } catch (error) {
    io.err(`tessera: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }

  const [target = '', userId = ''] = args.positionals;
  const table = args.table === undefined ? {} : { table: args.table };
  let opened;
  try {
    opened = await openDatabase(target, { create: command === 'migrate' });
  } catch (error) {
    io.err(`tessera: ${redactMessage(error instanceof Error ? error.message : String(error), target)}`);
    return isUsageError(error) ? 2 : 1;
  }
  const { db, label } = opened;
  try {
    if (command === 'migrate') {
      const { applied } = await migrateSessions(db, { ...table, ...(args.migrationsTable === undefined ? {} : { migrationsTable: args.migrationsTable }) });
      io.out(applied.length === 0 ? `${label}: sessions schema is up to date` : `${label}: applied ${applied.join(', ')}`);
    } else if (command === 'purge-expired') {
      const store = kyselyStore({ db, ...table });
      // On a SQLite file, as sqliteStore purges: short write transactions, so the app's own
      // writes to the file wait for one small chunk at most, never for a whole batch.
      const deleteExpired = await purgeOf(store.deleteExpired, opened.sqlite);
      let total = 0;
      for (;;) {
        const deleted = await deleteExpired(new Date(), args.batchSize);
        total += deleted;
        if (deleted < args.batchSize) break;
      }
      io.out(`${label}: deleted ${total} expired session(s)`);
    } else {
      const count = await kyselyStore({ db, ...table }).deleteByUser(userId);
      io.out(`${label}: revoked ${count} session(s) of user ${JSON.stringify(userId)}`);
    }
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.err(`tessera: ${command} failed on ${label}: ${redactMessage(message, target)}`);
    return isUsageError(error) ? 2 : 1;
  } finally {
    await db.destroy();
  }
}
