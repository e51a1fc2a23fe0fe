import { fileURLToPath } from 'node:url';
import { SessionError } from '../index.js';

/** What a CLI `<database>` argument names, parsed once. */
export type DatabaseTarget =
  | { readonly kind: 'postgres'; readonly url: string; readonly label: string }
  | { readonly kind: 'mysql'; readonly url: string; readonly label: string }
  | { readonly kind: 'sqlite'; readonly path: string; readonly label: string };

/** A usage problem (a bad argument, an unsupported URL): `INVALID_CONFIG`, exit code 2. */
export function usageError(message: string): SessionError {
  return new SessionError('INVALID_CONFIG', message);
}

/** Whether `error` is a usage problem: `INVALID_CONFIG`, from the CLI's arguments or a store's options. */
export function isUsageError(error: unknown): boolean {
  return error instanceof SessionError && error.code === 'INVALID_CONFIG';
}

/**
 * A scheme of two characters or more (so a Windows drive letter stays a path) followed by
 * `:`. RFC 3986 §3.1 scheme syntax.
 */
const SCHEME = /^([a-z][a-z0-9+.-]+):/i;
/** `scheme://`: an argument that is meant as a URL with an authority, where credentials live. */
const AUTHORITY_URL = /^([a-z][a-z0-9+.-]*):\/\//i;
/** Query parameters that carry a password (pg reads `password`, libpq `sslpassword`). */
const SECRET_PARAMS = /^(password|pass|pwd|sslpassword)$/i;

const SUPPORTED = 'postgres://, postgresql://, mysql://, mariadb://, sqlite: or file: (or a plain SQLite file path)';

function parseUrl(argument: string): URL | null {
  try {
    return new URL(argument);
  } catch {
    return null;
  }
}

/**
 * The argument as it may be printed: a parsed URL with its password and any password
 * query parameter replaced by `***`; something that looks like `scheme://…` but does not
 * parse (a raw `/` in a password, say) as `scheme://***` only; a path unchanged. Parsing,
 * not a regular expression, decides where the password ends: a raw `@`, `:` or `/` in
 * it cannot move the boundary (test/cli/database-target.test.ts).
 *
 * So `postgres://app:p@ss@db/prod` prints as `postgres://app:***@db/prod`, and
 * `postgres://app:a/b@db/prod` as `postgres://***`.
 */
export function redact(argument: string): string {
  const scheme = SCHEME.exec(argument)?.[1];
  if (scheme === undefined) return argument;
  const url = parseUrl(argument);
  if (url === null) return AUTHORITY_URL.test(argument) ? `${scheme}://***` : argument;
  const secretParams = [...url.searchParams.keys()].filter((name) => SECRET_PARAMS.test(name));
  // Nothing secret: print the argument as written (href would normalize file:./x.db to file:///x.db).
  if (url.password === '' && secretParams.length === 0) return argument;
  if (url.password !== '') url.password = '***';
  for (const name of secretParams) url.searchParams.set(name, '***');
  return url.href;
}

/**
 * `message` with every form of the argument's secrets replaced: the whole argument, the
 * password as written and decoded, and password query parameters. For driver errors,
 * which may quote the connection string or the password anywhere in their text.
 */
export function redactMessage(message: string, argument: string): string {
  const secrets = new Set<string>([argument]);
  const url = SCHEME.test(argument) ? parseUrl(argument) : null;
  if (url !== null) {
    const values = [url.password, ...[...url.searchParams].filter(([name]) => SECRET_PARAMS.test(name)).map(([, value]) => value)];
    for (const value of values) {
      if (value === '') continue;
      secrets.add(value);
      try {
        secrets.add(decodeURIComponent(value));
      } catch {
        // Not valid percent-encoding: the raw form is already in the set.
      }
    }
  }
  let redacted = message;
  // Longest first, so the whole argument is replaced before its password inside it.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret === '') continue;
    redacted = redacted.split(secret).join(secret === argument ? redact(argument) : '***');
  }
  return redacted;
}

/** The file a `sqlite:` or `file:` URL names, by SQLite's URI filename rules (sqlite.org/uri.html). */
function sqlitePath(argument: string, scheme: string): string {
  const rest = argument.slice(scheme.length + 1);
  const label = redact(argument);
  if (rest.startsWith('//')) {
    // sqlite:///abs/x.db or file://localhost/abs/x.db: an absolute path, percent-decoded.
    let path: string;
    try {
      path = fileURLToPath(new URL(`file:${rest}`));
    } catch (error) {
      throw usageError(`${label} is not a SQLite file URL: ${error instanceof Error ? error.message : String(error)} (use ${scheme}:./relative.db or ${scheme}:///absolute/path.db)`);
    }
    if (new URL(`file:${rest}`).search !== '') throw usageError(`${label}: query parameters are not supported in a SQLite URL`);
    return path;
  }
  // sqlite:./x.db, file:x.db, sqlite:/abs/x.db: the path as written. Parsed under a
  // non-special scheme, because WHATWG resolves `file:./x.db` against the root (/x.db).
  const url = parseUrl(`sqlite:${rest}`);
  if (url === null || url.pathname === '') throw usageError(`${label} names no SQLite file (use ${scheme}:./relative.db or ${scheme}:///absolute/path.db)`);
  if (url.search !== '' || url.hash !== '') throw usageError(`${label}: query parameters and fragments are not supported in a SQLite URL`);
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    throw usageError(`${label} has invalid percent-encoding`);
  }
}

/**
 * Parses a CLI `<database>` argument: `postgres://`/`postgresql://` (pg), `mysql://`/
 * `mariadb://` (mysql2), `sqlite:`/`file:` URLs and anything without a scheme a SQLite
 * file path. Other schemes, and URLs that do not parse, are a usage error that
 * never quotes the password.
 *
 * For example `sqlite:./x.db` is the file `./x.db`, and `postgres://app:pw@db/prod` is labelled
 * `postgres://app:***@db/prod` (test/cli/database-target.test.ts).
 */
export function parseTarget(argument: string): DatabaseTarget {
  const scheme = SCHEME.exec(argument)?.[1]?.toLowerCase();
  const label = redact(argument);
  if (scheme === undefined) return { kind: 'sqlite', path: argument, label };
  if (scheme === 'sqlite' || scheme === 'file') return { kind: 'sqlite', path: sqlitePath(argument, scheme), label };
  if (scheme !== 'postgres' && scheme !== 'postgresql' && scheme !== 'mysql' && scheme !== 'mariadb') {
    throw usageError(`unsupported database URL scheme "${scheme}:" in ${label} (use ${SUPPORTED}; prefix a file name containing ":" with ./)`);
  }
  const url = parseUrl(argument);
  if (url === null || !AUTHORITY_URL.test(argument)) {
    throw usageError(`${label} is not a valid ${scheme}:// URL (percent-encode special characters in the user name and password, e.g. "/" as %2F, "@" as %40)`);
  }
  if (scheme === 'mysql' || scheme === 'mariadb') {
    // mysql2 reads only mysql: URLs; MariaDB speaks the same protocol.
    url.protocol = 'mysql:';
    return { kind: 'mysql', url: url.href, label };
  }
  return { kind: 'postgres', url: url.href, label };
}
