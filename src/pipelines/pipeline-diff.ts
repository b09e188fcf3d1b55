/**
 * What promoting an app would change downstream: the build and source commit it runs beside those of
 * each app of the next stage. The commits in between are listed by the CLI from a local git clone,
 * since twelve keeps builds, not repositories.
 */
import { getApp } from '../store/apps.js';
import { getBuild } from '../store/builds.js';
import type { Db } from '../store/database.js';
import { getReleaseById } from '../store/releases.js';
import { downstreamOf } from './downstream.js';

export interface RunningBuild { app: string; release: number | null; buildId: string | null; sourceSha: string | null; checksum: string | null }

export function runningBuildOf(platform: { db: Db }, appName: string): RunningBuild {
  const app = getApp(platform.db, appName);
  if (app.currentReleaseId === null) return { app: appName, release: null, buildId: null, sourceSha: null, checksum: null };
  const release = getReleaseById(platform.db, app.currentReleaseId);
  const build = release.buildId ? getBuild(platform.db, release.buildId) : undefined;
  return {
    app: appName, release: release.version, buildId: build?.id ?? null, sourceSha: build?.sourceSha ?? null,
    checksum: build?.manifest?.checksum ?? null,
  };
}

export function pipelineDiff(platform: { db: Db }, appName: string) {
  const { member, to, targets } = downstreamOf(platform, appName);
  const from = runningBuildOf(platform, appName);
  return {
    pipeline: member.pipeline, stage: member.stage, to, from,
    targets: targets.map((target) => {
      const running = runningBuildOf(platform, target.app);
      return { ...running, sameBuild: running.buildId !== null && running.buildId === from.buildId };
    }),
  };
}
