/** What every stack's build step is given: where the build is, how to talk, how to run a command. */
import { isAbsolute, join } from 'node:path';
import type { Paths } from '../paths.js';
import type { OutputFn } from './output.js';
import { runCommand } from './run-command.js';

export interface BuildContext {
  app: string;
  buildDir: string;
  /** `<build>/app`: the codebase, where dependencies are installed and processes later run. */
  appDir: string;
  paths: Paths;
  onOutput: OutputFn;
  /** PATH entries the stack has added, in manifest form: relative to the build dir, or absolute. */
  path: string[];
  /** The operator's extra Python interpreters (TWELVE_PYTHON_PATHS). */
  pythonPaths?: string[];
}

/** What a stack's build step found out, for the manifest. */
export interface StackResult {
  runtimes: Record<string, string>;
  /** Used when the app has no Procfile, e.g. Heroku's `web: npm start` for Node. */
  defaultProcessTypes: Record<string, string>;
}

export function resolvePathEntries(buildDir: string, entries: string[]): string[] {
  return entries.map((entry) => (isAbsolute(entry) ? entry : join(buildDir, entry)));
}

/**
 * The environment of build commands: the platform's own without twelve's settings (its API token and
 * secret key must never reach an install script or the build output), with the build's PATH entries
 * first and NODE_ENV removed so that installs include devDependencies, as Heroku's do before pruning.
 */
export function commandEnv(context: BuildContext, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('TWELVE_')) env[key] = value;
  delete env.NODE_ENV;
  const entries = resolvePathEntries(context.buildDir, context.path);
  env.PATH = [...entries, process.env.PATH ?? ''].filter((part) => part !== '').join(':');
  return { ...env, ...extra };
}

/** Runs one build step in the app dir with the build's environment; BUILD_FAILED when it fails. */
export async function runStep(context: BuildContext, step: string, command: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<void> {
  await runCommand({ step, command, args, cwd: context.appDir, env: commandEnv(context, extraEnv), onOutput: context.onOutput });
}
