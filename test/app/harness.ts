import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createApp, type App, type AppOptions } from '../../examples/fullstack/src/app.js';
import type { AppRouter } from '../../examples/fullstack/src/trpc-router.js';
import { browser, type BrowserOptions } from '../trpc/jar.js';

export const APP_SECRET = 'example-app-test-secret-at-least-32-bytes';

/** The example app on a free port with its own temporary data directory. */
export async function startApp(options: Partial<AppOptions> = {}): Promise<App & { dataDir: string }> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tessera-app-'));
  const app = await createApp({ secrets: [APP_SECRET], port: 0, graphiql: false, ...options, dataDir });
  return {
    ...app,
    dataDir,
    async close() {
      await app.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type Visitor = ReturnType<typeof visitor>;

/**
 * One browser (one cookie jar) talking to the app through both faces: the real
 * `@trpc/client` and GraphQL over `fetch`. By default it behaves as the app's own page
 * (same-origin `Origin` and `Sec-Fetch-Site`).
 */
export function visitor(app: { url: string }, options: BrowserOptions = {}) {
  const client = browser({ pageOrigin: app.url, ...options });
  const trpc = createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${app.url}/trpc`, fetch: (input, init) => client.fetch(input as string, init as RequestInit) })],
  });
  async function graphql<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }> {
    const response = await client.fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  }
  return { trpc, graphql, browser: client, sid: () => client.sid(app.url) };
}
