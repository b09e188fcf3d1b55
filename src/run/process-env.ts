/**
 * The environment a release's process starts with (a process of the formation, the release command, a
 * one-off): the contract in docs/environment.md. Nothing of twelve's own environment reaches it.
 */
import { delimiter } from 'node:path';
import { SYSTEM_PATH } from '../sandbox/sandbox-argv.js';
import { type ProcessSize, webConcurrency } from './process-size.js';


export interface ProcessEnvOptions {
  config: Record<string, string>;
  /** PATH entries of the build, as the process sees them. */
  pathEntries: string[];
  /** `/app` in the sandbox; the build's app directory without it. */
  home: string;
  app: string;
  releaseVersion: number;
  /** The stacks the build installed (its manifest's runtimes): their defaults apply. */
  stacks: readonly string[];
  size: ProcessSize;
  cpus: number;
}

/** What each stack's Heroku buildpack sets for a dyno; the app's config overrides any of them. */
export function stackDefaults(stacks: readonly string[], home: string): Record<string, string> {
  const env: Record<string, string> = {};
  if (stacks.includes('node')) env.NODE_ENV = 'production';
  if (stacks.includes('python')) {
    Object.assign(env, { PYTHONUNBUFFERED: 'true', PYTHONHASHSEED: 'random', PYTHONPATH: home });
  }
  return env;
}

export function processEnv(options: ProcessEnvOptions): Record<string, string> {
  const env: Record<string, string> = {
    HOME: options.home,
    LANG: 'en_US.UTF-8',
    WEB_CONCURRENCY: String(webConcurrency(options.size, options.cpus, options.stacks)),
    ...stackDefaults(options.stacks, options.home),
    // Like Heroku's dyno metadata: lets an app say which release it is without being told by config.
    TWELVE_APP: options.app,
    TWELVE_RELEASE_VERSION: `v${options.releaseVersion}`,
    MEMORY_AVAILABLE: String(options.size.memoryMb),
  };
  Object.assign(env, options.config);
  env.PATH = [...options.pathEntries, options.config.PATH ?? SYSTEM_PATH].join(delimiter);
  return env;
}
