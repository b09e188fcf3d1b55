/**
 * Making a release and putting it live. A release row is written as `pending` in one transaction with
 * any config change; it becomes `succeeded` and current only after all its processes are up. If they do
 * not come up, it is marked `failed`, the config change is undone and the previous release keeps serving.
 */
import { settleReleaseConfig } from '../config/release-config.js';
import { getApp, setCurrentRelease, type App } from '../store/apps.js';
import { applyConfigChanges, getConfig, replaceConfig } from '../store/config-vars.js';
import { watchForCrashLoop, type CrashWatchParts } from './crash-watch.js';
import { WAITING_TEXT } from '../run/up-check.js';
import { runReleasePhase, type ReleasePhaseParts } from './release-phase.js';
import { insertRelease, setReleaseStatus, getReleaseById, type Release } from '../store/releases.js';

/** What making a release and putting it live uses of the platform. */
export type GoLiveParts = ReleasePhaseParts & CrashWatchParts;

export interface ReleaseInput {
  buildId: string;
  processTypes: Record<string, string>;
  description: string;
  /** Changes to the app's config that this release carries (config:set, rollback). */
  configChanges?: Record<string, string | null>;
  /** Replace the whole config (rollback restores the old release's config). */
  config?: Record<string, string>;
  /** Roll back automatically if it crash-loops after going live (not for an automatic rollback itself). */
  watchCrashes?: boolean;
  /** Output of the release phase as it is written (the deploy stream shows it). */
  onOutput?: (line: string) => void;
  /** Called when the release phase is over and the release's processes start (the deploy's "run" stage). */
  onRun?: () => void;
}

/** Must run inside `platform.fleet.exclusive(app.id, ...)`. */
export async function releaseAndGoLive(platform: GoLiveParts, app: App, input: ReleaseInput): Promise<Release> {
  const { db, logs } = platform;
  const started = performance.now();
  const previousConfig = getConfig(db, app.id);
  const release = db.transaction(() => {
    if (input.config) replaceConfig(db, app.id, input.config);
    if (input.configChanges) applyConfigChanges(db, app.id, input.configChanges);
    return insertRelease(db, {
      // app.json's defaults fill in and its required keys are checked before any row exists.
      appId: app.id, buildId: input.buildId, config: settleReleaseConfig(db, app.id, input.buildId),
      processTypes: input.processTypes, description: input.description,
    });
  })();
  logs.publish(app.name, 'twelve', 'api', `Release v${release.version} created: ${release.description}`);
  try {
    await runReleasePhase(platform, app, release, input.onOutput);
    input.onRun?.();
    // A slow boot is shown as it waits, not as a minute of silence.
    const onOutput = input.onOutput;
    const unsubscribe = onOutput
      ? logs.subscribe(app.name, (event) => { if (event.source === 'twelve' && event.text.startsWith(WAITING_TEXT)) onOutput(`       ${event.process}: ${event.text}`); })
      : () => {};
    try {
      await platform.fleet.rollout(app, release);
    } finally {
      unsubscribe();
    }
  } catch (error) {
    db.transaction(() => {
      setReleaseStatus(db, release.id, 'failed');
      replaceConfig(db, app.id, previousConfig);
    })();
    logs.publish(app.name, 'twelve', 'api', `Release v${release.version} failed; the previous release keeps running`);
    platform.deployCounters.released(app.name, 'failed', (performance.now() - started) / 1000);
    throw error;
  }
  // Read now, inside the app's lock: the caller's App row may predate a release made while it built.
  const currentId = getApp(db, app.name).currentReleaseId;
  const previous = currentId === null ? null : getReleaseById(db, currentId);
  db.transaction(() => {
    setReleaseStatus(db, release.id, 'succeeded');
    setCurrentRelease(db, app.id, release.id);
  })();
  logs.publish(app.name, 'twelve', 'api', `Release v${release.version} is live`);
  platform.deployCounters.released(app.name, 'succeeded', (performance.now() - started) / 1000);
  if (input.watchCrashes !== false) {
    watchForCrashLoop(platform, app, release, previous, (a, target, reason) => releaseAndGoLive(platform, { ...a, currentReleaseId: release.id }, {
      buildId: target.buildId!, processTypes: target.processTypes, config: target.config,
      description: `Auto-rollback to v${target.version} (${reason})`, watchCrashes: false,
    }));
  }
  return getReleaseById(db, release.id);
}
