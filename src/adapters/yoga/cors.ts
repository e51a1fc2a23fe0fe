import type { CORSOptions } from 'graphql-yoga';
import type { SessionManager } from '../../index.js';

/** Options of {@link sessionCors}. */
export interface SessionCorsOptions {
  /** `Access-Control-Max-Age` of preflight answers, in seconds. Default: not sent. */
  readonly maxAgeSeconds?: number;
  /** Response headers a listed origin's scripts may read. Default: none beyond the CORS-safelisted ones. */
  readonly exposedHeaders?: readonly string[];
}

/**
 * A CORS policy for Yoga's `cors` option that grants credentialed access only to the
 * origins the session manager allows (`allowedOrigins`, and the request's own), and
 * sends no CORS headers at all to any other origin. Yoga's default reflects every
 * origin with `Access-Control-Allow-Credentials: true`, which would let any site read
 * its visitors' sessions; `useSessions` withholds that grant anyway, this makes the
 * intended grant explicit.
 *
 * @example
 * ```ts
 * const sessions = createSessions({ store, secrets, allowedOrigins: ['https://app.example.com'] });
 * const yoga = createYoga({ schema, cors: sessionCors(sessions), plugins: [useSessions(sessions)] });
 * ```
 */
export function sessionCors(sessions: Pick<SessionManager, 'isAllowedOrigin'>, options: SessionCorsOptions = {}): (request: Request) => CORSOptions {
  const maxAge = options.maxAgeSeconds;
  const exposedHeaders = options.exposedHeaders ? [...options.exposedHeaders] : undefined;
  return (request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !sessions.isAllowedOrigin(request)) return false;
    return {
      origin: [origin],
      credentials: true,
      methods: ['GET', 'POST'],
      ...(maxAge === undefined ? {} : { maxAge }),
      ...(exposedHeaders === undefined ? {} : { exposedHeaders }),
    };
  };
}

/**
 * Removes a credentialed CORS grant (from Yoga's default policy or the app's own) that
 * names an origin the session manager does not allow. A wildcard grant stays, without
 * credentials: browsers never send cookies on it (Fetch standard, CORS check).
 */
export function withholdCredentialedCors(sessions: Pick<SessionManager, 'isAllowedOrigin'>, request: Request, headers: Headers): void {
  // Origin first: most requests (same-origin GETs, servers) send none, and then the response needs no look.
  const origin = request.headers.get('origin');
  if (origin === null) return;
  const granted = headers.get('access-control-allow-origin');
  if (granted === null) return;
  // The answer depends on Origin: caches must key on it (Fetch standard, "CORS protocol and HTTP caches").
  appendVary(headers, 'Origin');
  if (granted.trim() === '*') {
    headers.delete('access-control-allow-credentials');
    return;
  }
  if (sessions.isAllowedOrigin(request)) return;
  headers.delete('access-control-allow-origin');
  headers.delete('access-control-allow-credentials');
}

function appendVary(headers: Headers, value: string): void {
  const current = headers.get('vary');
  if (current === null || current.trim() === '') {
    headers.set('vary', value);
    return;
  }
  const parts = current.split(',').map((part) => part.trim().toLowerCase());
  if (parts.includes(value.toLowerCase()) || parts.includes('*')) return;
  headers.set('vary', `${current}, ${value}`);
}
