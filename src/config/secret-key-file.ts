/**
 * Where the config key lives: TWELVE_SECRET_KEY, or DATA_DIR/secret-key (mode 0600), generated at first
 * start. The file holds one key per line, newest first; two lines only while a rotation is under way.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateSecretKey, Keyring, secretKey, secretKeyFromText, type SecretKey } from '../store/secret-box.js';

function readKeyFile(file: string): SecretKey[] {
  try {
    return readFileSync(file, 'utf8').split('\n').map((line) => line.trim()).filter(Boolean)
      .map((line) => secretKey(Buffer.from(line, 'base64')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Replaces the key file atomically, so a crash leaves either the old file or the new one. */
export function writeKeyFile(file: string, keys: SecretKey[]): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const next = `${file}.next`;
  writeFileSync(next, keys.map((key) => `${key.key.toString('base64')}\n`).join(''), { mode: 0o600 });
  renameSync(next, file);
}

export function loadKeyring(file: string, fromSettings: string | undefined): Keyring {
  if (fromSettings) return new Keyring([secretKeyFromText(fromSettings)]);
  const keys = readKeyFile(file);
  if (keys.length > 0) return new Keyring(keys);
  const created = generateSecretKey();
  writeKeyFile(file, [created]);
  return new Keyring([created]);
}
