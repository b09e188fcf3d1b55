/** The apps table. */
import { TwelveError } from '../errors.js';
import { type Db, now } from './database.js';

export interface App {
  id: number;
  name: string;
  /** The release whose processes serve the app; null until the first deploy goes live. */
  currentReleaseId: number | null;
  createdAt: string;
}

interface AppRow { id: number; name: string; current_release_id: number | null; created_at: string }

function toApp(row: AppRow): App {
  return { id: row.id, name: row.name, currentReleaseId: row.current_release_id, createdAt: row.created_at };
}

export function insertApp(db: Db, name: string): App {
  try {
    const info = db.prepare('INSERT INTO apps (name, created_at) VALUES (?, ?)').run(name, now());
    return getAppById(db, Number(info.lastInsertRowid));
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
      throw new TwelveError('APP_EXISTS', `an app named ${name} already exists`);
    }
    throw error;
  }
}

/**
 * Gives the app a new name, with the names stored beside it: each build's manifest names the app whose
 * directory holds it (other apps of a pipeline may run it), and metric points are kept by app name.
 */
export function renameAppRows(db: Db, appId: number, oldName: string, newName: string): void {
  db.transaction(() => {
    try {
      db.prepare('UPDATE apps SET name = ? WHERE id = ?').run(newName, appId);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new TwelveError('APP_EXISTS', `an app named ${newName} already exists`);
      throw error;
    }
    db.prepare("UPDATE builds SET manifest = json_set(manifest, '$.app', ?) WHERE manifest IS NOT NULL AND json_extract(manifest, '$.app') = ?").run(newName, oldName);
    db.prepare('UPDATE metric_points SET app = ? WHERE app = ?').run(newName, oldName);
  })();
}

export function listApps(db: Db): App[] {
  return (db.prepare('SELECT * FROM apps ORDER BY name').all() as AppRow[]).map(toApp);
}

export function findApp(db: Db, name: string): App | undefined {
  const row = db.prepare('SELECT * FROM apps WHERE name = ?').get(name) as AppRow | undefined;
  return row && toApp(row);
}

export function getApp(db: Db, name: string): App {
  const app = findApp(db, name);
  if (!app) throw new TwelveError('APP_NOT_FOUND', `no app named ${name}`);
  return app;
}

export function getAppById(db: Db, id: number): App {
  return toApp(db.prepare('SELECT * FROM apps WHERE id = ?').get(id) as AppRow);
}

export function setCurrentRelease(db: Db, appId: number, releaseId: number): void {
  db.prepare('UPDATE apps SET current_release_id = ? WHERE id = ?').run(releaseId, appId);
}

export function deleteApp(db: Db, appId: number): void {
  db.transaction(() => {
    db.prepare('DELETE FROM processes WHERE app_id = ?').run(appId);
    db.prepare('UPDATE apps SET current_release_id = NULL WHERE id = ?').run(appId);
    db.prepare('DELETE FROM releases WHERE app_id = ?').run(appId);
    db.prepare('DELETE FROM apps WHERE id = ?').run(appId);
  })();
}
