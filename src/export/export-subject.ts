/** What every export starts from: one release of an app, its finished build and where the build is. */
import { existsSync } from 'node:fs';
import { buildDirOf } from '../build/build-dir.js';
import { TwelveError } from '../errors.js';
import type { Paths } from '../paths.js';
import { type App, getApp } from '../store/apps.js';
import { buildRemovedAt } from '../store/build-retention.js';
import { type BuildManifest, getBuild } from '../store/builds.js';
import type { Db } from '../store/database.js';
import { getRelease, getReleaseById, type Release } from '../store/releases.js';

export interface ExportSubject {
  app: App;
  release: Release;
  manifest: BuildManifest;
  buildDir: string;
}

/** The release `version` of the app (its current release when undefined), with its build on disk. */
export function exportSubject(db: Db, paths: Paths, appName: string, version?: number): ExportSubject {
  const app = getApp(db, appName);
  let release: Release;
  if (version !== undefined) release = getRelease(db, app.id, version);
  else if (app.currentReleaseId !== null) release = getReleaseById(db, app.currentReleaseId);
  else throw new TwelveError('NO_RELEASE', `${app.name} has no release to export`);
  const build = release.buildId ? getBuild(db, release.buildId) : undefined;
  if (!build?.manifest) throw new TwelveError('NO_RELEASE', `release v${release.version} has no finished build`);
  const buildDir = buildDirOf(paths, build.manifest);
  if (buildRemovedAt(db, build.id) !== null || !existsSync(buildDir)) {
    throw new TwelveError('BUILD_REMOVED', `build ${build.id} of release v${release.version} was removed by build retention`);
  }
  return { app, release, manifest: build.manifest, buildDir };
}
