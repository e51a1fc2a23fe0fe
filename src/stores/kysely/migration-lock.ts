import type { Kysely } from 'kysely';

/** One row of the bookkeeping table: an applied migration, or the lock. */
export interface MigrationRow {
  name: string;
  applied_at: number;
}

export type MigrationTables = Record<string, MigrationRow>;

/** The bookkeeping row that, while it exists, says a migrator is running. */
export const LOCK_NAME = '~lock';

/** A lock older than this was left by a migrator that died; migrations take well under a second. */
const STALE_LOCK_MS = 60_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Takes the migration lock by inserting the lock row: the primary key lets exactly one
 * of several concurrent migrators (processes, or pools in one process) in, on every
 * dialect and without dialect-specific advisory locks. The others wait for the row to go.
 * Resolves a release function.
 */
export async function acquireMigrationLock(db: Kysely<MigrationTables>, bookkeeping: string, timeoutMs: number): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  let vanished = 0;
  for (;;) {
    const takenAt = Date.now();
    try {
      await db.insertInto(bookkeeping).values({ name: LOCK_NAME, applied_at: takenAt }).execute();
      return async () => {
        await db.deleteFrom(bookkeeping).where('name', '=', LOCK_NAME).where('applied_at', '=', takenAt).execute();
      };
    } catch (error) {
      const holder = await db.selectFrom(bookkeeping).select('applied_at').where('name', '=', LOCK_NAME).executeTakeFirst();
      if (holder === undefined) {
        // The insert failed but nobody holds the lock: released meanwhile, or a real error.
        if (++vanished > 5) throw error;
      } else if (Date.now() - Number(holder.applied_at) > STALE_LOCK_MS) {
        await db.deleteFrom(bookkeeping).where('name', '=', LOCK_NAME).where('applied_at', '=', holder.applied_at).execute();
        continue;
      } else if (Date.now() > deadline) {
        throw new Error(
          `migrateSessions: another migrator has held the lock in "${bookkeeping}" since ${new Date(Number(holder.applied_at)).toISOString()}; ` +
            `if none is running, delete the row named "${LOCK_NAME}"`,
          { cause: error },
        );
      }
      await sleep(20 + Math.floor(Math.random() * 40));
    }
  }
}
