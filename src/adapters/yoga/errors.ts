import type { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import { SessionError, type SessionErrorCode } from '../../index.js';

/** The GraphQL `extensions.code` of each session error (docs/architecture.md, "Errors": the GraphQL column of the one table). */
const GRAPHQL_CODE: Readonly<Record<SessionErrorCode, string>> = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
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

/** Codes whose client-facing error also names the session code, so a client can tell them apart. */
const WITH_REASON: ReadonlySet<SessionErrorCode> = new Set(['REAUTH_REQUIRED', 'SESSION_INTERRUPTED']);

/** Where the error happened in the operation, copied from the error that carried it. */
type Location = Pick<GraphQLError, 'nodes' | 'source' | 'positions' | 'path'>;

/**
 * Translates a {@link SessionError} into the GraphQL error the table prescribes:
 * `extensions.code` (+ `reason` for step-up and interrupted sessions) and
 * `extensions.http.status` (Yoga strips `http` from the body and uses it for the status).
 * Server faults (`STORE_FAILURE` and programmer errors) become a bare
 * `INTERNAL_SERVER_ERROR` with no detail: the cause belongs in the server log.
 *
 * @example
 * ```ts
 * import { SessionError } from 'tessera';
 * import { toGraphQLError } from 'tessera/yoga';
 *
 * throw toGraphQLError(new SessionError('UNAUTHENTICATED', 'sign in first'));
 * // → GraphQLError { message: 'sign in first', extensions: { code: 'UNAUTHENTICATED' } }
 * ```
 */
export function toGraphQLError(error: SessionError, at?: Location): GraphQLError {
  const extensions: Record<string, unknown> = { code: GRAPHQL_CODE[error.code], http: { status: error.status } };
  if (WITH_REASON.has(error.code)) extensions['reason'] = error.code;
  // A server fault (status 500 or more, the core's one rule) shows no detail: the cause belongs in the server log.
  return createGraphQLError(error.status >= 500 ? 'Unexpected error.' : error.message, {
    extensions,
    ...(at?.nodes ? { nodes: at.nodes } : {}),
    ...(at?.source ? { source: at.source } : {}),
    ...(at?.positions ? { positions: at.positions } : {}),
    ...(at?.path ? { path: at.path } : {}),
  });
}

/**
 * Replaces every error of a result that a resolver raised as a `SessionError` with its
 * table translation, keeping its path and location. Returns `null` when nothing changed.
 * `onInternal` receives server faults, whose detail the client never sees.
 */
export function translateErrors(errors: readonly GraphQLError[], onInternal: (error: SessionError) => void): GraphQLError[] | null {
  let changed = false;
  const next = errors.map((error) => {
    const cause = error.originalError;
    if (!(cause instanceof SessionError)) return error;
    changed = true;
    if (cause.status >= 500) onInternal(cause);
    return toGraphQLError(cause, error);
  });
  return changed ? next : null;
}
