import type { TRPCRequestInfo } from '@trpc/server/http';
import type { SessionData, SessionManager, SessionRequest } from '../../index.js';
import { toTRPCError } from './errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a tRPC request can change state: any mutation (tRPC only accepts them over POST),
 * and any request over an unsafe method (queries POSTed with `methodOverride`, whose
 * session writes the core allows, are held to the same rule).
 *
 * @example
 * ```ts
 * isStateChanging('POST', info); // true: the context factory applies the CSRF rule
 * ```
 */
export function isStateChanging(method: string, info: TRPCRequestInfo): boolean {
  if (!SAFE_METHODS.has(method.toUpperCase())) return true;
  return info.type === 'mutation' || info.calls.some((call) => call.procedure?._def.type === 'mutation');
}

/**
 * Applies the core's CSRF rule (DESIGN.md §4, `sessions.assertSameOrigin`) to every
 * state-changing tRPC request, the app's own mutations included, from the context factory,
 * so it cannot be forgotten on a procedure. It throws `FORBIDDEN`; tRPC then fails every
 * call of the request with it, before any procedure runs.
 *
 * @example
 * ```ts
 * guardStateChanging(sessions, req, req.method, info); // throws TRPCError FORBIDDEN when cross-site
 * ```
 */
export function guardStateChanging<Data extends SessionData>(sessions: SessionManager<Data>, request: SessionRequest, method: string, info: TRPCRequestInfo): void {
  if (!isStateChanging(method, info)) return;
  try {
    sessions.assertSameOrigin(request);
  } catch (error) {
    throw toTRPCError(error);
  }
}
