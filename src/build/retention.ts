/**
 * Build retention: the newest N builds of each app stay on disk so a rollback is instant; older ones are
 * removed. The build of any release still running (in any app: promotion shares builds) or being made,
 * or used by a running one-off, is never removed. A removed build keeps its row, marked removed.
 */
import { existsSync } from 'node:fs';
import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogBus } from '../logs/log-bus.js';
import type { Paths } from '../paths.js';
import type { Settings } from '../settings.js';
import type { App } from '../store/apps.js';
import { buildRetentionOf, buildsInUse, handOverSharedBuilds, markBuildRemoved, ownBuilds } from '../store/build-retention.js';
import { getBuild } from '../store/builds.js';
import type { Db } from '../store/database.js';
import { buildDirOf } from './build-dir.js';

/** What retention uses of the platform. */
export interface RetentionParts {
  db: Db;
  settings: Pick<Settings, 'buildRetention'>;
}

/** What pruning uses: besides retention's, the builds that one-off runs use now. */
export interface PruneParts extends RetentionParts {
  paths: Paths;
  logs: LogBus;
  oneOffs: { buildsInUse(): string[] };
}

export function retentionFor(platform: RetentionParts, app: App): number {
  return buildRetentionOf(platform.db, app.id) ?? platform.settings.buildRetention;
}

/**
 * Which of an app's builds to remove, newest first in `builds`: everything after the newest `keep` kept
 * ones, except builds in use. Failed and already removed builds count for nothing.
 * @example buildsToRemove([{id:'c'},{id:'b'},{id:'a'}] (all succeeded), 1, new Set(['a'])) // ['b']
 */
export function buildsToRemove(builds: Array<{ id: string; status: string; removedAt: string | null }>, keep: number, inUse: ReadonlySet<string>): string[] {
  const present = builds.filter((build) => build.status === 'succeeded' && build.removedAt === null);
  return present.slice(keep).filter((build) => !inUse.has(build.id)).map((build) => build.id);
}

/** Removes the app's builds beyond its retention; returns the ids removed. Run inside the app's exclusive section. */
export async function pruneBuilds(platform: PruneParts, app: App): Promise<string[]> {
  const { db, paths } = platform;
  const inUse = buildsInUse(db);
  for (const id of platform.oneOffs.buildsInUse()) inUse.add(id);
  const removed: string[] = [];
  for (const id of buildsToRemove(ownBuilds(db, app.id), retentionFor(platform, app), inUse)) {
    const manifest = getBuild(db, id)?.manifest;
    // Marked first: a crash halfway leaves a build that is marked removed, never one that is listed but gone.
    markBuildRemoved(db, id);
    if (manifest) await rm(buildDirOf(paths, manifest), { recursive: true, force: true });
    removed.push(id);
  }
  if (removed.length > 0) platform.logs.publish(app.name, 'twelve', 'api', `Removed ${removed.length} old build(s) beyond the ${retentionFor(platform, app)} kept: ${removed.join(', ')}`);
  return removed;
}

/**
 * Deletes an app's files when the app is destroyed: its builds, except those another app's releases
 * use (handed over to that app, left where they are), and the rest of its directory. Call before the
 * app's rows are deleted.
 */
export async function removeAppFiles(platform: { db: Db; paths: Paths }, app: App): Promise<void> {
  const { db, paths } = platform;
  const own = ownBuilds(db, app.id).map((build) => getBuild(db, build.id)?.manifest).filter((m) => m !== undefined && m !== null);
  const keep = new Set(handOverSharedBuilds(db, app.id));
  // Builds handed to this app earlier live under the app that made them: removed one by one.
  for (const manifest of own) if (!keep.has(manifest.buildId)) await rm(buildDirOf(paths, manifest), { recursive: true, force: true });
  const appDir = paths.appDir(app.name);
  if (!existsSync(appDir)) return;
  for (const entry of await readdir(appDir)) {
    if (entry !== 'builds') await rm(join(appDir, entry), { recursive: true, force: true });
  }
  const buildsDir = paths.builds(app.name);
  if (!existsSync(buildsDir)) return;
  for (const entry of await readdir(buildsDir)) {
    if (!keep.has(entry) && !ownedElsewhere(platform, app, entry)) await rm(join(buildsDir, entry), { recursive: true, force: true });
  }
  if ((await readdir(buildsDir)).length === 0) await rm(appDir, { recursive: true, force: true });
}

/** A build dir under this app's name that another app owns (handed over when an earlier app of this name was destroyed). */
function ownedElsewhere(platform: { db: Db }, app: App, buildId: string): boolean {
  const build = getBuild(platform.db, buildId);
  return build !== undefined && build.appId !== app.id && build.status === 'succeeded';
}

/** Bytes a build takes on disk, each file counted once (hard links), runtime links not followed. */
export async function diskUsage(dir: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (path: string): Promise<void> => {
    let stats;
    try {
      stats = await lstat(path);
    } catch {
      return; // removed while it was measured: it takes no room
    }
    const key = `${stats.dev}:${stats.ino}`;
    if (seen.has(key)) return;
    seen.add(key);
    total += stats.blocks * 512;
    if (stats.isDirectory()) for (const name of await readdir(path)) await walk(join(path, name));
  };
  await walk(dir);
  return total;
}
