import { describe, expect, it } from 'vitest';
import { formatToken, generateIdAndSecret, parseToken } from '../../src/core/token.js';

describe('generateIdAndSecret (one CSPRNG call for a new session)', () => {
  it('gives a 128-bit id and a 256-bit secret, base64url, in the token shape', () => {
    const { id, secret } = generateIdAndSecret();
    expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(parseToken(formatToken(id, secret))).toEqual({ id, secret });
  });

  it('never repeats an id or a secret, and never reuses bytes across the halves', () => {
    const draws = Array.from({ length: 10_000 }, generateIdAndSecret);
    expect(new Set(draws.map((draw) => draw.id)).size).toBe(10_000);
    expect(new Set(draws.map((draw) => draw.secret)).size).toBe(10_000);
    for (const { id, secret } of draws.slice(0, 100)) expect(secret.includes(id)).toBe(false);
  });
});
