/**
 * Making a release and putting it live. A release row is written as `pending` in one transaction with
 * any config change; it becomes `succeeded` and current only after all its processes are up. If they do
 * not come up, it is marked `failed`, the config change is undone and the previous release keeps serving.
 */
import type { Platform } from '../platform.js';
import { setCurrentRelease, type App } from '../store/apps.js';
import { applyConfigChanges, getConfig, replaceConfig } from '../store/config-vars.js';
import { insertRelease, setReleaseStatus, getReleaseById, type Release } from '../store/releases.js';

export interface ReleaseInput {
  buildId: string;
  processTypes: Record<string, string>;
  description: string;
  /** Changes to the app's config that this release carries (config:set, rollback). */
  configChanges?: Record<string, string | null>;
  /** Replace the whole config (rollback restores the old release's config). */
  config?: Record<string, string>;
}

/** Must run inside `platform.fleet.exclusive(app.id, ...)`. */
export async function releaseAndGoLive(platform: Platform, app: App, input: ReleaseInput): Promise<Release> {
  const { db, logs } = platform;
  const previousConfig = getConfig(db, app.id);
  const release = db.transaction(() => {
    if (input.config) replaceConfig(db, app.id, input.config);
    if (input.configChanges) applyConfigChanges(db, app.id, input.configChanges);
    return insertRelease(db, {
      appId: app.id, buildId: input.buildId, config: getConfig(db, app.id),
      processTypes: input.processTypes, description: input.description,
    });
  })();
  logs.publish(app.name, 'twelve', 'api', `Release v${release.version} created: ${release.description}`);
  try {
    await platform.fleet.rollout(app, release);
  } catch (error) {
    db.transaction(() => {
      setReleaseStatus(db, release.id, 'failed');
      replaceConfig(db, app.id, previousConfig);
    })();
    logs.publish(app.name, 'twelve', 'api', `Release v${release.version} failed; the previous release keeps running`);
    throw error;
  }
  db.transaction(() => {
    setReleaseStatus(db, release.id, 'succeeded');
    setCurrentRelease(db, app.id, release.id);
  })();
  logs.publish(app.name, 'twelve', 'api', `Release v${release.version} is live`);
  return getReleaseById(db, release.id);
}
