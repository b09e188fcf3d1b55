/**
 * Promotion: the exact build running in an app (same build id, same files, same checksum: never a
 * rebuild) becomes a new release in every app of the pipeline's next stage, each with its own config and
 * through its own release phase and boot checks. Apps are released in parallel, each under its own lock;
 * one that refuses (missing required config, a failing release command) does not stop the others.
 */
import { asTwelveError, type TwelveError } from '../errors.js';
import { downstreamOf, runningBuild } from '../pipelines/downstream.js';
import { releaseAndGoLive, type GoLiveParts } from '../release/go-live.js';
import { getApp } from '../store/apps.js';
import type { Build } from '../store/builds.js';
import type { Stage } from '../store/pipelines.js';
import type { Release } from '../store/releases.js';

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

export async function promote(platform: GoLiveParts, appName: string): Promise<Promotion> {
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
