/** The builds table: one row per build attempt; the manifest is written when a build succeeds. */
import { type Db, now } from './database.js';

export type Stack = 'node' | 'python' | 'procfile';

/** What a finished build is: recorded in the store and as manifest.json beside the build's files. */
export interface BuildManifest {
  buildId: string;
  app: string;
  /** The first (or only) stack that built the app. */
  stack: Stack;
  /** Every stack that built the app, in build order; absent in manifests written before several stacks could build one app. */
  stacks?: Stack[];
  /** Runtime name to exact version, e.g. { node: '20.11.0' } or { python: '3.11.7' }. */
  runtimes: Record<string, string>;
  /** Commit the source came from, when it came from a git work tree. */
  sourceSha: string | null;
  /** sha256 over the build's file tree (paths, modes and contents). */
  checksum: string;
  /** Process types from the Procfile, or the stack's default web command. */
  processTypes: Record<string, string>;
  /** Directories to put first on PATH for the build and every process: relative to the build dir (app/.heroku/node/bin, app/.heroku/npm/bin, app/node_modules/.bin, app/.venv/bin; builds before 2026-12 say runtime/node/bin) or absolute (the machine's Node). */
  path: string[];
  /** app.json as the codebase declared it (env, formation, scripts, healthcheck), or null without one. */
  appJson?: Record<string, unknown> | null;
  createdAt: string;
}

export type BuildStatus = 'building' | 'succeeded' | 'failed';

export interface Build {
  id: string;
  appId: number;
  status: BuildStatus;
  sourceSha: string | null;
  manifest: BuildManifest | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

interface BuildRow {
  id: string; app_id: number; status: BuildStatus; source_sha: string | null; manifest: string | null;
  error: string | null; created_at: string; finished_at: string | null;
}

function toBuild(row: BuildRow): Build {
  return {
    id: row.id, appId: row.app_id, status: row.status, sourceSha: row.source_sha,
    manifest: row.manifest ? (JSON.parse(row.manifest) as BuildManifest) : null,
    error: row.error, createdAt: row.created_at, finishedAt: row.finished_at,
  };
}

export function insertBuild(db: Db, build: { id: string; appId: number; sourceSha: string | null }): void {
  db.prepare("INSERT INTO builds (id, app_id, status, source_sha, created_at) VALUES (?, ?, 'building', ?, ?)")
    .run(build.id, build.appId, build.sourceSha, now());
}

export function markBuildSucceeded(db: Db, id: string, manifest: BuildManifest): void {
  db.prepare("UPDATE builds SET status = 'succeeded', manifest = ?, finished_at = ? WHERE id = ?")
    .run(JSON.stringify(manifest), now(), id);
}

export function markBuildFailed(db: Db, id: string, error: string): void {
  db.prepare("UPDATE builds SET status = 'failed', error = ?, finished_at = ? WHERE id = ?").run(error, now(), id);
}

export function getBuild(db: Db, id: string): Build | undefined {
  const row = db.prepare('SELECT * FROM builds WHERE id = ?').get(id) as BuildRow | undefined;
  return row && toBuild(row);
}

export function listBuilds(db: Db, appId: number): Build[] {
  return (db.prepare('SELECT * FROM builds WHERE app_id = ? ORDER BY created_at DESC, rowid DESC').all(appId) as BuildRow[]).map(toBuild);
}

/** Builds a crash interrupted: they never finished, so they count as failed. Returns them for clean-up. */
export function failInterruptedBuilds(db: Db): Array<{ id: string; app: string }> {
  const rows = db.prepare("SELECT builds.id AS id, apps.name AS app FROM builds JOIN apps ON apps.id = builds.app_id WHERE status = 'building'").all() as Array<{ id: string; app: string }>;
  db.prepare("UPDATE builds SET status = 'failed', error = 'interrupted by a restart of twelve', finished_at = ? WHERE status = 'building'").run(now());
  return rows;
}
