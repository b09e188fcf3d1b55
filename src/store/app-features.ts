/** The app_features table: per-app switches (force-https, hsts) that `features:enable` turns on. */
import type { Db } from './database.js';

export function listFeatures(db: Db, appId: number): string[] {
  return db.prepare('SELECT name FROM app_features WHERE app_id = ? ORDER BY name').pluck().all(appId) as string[];
}

export function setFeature(db: Db, appId: number, name: string, enabled: boolean): void {
  if (enabled) db.prepare('INSERT OR IGNORE INTO app_features (app_id, name) VALUES (?, ?)').run(appId, name);
  else db.prepare('DELETE FROM app_features WHERE app_id = ? AND name = ?').run(appId, name);
}
