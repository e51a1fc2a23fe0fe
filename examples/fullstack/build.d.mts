/** Builds the example server into examples/fullstack/.build/ and the page into public/build/; resolves the server bundle's path. */
export function buildExample(): Promise<string>;
