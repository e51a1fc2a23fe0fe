import type { SessionManager, Sessions } from 'tessera';
import type { AppSession } from './app-session.js';
import type { UserDirectory } from './users.js';

/** The longest cart item, in characters (after trimming); both faces refuse longer ones. */
export const CART_ITEM_MAX = 100;

/** The cart with `item` added at the end: what `session.update('cart', …)` runs on the latest stored cart. */
export function withItem(cart: readonly string[] = [], item: string): string[] {
  return [...cart, item];
}

/**
 * The `authenticate` callback of both faces' session procedures: the user the credentials
 * belong to, with the credential fingerprint that `verifyUser` checks later, or `null`.
 */
export async function signIn(users: UserDirectory, credentials: { readonly username: string; readonly password: string }): Promise<{ id: string; fingerprint?: string } | null> {
  const user = await users.authenticate(credentials.username, credentials.password);
  if (!user) return null;
  const fingerprint = await users.fingerprint(user.id);
  return fingerprint === null ? { id: user.id } : { id: user.id, fingerprint };
}

/**
 * After a password change: sign in again on this session (new secret, fresh
 * `authenticatedAt`, new credential fingerprint) and end every other session of the user.
 * Sealed-cookie sessions (`cookieSessions()`) cannot be deleted: there the new fingerprint
 * is what ends the others, when `verifyUser` refuses their old one on their next request.
 *
 * @example
 * ```ts
 * if (await users.changePassword(userId, current, next)) await reauthenticate(sessions, ctx.session, userId, users);
 * ```
 */
export async function reauthenticate(
  sessions: SessionManager<AppSession>,
  session: { login(userId: string, options?: { fingerprint?: string }): void; readonly id: string | null },
  userId: string,
  users: UserDirectory,
): Promise<void> {
  const fingerprint = await users.fingerprint(userId);
  session.login(userId, fingerprint === null ? {} : { fingerprint });
  if (canRevoke(sessions)) await sessions.revokeUser(userId, { except: session.id });
}

function canRevoke(sessions: SessionManager<AppSession>): sessions is Sessions<AppSession> {
  return typeof (sessions as Partial<Sessions<AppSession>>).revokeUser === 'function';
}
