/** The releases table: numbered per app, immutable once made (only the status moves, once). */
import { TwelveError } from '../errors.js';
import { type Db, now } from './database.js';
import { seal, unseal } from './sealing.js';

export type ReleaseStatus = 'pending' | 'succeeded' | 'failed';

export interface Release {
  id: number;
  appId: number;
  version: number;
  buildId: string | null;
  config: Record<string, string>;
  processTypes: Record<string, string>;
  description: string;
  status: ReleaseStatus;
  createdAt: string;
}

interface ReleaseRow {
  id: number; app_id: number; version: number; build_id: string | null; config: string; process_types: string;
  description: string; status: ReleaseStatus; created_at: string;
}

function toRelease(db: Db, row: ReleaseRow): Release {
  return {
    id: row.id, appId: row.app_id, version: row.version, buildId: row.build_id,
    // The config snapshot is sealed as one value: its keys are as private as its values.
    config: JSON.parse(unseal(db, row.config)) as Record<string, string>,
    processTypes: JSON.parse(row.process_types) as Record<string, string>,
    description: row.description, status: row.status, createdAt: row.created_at,
  };
}

/** Release numbers count every release ever made for the app, failed ones included, as Heroku's do. */
export function nextReleaseVersion(existing: number[]): number {
  return existing.length === 0 ? 1 : Math.max(...existing) + 1;
}

export function insertRelease(db: Db, release: {
  appId: number; buildId: string | null; config: Record<string, string>; processTypes: Record<string, string>; description: string;
}): Release {
  const versions = db.prepare('SELECT version FROM releases WHERE app_id = ?').pluck().all(release.appId) as number[];
  const version = nextReleaseVersion(versions);
  const info = db.prepare(`INSERT INTO releases (app_id, version, build_id, config, process_types, description, status, created_at)
    VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)`).run(
    release.appId, version, release.buildId, seal(db, JSON.stringify(release.config)), JSON.stringify(release.processTypes),
    release.description, now(),
  );
  return getReleaseById(db, Number(info.lastInsertRowid));
}

export function setReleaseStatus(db: Db, id: number, status: 'succeeded' | 'failed'): void {
  db.prepare("UPDATE releases SET status = ? WHERE id = ? AND status = 'pending'").run(status, id);
}

export function getReleaseById(db: Db, id: number): Release {
  return toRelease(db, db.prepare('SELECT * FROM releases WHERE id = ?').get(id) as ReleaseRow);
}

export function getRelease(db: Db, appId: number, version: number): Release {
  const row = db.prepare('SELECT * FROM releases WHERE app_id = ? AND version = ?').get(appId, version) as ReleaseRow | undefined;
  if (!row) throw new TwelveError('RELEASE_NOT_FOUND', `no release v${version}`);
  return toRelease(db, row);
}

export function listReleases(db: Db, appId: number): Release[] {
  return (db.prepare('SELECT * FROM releases WHERE app_id = ? ORDER BY version DESC').all(appId) as ReleaseRow[]).map((row) => toRelease(db, row));
}

/** Releases a crash interrupted before they went live: they never served, so they count as failed. */
export function failPendingReleases(db: Db): number {
  return db.prepare("UPDATE releases SET status = 'failed' WHERE status = 'pending'").run().changes;
}
