/** The example app's session data: a cart that anonymous visitors keep through sign-in. */
export type AppSession = { cart: string[] };
