import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTarget, redact, redactMessage } from '../../src/cli/database-target.js';

/**
 * The CLI's redaction before it parsed URLs, kept as the control: each case below shows
 * that this regular expression leaked the password, and that `redact` does not.
 */
const naiveRedact = (target: string): string => target.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');

/** Every piece of the password a printed string must not contain. */
function leaks(printed: string, secretParts: readonly string[]): string[] {
  return secretParts.filter((part) => printed.includes(part));
}

describe('redact: passwords never printed', () => {
  it.each([
    // [argument, the parts of its password, what redact prints]
    ['postgres://app:p@ss@db.internal/prod', ['p@ss', '@ss'], 'postgres://app:***@db.internal/prod'],
    ['mysql://app:x:y@z@db.internal:3306/prod', ['x:y', 'y@z', '@z@'], 'mysql://app:***@db.internal:3306/prod'],
    ['postgres://app:%2Fp@ss@db.internal/prod', ['%2Fp', 'p@ss', '@ss'], 'postgres://app:***@db.internal/prod'],
    ['postgres://app:s3cret-pw@db.internal/prod?sslmode=require&password=other-s3cret', ['other-s3cret'], 'postgres://app:***@db.internal/prod?sslmode=require&password=***'],
  ])('%s: redacted by parsing, where the old regex leaked', (argument, parts, expected) => {
    expect(leaks(naiveRedact(argument), parts)).not.toEqual([]); // control: the old redaction leaked
    expect(redact(argument)).toBe(expected);
    expect(leaks(redact(argument), parts)).toEqual([]);
  });

  it('a raw "/" in the password: the URL does not parse, so only the scheme is printed', () => {
    const argument = 'postgres://app:a/b@db.internal/prod';
    expect(naiveRedact(argument)).toBe(argument); // control: the old regex printed it whole
    expect(redact(argument)).toBe('postgres://***');
    expect(() => parseTarget(argument)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => parseTarget(argument)).toThrow(/^postgres:\/\/\*\*\* is not a valid postgres:\/\/ URL/);
  });

  it('an unparsable URL with an unknown scheme prints only the scheme too', () => {
    expect(redact('mongodb://app:a/b@db/x')).toBe('mongodb://***');
    expect(() => parseTarget('mongodb://app:a/b@db/x')).toThrow(/unsupported database URL scheme "mongodb:" in mongodb:\/\/\*\*\*/);
  });

  it('a fully percent-encoded password (which the old regex also hid) stays hidden, and reaches the driver decoded-equivalent', () => {
    const argument = 'postgres://app:p%40ss%2Fw%3Ard@db.internal/prod';
    expect(redact(argument)).toBe('postgres://app:***@db.internal/prod');
    const target = parseTarget(argument);
    expect(target).toMatchObject({ kind: 'postgres', label: 'postgres://app:***@db.internal/prod' });
    if (target.kind !== 'postgres') throw new Error('unreachable');
    expect(decodeURIComponent(new URL(target.url).password)).toBe('p@ss/w:rd');
  });

  it('a raw "@" password reaches the driver percent-encoded, so the driver splits it where the parser did', () => {
    const target = parseTarget('mariadb://app:p@ss@db.internal/prod');
    expect(target).toEqual({ kind: 'mysql', url: 'mysql://app:p%40ss@db.internal/prod', label: 'mariadb://app:***@db.internal/prod' });
  });

  it('redactMessage hides the password anywhere in a driver message, raw or decoded', () => {
    const argument = 'postgres://app:p%40ss-word@db.internal/prod';
    const message = `connect to postgres://app:p%40ss-word@db.internal/prod failed: password "p@ss-word" rejected`;
    expect(naiveRedact(message)).toContain('p%40ss-word'); // control: the old code redacted only a message starting with the URL
    const redacted = redactMessage(message, argument);
    expect(redacted).toBe('connect to postgres://app:***@db.internal/prod failed: password "***" rejected');
  });
});

describe('parseTarget', () => {
  it.each([
    ['sqlite:./x.db', './x.db'],
    ['file:./x.db', './x.db'],
    ['sqlite:x.db', 'x.db'],
    ['file:data/my%20sessions.db', 'data/my sessions.db'],
    ['sqlite:///tmp/x.db', '/tmp/x.db'],
    ['file:///tmp/x.db', '/tmp/x.db'],
    ['file://localhost/tmp/x.db', '/tmp/x.db'],
    ['./x.db', './x.db'],
    ['x.db', 'x.db'],
    ['/var/lib/app/sessions.db', '/var/lib/app/sessions.db'],
    ['.data/sessions.db', '.data/sessions.db'],
    [':memory:', ':memory:'],
  ])('%s is the SQLite file %s', (argument, path) => {
    expect(parseTarget(argument)).toEqual({ kind: 'sqlite', path, label: argument });
  });

  it.each([
    ['postgres://app@db/prod', 'postgres'],
    ['postgresql://app@db/prod', 'postgres'],
    ['POSTGRES://app@db/prod', 'postgres'],
    ['mysql://root@127.0.0.1:3306/test', 'mysql'],
    ['mariadb://root@127.0.0.1:3306/test', 'mysql'],
  ])('%s is a %s URL', (argument, kind) => {
    expect(parseTarget(argument).kind).toBe(kind);
  });

  it.each([
    ['mongodb://localhost/x', /unsupported database URL scheme "mongodb:"/],
    ['redis://localhost:6379', /unsupported database URL scheme "redis:"/],
    ['my:file.db', /unsupported database URL scheme "my:".*prefix a file name containing ":" with \.\//],
    ['postgres:db', /is not a valid postgres:\/\/ URL/],
    ['sqlite:./x.db?mode=ro', /query parameters/],
    ['file://otherhost/tmp/x.db', /is not a SQLite file URL/],
    ['sqlite:', /names no SQLite file/],
  ])('%s is a clear usage error', (argument, message) => {
    expect(() => parseTarget(argument)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => parseTarget(argument)).toThrow(message);
  });

  it('a relative sqlite: path stays relative (WHATWG would resolve file:./x.db to /x.db)', () => {
    expect(new URL('file:./x.db').pathname).toBe('/x.db'); // why file: is not handed to new URL as is
    const target = parseTarget('file:./x.db');
    expect(target.kind === 'sqlite' && resolve(target.path)).toBe(resolve('x.db'));
  });
});
