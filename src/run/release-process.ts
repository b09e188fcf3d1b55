/**
 * How a process of a release is set up, the same for a process of the formation, the release command
 * and a one-off: where it runs, its environment (process-env.ts), its sandbox, and its size's limits.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { buildPathEntries } from '../build/build-app.js';
import { runtimeDirs } from '../build/build-dir.js';
import { APP_PATH, type SandboxSpec } from '../sandbox/sandbox-argv.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import type { BuildManifest } from '../store/builds.js';
import { processEnv } from './process-env.js';
import type { ProcessSize } from './process-size.js';

export interface ReleaseProcessSetup {
  /** The build's app directory on this machine. */
  cwd: string;
  env: Record<string, string>;
  profile: boolean;
  sandbox?: SandboxSpec;
  limits: { memoryMb: number; maxTasks: number };
}

export interface ReleaseProcessInput {
  app: { name: string; id: number };
  release: { version: number; config: Record<string, string> };
  manifest: BuildManifest;
  buildDir: string;
  size: ProcessSize;
}

export function setUpReleaseProcess(sandbox: Sandbox, input: ReleaseProcessInput): ReleaseProcessSetup {
  const { app, release, manifest, buildDir, size } = input;
  const cwd = join(buildDir, 'app');
  const spec = sandbox.specFor(app, { appDir: cwd, writable: false, readOnly: runtimeDirs(buildDir, cwd) });
  const home = spec ? APP_PATH : cwd;
  const env = processEnv({
    config: release.config, pathEntries: buildPathEntries(buildDir, manifest, home), home,
    app: app.name, releaseVersion: release.version, stacks: Object.keys(manifest.runtimes), size, cpus: availableParallelism(),
  });
  return {
    cwd, env,
    profile: existsSync(join(cwd, '.profile')) || existsSync(join(cwd, '.profile.d')),
    ...(spec ? { sandbox: spec } : {}),
    limits: { memoryMb: size.memoryMb, maxTasks: size.maxTasks },
  };
}
