import { SessionError } from './errors.js';

/**
 * Driver error codes that say the store cannot be reached right now (a lost or refused
 * connection, a timeout, a server shutting down), not that the operation is wrong: Node's socket
 * errors, PostgreSQL's class 08 and 57P0x (SQLSTATE, PostgreSQL manual appendix A), mysql2's
 * lost connection, SQLite's busy timeout.
 */
const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'SQLITE_BUSY',
]);

/** ioredis reports a closed or retrying connection by error name or message, without a code. */
function unavailableByShape(error: { readonly name?: unknown; readonly message?: unknown }): boolean {
  return error.name === 'MaxRetriesPerRequestError' || (typeof error.message === 'string' && /connection is closed|stream isn't writeable/i.test(error.message));
}

/**
 * A driver error as tessera keeps it: its name and code, and its message with every quoted
 * literal masked. Never the SQL, the bound arguments, a Redis command's arguments or a row
 * (mysql2's `sql`, PostgreSQL's `detail`, ioredis's `command`): those carry secret hashes,
 * sealed data and client addresses, which must not reach logs (docs/architecture.md, "Errors").
 */
export function redactedCause(error: unknown): Error {
  const source = (typeof error === 'object' && error !== null ? error : {}) as { readonly name?: unknown; readonly message?: unknown; readonly code?: unknown };
  const name = typeof source.name === 'string' ? source.name : 'Error';
  const message = typeof source.message === 'string' ? source.message.replace(/'(?:[^'\\]|\\.)*'/g, "'…'").slice(0, 300) : String(error).slice(0, 80);
  const redacted = new Error(message);
  redacted.name = name;
  if (typeof source.code === 'string' || typeof source.code === 'number') Object.defineProperty(redacted, 'code', { value: source.code, enumerable: true });
  return redacted;
}

/**
 * A store's error as it leaves the engine: `STORE_UNAVAILABLE` (503, retry later) when the store
 * cannot be reached, `STORE_FAILURE` (500) otherwise, with the redacted driver error as `cause`.
 * A `SessionError` the store threw itself passes as it is.
 */
export function storeError(operation: string, error: unknown): SessionError {
  if (error instanceof SessionError) return error;
  const code = (error as { readonly code?: unknown } | null)?.code;
  const unavailable = (typeof code === 'string' && UNAVAILABLE.has(code)) || (typeof error === 'object' && error !== null && unavailableByShape(error));
  return unavailable
    ? new SessionError('STORE_UNAVAILABLE', `session store unavailable during ${operation}; try again shortly`, { cause: redactedCause(error) })
    : new SessionError('STORE_FAILURE', `session store failed during ${operation}`, { cause: redactedCause(error) });
}
