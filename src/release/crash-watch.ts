/**
 * Watches a release that just went live: if its processes crash again and again within the crash window,
 * it is rolled back to the release it replaced, with a platform event saying so. A release that passed
 * its boot checks can still fail on its first real traffic or its first job; this catches that.
 */
import type pino from 'pino';
import { errorText } from '../errors.js';
import type { LogBus } from '../logs/log-bus.js';
import type { Fleet } from '../run/fleet.js';
import type { SupervisedProcess, Supervisor } from '../run/supervisor.js';
import type { Settings } from '../settings.js';
import { getApp, type App } from '../store/apps.js';
import type { Db } from '../store/database.js';
import type { Release } from '../store/releases.js';
import type { DeployCounters } from '../telemetry/deploy-counters.js';

/** Crashes within the window that count as a crash loop. */
export const CRASH_LOOP_CRASHES = 3;

/** What the crash watch uses of the platform. */
export interface CrashWatchParts {
  db: Db;
  logs: LogBus;
  logger: pino.Logger;
  fleet: Fleet;
  supervisor: Supervisor;
  deployCounters: DeployCounters;
  settings: Pick<Settings, 'crashWindowMs'>;
}

type RollBack = (app: App, target: Release, reason: string) => Promise<unknown>;

export function watchForCrashLoop(platform: CrashWatchParts, app: App, release: Release, previous: Release | null, rollBack: RollBack): void {
  const windowMs = platform.settings.crashWindowMs;
  if (!previous?.buildId || windowMs <= 0) return;
  let crashes = 0;
  const onCrash = (proc: SupervisedProcess) => {
    if (proc.spec.appId !== app.id || proc.spec.releaseVersion !== release.version) return;
    crashes += 1;
    if (crashes < CRASH_LOOP_CRASHES) return;
    stop();
    const reason = `v${release.version} crashed ${crashes} times within ${windowMs / 1000} s of going live`;
    platform.fleet.exclusive(app.id, async () => {
      // Only roll back what is still live: a newer deploy or a manual rollback already replaced it.
      if (getApp(platform.db, app.name).currentReleaseId !== release.id) return;
      platform.logs.publish(app.name, 'twelve', 'api', `Release ${reason}: rolling back to v${previous.version}`);
      platform.logger.warn({ app: app.name, release: release.version, to: previous.version }, 'crash loop: rolling back');
      platform.deployCounters.rolledBack(app.name, 'automatic');
      await rollBack(app, previous, reason);
    }).catch((error: unknown) => {
      platform.logs.publish(app.name, 'twelve', 'api', `Automatic rollback to v${previous.version} failed: ${errorText(error)}`);
    });
  };
  const timer = setTimeout(() => stop(), windowMs);
  timer.unref();
  function stop(): void {
    clearTimeout(timer);
    platform.supervisor.off('crashed', onCrash);
  }
  platform.supervisor.on('crashed', onCrash);
}
