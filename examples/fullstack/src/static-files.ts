import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

/** Headers for the page: it runs only our own script, cannot be framed, and leaks no referrer. */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;

/**
 * Serves the built web page from `root` (GET and HEAD only). Paths are normalised and must
 * stay inside `root`; anything else is 404.
 */
export function staticFiles(root: string): (request: IncomingMessage, response: ServerResponse) => Promise<boolean> {
  const base = normalize(root + sep);
  return async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(base, pathname === '/' ? 'index.html' : pathname));
    if (!file.startsWith(base) || !TYPES[extname(file)]) return false;
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return false;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] as string, 'content-length': body.length, 'cache-control': 'no-cache', ...PAGE_HEADERS });
    response.end(request.method === 'HEAD' ? undefined : body);
    return true;
  };
}
