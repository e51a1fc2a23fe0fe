import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/** The AES-GCM nonce length (NIST SP 800-38D's recommended 96 bits). */
export const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_LENGTH = 8;

interface SealKey {
  readonly id: string;
  readonly key: Buffer;
}

/** The result of opening sealed data. */
export interface Unsealed {
  readonly plaintext: string;
}

/**
 * AES-256-GCM under keys derived (HKDF-SHA-256) from the configured secrets.
 * The first secret seals, every secret opens; the associated data binds a sealed
 * value to its purpose (a record id, a cookie name) so it cannot be moved elsewhere.
 * Keys are derived once, at construction.
 */
export class Keyring {
  readonly #keys: readonly SealKey[];
  readonly #byId: ReadonlyMap<string, SealKey>;

  constructor(secrets: readonly (string | Uint8Array)[], purpose: string) {
    this.#keys = secrets.map((secret) => {
      const ikm = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
      const key = Buffer.from(hkdfSync('sha256', ikm, 'tessera', `tessera/${purpose}/v1`, 32));
      const id = createHash('sha256').update(key).update('key-id').digest('base64url').slice(0, KEY_ID_LENGTH);
      return { id, key };
    });
    this.#byId = new Map(this.#keys.map((key) => [key.id, key]));
  }

  /**
   * Seals `plaintext` with the current key, bound to `associatedData`. `iv`, when given, must be
   * {@link IV_BYTES} fresh bytes from the CSPRNG, never used before (drawn in the same call as a
   * new secret, to save a `randomBytes` call); without it the IV is drawn here.
   */
  seal(plaintext: string, associatedData: string, iv: Uint8Array = randomBytes(IV_BYTES)): string {
    const current = this.#keys[0];
    if (!current) throw new Error('Keyring has no key');
    if (iv.length !== IV_BYTES) throw new RangeError(`Keyring.seal: the IV must be ${IV_BYTES} bytes`);
    const cipher = createCipheriv('aes-256-gcm', current.key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${current.id}.${body.toString('base64url')}`;
  }

  /** Whether `sealed` was sealed with the current (first) secret; `false` means an older one opens it. */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith((this.#keys[0] as SealKey).id);
  }

  /** Opens a sealed value, or returns `null` when no key opens it (tampered, foreign, or from a retired secret). */
  unseal(sealed: string, associatedData: string): Unsealed | null {
    if (sealed.charCodeAt(KEY_ID_LENGTH) !== 46 /* . */) return null;
    const key = this.#byId.get(sealed.slice(0, KEY_ID_LENGTH));
    if (!key) return null;
    const body = Buffer.from(sealed.slice(KEY_ID_LENGTH + 1), 'base64url');
    if (body.length < IV_BYTES + TAG_BYTES) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, body.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      const plaintext = decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES), undefined, 'utf8') + decipher.final('utf8');
      return { plaintext };
    } catch {
      return null;
    }
  }
}
