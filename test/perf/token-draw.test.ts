import { describe, expect, it } from 'vitest';
import { Keyring } from '../../src/core/seal.js';
import { formatToken, generateSecretWithIv, generateTokenWithIv, parseToken } from '../../src/core/token.js';

describe('generateTokenWithIv (one CSPRNG call for a new session)', () => {
  it('gives a 128-bit id, a 256-bit secret, base64url, in the token shape, and a 96-bit IV', () => {
    const { id, secret, iv } = generateTokenWithIv();
    expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(iv).toHaveLength(12);
    expect(parseToken(formatToken(id, secret))).toEqual({ id, secret });
  });

  it('never repeats an id, a secret or an IV, and never reuses bytes across the parts', () => {
    const draws = Array.from({ length: 10_000 }, generateTokenWithIv);
    expect(new Set(draws.map((draw) => draw.id)).size).toBe(10_000);
    expect(new Set(draws.map((draw) => draw.secret)).size).toBe(10_000);
    expect(new Set(draws.map((draw) => draw.iv.toString('hex'))).size).toBe(10_000);
    for (const { id, secret, iv } of draws.slice(0, 100)) {
      expect(secret.includes(id)).toBe(false);
      expect(secret.includes(iv.toString('base64url'))).toBe(false);
      expect(Buffer.from(secret, 'base64url').includes(iv)).toBe(false);
      expect(Buffer.from(id, 'base64url').includes(iv)).toBe(false);
    }
  });
});

describe('generateSecretWithIv (one CSPRNG call for a new secret and its re-seal)', () => {
  it('gives a 256-bit secret and a 96-bit IV that never repeat nor overlap', () => {
    const draws = Array.from({ length: 10_000 }, generateSecretWithIv);
    expect(new Set(draws.map((draw) => draw.secret)).size).toBe(10_000);
    expect(new Set(draws.map((draw) => draw.iv.toString('hex'))).size).toBe(10_000);
    for (const { secret, iv } of draws.slice(0, 100)) {
      expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
      expect(iv).toHaveLength(12);
      expect(Buffer.from(secret, 'base64url').includes(iv)).toBe(false);
    }
  });

  it('the sealed value carries the drawn IV, and the keyring refuses an IV of another length', () => {
    const keyring = new Keyring(['token-draw-test-secret-0123456789abcdef0123'], 'session-data');
    const { iv } = generateSecretWithIv();
    const sealed = keyring.seal('{"d":{}}', 'record-id', iv);
    expect(Buffer.from(sealed.slice(9), 'base64url').subarray(0, 12).equals(iv)).toBe(true);
    expect(keyring.unseal(sealed, 'record-id')?.plaintext).toBe('{"d":{}}');
    expect(() => keyring.seal('{"d":{}}', 'record-id', iv.subarray(0, 8))).toThrow(RangeError);
  });
});
