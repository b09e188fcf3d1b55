/**
 * Config values at rest: AES-256-GCM under a keyring. Each sealed value names the key that sealed it, so
 * a rotation can write the new key beside the old one, re-seal everything, then drop the old key, and a
 * crash at any point leaves every value readable.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from 'node:crypto';
import { TwelveError } from '../errors.js';

/** Marks a sealed value; anything without it is plain text from before encryption (migrated at start). */
export const SEALED_PREFIX = 'tw1:';

export interface SecretKey {
  /** First 8 hex digits of the key's SHA-256: names the key without revealing it. */
  id: string;
  key: Buffer;
}

export function secretKey(key: Buffer): SecretKey {
  if (key.length !== 32) throw new TwelveError('INVALID_SETTING', 'a secret key must be 32 bytes');
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}

export function generateSecretKey(): SecretKey {
  return secretKey(randomBytes(32));
}

/**
 * TWELVE_SECRET_KEY: 64 hex digits or 44 base64 characters are the key itself; any other text is a
 * passphrase stretched with scrypt, so a short one still yields a full-strength key.
 */
export function secretKeyFromText(text: string): SecretKey {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return secretKey(Buffer.from(trimmed, 'hex'));
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const raw = Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64');
    if (raw.length === 32) return secretKey(raw);
  }
  if (trimmed.length < 12) throw new TwelveError('INVALID_SETTING', 'TWELVE_SECRET_KEY must be 64 hex digits, 32 bytes in base64, or a passphrase of at least 12 characters');
  return secretKey(scryptSync(trimmed, 'twelve-config-at-rest', 32));
}

/** The keys a store can read with; the first one seals. */
export class Keyring {
  constructor(readonly keys: SecretKey[]) {
    if (keys.length === 0) throw new TwelveError('INTERNAL', 'a keyring needs at least one key');
  }

  get current(): SecretKey {
    return this.keys[0]!;
  }

  /** `tw1:KEYID:IV.TAG.CIPHERTEXT` in base64url; a fresh 96-bit IV per value. */
  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url'));
    return `${SEALED_PREFIX}${this.current.id}:${parts.join('.')}`;
  }

  /** Plain text stays as it is (rows written before encryption); a sealed value needs its key. */
  open(stored: string): string {
    if (!isSealed(stored)) return stored;
    const [id, rest] = [stored.slice(SEALED_PREFIX.length, SEALED_PREFIX.length + 8), stored.slice(SEALED_PREFIX.length + 9)];
    const key = this.keys.find((candidate) => candidate.id === id);
    if (!key) throw new TwelveError('SECRET_KEY_MISMATCH', `a config value is sealed with key ${id}, which this twelve does not hold`);
    const [iv, tag, body] = rest.split('.').map((part) => Buffer.from(part, 'base64url'));
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, iv!);
      decipher.setAuthTag(tag!);
      return Buffer.concat([decipher.update(body!), decipher.final()]).toString('utf8');
    } catch {
      throw new TwelveError('SECRET_KEY_MISMATCH', `a config value sealed with key ${id} does not open: it was altered`);
    }
  }
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED_PREFIX);
}
