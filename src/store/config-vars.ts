/** The config_vars table: the app's current config, which the next release snapshots; values sealed at rest. */
import type { Db } from './database.js';
import { seal, unseal } from './sealing.js';

export function getConfig(db: Db, appId: number): Record<string, string> {
  const rows = db.prepare('SELECT key, value FROM config_vars WHERE app_id = ? ORDER BY key').all(appId) as Array<{ key: string; value: string }>;
  return Object.fromEntries(rows.map((row) => [row.key, unseal(db, row.value)]));
}

/** Sets (string) and unsets (null) keys; the caller wraps this in the transaction that makes the release. */
export function applyConfigChanges(db: Db, appId: number, changes: Record<string, string | null>): void {
  const set = db.prepare('INSERT INTO config_vars (app_id, key, value) VALUES (?, ?, ?) ON CONFLICT (app_id, key) DO UPDATE SET value = excluded.value');
  const unset = db.prepare('DELETE FROM config_vars WHERE app_id = ? AND key = ?');
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) unset.run(appId, key);
    else set.run(appId, key, seal(db, value));
  }
}

/** Puts back a config snapshot exactly (used when a config release is refused). */
export function replaceConfig(db: Db, appId: number, config: Record<string, string>): void {
  db.prepare('DELETE FROM config_vars WHERE app_id = ?').run(appId);
  applyConfigChanges(db, appId, config);
}

/** The keys alone, for views that must never carry values (parity). */
export function getConfigKeys(db: Db, appId: number): string[] {
  return db.prepare('SELECT key FROM config_vars WHERE app_id = ? ORDER BY key').pluck().all(appId) as string[];
}
