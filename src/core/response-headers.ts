import { originAllowed, type CsrfPolicy } from './csrf.js';
import { isHeadersLike, type RequestFacts } from './request.js';
import type { SessionState } from './session-state.js';

/** Where `commit()` writes response headers: WHATWG `Headers`, or a Node `ServerResponse` (Express, Fastify's `reply.raw`). */
export type HeaderTarget = Headers | NodeResponseLike;

/** The slice of Node's `ServerResponse` that tessera writes to. */
export interface NodeResponseLike {
  getHeader(name: string): number | string | readonly string[] | undefined;
  setHeader(name: string, value: number | string | readonly string[]): unknown;
  removeHeader?(name: string): unknown;
}

/** Appends `value` to a comma-list header unless it is already there. */
function mergeListHeader(target: HeaderTarget, name: string, value: string): void {
  const current = isHeadersLike(target) ? target.get(name) : target.getHeader(name);
  if (current === undefined || current === null) {
    // Nothing to merge with (the usual case): no split of an empty list.
    if (isHeadersLike(target)) target.set(name, value);
    else target.setHeader(name, value);
    return;
  }
  const text = Array.isArray(current) ? current.join(', ') : String(current);
  if (text.split(',').some((part) => part.trim().toLowerCase() === value.toLowerCase() || part.trim() === '*')) return;
  const next = text === '' ? value : `${text}, ${value}`;
  if (isHeadersLike(target)) target.set(name, next);
  else target.setHeader(name, next);
}

function appendSetCookie(target: HeaderTarget, cookie: string): void {
  if (isHeadersLike(target)) {
    target.append('set-cookie', cookie);
    return;
  }
  const current = target.getHeader('set-cookie');
  target.setHeader('set-cookie', current === undefined ? [cookie] : Array.isArray(current) ? [...(current as string[]), cookie] : [String(current), cookie]);
}

/** Writes the headers a commit decided (`Set-Cookie`, `Clear-Site-Data`, `Vary: Cookie`, `Cache-Control: no-store`) to `target`. */
export function writeDecidedHeaders(state: SessionState, target: HeaderTarget): void {
  const cookie = state.outgoingCookie;
  if (cookie !== null) {
    appendSetCookie(target, cookie);
    state.outgoingCookie = null;
  }
  if (state.outgoingClearSiteData !== null) {
    if (isHeadersLike(target)) target.set('clear-site-data', state.outgoingClearSiteData);
    else target.setHeader('clear-site-data', state.outgoingClearSiteData);
    state.outgoingClearSiteData = null;
  }
  // Django CVE-2026-35192 / CVE-2014-0473: a response that depends on the cookie must say so,
  // and one that carries a session must never sit in a shared cache.
  if (state.accessed || cookie !== null || state.record !== null) mergeListHeader(target, 'vary', 'Cookie');
  if (cookie !== null || state.record !== null || state.hadCookie) {
    if (isHeadersLike(target)) target.set('cache-control', 'no-store');
    else target.setHeader('cache-control', 'no-store');
  }
}

/**
 * A streamed response's head leaves before any commit: its caching headers are decided up
 * front, and conservatively (any cookie may be ours), since a later decision could not be sent.
 */
export function writeStreamedHeaders(target: HeaderTarget, facts: RequestFacts): void {
  mergeListHeader(target, 'vary', 'Cookie');
  if (facts.header('cookie') === null) return;
  if (isHeadersLike(target)) target.set('cache-control', 'no-store');
  else target.setHeader('cache-control', 'no-store');
}

/**
 * Removes a credentialed CORS grant (from a framework's default policy or the app's own) that
 * names an origin the manager does not allow (`allowedOrigins` and the request's own): a
 * credentialed grant would let that site read its visitors' sessions. A wildcard grant stays,
 * without credentials: browsers never send cookies on it (Fetch standard, CORS check).
 */
export function withholdCredentialedCors(target: HeaderTarget, facts: RequestFacts, policy: CsrfPolicy): void {
  // Origin first: most requests (same-origin GETs, servers) send none, and then the response needs no look.
  if (facts.header('origin') === null) return;
  const granted = readHeader(target, 'access-control-allow-origin');
  if (granted === null) return;
  // The answer depends on Origin: caches must key on it (Fetch standard, "CORS protocol and HTTP caches").
  mergeListHeader(target, 'vary', 'Origin');
  if (granted.trim() === '*') {
    removeHeader(target, 'access-control-allow-credentials');
    return;
  }
  if (originAllowed(facts, policy)) return;
  removeHeader(target, 'access-control-allow-origin');
  removeHeader(target, 'access-control-allow-credentials');
}

function readHeader(target: HeaderTarget, name: string): string | null {
  if (isHeadersLike(target)) return target.get(name);
  const value = target.getHeader(name);
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : String(value);
}

function removeHeader(target: HeaderTarget, name: string): void {
  if (isHeadersLike(target)) target.delete(name);
  else target.removeHeader?.(name);
}

/**
 * How long a client should wait before retrying after a store outage, in seconds: the
 * `Retry-After` of a 503 (RFC 9110 §10.2.3). Short: connection pools reconnect within seconds.
 */
export const RETRY_AFTER_SECONDS = 2;

/** `Retry-After` for a response whose store was unavailable. */
export function writeRetryAfter(target: HeaderTarget): void {
  if (isHeadersLike(target)) target.set('retry-after', String(RETRY_AFTER_SECONDS));
  else target.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
}
