/**
 * How a process of a release is set up, the same for a process of the formation, the release command
 * and a one-off: where it runs, its environment (process-env.ts), its sandbox, and its size's limits.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { buildPathEntries } from '../build/build-app.js';
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

/**
 * What a build's processes must read outside /app: a runtime kept beside the app (builds made before
 * runtimes moved into app/.heroku) and the interpreter a Python virtualenv was made from.
 */
export function runtimeDirs(buildDir: string, appDir: string): string[] {
  const dirs: string[] = [];
  if (existsSync(join(buildDir, 'runtime'))) dirs.push(join(buildDir, 'runtime'));
  const interpreter = venvInterpreterPrefix(join(appDir, '.venv', 'pyvenv.cfg'));
  if (interpreter) dirs.push(interpreter);
  return dirs;
}

/** pyvenv.cfg's `home` is the interpreter's bin directory; its parent is the prefix with the standard library. */
function venvInterpreterPrefix(file: string): string | null {
  if (!existsSync(file)) return null;
  const home = /^home\s*=\s*(.+)$/m.exec(readFileSync(file, 'utf8'))?.[1]?.trim();
  if (!home || home.startsWith('/usr/') || home === '/usr') return null; // the system's, seen through /usr already
  return dirname(home);
}
