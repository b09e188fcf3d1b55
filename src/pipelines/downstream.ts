/** Where an app's running build goes when it is promoted: the next stage's apps, and that build itself. */
import { TwelveError } from '../errors.js';
import { getApp } from '../store/apps.js';
import { buildRemovedAt } from '../store/build-retention.js';
import { getBuild, type Build, type BuildManifest } from '../store/builds.js';
import type { Db } from '../store/database.js';
import { nextStage, pipelineMembers, pipelineOf, type PipelineMember, type Stage } from '../store/pipelines.js';
import { getReleaseById, type Release } from '../store/releases.js';

/** The app's stage, the next stage and its apps; NOT_IN_PIPELINE or NO_NEXT_STAGE when there is none. */
export function downstreamOf(platform: { db: Db }, appName: string): { member: PipelineMember; to: Stage; targets: PipelineMember[] } {
  const app = getApp(platform.db, appName);
  const member = pipelineOf(platform.db, app.id);
  if (!member) throw new TwelveError('NOT_IN_PIPELINE', `${appName} is not in a pipeline`);
  const to = nextStage(member.stage);
  if (!to) throw new TwelveError('NO_NEXT_STAGE', `${appName} is in ${member.stage}, the last stage of pipeline ${member.pipeline}`);
  const targets = pipelineMembers(platform.db, member.pipelineId).filter((candidate) => candidate.stage === to);
  if (targets.length === 0) throw new TwelveError('NO_NEXT_STAGE', `pipeline ${member.pipeline} has no app in ${to}`);
  return { member, to, targets };
}

/** The release an app runs now and its finished build, which must still be on disk. */
export function runningBuild(platform: { db: Db }, appName: string): { release: Release; build: Build & { manifest: BuildManifest } } {
  const app = getApp(platform.db, appName);
  if (app.currentReleaseId === null) throw new TwelveError('NO_RELEASE', `${appName} has no release to promote`);
  const release = getReleaseById(platform.db, app.currentReleaseId);
  const build = release.buildId ? getBuild(platform.db, release.buildId) : undefined;
  if (!build?.manifest) throw new TwelveError('NO_RELEASE', `${appName} v${release.version} has no finished build`);
  if (buildRemovedAt(platform.db, build.id) !== null) throw new TwelveError('BUILD_REMOVED', `build ${build.id} was removed by build retention`);
  return { release, build: build as Build & { manifest: BuildManifest } };
}
