/**
 * `secrets:rotate-key`: a new key seals every config value, release snapshot and addon secret. The key
 * file first holds the new key beside the old one, then the store is re-sealed in one transaction, then
 * the old key is dropped, so a crash at any step leaves everything readable.
 */
import type pino from 'pino';
import type { Paths } from '../paths.js';
import type { Settings } from '../settings.js';
import type { Db } from '../store/database.js';
import { keyringOf, resealAll, useKeyring } from '../store/sealing.js';
import { generateSecretKey, Keyring, secretKeyFromText } from '../store/secret-box.js';
import { writeKeyFile } from './secret-key-file.js';
import { TwelveError } from '../errors.js';

export interface Rotation {
  /** Ids (not the keys) of the old and the new key. */
  from: string;
  to: string;
  resealed: number;
  /** True when the key lives in TWELVE_SECRET_KEY: the operator must set the new one before the next start. */
  restartWithNewKey: boolean;
}

/** What rotation uses of the platform; it sets `settings.secretKey` when the key comes from the environment. */
export interface RotationParts {
  db: Db;
  settings: Pick<Settings, 'secretKey'>;
  paths: Pick<Paths, 'secretKey'>;
  logger: pino.Logger;
}

export function rotateKey(platform: RotationParts, newKeyText?: string): Rotation {
  const { db, settings, paths } = platform;
  const old = keyringOf(db);
  const fromEnv = settings.secretKey !== undefined;
  if (fromEnv && !newKeyText) {
    throw new TwelveError('SECRET_KEY_FROM_ENV', 'the key comes from TWELVE_SECRET_KEY, so twelve cannot keep a new one itself');
  }
  const fresh = newKeyText ? secretKeyFromText(newKeyText) : generateSecretKey();
  const both = new Keyring([fresh, ...old.keys.filter((key) => key.id !== fresh.id)]);
  if (!fromEnv) writeKeyFile(paths.secretKey, both.keys);
  useKeyring(db, both);
  const resealed = resealAll(db);
  if (!fromEnv) writeKeyFile(paths.secretKey, [fresh]);
  useKeyring(db, new Keyring([fresh]));
  if (fromEnv) settings.secretKey = newKeyText;
  platform.logger.info({ from: old.current.id, to: fresh.id, resealed }, 'config key rotated');
  return { from: old.current.id, to: fresh.id, resealed, restartWithNewKey: fromEnv };
}
