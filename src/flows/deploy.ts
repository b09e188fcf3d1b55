/**
 * The deploy pipeline, top to bottom: receive the codebase, build it, make a release, run its processes,
 * route to them and retire the old ones. Each stage is announced so the CLI can say where it is.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { buildApp } from '../build/build-app.js';
import { openBuildOutputFile } from '../build/build-output-file.js';
import { warning } from '../build/output.js';
import { pruneBuilds, type PruneParts } from '../build/retention.js';
import { errorText, isTwelveError, TwelveError } from '../errors.js';
import { releaseAndGoLive, type GoLiveParts } from '../release/go-live.js';
import type { Paths } from '../paths.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import type { Settings } from '../settings.js';
import { findApp, getApp } from '../store/apps.js';
import { getConfig } from '../store/config-vars.js';
import { insertBuild, markBuildFailed, markBuildSucceeded } from '../store/builds.js';
import type { Release } from '../store/releases.js';

/** What a deploy uses of the platform: a build's, a release's and retention's parts. */
export type DeployParts = GoLiveParts & PruneParts & {
  paths: Paths;
  sandbox: Sandbox;
  settings: Pick<Settings, 'maxSourceBytes' | 'maxSourceEntries' | 'buildEnv' | 'pythonPaths'>;
};

export type DeployStage = 'build' | 'release' | 'run';

export interface DeployOptions {
  app: string;
  /** The codebase as a gzipped tar, files at the archive root. */
  source: NodeJS.ReadableStream;
  sourceSha: string | null;
  onStage: (stage: DeployStage) => void;
  onOutput: (line: string) => void;
}

/** Build ids sort by time, so a directory listing reads oldest first. */
export function newBuildId(date = new Date()): string {
  return `${date.toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
}

export async function deploy(platform: DeployParts, options: DeployOptions): Promise<Release> {
  const { db, logs, paths } = platform;
  const app = getApp(db, options.app);

  options.onStage('build');
  const buildId = newBuildId();
  insertBuild(db, { id: buildId, appId: app.id, sourceSha: options.sourceSha });
  logs.publish(app.name, 'twelve', 'api', `Build ${buildId} started${options.sourceSha ? ` from ${options.sourceSha.slice(0, 7)}` : ''}`);
  const kept = await openBuildOutputFile(paths, app.name, buildId, (error) => platform.logger.warn({ err: error, app: app.name, buildId }, 'could not keep the build\'s output'));
  const onOutput = (line: string) => {
    kept.line(line);
    options.onOutput(line);
  };
  let manifest;
  const buildStarted = performance.now();
  const buildSeconds = () => (performance.now() - buildStarted) / 1000;
  try {
    manifest = await buildApp({
      app: app.name, appId: app.id, buildId, source: options.source, sourceSha: options.sourceSha, paths,
      sourceLimits: { maxBytes: platform.settings.maxSourceBytes, maxEntries: platform.settings.maxSourceEntries },
      onOutput, config: getConfig(db, app.id), operatorEnv: platform.settings.buildEnv, sandbox: platform.sandbox,
      pythonPaths: platform.settings.pythonPaths,
    });
  } catch (error) {
    const message = errorText(error);
    kept.line(warning(message));
    await kept.close();
    markBuildFailed(db, buildId, message);
    platform.deployCounters.built(app.name, 'failed', buildSeconds());
    logs.publish(app.name, 'twelve', 'api', `Build ${buildId} failed: ${message}`);
    if (!isTwelveError(error)) platform.logger.error({ err: error, app: app.name, buildId }, 'build crashed');
    throw error;
  }
  await kept.close();
  markBuildSucceeded(db, buildId, manifest);
  platform.deployCounters.built(app.name, 'succeeded', buildSeconds());
  logs.publish(app.name, 'twelve', 'api', `Build ${buildId} succeeded`);

  return platform.fleet.exclusive(app.id, async () => {
    // The app may have been destroyed while it built (destroy takes the lock, the build does not).
    if (findApp(db, app.name)?.id !== app.id) {
      await rm(paths.build(app.name, buildId), { recursive: true, force: true });
      throw new TwelveError('APP_NOT_FOUND', `${app.name} was destroyed while it built; nothing was released`);
    }
    options.onStage('release');
    const description = `Deploy ${options.sourceSha ? options.sourceSha.slice(0, 7) : buildId}`;
    const release = await releaseAndGoLive(platform, app, {
      buildId, processTypes: manifest.processTypes, description, onOutput: options.onOutput, onRun: () => options.onStage('run'),
    });
    // Retention runs once the new release serves, so the build it replaced is still there for a rollback.
    await pruneBuilds(platform, app).catch((error: unknown) => platform.logger.warn({ err: error, app: app.name }, 'could not remove old builds'));
    return release;
  });
}
