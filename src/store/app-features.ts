/** The app_features table: per-app switches that `features:enable` turns on (docs/https.md). */
import { TwelveError } from '../errors.js';
import type { Db } from './database.js';

/** The features a user may switch, and what each does. */
export const FEATURES: Readonly<Record<string, string>> = {
  'force-https': 'plain HTTP requests get a 308 to the same URL over https (ACME challenges excepted)',
  hsts: 'https answers carry Strict-Transport-Security: max-age=31536000',
};

export function listFeatures(db: Db, appId: number): string[] {
  return db.prepare('SELECT name FROM app_features WHERE app_id = ? ORDER BY name').pluck().all(appId) as string[];
}

export function setFeature(db: Db, appId: number, name: string, enabled: boolean): void {
  if (!Object.hasOwn(FEATURES, name)) throw new TwelveError('UNKNOWN_FEATURE', `there is no feature ${name} (there are ${Object.keys(FEATURES).join(', ')})`);
  if (enabled) db.prepare('INSERT OR IGNORE INTO app_features (app_id, name) VALUES (?, ?)').run(appId, name);
  else db.prepare('DELETE FROM app_features WHERE app_id = ? AND name = ?').run(appId, name);
}

/** The router's https switches for the app (route-table.ts's HttpsPolicy). */
export function httpsSwitches(db: Db, appId: number): { forceHttps: boolean; hsts: boolean } {
  const enabled = listFeatures(db, appId);
  return { forceHttps: enabled.includes('force-https'), hsts: enabled.includes('hsts') };
}
