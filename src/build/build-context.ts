/** What every stack's build step is given: where the build is, how to talk, how to run a command. */
import { isAbsolute, join } from 'node:path';
import type { Paths } from '../paths.js';
import { type SandboxSpec, SYSTEM_PATH } from '../sandbox/sandbox-argv.js';
import type { OutputFn } from './output.js';
import { captureCommand, runCommand } from './run-command.js';

export interface BuildContext {
  app: string;
  buildDir: string;
  /** `<build>/app`: the codebase, where dependencies are installed and processes later run. */
  appDir: string;
  paths: Paths;
  onOutput: OutputFn;
  /** PATH entries the stack has added, in manifest form: relative to the build dir, or absolute. */
  path: string[];
  /** The environment every step starts from (build-env.ts); PATH is added per step. */
  env: Record<string, string>;
  /** Where the steps see the app (/app in the sandbox) and the app's dependency cache (/cache). */
  stepAppDir: string;
  stepCacheDir: string;
  /** Host directories outside the build that steps must read: an interpreter's prefix a stack chose (read-only in the sandbox). */
  readOnly: string[];
  /** The operator's extra Python interpreters (TWELVE_PYTHON_PATHS). */
  pythonPaths?: string[];
  /** The sandbox of a step, made for each (what it may read grows as the build installs runtimes); null when off. */
  sandboxFor: () => SandboxSpec | null;
}

/** What a stack's build step found out, for the manifest. */
export interface StackResult {
  runtimes: Record<string, string>;
  /** Used when the app has no Procfile, e.g. Heroku's `web: npm start` for Node. */
  defaultProcessTypes: Record<string, string>;
}

/**
 * The manifest's PATH entries as a process sees them: `app/...` under `appRoot` (/app in the sandbox), any
 * other relative one under the build directory, absolute ones as they are.
 */
export function resolvePathEntries(buildDir: string, entries: string[], appRoot = join(buildDir, 'app')): string[] {
  return entries.map((entry) => {
    if (isAbsolute(entry)) return entry;
    return entry === 'app' || entry.startsWith('app/') ? join(appRoot, entry.slice(3)) : join(buildDir, entry);
  });
}

/** The environment of a build step: the build's own (build-env.ts), the build's PATH entries first. */
export function commandEnv(context: BuildContext, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const entries = resolvePathEntries(context.buildDir, context.path, context.stepAppDir);
  return { ...context.env, PATH: [...entries, SYSTEM_PATH].join(':'), ...extra };
}

/** A path of the build or the cache as the steps see it. */
export function stepPath(context: BuildContext, hostPath: string): string {
  if (hostPath === context.appDir || hostPath.startsWith(`${context.appDir}/`)) return context.stepAppDir + hostPath.slice(context.appDir.length);
  const cache = context.paths.buildCache(context.app);
  if (hostPath === cache || hostPath.startsWith(`${cache}/`)) return context.stepCacheDir + hostPath.slice(cache.length);
  return hostPath;
}

/** Runs one build step in the app dir, in the build's sandbox, with the build's environment; BUILD_FAILED when it fails. */
export async function runStep(context: BuildContext, step: string, command: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<void> {
  const sandbox = context.sandboxFor();
  await runCommand({ step, command, args, cwd: context.appDir, env: commandEnv(context, extraEnv), onOutput: context.onOutput, ...(sandbox ? { sandbox } : {}) });
}

/** Runs a command of the app's build for its output (a version), as a step runs. */
export async function captureStep(context: BuildContext, command: string, args: string[]): Promise<string> {
  const sandbox = context.sandboxFor();
  return captureCommand(command, args, { cwd: context.appDir, env: commandEnv(context), ...(sandbox ? { sandbox } : {}) });
}
