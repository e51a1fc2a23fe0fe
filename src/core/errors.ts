/**
 * Every way a session operation can fail, as one string union.
 *
 * The mapping to tRPC codes, GraphQL `extensions.code` and HTTP statuses is
 * {@link sessionErrorStatus}; adapters translate through it, never by hand.
 */
export type SessionErrorCode =
  /** No user where one is required, or bad credentials. */
  | 'UNAUTHENTICATED'
  /** A state-changing request failed the CSRF rule (cross-site, foreign Origin, simple body). */
  | 'CSRF_REJECTED'
  /** The operation needs a more recent sign-in (step-up). */
  | 'REAUTH_REQUIRED'
  /** Serialised session data would exceed `maxDataBytes`; stored data is unchanged. */
  | 'DATA_TOO_LARGE'
  /** The session was ended or rotated away by a concurrent request; nothing was written. */
  | 'SESSION_INTERRUPTED'
  /** A rate limit hook refused the request. */
  | 'RATE_LIMITED'
  /** The store cannot be reached right now (connection lost, refused, timed out): retry later. */
  | 'STORE_UNAVAILABLE'
  /** The store threw; the driver's error, redacted, is the `cause`. */
  | 'STORE_FAILURE'
  /** A change was made where no commit will persist it, or where its cookie can no longer be sent. */
  | 'SESSION_CLOSED'
  /** A session cookie would have to be set over plain http to a non-loopback host. */
  | 'INSECURE_TRANSPORT'
  /** An unsafe or malformed configuration; thrown at construction only. */
  | 'INVALID_CONFIG';

const STATUS: Readonly<Record<SessionErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  CSRF_REJECTED: 403,
  REAUTH_REQUIRED: 403,
  DATA_TOO_LARGE: 413,
  SESSION_INTERRUPTED: 409,
  RATE_LIMITED: 429,
  STORE_UNAVAILABLE: 503,
  STORE_FAILURE: 500,
  SESSION_CLOSED: 500,
  INSECURE_TRANSPORT: 500,
  INVALID_CONFIG: 500,
};

/**
 * The HTTP status that belongs to a session error code (docs/architecture.md, "Errors").
 *
 * @example
 * ```ts
 * sessionErrorStatus('DATA_TOO_LARGE'); // 413
 * ```
 */
export function sessionErrorStatus(code: SessionErrorCode): number {
  return STATUS[code];
}

/**
 * The one error class of tessera. Messages name the problem and never contain
 * token material; the `cause` of a `STORE_FAILURE` or `STORE_UNAVAILABLE` is the driver's error,
 * redacted of SQL, arguments and record contents.
 *
 * @example
 * ```ts
 * try {
 *   await sessions.open(request).run('write', (session) => session.set('cart', ['apple']));
 * } catch (error) {
 *   if (error instanceof SessionError && error.code === 'SESSION_INTERRUPTED') {
 *     // a concurrent logout won: ask the user to sign in again
 *   }
 * }
 * ```
 */
export class SessionError extends Error {
  override readonly name = 'SessionError';
  readonly code: SessionErrorCode;

  constructor(code: SessionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** The HTTP status this error maps to. */
  get status(): number {
    return STATUS[this.code];
  }
}
