import { ownOrigin, type RequestFacts } from './request.js';

/** The content types an HTML form (or a `no-cors` fetch) can send cross-site without a CORS preflight. */
const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/** Why a request failed the CSRF rule, or `null` when it passed. */
export type CsrfVerdict = null | 'cross-site' | 'foreign-origin' | 'simple-body';

/** The CSRF policy, fixed at construction. */
export interface CsrfPolicy {
  /** Origins accepted besides the request's own, normalised `scheme://host[:port]`. */
  readonly allowedOrigins: ReadonlySet<string>;
  /** Custom headers whose presence proves a preflighted (non-form) request, lower-case. */
  readonly customHeaders: readonly string[];
}

/** `scheme://host[:port]` lower-cased, without the scheme's default port. */
export function normaliseOrigin(origin: string): string {
  const lower = origin.toLowerCase();
  if (lower.startsWith('https://') && lower.endsWith(':443')) return lower.slice(0, -4);
  if (lower.startsWith('http://') && lower.endsWith(':80')) return lower.slice(0, -3);
  return lower;
}

/** The media type of a `Content-Type` value, lower-cased, without parameters; `''` when absent. */
function mediaType(value: string | null): string {
  if (value === null) return '';
  const semicolon = value.indexOf(';');
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
}

/**
 * Whether the request carries an `Origin` that is its own or a listed one; `false` without
 * an `Origin`. The test a CORS policy needs before it grants credentialed access.
 */
export function originAllowed(facts: RequestFacts, policy: CsrfPolicy): boolean {
  const origin = facts.header('origin');
  if (origin === null) return false;
  const normalised = normaliseOrigin(origin);
  return normalised === normaliseOrigin(ownOrigin(facts)) || policy.allowedOrigins.has(normalised);
}

/**
 * The CSRF rule (docs/architecture.md, "Security model"), shared by every adapter (OWASP CSRF cheat sheet:
 * Fetch Metadata first, then Origin verification, then the simple-request rule).
 *
 * 1. `Sec-Fetch-Site: cross-site` is refused.
 * 2. An `Origin` that is present must be the request's own or a listed one (`null` never is).
 * 3. A body a form can send (form-encoded, multipart, text/plain, or none declared) is accepted
 *    only with `Sec-Fetch-Site: same-origin` or a custom header, which forces a preflight.
 */
export function csrfVerdict(facts: RequestFacts, policy: CsrfPolicy): CsrfVerdict {
  const fetchSite = facts.header('sec-fetch-site');
  if (fetchSite === 'cross-site') return 'cross-site';
  const origin = facts.header('origin');
  // A browser's Origin is usually byte for byte the request's own (`https://host`): then the
  // normalising comparison below would pass too, and its lower-casing is skipped.
  if (origin !== null && origin !== `${facts.secure ? 'https' : 'http'}://${facts.host}`) {
    const normalised = normaliseOrigin(origin);
    if (normalised !== normaliseOrigin(ownOrigin(facts)) && !policy.allowedOrigins.has(normalised)) return 'foreign-origin';
  }
  const contentType = mediaType(facts.header('content-type'));
  const simpleBody = contentType === '' || SIMPLE_CONTENT_TYPES.includes(contentType);
  if (simpleBody && fetchSite !== 'same-origin' && !policy.customHeaders.some((name) => facts.header(name) !== null)) {
    return 'simple-body';
  }
  return null;
}
