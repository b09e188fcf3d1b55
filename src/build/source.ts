/** Unpacks the gzipped tar a deploy sends into the build's app directory, refusing entries that escape it. */
import { mkdir } from 'node:fs/promises';
import { posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { TwelveError } from '../errors.js';

const KEPT_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link']);

/**
 * Extracts `source` (a gzipped tar, files at the archive root, `./` prefixes accepted) into `destDir`.
 * An absolute or `..` path, a link pointing outside `destDir`, or a path through an extracted symlink
 * makes the whole source invalid: the caller throws the half-extracted directory away.
 */
export async function extractSource(source: NodeJS.ReadableStream, destDir: string): Promise<void> {
  await mkdir(destDir, { recursive: true });
  let refused: string | undefined;
  let entries = 0;
  const symlinks = new Set<string>();

  const check = (path: string, type: string, linkpath: string | undefined): string | undefined => {
    const name = inside(path);
    if (name === undefined) return `entry "${path}" is absolute or contains ..`;
    if (throughSymlink(name, symlinks)) return `entry "${path}" goes through a symbolic link`;
    if (type === 'SymbolicLink') {
      const target = linkpath === undefined || posix.isAbsolute(linkpath) ? undefined : inside(posix.join(posix.dirname(name), linkpath));
      if (target === undefined) return `symbolic link "${path}" -> "${linkpath}" points outside the app directory`;
      symlinks.add(name);
    }
    if (type === 'Link') {
      const target = linkpath === undefined ? undefined : inside(linkpath);
      if (target === undefined || throughSymlink(target, symlinks)) return `hard link "${path}" -> "${linkpath}" points outside the app directory`;
    }
    return undefined;
  };

  const unpack = tar.x({
    cwd: destDir,
    strict: true,
    // As root, tar would otherwise hand the files to whatever uid the archive names.
    preserveOwner: false,
    filter: (path, entry) => {
      const type = 'type' in entry ? entry.type : 'File';
      if (refused || !KEPT_TYPES.has(type)) return false;
      const linkpath = 'linkpath' in entry ? entry.linkpath : undefined;
      refused = check(path, type, linkpath);
      if (refused) return false;
      entries++;
      return true;
    },
  });

  try {
    await pipeline(source, unpack);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // tar's own entry checks (a path it will not write) are refusals too, not a broken archive.
    if (refused || (error as { code?: unknown }).code === 'TAR_ENTRY_ERROR') {
      throw new TwelveError('INVALID_SOURCE', `the source archive was refused: ${refused ?? reason}`);
    }
    throw new TwelveError('INVALID_SOURCE', `the source is not a gzipped tar archive (${reason})`);
  }
  if (refused) throw new TwelveError('INVALID_SOURCE', `the source archive was refused: ${refused}`);
  if (entries === 0) throw new TwelveError('INVALID_SOURCE', 'the source archive holds no files');
}

/** The entry's normalized relative path, or undefined when it is absolute or has a `..` in it. */
function inside(path: string): string | undefined {
  if (posix.isAbsolute(path) || /^[A-Za-z]:/.test(path) || path.split('/').includes('..')) return undefined;
  const normalized = posix.normalize(path).replace(/\/+$/, '');
  if (normalized === '..' || normalized.startsWith('../')) return undefined;
  return normalized === '' ? '.' : normalized;
}

function throughSymlink(name: string, symlinks: Set<string>): boolean {
  for (let dir = posix.dirname(name); dir !== '.' && dir !== '/'; dir = posix.dirname(dir)) {
    if (symlinks.has(dir)) return true;
  }
  return false;
}
