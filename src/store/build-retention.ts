/**
 * What build retention and shared builds need from the store: which builds an app has (its own and the
 * ones promoted into it), which are in use anywhere, the per-app retention, and marking a build removed.
 */
import type { Db } from './database.js';
import { now } from './database.js';

export interface KeptBuild { id: string; appId: number; status: string; removedAt: string | null; createdAt: string }

/** The app's own setting, or null when it follows TWELVE_BUILD_RETENTION. */
export function buildRetentionOf(db: Db, appId: number): number | null {
  return (db.prepare('SELECT build_retention FROM apps WHERE id = ?').pluck().get(appId) as number | null | undefined) ?? null;
}

export function setBuildRetention(db: Db, appId: number, keep: number | null): void {
  db.prepare('UPDATE apps SET build_retention = ? WHERE id = ?').run(keep, appId);
}

/** The builds the app made itself, newest first (candidates for removal). */
export function ownBuilds(db: Db, appId: number): KeptBuild[] {
  return db.prepare(`SELECT id, app_id AS appId, status, removed_at AS removedAt, created_at AS createdAt FROM builds
    WHERE app_id = ? ORDER BY created_at DESC, rowid DESC`).all(appId) as KeptBuild[];
}

/** Ids of the builds promoted into the app from another one (its releases use them, it did not build them). */
export function promotedBuildIds(db: Db, appId: number): string[] {
  return db.prepare(`SELECT DISTINCT r.build_id FROM releases r JOIN builds b ON b.id = r.build_id
    WHERE r.app_id = ? AND b.app_id != ?`).pluck().all(appId, appId) as string[];
}

/**
 * Builds nothing may remove: the build of every app's current release (a pipeline's apps included, so a
 * build promoted downstream stays while it runs there) and of every release still being made.
 */
export function buildsInUse(db: Db): Set<string> {
  const ids = db.prepare(`SELECT r.build_id FROM releases r LEFT JOIN apps a ON a.current_release_id = r.id
    WHERE r.build_id IS NOT NULL AND (a.id IS NOT NULL OR r.status = 'pending')`).pluck().all() as string[];
  return new Set(ids);
}

export function markBuildRemoved(db: Db, id: string): void {
  db.prepare('UPDATE builds SET removed_at = ? WHERE id = ? AND removed_at IS NULL').run(now(), id);
}

export function buildRemovedAt(db: Db, id: string): string | null {
  return (db.prepare('SELECT removed_at FROM builds WHERE id = ?').pluck().get(id) as string | null | undefined) ?? null;
}

/**
 * Before an app is deleted: each of its builds that another app's releases use is handed to that app, so
 * deleting the app's rows does not pull the build from under it. Returns the ids handed over, whose
 * files must stay where they are (a build's files never move: virtualenvs hold absolute paths).
 */
export function handOverSharedBuilds(db: Db, appId: number): string[] {
  const shared = db.prepare(`SELECT b.id AS id, MIN(r.app_id) AS heir FROM builds b JOIN releases r ON r.build_id = b.id
    WHERE b.app_id = ? AND r.app_id != ? GROUP BY b.id`).all(appId, appId) as Array<{ id: string; heir: number }>;
  const update = db.prepare('UPDATE builds SET app_id = ? WHERE id = ?');
  db.transaction(() => { for (const row of shared) update.run(row.heir, row.id); })();
  return shared.map((row) => row.id);
}
