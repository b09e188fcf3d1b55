/**
 * The build, read top to bottom: extract the source, detect the stack, install its runtime and
 * dependencies, then write the manifest that makes the build directory a finished, immutable build.
 */
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errorText, TwelveError } from '../errors.js';
import type { Paths } from '../paths.js';
import type { BuildManifest, Stack } from '../store/builds.js';
import { type BuildContext, resolvePathEntries, type StackResult } from './build-context.js';
import { parseHealthcheck } from './healthcheck.js';
import { parseMetricsPath } from './metrics-path.js';
import { readAppJson } from './app-json.js';
import { ChecksumWorker } from './checksum.js';
import { detectStacks, stackName } from './detect.js';
import { buildNode } from './node-stack.js';
import { indent, topic, warning } from './output.js';
import { parseProcfile } from './procfile.js';
import { buildPython } from './python-stack.js';
import { extractSource, type SourceLimits } from './source.js';
import { buildEnv } from './build-env.js';
import { captureCommand } from './run-command.js';
import { runtimeDirs } from './build-dir.js';
import { APP_PATH, CACHE_PATH } from '../sandbox/sandbox-argv.js';
import type { Sandbox } from '../sandbox/sandbox.js';

export interface BuildOptions {
  app: string;
  appId: number;
  buildId: string;
  /** The codebase as a gzipped tar, files at the archive root. */
  source: NodeJS.ReadableStream;
  sourceSha: string | null;
  /** Caps on the upload and the unpacked archive (TWELVE_MAX_SOURCE_MB, TWELVE_MAX_SOURCE_ENTRIES). */
  sourceLimits?: SourceLimits;
  paths: Paths;
  /** Every line of build output, as it is written. */
  onOutput: (line: string) => void;
  /** The app's config when the build starts: every step sees it (docs/environment.md). */
  config: Record<string, string>;
  /** TWELVE_BUILD_ENV. */
  operatorEnv: Record<string, string>;
  sandbox: Sandbox;
  /** The operator's extra Python interpreters (settings.pythonPaths). */
  pythonPaths?: string[];
}

const STACKS: Record<Stack, (context: BuildContext) => Promise<StackResult>> = {
  node: buildNode,
  python: buildPython,
  procfile: async () => ({ runtimes: {}, defaultProcessTypes: {} }),
};

/**
 * Builds `<paths.build(app, buildId)>`: `app/` holds the codebase with its dependencies and
 * (in app/.heroku) any runtime it asked for, and `manifest.json`, written last, says the build is complete. Everything
 * happens in the final directory because virtualenvs and some packages embed absolute paths. On any
 * failure the directory is removed and the error thrown.
 */
export async function buildApp(options: BuildOptions): Promise<BuildManifest> {
  const { app, buildId, paths, onOutput, sandbox } = options;
  const user = sandbox.userOf({ name: app, id: options.appId }); // SANDBOX_UNAVAILABLE before anything is written
  const buildDir = paths.build(app, buildId);
  await mkdir(dirname(buildDir), { recursive: true });
  await mkdir(buildDir); // fails when it exists: a build id is never reused
  const appDir = join(buildDir, 'app');
  const cacheDir = paths.buildCache(app);
  const stepAppDir = user ? APP_PATH : appDir;
  const stepCacheDir = user ? CACHE_PATH : cacheDir;
  const readOnly: string[] = [];
  const context: BuildContext = {
    app, buildDir, appDir, paths, onOutput, path: [], stepAppDir, stepCacheDir, readOnly, pythonPaths: options.pythonPaths ?? [],
    env: buildEnv({ config: options.config, operator: options.operatorEnv, home: stepAppDir, cacheDir: stepCacheDir, app, sourceSha: options.sourceSha }),
    sandboxFor: () => sandbox.specFor({ name: app, id: options.appId }, { appDir, writable: true, cacheDir, readOnly: [...readOnly, ...runtimeDirs(buildDir, appDir)] }),
  };
  const checksums = new ChecksumWorker();
  try {
    await extractSource(options.source, context.appDir, options.sourceLimits, user ?? undefined);
    if (user) await giveCacheToApp(cacheDir, user);
    else await rm(join(cacheDir, OWNED_STAMP), { force: true }); // written into as twelve's own user
    const appJson = await readAppJson(context.appDir);
    const { stacks, notes } = detectStacks(context.appDir, appJson?.buildpacks);
    for (const stack of stacks) onOutput(topic(`${stackName(stack)} app detected`));
    for (const note of notes) onOutput(indent(note));
    const declared = await readProcfile(context.appDir);
    parseHealthcheck(appJson); // a malformed healthcheck fails the build, not the release
    parseMetricsPath(appJson);
    const result: StackResult = { runtimes: {}, defaultProcessTypes: {} };
    for (const stack of stacks) {
      const built = await STACKS[stack](context);
      Object.assign(result.runtimes, built.runtimes);
      result.defaultProcessTypes = { ...built.defaultProcessTypes, ...result.defaultProcessTypes };
    }
    const processTypes = declared ?? result.defaultProcessTypes;
    announceProcessTypes(onOutput, processTypes, declared !== undefined, stacks);
    const manifest: BuildManifest = {
      buildId, app, stack: stacks[0]!, stacks,
      runtimes: result.runtimes,
      sourceSha: options.sourceSha,
      checksum: await checksums.checksum(context.appDir, result.runtimes),
      processTypes,
      path: context.path,
      appJson,
      createdAt: new Date().toISOString(),
    };
    await writeManifest(buildDir, manifest);
    onOutput(topic('Build succeeded'));
    return manifest;
  } catch (error) {
    onOutput(warning(`Build failed: ${errorText(error)}`));
    await rm(buildDir, { recursive: true, force: true });
    throw error;
  } finally {
    checksums.dispose();
  }
}

/** The directories to put first on PATH for a build's processes, absolute, with the app at `appRoot`. */
export function buildPathEntries(buildDir: string, manifest: BuildManifest, appRoot?: string): string[] {
  return resolvePathEntries(buildDir, manifest.path, appRoot);
}

/**
 * Written into the app's cache once all of it was given to the app's user. The steps make everything
 * else in it as that user, so a later build skips the walk over every cached file (thousands for a
 * virtualenv); an unsandboxed build, which writes there as twelve's own user, removes it.
 */
const OWNED_STAMP = '.owned-by';

/** The app's cache belongs to the app's user, who runs every step (the build is unpacked as theirs). */
async function giveCacheToApp(cacheDir: string, user: { uid: number; gid: number }): Promise<void> {
  const owner = `${user.uid}:${user.gid}`;
  const stamp = join(cacheDir, OWNED_STAMP);
  if (await mkdir(cacheDir, { recursive: true }) !== undefined) {
    // Made just now, so empty: the app's first build has nothing to walk.
    await chown(cacheDir, user.uid, user.gid);
  } else {
    const top = await stat(cacheDir);
    if (top.uid === user.uid && top.gid === user.gid && await readFile(stamp, 'utf8').catch(() => '') === owner) return;
    await captureCommand('chown', ['-R', owner, cacheDir]);
  }
  await writeFile(stamp, owner);
}

/** Read before the install, so a broken Procfile fails the build before minutes of npm. */
async function readProcfile(appDir: string): Promise<Record<string, string> | undefined> {
  const file = join(appDir, 'Procfile');
  return existsSync(file) ? parseProcfile(await readFile(file, 'utf8')) : undefined;
}

function announceProcessTypes(onOutput: (line: string) => void, processTypes: Record<string, string>, fromProcfile: boolean, stacks: Stack[]): void {
  const types = Object.keys(processTypes);
  if (types.length === 0) {
    const hint = stacks.includes('node')
      ? 'add a Procfile (e.g. `web: node server.js`) or a start script to package.json'
      : 'add a Procfile, e.g. `web: gunicorn myproject.wsgi` (Django), `web: gunicorn app:app` (Flask) or `web: python app.py`';
    throw new TwelveError('INVALID_PROCFILE', `the app declares no process types: ${hint}`);
  }
  onOutput(topic('Discovering process types'));
  onOutput(indent(`${fromProcfile ? 'Procfile declares' : 'Default'} types -> ${types.join(', ')}`));
}

/** Written to a temp name and renamed, so a manifest.json that exists is always whole. */
async function writeManifest(buildDir: string, manifest: BuildManifest): Promise<void> {
  const temp = join(buildDir, '.manifest.json.tmp');
  await writeFile(temp, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(temp, join(buildDir, 'manifest.json'));
}
