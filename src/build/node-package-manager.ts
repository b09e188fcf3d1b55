/**
 * npm, yarn (classic and berry) or pnpm, as Heroku's Node buildpack tells them apart: by lockfile, with
 * the version package.json pins (`packageManager`, else engines.yarn/engines.pnpm). Pure: what to run,
 * as argument arrays; node-stack.ts runs them.
 */
import semver from 'semver';
import { TwelveError } from '../errors.js';

export type PackageManagerName = 'npm' | 'yarn' | 'pnpm';

export interface PackageManager {
  name: PackageManagerName;
  /** What corepack is asked to run (`yarn@1.22.22`, `pnpm@9.1.0+sha512...`); undefined for npm. */
  spec?: string;
  lockfile?: string;
  /** yarn 2 and later, whose commands differ from yarn 1's. */
  berry: boolean;
}

export const LOCKFILES: Record<PackageManagerName, string[]> = {
  npm: ['npm-shrinkwrap.json', 'package-lock.json'],
  yarn: ['yarn.lock'],
  pnpm: ['pnpm-lock.yaml'],
};

/** Heroku's default yarn for an app that pins none. */
const DEFAULT_YARN = '1.22.22';

interface PackageFields {
  packageManager?: unknown;
  engines?: { yarn?: unknown; pnpm?: unknown };
}

/**
 * @example choosePackageManager(['yarn.lock'], {}) // { name: 'yarn', spec: 'yarn@1.22.22', lockfile: 'yarn.lock', berry: false }
 */
export function choosePackageManager(files: ReadonlySet<string>, pkg: PackageFields): PackageManager {
  const locked = (Object.keys(LOCKFILES) as PackageManagerName[])
    .map((name) => ({ name, lockfile: LOCKFILES[name].find((file) => files.has(file)) }))
    .filter((found): found is { name: PackageManagerName; lockfile: string } => found.lockfile !== undefined);
  const declared = typeof pkg.packageManager === 'string' ? /^(npm|yarn|pnpm)@(.+)$/.exec(pkg.packageManager.trim()) : null;
  if (locked.length > 1 && !declared) {
    throw new TwelveError('BUILD_FAILED', `two package managers' lockfiles are in the codebase (${locked.map((l) => l.lockfile).join(' and ')}): remove the one the app does not use, or name the manager in package.json's "packageManager"`, { step: 'detect package manager', exitCode: null });
  }
  const name = (declared?.[1] as PackageManagerName | undefined) ?? locked[0]?.name ?? 'npm';
  const lockfile = locked.find((l) => l.name === name)?.lockfile;
  if (name === 'npm') return { name, lockfile, berry: false };
  const pinned = declared?.[2] ?? stringOr(pkg.engines?.[name]);
  const spec = pinned !== undefined ? `${name}@${pinned}` : name === 'yarn' ? `yarn@${DEFAULT_YARN}` : 'pnpm';
  const major = pinned === undefined ? (name === 'yarn' ? 1 : undefined) : semver.minVersion(pinned.split('+')[0]!)?.major;
  return { name, spec, lockfile, berry: name === 'yarn' && major !== undefined && major >= 2 };
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The install, devDependencies included (they are pruned after the build). */
export function installArgs(pm: PackageManager): string[] {
  const locked = pm.lockfile !== undefined;
  if (pm.name === 'npm') return [locked ? 'ci' : 'install'];
  if (pm.name === 'pnpm') return locked ? ['install', '--frozen-lockfile'] : ['install'];
  if (pm.berry) return locked ? ['install', '--immutable'] : ['install'];
  return ['install', '--production=false', '--ignore-engines', ...(locked ? ['--frozen-lockfile'] : [])];
}

export function runScriptArgs(script: string): string[] {
  return ['run', script];
}

/**
 * The command that removes devDependencies after the build, or a reason there is none. yarn 2 and 3
 * need the workspace-tools plugin for it (built into yarn 4), as on Heroku.
 */
export function pruneArgs(pm: PackageManager, npmVersion: string, yarnrc: string): string[] | { skipped: string } {
  if (pm.name === 'npm') return semver.major(npmVersion) >= 7 ? ['prune', '--omit=dev'] : ['prune', '--production'];
  if (pm.name === 'pnpm') return ['prune', '--prod'];
  if (!pm.berry) return ['install', '--production', '--ignore-engines', '--ignore-scripts', '--prefer-offline', ...(pm.lockfile ? ['--frozen-lockfile'] : [])];
  const major = semver.minVersion(pm.spec!.replace(/^yarn@/, '').split('+')[0]!)?.major ?? 4;
  if (major >= 4 || yarnrc.includes('workspace-tools')) return ['workspaces', 'focus', '--all', '--production'];
  return { skipped: `yarn ${major} prunes only with the workspace-tools plugin (yarn plugin import workspace-tools): devDependencies kept` };
}

/** Heroku's opt-outs from pruning, read from the environment the build steps are given. */
export function pruningOptOut(pm: PackageManager, env: NodeJS.ProcessEnv): string | undefined {
  const is = (key: string, value: string): boolean => (env[key] ?? env[key.toLowerCase()])?.toLowerCase() === value;
  if (is('NPM_CONFIG_PRODUCTION', 'false')) return 'NPM_CONFIG_PRODUCTION=false';
  if (pm.name === 'yarn' && !pm.berry && is('YARN_PRODUCTION', 'false')) return 'YARN_PRODUCTION=false';
  if (pm.berry && is('YARN2_SKIP_PRUNING', 'true')) return 'YARN2_SKIP_PRUNING=true';
  if (pm.name === 'pnpm' && is('PNPM_SKIP_PRUNING', 'true')) return 'PNPM_SKIP_PRUNING=true';
  return undefined;
}
