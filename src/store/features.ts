/** The app_features table: which per-app features (src/config/features.ts) are on; a row means on. */
import { type Db, now } from './database.js';

export function enabledFeatures(db: Db, appId: number): Set<string> {
  return new Set(db.prepare('SELECT name FROM app_features WHERE app_id = ?').pluck().all(appId) as string[]);
}

export function setFeature(db: Db, appId: number, name: string, enabled: boolean): void {
  if (enabled) db.prepare('INSERT OR IGNORE INTO app_features (app_id, name, enabled_at) VALUES (?, ?, ?)').run(appId, name, now());
  else db.prepare('DELETE FROM app_features WHERE app_id = ? AND name = ?').run(appId, name);
}

/** Names and ids of the apps that have the feature on. */
export function appsWithFeature(db: Db, name: string): Array<{ id: number; name: string }> {
  return db.prepare('SELECT apps.id, apps.name FROM app_features JOIN apps ON apps.id = app_features.app_id WHERE app_features.name = ?').all(name) as Array<{ id: number; name: string }>;
}
