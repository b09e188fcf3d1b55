/**
 * Promotion: the exact build running in an app (same build id, same files, same checksum: never a
 * rebuild) becomes a new release in every app of the pipeline's next stage, each with its own config and
 * through its own release phase and boot checks. Apps are released in parallel, each under its own lock;
 * one that refuses (missing required config, a failing release command) does not stop the others.
 */
import { asTwelveError, TwelveError } from '../errors.js';
import type { Platform } from '../platform.js';
import { releaseAndGoLive } from '../release/go-live.js';
import { getApp } from '../store/apps.js';
import { buildRemovedAt } from '../store/build-retention.js';
import { getBuild, type Build, type BuildManifest } from '../store/builds.js';
import { nextStage, pipelineMembers, pipelineOf, type PipelineMember, type Stage } from '../store/pipelines.js';
import { getReleaseById, type Release } from '../store/releases.js';

export interface PromotionOutcome {
  app: string;
  release: Release | null;
  error: ReturnType<TwelveError['toJSON']> | null;
}

export interface Promotion {
  pipeline: string;
  from: { app: string; stage: Stage; release: Release; build: Build };
  to: Stage;
  outcomes: PromotionOutcome[];
}

/** The app's stage, the next stage and its apps; NOT_IN_PIPELINE or NO_NEXT_STAGE when there is none. */
export function downstreamOf(platform: Platform, appName: string): { member: PipelineMember; to: Stage; targets: PipelineMember[] } {
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
export function runningBuild(platform: Platform, appName: string): { release: Release; build: Build & { manifest: BuildManifest } } {
  const app = getApp(platform.db, appName);
  if (app.currentReleaseId === null) throw new TwelveError('NO_RELEASE', `${appName} has no release to promote`);
  const release = getReleaseById(platform.db, app.currentReleaseId);
  const build = release.buildId ? getBuild(platform.db, release.buildId) : undefined;
  if (!build?.manifest) throw new TwelveError('NO_RELEASE', `${appName} v${release.version} has no finished build`);
  if (buildRemovedAt(platform.db, build.id) !== null) throw new TwelveError('BUILD_REMOVED', `build ${build.id} was removed by build retention`);
  return { release, build: build as Build & { manifest: BuildManifest } };
}

export async function promote(platform: Platform, appName: string): Promise<Promotion> {
  const { member, to, targets } = downstreamOf(platform, appName);
  const { release, build } = runningBuild(platform, appName);
  platform.logs.publish(appName, 'twelve', 'api', `Promoting v${release.version} (build ${build.id}) to ${to}: ${targets.map((t) => t.app).join(', ')}`);
  const outcomes = await Promise.all(targets.map(async (target): Promise<PromotionOutcome> => {
    const targetApp = getApp(platform.db, target.app);
    try {
      const made = await platform.fleet.exclusive(targetApp.id, () => releaseAndGoLive(platform, getApp(platform.db, target.app), {
        buildId: build.id, processTypes: build.manifest.processTypes,
        description: `Promote ${appName} v${release.version} (build ${build.id})`,
      }));
      return { app: target.app, release: made, error: null };
    } catch (error) {
      const twelveError = asTwelveError(error, `the promotion to ${target.app} failed inside twelve`);
      if (twelveError.code === 'INTERNAL') platform.logger.error({ err: error, app: target.app }, 'promotion crashed');
      return { app: target.app, release: null, error: twelveError.toJSON() };
    }
  }));
  return { pipeline: member.pipeline, from: { app: appName, stage: member.stage, release, build }, to, outcomes };
}
