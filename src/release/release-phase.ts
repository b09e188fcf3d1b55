/**
 * The release phase: the Procfile's `release` command (a migration, say) runs once per release, in the
 * new build with the new config, before any process of the release starts. A non-zero exit or a run past
 * TWELVE_RELEASE_TIMEOUT refuses the release, so the running one keeps serving. Its output is in the
 * app's log stream as `release.1` and, during a deploy, in the deploy's output.
 */
import { TwelveError } from '../errors.js';
import type { LogBus } from '../logs/log-bus.js';
import { seconds } from '../run/boot-failure.js';
import type { OneOffs } from '../run/one-offs.js';
import { exitStatus } from '../run/process-run.js';
import type { Settings } from '../settings.js';
import type { App } from '../store/apps.js';
import type { Db } from '../store/database.js';
import { buildRemovedAt } from '../store/build-retention.js';
import type { Release } from '../store/releases.js';

/** What the release phase uses of the platform. */
export interface ReleasePhaseParts {
  db: Db;
  logs: LogBus;
  oneOffs: OneOffs;
  settings: Pick<Settings, 'releaseTimeoutMs'>;
}

/** The Procfile type that is the release command, never run as a formation process. */
export const RELEASE_TYPE = 'release';

/** The release command of a release, if its Procfile declares one. */
export function releaseCommand(processTypes: Record<string, string>): string | undefined {
  return processTypes[RELEASE_TYPE];
}

/**
 * Runs the release command of `release` when there is one; resolves when it exited 0, throws
 * RELEASE_PHASE_FAILED (with its last output lines) otherwise. Must run inside the app's exclusive section.
 */
export async function runReleasePhase(platform: ReleasePhaseParts, app: App, release: Release, onOutput?: (line: string) => void): Promise<void> {
  assertBuildPresent(platform, release);
  const command = releaseCommand(release.processTypes);
  if (command === undefined) return;
  const say = (text: string) => {
    platform.logs.publish(app.name, 'twelve', 'api', text);
    onOutput?.(`-----> ${text}`);
  };
  say(`Running release command for v${release.version}: ${command}`);
  const { proc } = platform.oneOffs.create(app, release, {
    type: 'release', command, attach: false, hooks: { onLine: (line) => onOutput?.(`       ${line}`) },
  });
  const timeoutMs = platform.settings.releaseTimeoutMs;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.log.say(`Release command timed out after ${seconds(timeoutMs)}`);
    void proc.stop();
  }, timeoutMs);
  const exit = await proc.done.finally(() => clearTimeout(timer));
  const status = exitStatus(exit);
  const details = { process: proc.name, status, lastLines: [...proc.log.lastLines] };
  if (timedOut) {
    throw new TwelveError('RELEASE_PHASE_FAILED', `the release command \`${command}\` ran longer than ${seconds(timeoutMs)} and was stopped; v${release.version} is refused`, details);
  }
  if (status !== 0) {
    throw new TwelveError('RELEASE_PHASE_FAILED', `the release command \`${command}\` exited with status ${status}; v${release.version} is refused`, details);
  }
  say('Release command succeeded');
}

/** A release of a build that retention removed cannot start: say so before anything else is tried. */
function assertBuildPresent(platform: { db: Db }, release: Release): void {
  if (release.buildId !== null && buildRemovedAt(platform.db, release.buildId) !== null) {
    throw new TwelveError('BUILD_REMOVED', `build ${release.buildId} of v${release.version} was removed by build retention`);
  }
}
