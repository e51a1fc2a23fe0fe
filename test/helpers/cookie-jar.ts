import { CookieJar } from 'tough-cookie';

export interface BrowserOptions {
  /**
   * The page's origin: sent as `Origin` on POST and used for `Sec-Fetch-Site`, as a browser
   * does. A function names it per request URL (`(url) => new URL(url).origin`: the page is
   * always the target's own, as one page behind a load balancer). Unset or null: neither header.
   */
  readonly pageOrigin?: string | null | ((url: string) => string);
  readonly userAgent?: string;
}

/**
 * The tests' one cookie jar: a cookie-keeping `fetch` that follows browser rules through
 * tough-cookie (Set-Cookie stored per RFC 6265, sent back on matching requests) and adds
 * the request headers a browser would: `Origin` on POST and `Sec-Fetch-Site` from the
 * page's origin. A `cookie` header the caller gives is sent as given instead of the jar's.
 */
export function browser(options: BrowserOptions = {}) {
  const jar = new CookieJar();
  const setCookies: string[][] = [];
  const fetchWithJar = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    const headers = new Headers(init.headers);
    const cookie = await jar.getCookieString(url);
    if (cookie && !headers.has('cookie')) headers.set('cookie', cookie);
    if (options.userAgent) headers.set('user-agent', options.userAgent);
    const method = (init.method ?? 'GET').toUpperCase();
    const pageOrigin = typeof options.pageOrigin === 'function' ? options.pageOrigin(url) : options.pageOrigin;
    if (pageOrigin !== null && pageOrigin !== undefined) {
      const target = new URL(url).origin;
      headers.set('sec-fetch-site', pageOrigin === target ? 'same-origin' : 'cross-site');
      if (method !== 'GET' && method !== 'HEAD') headers.set('origin', pageOrigin);
    }
    const response = await fetch(url, { ...init, headers });
    const cookies = response.headers.getSetCookie();
    setCookies.push(cookies);
    for (const set of cookies) await jar.setCookie(set, url);
    return response;
  };
  return {
    jar,
    fetch: fetchWithJar,
    /** The `Set-Cookie` lists of every response, in order. */
    setCookies,
    /** The raw value of the session cookie (`name`, default `sid`) the jar holds for `url`, or undefined. */
    async sid(url: string, name = 'sid'): Promise<string | undefined> {
      const cookies = await jar.getCookies(url);
      return cookies.find((c) => c.key === name)?.value;
    },
  };
}
