/** The environment a release's process starts with: the release's config on a clean base, never twelve's own. */
import { delimiter } from 'node:path';

/** What a process may inherit from twelve's environment: locale and time zone, nothing secret. */
const INHERITED = ['LANG', 'LC_ALL', 'TZ'];
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function processEnv(options: {
  config: Record<string, string>;
  pathEntries: string[];
  home: string;
  app: string;
  releaseVersion: number;
  parentEnv?: Record<string, string | undefined>;
}): Record<string, string> {
  const parent = options.parentEnv ?? process.env;
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, {
    HOME: options.home,
    // Like Heroku's dyno metadata: lets an app say which release it is without being told by config.
    TWELVE_APP: options.app,
    TWELVE_RELEASE_VERSION: `v${options.releaseVersion}`,
  });
  Object.assign(env, options.config);
  env.PATH = [...options.pathEntries, options.config.PATH ?? SYSTEM_PATH].join(delimiter);
  return env;
}
