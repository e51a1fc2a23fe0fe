import { TRPCError, type TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { SessionError, type SessionErrorCode } from '../../index.js';

/**
 * docs/architecture.md, "Errors": the tRPC column of the one table. Codes that are the server's own fault
 * (a store failure, a change made where it cannot be saved, config) all become
 * `INTERNAL_SERVER_ERROR` with a generic message: the client learns nothing about the backend.
 */
const TRPC_CODES: Readonly<Record<SessionErrorCode, TRPC_ERROR_CODE_KEY>> = {
  UNAUTHENTICATED: 'UNAUTHORIZED',
  CSRF_REJECTED: 'FORBIDDEN',
  REAUTH_REQUIRED: 'FORBIDDEN',
  DATA_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  SESSION_INTERRUPTED: 'CONFLICT',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  STORE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  STORE_FAILURE: 'INTERNAL_SERVER_ERROR',
  SESSION_CLOSED: 'INTERNAL_SERVER_ERROR',
  INSECURE_TRANSPORT: 'INTERNAL_SERVER_ERROR',
  INVALID_CONFIG: 'INTERNAL_SERVER_ERROR',
};

const INTERNAL_MESSAGE = 'Internal session error';

/**
 * The tRPC code a session error code maps to.
 *
 * @example
 * ```ts
 * trpcCodeOf('SESSION_INTERRUPTED'); // 'CONFLICT'
 * ```
 */
export function trpcCodeOf(code: SessionErrorCode): TRPC_ERROR_CODE_KEY {
  return TRPC_CODES[code];
}

/**
 * Translates a {@link SessionError} (thrown directly, or wrapped by tRPC as a `TRPCError`'s
 * `cause`) into the `TRPCError` of the error table; anything else is returned as tRPC would
 * see it. The `SessionError` stays the `cause`, for `onError` logging on the server; it is
 * never serialised to the client. Core messages carry no token material (docs/architecture.md, "Security model"), and
 * server-side failures get a generic message.
 *
 * @example
 * ```ts
 * try {
 *   await sessions.open(request).run('write', (session) => session.set('cart', ['apple']));
 * } catch (error) {
 *   throw toTRPCError(error); // e.g. TRPCError { code: 'PAYLOAD_TOO_LARGE' }
 * }
 * ```
 */
export function toTRPCError(error: unknown): TRPCError {
  const sessionError = error instanceof SessionError ? error : error instanceof TRPCError && error.cause instanceof SessionError ? error.cause : null;
  if (sessionError === null) {
    return error instanceof TRPCError ? error : new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: error });
  }
  const code = TRPC_CODES[sessionError.code];
  // A server fault (status 500 or more, the core's one rule) shows no detail: the cause is for onError.
  const message = sessionError.status >= 500 ? INTERNAL_MESSAGE : sessionError.message;
  return new TRPCError({ code, message, cause: sessionError });
}
