import type { AuthenticatedUser, CookieSessions, ScopeOf, Sessions } from 'tessera';

/**
 * The example app's session data: a cart that anonymous visitors keep through sign-in, and
 * a few display preferences (separate keys, so concurrent changes to different ones all persist).
 */
export type AppSession = { cart: string[]; theme?: string; language?: string; currency?: string };

/** The preference keys of {@link AppSession}. */
export const PREFERENCE_KEYS = ['theme', 'language', 'currency'] as const;

/** The app's session manager: server-side (`createSessions()`) or sealed cookies (`cookieSessions()`). */
export type AppSessions = Sessions<AppSession> | CookieSessions<AppSession>;

/**
 * After a password change: sign in again on this session (new secret, fresh
 * `authenticatedAt`, new credential fingerprint) and end every other session of the user.
 * Sealed-cookie sessions cannot be deleted: there the new fingerprint is what ends the
 * others, when `verifyUser` refuses their old one on their next request.
 *
 * @example
 * ```ts
 * if (await users.changePassword(userId, current, next)) await reauthenticate(ctx.sessionScope, { id: userId });
 * ```
 */
export async function reauthenticate(scope: ScopeOf<AppSessions>, user: AuthenticatedUser): Promise<void> {
  if (scope.mode === 'server') await scope.reauthenticate(user);
  else await scope.signIn(user);
}
