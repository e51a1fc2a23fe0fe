// serializeClearingCookie renders once per attributes object, name and scheme (a performance
// change): the cached value must stay exactly what the cookie library renders for those inputs.
import { serialize } from 'cookie';
import { describe, expect, it } from 'vitest';
import { serializeClearingCookie, type CookieAttributes } from '../../src/core/cookie.js';

const render = (name: string, attributes: CookieAttributes, secure: boolean) =>
  serialize(name, '', {
    httpOnly: true,
    secure,
    sameSite: attributes.sameSite,
    path: attributes.path,
    ...(attributes.domain === undefined ? {} : { domain: attributes.domain }),
    maxAge: 0,
    expires: new Date(0),
  });

describe('serializeClearingCookie', () => {
  it('answers what the cookie library renders, per attributes, name and scheme, every time', () => {
    const lax: CookieAttributes = Object.freeze({ sameSite: 'lax', path: '/', domain: undefined });
    const strict: CookieAttributes = Object.freeze({ sameSite: 'strict', path: '/app', domain: 'example.com' });
    for (let round = 0; round < 2; round++) {
      for (const attributes of [lax, strict]) {
        for (const [name, secure] of [
          ['__Host-sid', true],
          ['sid', false],
          ['sid', true],
        ] as const) {
          const cookie = serializeClearingCookie(name, attributes, secure);
          expect(cookie).toBe(render(name, attributes, secure));
          expect(cookie).toContain('Max-Age=0');
          expect(cookie).toContain('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
        }
      }
    }
    expect(serializeClearingCookie('sid', lax, true)).not.toBe(serializeClearingCookie('sid', lax, false));
    expect(serializeClearingCookie('sid', lax, true)).not.toBe(serializeClearingCookie('sid', strict, true));
  });
});
