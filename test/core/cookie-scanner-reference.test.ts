// findCookie finds candidates with indexOf (a performance change); this checks it answers
// exactly as the plain cookie-by-cookie walk it replaced, on random headers built from the
// pieces that matter: separators, spaces, tabs, look-alike names and our name inside values.
import { describe, expect, it } from 'vitest';
import { AMBIGUOUS, findCookie, MAX_COOKIE_HEADER_LENGTH, type CookieLookup } from '../../src/core/cookie.js';

/** The walk findCookie used before: every cookie start, spaces and tabs skipped after `;`. */
function referenceWalk(header: string | null | undefined, name: string): CookieLookup {
  if (!header || header.length > MAX_COOKIE_HEADER_LENGTH) return null;
  const needle = `${name}=`;
  if (header.indexOf(needle) === -1) return null;
  let found: string | null = null;
  let start = 0;
  const length = header.length;
  while (start < length) {
    while (start < length && (header.charCodeAt(start) === 32 || header.charCodeAt(start) === 9)) start++;
    let end = header.indexOf(';', start);
    if (end === -1) end = length;
    if (end - start > needle.length - 1 && header.startsWith(needle, start)) {
      if (found !== null) return AMBIGUOUS;
      found = header.slice(start + needle.length, end);
    }
    start = end + 1;
  }
  return found;
}

const PIECES = ['__Host-sid=', 'sid=', '__Host-sid', 'x__Host-sid=', '=', ';', '; ', ' ', '\t', '\u00a0', 'a', 'v.1', '%73id=', '__host-sid='];

function seeded(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

describe('findCookie agrees with the cookie-by-cookie walk', () => {
  it('on 50,000 random headers, for the prefixed and the plain name', () => {
    const random = seeded(7);
    for (let n = 0; n < 50_000; n++) {
      const parts = Math.floor(random() * 10);
      let header = '';
      for (let i = 0; i < parts; i++) header += PIECES[Math.floor(random() * PIECES.length)];
      for (const name of ['__Host-sid', 'sid']) expect([header, name, findCookie(header, name)]).toEqual([header, name, referenceWalk(header, name)]);
    }
  });

  it('on the shapes browsers send', () => {
    const headers = [
      '__Host-sid=a',
      ' __Host-sid=a',
      'x=1; __Host-sid=a; y=2',
      'x=1;__Host-sid=a',
      'x=1; __Host-sid=a; __Host-sid=b',
      'x=__Host-sid=a',
      '__Host-sid=a__Host-sid=b',
      '__Host-sid=a; x=__Host-sid=b',
      'x=1;\t__Host-sid=a',
      '__Host-sid=',
      '',
    ];
    for (const header of headers) expect(findCookie(header, '__Host-sid')).toEqual(referenceWalk(header, '__Host-sid'));
  });
});
