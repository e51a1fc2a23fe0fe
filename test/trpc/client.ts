import { createTRPCClient, httpBatchLink, httpBatchStreamLink, httpLink, isTRPCClientError } from '@trpc/client';
import type { AppRouter } from '../helpers/trpc-app.js';
import { browser, type BrowserOptions } from '../helpers/cookie-jar.js';

export type LinkKind = 'batch' | 'single' | 'stream';

/** A real @trpc/client over a cookie jar, as a browser page on `options.pageOrigin` would call. */
export function client(url: string, options: BrowserOptions & { link?: LinkKind; headers?: Record<string, string>; methodOverride?: 'POST' } = {}, existing = browser(options)) {
  // RequestInitEsque (tRPC's own init type) is RequestInit minus exact optional properties.
  const common = {
    url,
    fetch: (input: string | URL | Request, init?: object) => existing.fetch(input, init),
    headers: options.headers ?? {},
    ...(options.methodOverride ? { methodOverride: options.methodOverride } : {}),
  };
  const link = options.link === 'single' ? httpLink(common) : options.link === 'stream' ? httpBatchStreamLink(common) : httpBatchLink(common);
  return { trpc: createTRPCClient<AppRouter>({ links: [link] }), browser: existing };
}

/** The tRPC error code a call failed with (or 'OK'). */
export async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'OK';
  } catch (error) {
    if (isTRPCClientError(error)) return String((error.data as { code?: string } | undefined)?.code ?? error.message);
    throw error;
  }
}
