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
