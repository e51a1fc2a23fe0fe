import type { CookieSessions, Sessions } from 'tessera';

/**
 * The example app's session data: a cart that anonymous visitors keep through sign-in, and
 * a few display preferences (separate keys, so concurrent changes to different ones all persist).
 */
export type AppSession = { cart: string[]; theme?: string; language?: string; currency?: string };

/** The preference keys of {@link AppSession}. */
export const PREFERENCE_KEYS = ['theme', 'language', 'currency'] as const;

/** The app's session manager: server-side (`createSessions()`) or sealed cookies (`cookieSessions()`). */
export type AppSessions = Sessions<AppSession> | CookieSessions<AppSession>;
