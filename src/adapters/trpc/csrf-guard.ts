import type { TRPCRequestInfo } from '@trpc/server/http';
import type { SessionData, SessionManager, SessionRequest } from '../../index.js';
import { toTRPCError } from './errors.js';

/**
 * Whether `method` is safe (GET, HEAD, OPTIONS). The exact upper-case spelling every HTTP
 * stack passes is checked first, so the common request does not allocate an upper-cased copy.
 */
export function isSafeMethod(method: string): boolean {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return true;
  const upper = method.toUpperCase();
  return upper === 'GET' || upper === 'HEAD' || upper === 'OPTIONS';
}

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
  return !isSafeMethod(method) || runsMutation(info);
}

/** Whether the request calls a mutation (a loop, not `some()`: no closure per request). */
function runsMutation(info: TRPCRequestInfo): boolean {
  if (info.type === 'mutation') return true;
  for (const call of info.calls) if (call.procedure?._def.type === 'mutation') return true;
  return false;
}

/**
 * Applies the core's CSRF rule (DESIGN.md §4, `sessions.assertSameOrigin`) to every
 * state-changing tRPC request (see {@link isStateChanging}; `unsafeMethod` is the request's
 * method as classified by {@link isSafeMethod}), the app's own mutations included, from the
 * context factory, so it cannot be forgotten on a procedure. It throws `FORBIDDEN`; tRPC then
 * fails every call of the request with it, before any procedure runs.
 *
 * @example
 * ```ts
 * guardStateChanging(sessions, req, !isSafeMethod(req.method), info); // throws TRPCError FORBIDDEN when cross-site
 * ```
 */
export function guardStateChanging<Data extends SessionData>(sessions: SessionManager<Data>, request: SessionRequest, unsafeMethod: boolean, info: TRPCRequestInfo): void {
  if (!unsafeMethod && !runsMutation(info)) return;
  try {
    sessions.assertSameOrigin(request);
  } catch (error) {
    throw toTRPCError(error);
  }
}
