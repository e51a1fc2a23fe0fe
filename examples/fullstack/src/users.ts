import { randomBytes, scrypt as scryptCallback, timingSafeEqual, createHmac } from 'node:crypto';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import type { AppTables } from './database.js';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;
const KEY_LENGTH = 32;

/** The `users` table, in the app's own database. */
export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
}

/** A signed-in person as the app sees them. */
export interface User {
  readonly id: string;
  readonly username: string;
}

/** The demo accounts created on first start. Demo only: never ship fixed passwords. */
export const DEMO_USERS = [
  { id: 'user-alice', username: 'alice', password: 'alice-password' },
  { id: 'user-bob', username: 'bob', password: 'bob-password' },
] as const;

async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH);
  return `scrypt$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, expected] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !expected) return false;
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), KEY_LENGTH);
  return timingSafeEqual(key, Buffer.from(expected, 'base64url'));
}

/**
 * The example app's users, in a `users` table of the app's own database (see
 * `database.ts`), with scrypt password hashes from `node:crypto`.
 */
export class UserDirectory {
  readonly #db: Kysely<AppTables>;
  readonly #fingerprintKey: Buffer;

  constructor(db: Kysely<AppTables>, fingerprintKey: string) {
    this.#db = db;
    this.#fingerprintKey = Buffer.from(fingerprintKey);
  }

  /** The app's migration: creates the `users` table and the demo users if they are missing. */
  async setUp(): Promise<void> {
    try {
      await this.#db.schema
        .createTable('users')
        .ifNotExists()
        .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
        .addColumn('username', 'varchar(64)', (column) => column.notNull().unique())
        .addColumn('password_hash', 'varchar(255)', (column) => column.notNull())
        .execute();
    } catch (error) {
      // Two processes starting at once: PostgreSQL's IF NOT EXISTS is not atomic, and the
      // loser fails on the catalog's unique index. The table is there: the other one made it.
      const made = await this.#db
        .selectFrom('users')
        .select('id')
        .limit(1)
        .execute()
        .then(
          () => true,
          () => false,
        );
      if (!made) throw error;
    }
    for (const demo of DEMO_USERS) {
      const existing = await this.#db.selectFrom('users').select('id').where('id', '=', demo.id).executeTakeFirst();
      if (!existing) {
        try {
          await this.#db
            .insertInto('users')
            .values({ id: demo.id, username: demo.username, password_hash: await hashPassword(demo.password) })
            .execute();
        } catch (error) {
          // Another process seeded it first.
          const again = await this.#db.selectFrom('users').select('id').where('id', '=', demo.id).executeTakeFirst();
          if (!again) throw error;
        }
      }
    }
  }

  /** The user whose credentials these are, or `null`. */
  async authenticate(username: string, password: string): Promise<User | null> {
    const row = await this.#db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    if (!row) {
      // Spend the same time as a real check so usernames cannot be probed by timing.
      await hashPassword(password);
      return null;
    }
    return (await verifyPassword(password, row.password_hash)) ? { id: row.id, username: row.username } : null;
  }

  async byId(id: string): Promise<User | null> {
    const row = await this.#db.selectFrom('users').select(['id', 'username']).where('id', '=', id).executeTakeFirst();
    return row ?? null;
  }

  /** Changes a password after checking the current one; `false` when the current one is wrong. */
  async changePassword(id: string, currentPassword: string, newPassword: string): Promise<boolean> {
    const row = await this.#db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || !(await verifyPassword(currentPassword, row.password_hash))) return false;
    await this.#db
      .updateTable('users')
      .set({ password_hash: await hashPassword(newPassword) })
      .where('id', '=', id)
      .execute();
    return true;
  }

  /** A credential fingerprint for `verifyUser` (Django's session auth hash): changes when the password does. */
  async fingerprint(id: string): Promise<string | null> {
    const row = await this.#db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirst();
    return row ? createHmac('sha256', this.#fingerprintKey).update(row.password_hash).digest('base64url') : null;
  }
}
