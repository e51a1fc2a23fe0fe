import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatToken, generateId, generateSecretWithIv, hashesEqual, hashSecret, parseToken, TOKEN_LENGTH } from '../../src/core/token.js';

/** A fresh secret, drawn as the library draws one. */
const generateSecret = (): string => generateSecretWithIv().secret;

describe('session tokens', () => {
  it('carry a 128-bit id and a 256-bit secret, base64url', () => {
    const id = generateId();
    const secret = generateSecret();
    expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(formatToken(id, secret)).toHaveLength(TOKEN_LENGTH);
  });

  it('are unique across many draws', () => {
    const ids = new Set(Array.from({ length: 10_000 }, generateId));
    expect(ids.size).toBe(10_000);
  });

  it('parse only the exact shape we issue', () => {
    const token = formatToken(generateId(), generateSecret());
    expect(parseToken(token)).toEqual({ id: token.slice(0, 22), secret: token.slice(23) });
    for (const bad of ['', 'abc', token.slice(1), `${token}x`, token.replace('.', '-'), token.replace(/^./, '+'), `${token.slice(0, -1)}=`, ` ${token.slice(1)}`]) {
      expect(parseToken(bad)).toBeNull();
    }
  });

  it('hash the secret with SHA-256 and compare in constant time', () => {
    const secret = generateSecret();
    expect(hashSecret(secret)).toBe(createHash('sha256').update(secret).digest('base64url'));
    expect(hashesEqual(hashSecret(secret), hashSecret(secret))).toBe(true);
    expect(hashesEqual(hashSecret(secret), hashSecret(generateSecret()))).toBe(false);
    expect(hashesEqual('short', hashSecret(secret))).toBe(false);
  });
});
