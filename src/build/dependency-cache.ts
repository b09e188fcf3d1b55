/**
 * The per-app dependency cache: the last few installs (node_modules), each under a key made of
 * everything that decides what the install produces, so an unchanged redeploy skips the install.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { Paths } from '../paths.js';
import { captureCommand } from './run-command.js';

/** Enough for a rollback-and-forward between two lockfiles without refilling the cache. */
const KEEP_KEYS = 3;

export function cacheKey(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

function entryDir(paths: Paths, app: string, kind: string, key: string): string {
  return join(paths.buildCache(app), kind, key);
}

export function hasCached(paths: Paths, app: string, kind: string, key: string): boolean {
  return existsSync(entryDir(paths, app, kind, key));
}

/**
 * Copies the cached install to `dest` (which must not exist). A real copy by default, not hard links:
 * a build may write into node_modules (tool caches), and that must not reach the cache or other builds.
 * `link` hard-links instead, for installs nothing rewrites in place: a virtualenv's files are only ever
 * replaced whole (pip, and Python's own .pyc writes, write a new file and rename it).
 */
export async function restoreCached(paths: Paths, app: string, kind: string, key: string, dest: string, link = false): Promise<void> {
  const source = entryDir(paths, app, kind, key);
  await captureCommand('cp', [link ? '-al' : '-a', ...(link ? [] : ['--reflink=auto']), source, dest]);
  const now = new Date();
  await utimes(source, now, now);
}

/** Keeps a copy of `from` under the key; a concurrent build saving the same key first wins. */
export async function saveToCache(paths: Paths, app: string, kind: string, key: string, from: string): Promise<void> {
  const kindDir = join(paths.buildCache(app), kind);
  await mkdir(kindDir, { recursive: true });
  const work = await mkdtemp(join(kindDir, '.saving-'));
  try {
    await captureCommand('cp', ['-a', '--reflink=auto', from, join(work, 'entry')]);
    await rename(join(work, 'entry'), join(kindDir, key)).catch((error: unknown) => {
      if (!existsSync(join(kindDir, key))) throw error;
    });
    const now = new Date();
    await utimes(join(kindDir, key), now, now);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  await pruneCache(kindDir);
}

/** Removes all but the most recently used keys. */
async function pruneCache(kindDir: string): Promise<void> {
  const names = (await readdir(kindDir)).filter((name) => !name.startsWith('.'));
  const used = await Promise.all(names.map(async (name) => ({ name, time: (await stat(join(kindDir, name))).mtimeMs })));
  used.sort((a, b) => b.time - a.time);
  for (const { name } of used.slice(KEEP_KEYS)) await rm(join(kindDir, name), { recursive: true, force: true });
}
