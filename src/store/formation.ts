/** The formation table: how many processes of each type the app should run. */
import type { Db } from './database.js';

export type Formation = Record<string, number>;

export function getFormation(db: Db, appId: number): Formation {
  const rows = db.prepare('SELECT type, quantity FROM formation WHERE app_id = ? ORDER BY type').all(appId) as Array<{ type: string; quantity: number }>;
  return Object.fromEntries(rows.map((row) => [row.type, row.quantity]));
}

export function setFormation(db: Db, appId: number, changes: Formation): void {
  const upsert = db.prepare('INSERT INTO formation (app_id, type, quantity) VALUES (?, ?, ?) ON CONFLICT (app_id, type) DO UPDATE SET quantity = excluded.quantity');
  db.transaction(() => {
    for (const [type, quantity] of Object.entries(changes)) upsert.run(appId, type, quantity);
  })();
}

/** The size of each type that was resized (`ps:resize`); the others run at the default size. */
export function getFormationSizes(db: Db, appId: number): Record<string, string> {
  const rows = db.prepare('SELECT type, size FROM formation WHERE app_id = ? AND size IS NOT NULL').all(appId) as Array<{ type: string; size: string }>;
  return Object.fromEntries(rows.map((row) => [row.type, row.size]));
}

/** Sets the size of types; a type never scaled keeps Heroku's default quantity (web=1, others 0). */
export function setFormationSizes(db: Db, appId: number, sizes: Record<string, string>): void {
  const upsert = db.prepare(`INSERT INTO formation (app_id, type, quantity, size) VALUES (?, ?, CASE WHEN ? = 'web' THEN 1 ELSE 0 END, ?)
    ON CONFLICT (app_id, type) DO UPDATE SET size = excluded.size`);
  db.transaction(() => {
    for (const [type, size] of Object.entries(sizes)) upsert.run(appId, type, type, size);
  })();
}

/**
 * The formation a release runs with: Heroku's defaults (web=1, every other type 0) for types the app has
 * never scaled, the stored quantity for the rest; types the release does not declare are left out.
 */
export function formationForRelease(stored: Formation, processTypes: Record<string, string>): Formation {
  const result: Formation = {};
  for (const type of Object.keys(processTypes)) {
    // `release` is the release phase's command (src/release/release-phase.ts): it runs once per release, never as a process.
    if (type === 'release') continue;
    result[type] = stored[type] ?? (type === 'web' ? 1 : 0);
  }
  return result;
}
