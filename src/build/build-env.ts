/**
 * The environment every build step starts from: the contract in docs/environment.md. The app's config
 * as it is when the build starts, the operator's declared build settings, and a few build variables;
 * nothing else of twelve's own environment.
 */

/** Config a build never takes from the app, as Heroku's buildpacks skip them: they would break the build's tools. */
const NOT_FROM_CONFIG = new Set(['PATH', 'GIT_DIR', 'CPATH', 'CPPATH', 'LD_PRELOAD', 'LIBRARY_PATH', 'LD_LIBRARY_PATH']);

export interface BuildEnvOptions {
  /** The app's config when the build starts. */
  config: Record<string, string>;
  /** TWELVE_BUILD_ENV: a package mirror, a proxy, a CA file. */
  operator: Record<string, string>;
  /** Where the build sees its app: /app in the sandbox. */
  home: string;
  /** Where the build sees its dependency cache: /cache in the sandbox. */
  cacheDir: string;
  app: string;
  sourceSha: string | null;
}

export function buildEnv(options: BuildEnvOptions): Record<string, string> {
  const env: Record<string, string> = {
    HOME: options.home,
    LANG: 'C.UTF-8',
    STACK: 'twelve',
    CACHE_DIR: options.cacheDir,
    TWELVE_APP: options.app,
    ...(options.sourceSha ? { SOURCE_VERSION: options.sourceSha } : {}),
    ...options.operator,
  };
  for (const [key, value] of Object.entries(options.config)) if (!NOT_FROM_CONFIG.has(key)) env[key] = value;
  return env;
}
