import { serialize } from 'cookie';

/** Cookie headers longer than Node's own default header limit are ignored as a whole. */
export const MAX_COOKIE_HEADER_LENGTH = 16 * 1024;

/** What {@link findCookie} found: the value, nothing, or an ambiguous header. */
export type CookieLookup = string | null | typeof AMBIGUOUS;
/** Two cookies of our name in one header: a tossed or planted cookie, so no session (ASVS 5.0 V3.3). */
export const AMBIGUOUS: unique symbol = Symbol('ambiguous cookie');

/**
 * Finds the value of the cookie named exactly `name` in a `Cookie` header.
 *
 * Strict on purpose (docs/architecture.md, "Security model"): the name matches byte for byte, nothing is decoded
 * or trimmed, and a second cookie of the same name makes the result {@link AMBIGUOUS}
 * instead of "first wins" as general parsers do (RFC 6265 §5.4 leaves order to the client,
 * so the first one may be the attacker's). Only spaces and tabs are skipped before a name
 * (RFC 6265 §4.2.1 separates cookies with `"; "`), so `\u00a0sid` or `%73id` never match `sid`.
 */
export function findCookie(header: string | null | undefined, name: string): CookieLookup {
  if (!header || header.length > MAX_COOKIE_HEADER_LENGTH) return null;
  const needle = `${name}=`;
  // Candidates come from indexOf (a vectorised search) instead of a walk over every cookie;
  // each is kept only where a cookie starts: at the header's start or after `;`, past spaces
  // and tabs (≈ 0.1 µs less than the walk on a browser's three-cookie header).
  let at = header.indexOf(needle);
  let found: string | null = null;
  while (at !== -1) {
    let before = at - 1;
    let code = -1;
    while (before >= 0 && ((code = header.charCodeAt(before)) === 32 || code === 9)) before--;
    if (before === -1 || code === 59 /* ; */) {
      if (found !== null) return AMBIGUOUS;
      const end = header.indexOf(';', at + needle.length);
      found = header.slice(at + needle.length, end === -1 ? header.length : end);
      // The rest of this cookie is its value: the next candidate starts after it.
      at = end === -1 ? -1 : header.indexOf(needle, end + 1);
    } else {
      at = header.indexOf(needle, at + 1);
    }
  }
  return found;
}

/** The attributes of the session cookie, decided once from the configuration. */
export interface CookieAttributes {
  readonly sameSite: 'lax' | 'strict' | 'none';
  readonly path: string;
  readonly domain: string | undefined;
}

/**
 * Characters `encodeURIComponent` leaves alone and RFC 6265 §4.1.1 allows in a cookie value:
 * every token and sealed value tessera issues (base64url and `.`). Anything else takes the
 * cookie library's encoding path.
 */
const PLAIN_VALUE = /^[A-Za-z0-9._~-]*$/;

/** The attribute tail after `Max-Age=N`, per attributes object, cookie name and scheme. */
const attributeTails = new WeakMap<CookieAttributes, Map<string, string>>();

/**
 * What follows `Max-Age=N` in the session cookie: rendered (and validated) by the cookie
 * library once per manager, name and scheme, not on every response that sets a cookie.
 */
function attributeTail(name: string, attributes: CookieAttributes, secure: boolean): string {
  let byName = attributeTails.get(attributes);
  if (byName === undefined) attributeTails.set(attributes, (byName = new Map<string, string>()));
  const key = `${secure ? 's' : 'p'}${name}`;
  let tail = byName.get(key);
  if (tail === undefined) {
    const template = serialize(name, '', {
      httpOnly: true,
      secure,
      sameSite: attributes.sameSite,
      path: attributes.path,
      ...(attributes.domain === undefined ? {} : { domain: attributes.domain }),
      maxAge: 0,
    });
    tail = template.slice(`${name}=; Max-Age=0`.length);
    byName.set(key, tail);
  }
  return tail;
}

/**
 * `Set-Cookie` for a session token. `Max-Age` is the absolute deadline (capped at
 * 400 days, RFC 6265bis §5.6.2); the idle deadline lives on the server only.
 */
export function serializeSessionCookie(name: string, value: string, attributes: CookieAttributes, secure: boolean, maxAgeSeconds: number | null): string {
  // Whole seconds (RFC 6265bis §4.1.1: Max-Age is digits only; the cookie library throws on
  // a fraction), rounded down so the cookie never outlives the absolute deadline by a whole
  // second; but at least 1 for a deadline still ahead, since Max-Age=0 deletes the cookie at
  // once (the server enforces the exact, sub-second deadline).
  // `null`: a session cookie (RFC 6265bis §4.1.2.2: without Max-Age or Expires it ends with the browser session).
  const maxAge = maxAgeSeconds === null ? null : maxAgeSeconds > 0 ? Math.max(1, Math.floor(Math.min(maxAgeSeconds, 400 * 86_400))) : 0;
  if (!PLAIN_VALUE.test(value)) {
    return serialize(name, value, {
      httpOnly: true,
      secure,
      sameSite: attributes.sameSite,
      path: attributes.path,
      ...(attributes.domain === undefined ? {} : { domain: attributes.domain }),
      ...(maxAge === null ? {} : { maxAge }),
    });
  }
  return `${name}=${value}${maxAge === null ? '' : `; Max-Age=${maxAge}`}${attributeTail(name, attributes, secure)}`;
}

/** Clearing `Set-Cookie` values, per attributes object, cookie name and scheme. */
const clearingCookies = new WeakMap<CookieAttributes, Map<string, string>>();

/**
 * `Set-Cookie` that deletes the session cookie, with attributes mirroring the ones it was set with.
 * The value depends only on its arguments, so it is rendered by the cookie library once per
 * attributes object, name and scheme: rendering it (validation, `Expires` via `toUTCString`)
 * cost ≈ 4.8 µs of every logout here.
 */
export function serializeClearingCookie(name: string, attributes: CookieAttributes, secure: boolean): string {
  let byName = clearingCookies.get(attributes);
  if (byName === undefined) clearingCookies.set(attributes, (byName = new Map<string, string>()));
  const key = `${secure ? 's' : 'p'}${name}`;
  let cookie = byName.get(key);
  if (cookie === undefined) {
    cookie = serialize(name, '', {
      httpOnly: true,
      secure,
      sameSite: attributes.sameSite,
      path: attributes.path,
      ...(attributes.domain === undefined ? {} : { domain: attributes.domain }),
      maxAge: 0,
      expires: new Date(0),
    });
    byName.set(key, cookie);
  }
  return cookie;
}
