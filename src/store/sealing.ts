/**
 * Which keyring seals a store's secrets (config vars, release snapshots, addon passwords, drain URLs). The platform
 * attaches one when it opens the store; an in-memory store (unit tests) gets a throwaway key of its own.
 */
import { TwelveError } from '../errors.js';
import { generateSecretKey, isSealed, Keyring } from './secret-box.js';
import type { Db } from './database.js';

const keyrings = new WeakMap<Db, Keyring>();

export function useKeyring(db: Db, keyring: Keyring): void {
  keyrings.set(db, keyring);
}

export function keyringOf(db: Db): Keyring {
  let keyring = keyrings.get(db);
  if (!keyring && db.memory) {
    keyring = new Keyring([generateSecretKey()]);
    keyrings.set(db, keyring);
  }
  if (!keyring) throw new TwelveError('INTERNAL', 'the store was opened without a secret key (call useKeyring)');
  return keyring;
}

export function seal(db: Db, plain: string): string {
  return keyringOf(db).seal(plain);
}

export function unseal(db: Db, stored: string): string {
  return keyringOf(db).open(stored);
}

/** The sealed columns: table, key columns, value column. Rotation and the plain-text migration walk them. */
const SEALED_COLUMNS: ReadonlyArray<{ table: string; keys: string[]; column: string }> = [
  { table: 'config_vars', keys: ['app_id', 'key'], column: 'value' },
  { table: 'releases', keys: ['id'], column: 'config' },
  { table: 'addons', keys: ['id'], column: 'secret' },
  { table: 'certificates', keys: ['id'], column: 'key' },
  { table: 'platform_secrets', keys: ['name'], column: 'value' },
  // A drain's URL may carry a password (https://user:pass@host/...).
  { table: 'drains', keys: ['id'], column: 'url' },
];

/**
 * Re-seals every secret with the keyring's current key: values sealed with another key, and plain text
 * written before encryption existed. Returns how many values changed. One transaction: all or nothing.
 */
export function resealAll(db: Db, options: { onlyPlain?: boolean } = {}): number {
  const keyring = keyringOf(db);
  const current = `tw1:${keyring.current.id}:`;
  let changed = 0;
  db.transaction(() => {
    for (const { table, keys, column } of SEALED_COLUMNS) {
      const rows = db.prepare(`SELECT ${[...keys, column].join(', ')} FROM ${table} WHERE ${column} IS NOT NULL`).all() as Array<Record<string, unknown>>;
      const update = db.prepare(`UPDATE ${table} SET ${column} = ? WHERE ${keys.map((key) => `${key} = ?`).join(' AND ')}`);
      for (const row of rows) {
        const stored = row[column] as string;
        // Opening every value also proves at start that this twelve holds the keys that sealed the store.
        const plain = keyring.open(stored);
        if (stored.startsWith(current) || (options.onlyPlain && isSealed(stored))) continue;
        update.run(keyring.seal(plain), ...keys.map((key) => row[key]));
        changed += 1;
      }
    }
  })();
  return changed;
}
