/**
 * yarn and pnpm for the app's processes (a Procfile's `web: yarn start`): the release corepack fetched
 * for the build is copied into the build at app/.heroku/NAME, with a `bin/NAME` shim that runs it with
 * the build's node, since processes have neither corepack's cache nor its settings.
 */
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import type { BuildContext } from './build-context.js';
import type { PackageManager } from './node-package-manager.js';
import { captureCommand } from './run-command.js';

export const SHIM_BIN = 'app/.heroku/bin';

/** Where each corepack release keeps its command, inside the release's directory. */
const ENTRY: Record<string, (dir: string) => string | undefined> = {
  yarn: (dir) => ['yarn.js', 'bin/yarn.js'].find((file) => existsSync(join(dir, file))),
  pnpm: (dir) => ['bin/pnpm.cjs', 'bin/pnpm.js'].find((file) => existsSync(join(dir, file))),
};

/** The release of `pm` in corepack's cache that its spec names (the newest matching one); undefined when none is there. */
export function corepackRelease(corepackHome: string, pm: PackageManager): { version: string; dir: string } | undefined {
  const root = join(corepackHome, 'v1', pm.name);
  const versions = existsSync(root) ? readdirSync(root).filter((name) => semver.valid(name)) : [];
  const wanted = pm.spec?.split('@')[1]?.split('+')[0];
  const range = wanted === undefined || wanted === '' || semver.validRange(wanted) === null ? '*' : wanted;
  const version = semver.maxSatisfying(versions, range);
  return version === null ? undefined : { version, dir: join(root, version) };
}

/** Copies the release into the build and puts its shim on the processes' PATH; returns its version. */
export async function installShim(context: BuildContext, pm: PackageManager, corepackHome: string): Promise<string | undefined> {
  const release = corepackRelease(corepackHome, pm);
  const entry = release && ENTRY[pm.name]?.(release.dir);
  if (!release || !entry) return undefined;
  const bin = join(context.appDir, '.heroku', 'bin');
  await mkdir(bin, { recursive: true });
  // A copy: the cache is the app's to write into, and a later build must not change this one's yarn.
  await captureCommand('cp', ['-a', release.dir, join(context.appDir, '.heroku', pm.name)]);
  await writeFile(join(bin, pm.name), `#!/bin/sh\nexec node "$(dirname "$0")/../${pm.name}/${entry}" "$@"\n`);
  await chmod(join(bin, pm.name), 0o755);
  if (!context.path.includes(SHIM_BIN)) context.path.push(SHIM_BIN);
  return release.version;
}
