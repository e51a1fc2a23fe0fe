import { describe, expect, it } from 'vitest';
import { Keyring } from '../../src/core/seal.js';

const K1 = 'first-secret-first-secret-first-secret!';
const K2 = 'second-secret-second-secret-second-secret';

describe('Keyring (AES-256-GCM at rest)', () => {
  it('round-trips and never stores the plaintext', () => {
    const ring = new Keyring([K1], 'session-data');
    const sealed = ring.seal('{"cart":["apple"]}', 'id-1');
    expect(sealed).not.toContain('apple');
    expect(ring.unseal(sealed, 'id-1')).toEqual({ plaintext: '{"cart":["apple"]}' });
  });

  it('binds data to its record id', () => {
    const ring = new Keyring([K1], 'session-data');
    expect(ring.unseal(ring.seal('x', 'id-1'), 'id-2')).toBeNull();
  });

  it('rejects tampering anywhere in the sealed value', () => {
    const ring = new Keyring([K1], 'session-data');
    const sealed = ring.seal('hello world', 'id');
    for (let i = 0; i < sealed.length; i++) {
      const flipped = sealed.slice(0, i) + (sealed[i] === 'A' ? 'B' : 'A') + sealed.slice(i + 1);
      if (flipped !== sealed) expect(ring.unseal(flipped, 'id')).toBeNull();
    }
    expect(ring.unseal('', 'id')).toBeNull();
    expect(ring.unseal('garbage', 'id')).toBeNull();
  });

  it('opens data sealed with an older secret; drops it when the secret is retired', () => {
    const old = new Keyring([K1], 'session-data').seal('data', 'id');
    expect(new Keyring([K2, K1], 'session-data').unseal(old, 'id')).toEqual({ plaintext: 'data' });
    expect(new Keyring([K2], 'session-data').unseal(old, 'id')).toBeNull();
  });

  it('derives different keys for different purposes', () => {
    const sealed = new Keyring([K1], 'session-data').seal('data', 'id');
    expect(new Keyring([K1], 'cookie').unseal(sealed, 'id')).toBeNull();
  });
});
