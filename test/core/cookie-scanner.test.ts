import { describe, expect, it } from 'vitest';
import { AMBIGUOUS, findCookie, MAX_COOKIE_HEADER_LENGTH } from '../../src/core/cookie.js';

describe('findCookie (the strict scanner for our one cookie)', () => {
  const cases: [string, string | null | undefined, string | null | typeof AMBIGUOUS][] = [
    ['absent header', undefined, null],
    ['empty header', '', null],
    ['only cookie', 'sid=abc', 'abc'],
    ['among others with "; "', 'a=1; sid=abc; b=2', 'abc'],
    ['among others without space', 'a=1;sid=abc;b=2', 'abc'],
    ['empty value', 'sid=', ''],
    ['suffix name does not match', 'xsid=abc', null],
    ['prefix name does not match', 'sidx=abc', null],
    ['name is case-sensitive', 'SID=abc', null],
    ['percent-encoded name does not match', '%73id=abc', null],
    ['leading Unicode space is part of the name', '\u00a0sid=abc', null],
    ['value is not decoded', 'sid=a%20b', 'a%20b'],
    ['value is not trimmed of quotes', 'sid="abc"', '"abc"'],
    ['duplicate is ambiguous', 'sid=abc; sid=def', AMBIGUOUS],
    ['duplicate with identical values is still ambiguous', 'sid=abc; sid=abc', AMBIGUOUS],
    ['name without "=" is not our cookie', 'sid; a=1', null],
    ['name appearing inside another value is ignored', 'a=sid=abc', null],
  ];
  it.each(cases)('%s', (_name, header, expected) => {
    expect(findCookie(header, 'sid')).toBe(expected);
  });

  it('prefixed names match byte for byte only', () => {
    expect(findCookie('__Host-sid=abc', '__Host-sid')).toBe('abc');
    expect(findCookie('__host-sid=abc', '__Host-sid')).toBeNull();
    expect(findCookie('__%48ost-sid=abc', '__Host-sid')).toBeNull();
    expect(findCookie('sid=abc', '__Host-sid')).toBeNull();
    expect(findCookie('__Host-sid=a; __Host-sid=b', '__Host-sid')).toBe(AMBIGUOUS);
  });

  it('ignores a header longer than the limit as a whole', () => {
    const header = `sid=abc; pad=${'x'.repeat(MAX_COOKIE_HEADER_LENGTH)}`;
    expect(findCookie(header, 'sid')).toBeNull();
  });

  it('finds the cookie among thousands of pairs', () => {
    const pairs = Array.from({ length: 1500 }, (_, i) => `c${i}=v`);
    pairs.splice(750, 0, 'sid=found');
    expect(findCookie(pairs.join('; '), 'sid')).toBe('found');
  });
});
