/** Rollback: a new release made from an earlier release's build and config, as Heroku's rollback does. */
import { TwelveError } from '../errors.js';
import { getApp } from '../store/apps.js';
import { getRelease, getReleaseById, listReleases, type Release } from '../store/releases.js';
import { releaseAndGoLive, type GoLiveParts } from '../release/go-live.js';

/** The release a bare `rollback` returns to: the newest succeeded release before the current one. */
export function rollbackTarget(releases: Release[], currentVersion: number): Release | undefined {
  return releases
    .filter((release) => release.version < currentVersion && release.status === 'succeeded' && release.buildId !== null)
    .sort((a, b) => b.version - a.version)[0];
}

export async function rollback(platform: GoLiveParts, appName: string, version?: number): Promise<Release> {
  const app = getApp(platform.db, appName);
  return platform.fleet.exclusive(app.id, async () => {
    const current = getApp(platform.db, appName).currentReleaseId;
    if (current === null) throw new TwelveError('NO_RELEASE', `${appName} has no release to roll back from`);
    const currentRelease = getReleaseById(platform.db, current);
    const target = version === undefined
      ? rollbackTarget(listReleases(platform.db, app.id), currentRelease.version)
      : getRelease(platform.db, app.id, version);
    if (!target?.buildId) {
      throw new TwelveError('RELEASE_NOT_FOUND', version === undefined ? 'there is no earlier release to roll back to' : `v${version} has no build to roll back to`);
    }
    platform.deployCounters.rolledBack(app.name, 'manual');
    return releaseAndGoLive(platform, app, {
      buildId: target.buildId, processTypes: target.processTypes, config: target.config,
      description: `Rollback to v${target.version}`,
    });
  });
}
