/**
 * GET /v1/apps/:app/factors: the twelve-factor report on the app's current release (its build's code) and
 * twelve's records of its processes; POST .../factors/measure adds a measured run of a web process
 * (docs/factors.md).
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildDirOf } from '../build/build-dir.js';
import { readEnvSchema } from '../config/env-schema.js';
import { TwelveError } from '../errors.js';
import { measuredFindings, recordFindings } from '../factors/app-findings.js';
import { configRunFindings } from '../factors/config-runs.js';
import { measureRun, type MeasureSpec } from '../factors/measure-run.js';
import { withFindings, type FactorsReport, type ProcessRecord } from '../factors/report.js';
import { checkCodebaseOffThread } from '../factors/static-report.js';
import type { Platform } from '../platform.js';
import { readStartTicks } from '../launch/proc-stat.js';
import { processArgv, processCwd } from '../run/process-spec.js';
import { DEFAULT_SIZE, findSize } from '../run/process-size.js';
import { setUpReleaseProcess } from '../run/release-process.js';
import { getApp } from '../store/apps.js';
import { getBuild, type BuildManifest } from '../store/builds.js';
import { getFormationSizes } from '../store/formation.js';
import { forgetProcess, recordProcess } from '../store/processes.js';
import { getReleaseById, type Release } from '../store/releases.js';

type AppParams = { Params: { app: string } };

interface Deployed { app: ReturnType<typeof getApp>; release: Release; manifest: BuildManifest; buildDir: string }

function deployed(platform: Platform, name: string): Deployed {
  const app = getApp(platform.db, name);
  if (app.currentReleaseId === null) throw new TwelveError('NO_RELEASE', `${app.name} has no release to report on`);
  const release = getReleaseById(platform.db, app.currentReleaseId);
  const manifest = release.buildId ? getBuild(platform.db, release.buildId)?.manifest ?? null : null;
  const buildDir = manifest ? buildDirOf(platform.paths, manifest) : null;
  if (!manifest || !buildDir || !existsSync(join(buildDir, 'app'))) {
    throw new TwelveError('BUILD_REMOVED', `the build of ${app.name} v${release.version} is gone`);
  }
  return { app, release, manifest, buildDir };
}

async function appReport(platform: Platform, target: Deployed): Promise<FactorsReport> {
  const { app, release, manifest, buildDir } = target;
  const report = await checkCodebaseOffThread(join(buildDir, 'app'), {
    origin: { kind: 'build', sourceSha: manifest.sourceSha }, subject: `${app.name} v${release.version}`,
  });
  const records: ProcessRecord[] = platform.fleet.processes(app.id).map((proc) => ({
    name: proc.name, state: proc.state, bootMs: proc.bootMs, restarts: proc.restarts, lastExit: proc.lastExit,
  }));
  return { ...withFindings(report, recordFindings(records)), records };
}

/** In the processes table while it runs, as `measure.1`, so that a twelve killed meanwhile stops it at its next start. */
function recordedAs(platform: Platform, appId: number, releaseVersion: number): Pick<MeasureSpec, 'onSpawn' | 'onGone'> {
  const id = randomUUID();
  return {
    onSpawn: (pid) => recordProcess(platform.db, { id, appId, releaseVersion, type: 'measure', number: 1, pid, startTicks: readStartTicks(pid), port: null }),
    onGone: () => forgetProcess(platform.db, id),
  };
}

export function registerFactorsRoutes(server: FastifyInstance, platform: Platform): void {
  server.get<AppParams & { Reply: FactorsReport }>('/v1/apps/:app/factors', async (request) => appReport(platform, deployed(platform, request.params.app)));

  server.post<AppParams & { Reply: FactorsReport }>('/v1/apps/:app/factors/measure', async (request) => {
    const target = deployed(platform, request.params.app);
    const command = target.release.processTypes.web;
    if (!command) throw new TwelveError('NO_WEB_PROCESS', `${target.app.name} v${target.release.version} has no web process to measure`);
    const { app, release, manifest, buildDir } = target;
    const size = findSize(getFormationSizes(platform.db, app.id).web ?? DEFAULT_SIZE);
    const setup = setUpReleaseProcess(platform.sandbox, { app, release, manifest, buildDir, size });
    const { file, args } = processArgv({ command, profile: setup.profile, ...(setup.sandbox ? { sandbox: setup.sandbox } : {}) });
    const { bootTimeoutMs, stopTimeoutMs } = platform.settings;
    const spec: MeasureSpec = {
      file, args, spawnCwd: processCwd({ cwd: setup.cwd, ...(setup.sandbox ? { sandbox: setup.sandbox } : {}) }), appDir: setup.cwd,
      sandboxed: setup.sandbox !== undefined, env: setup.env, bootTimeoutMs, stopTimeoutMs,
      ...recordedAs(platform, app.id, release.version),
    };
    // What the app printed stays in its log stream; the report keeps the figures.
    const { outputTail: _printed, ...measured } = await measureRun(spec);
    const config = await configRunFindings(spec, readEnvSchema(manifest.appJson));
    const report = await appReport(platform, target);
    const findings = measuredFindings(measured, stopTimeoutMs);
    findings.set(3, config);
    return { ...withFindings(report, findings), measured };
  });
}
