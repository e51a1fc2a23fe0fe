import type { ScopeOf } from 'tessera';
import type { AppSessions } from './app-session.js';
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
 * if (await users.changePassword(userId, current, next)) await reauthenticate(ctx.sessionScope, userId, users);
 * ```
 */
export async function reauthenticate(scope: ScopeOf<AppSessions>, userId: string, users: UserDirectory): Promise<void> {
  const fingerprint = await users.fingerprint(userId);
  const user = fingerprint === null ? { id: userId } : { id: userId, fingerprint };
  if (scope.mode === 'server') await scope.reauthenticate(user);
  else await scope.signIn(user);
}
