/**
 * Copying files of this machine into a layer at the same absolute path: every symlink on the way is
 * kept as a symlink (so `/bin/sh` brings `bin -> usr/bin` and `sh -> dash`), and every ELF file
 * brings exactly the shared libraries the dynamic loader resolves for it.
 */
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { captureCommand } from '../build/run-command.js';
import { type LayerEntries, type Owner, ROOT_OWNER } from './layer-entries.js';

/** The loader ldd itself runs: asked directly, it lists a file's libraries without running the file. */
export const DYNAMIC_LOADER = '/lib64/ld-linux-x86-64.so.2';

export interface HostCopy {
  /** Host paths of the ELF files added so far, whose libraries are still to be added. */
  elfFiles: Set<string>;
}

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

async function isElf(file: string, size: number): Promise<boolean> {
  if (size < 4) return false;
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    return head.equals(ELF_MAGIC);
  } finally {
    await handle.close();
  }
}

/** Executables and libraries: the files worth reading four bytes of to see whether they are ELF. */
function mayBeElf(name: string, mode: number): boolean {
  return (mode & 0o111) !== 0 || /\.(so(\.[\d.]+)?|node)$/.test(name);
}

async function addFile(layer: LayerEntries, copy: HostCopy, imagePath: string, hostPath: string, mode: number, size: number, owner: Owner): Promise<void> {
  layer.file(imagePath, mode, size, hostPath, owner);
  if (mayBeElf(hostPath, mode) && await isElf(hostPath, size)) copy.elfFiles.add(hostPath);
}

/**
 * Adds `hostPath` at the same path in the image, with its parent directories, following symlinks in
 * any component: each link becomes a link in the image and its target is added in turn.
 */
export async function addHostPath(layer: LayerEntries, copy: HostCopy, hostPath: string, depth = 0): Promise<void> {
  if (depth > 40) throw new Error(`too many symbolic links resolving ${hostPath}`);
  const parts = resolve(hostPath).split('/').filter(Boolean);
  let current = '';
  for (const [index, part] of parts.entries()) {
    current += `/${part}`;
    const stat = await lstat(current);
    const last = index === parts.length - 1;
    if (stat.isSymbolicLink()) {
      const target = await readlink(current);
      layer.symlink(current, target);
      await addHostPath(layer, copy, join(resolve(dirname(current), target), ...parts.slice(index + 1)), depth + 1);
      return;
    }
    // A directory on the way only has to be passed through: the app's user may, whatever this machine's mode (/root is 0700).
    if (stat.isDirectory()) layer.directory(current, last ? stat.mode : stat.mode | 0o555);
    else if (last && stat.isFile()) await addFile(layer, copy, current, current, stat.mode, stat.size, ROOT_OWNER);
  }
}

export interface TreeOptions {
  owner?: Owner;
  /** Paths relative to the tree's root to leave out, with all they hold. */
  exclude?: (relative: string) => boolean;
}

/**
 * Adds the tree under `hostDir` at `imageDir`, in name order; symlinks stay links, sockets and devices
 * are left out (a build holds none that a process needs).
 */
export async function addHostTree(layer: LayerEntries, copy: HostCopy, hostDir: string, imageDir: string, options: TreeOptions = {}): Promise<void> {
  const owner = options.owner ?? ROOT_OWNER;
  const walk = async (relative: string): Promise<void> => {
    const hostPath = join(hostDir, relative);
    const imagePath = join(imageDir, relative);
    const stat = await lstat(hostPath);
    if (stat.isSymbolicLink()) {
      layer.symlink(imagePath, await readlink(hostPath), owner);
    } else if (stat.isFile()) {
      await addFile(layer, copy, imagePath, hostPath, stat.mode, stat.size, owner);
    } else if (stat.isDirectory()) {
      layer.directory(imagePath, stat.mode, owner);
      const names = (await readdir(hostPath)).sort();
      for (const name of names) {
        const child = relative === '' ? name : `${relative}/${name}`;
        if (!options.exclude?.(child)) await walk(child);
      }
    }
  };
  await walk('');
}

/**
 * The libraries the loader resolves for one ELF file (`ld.so --list`, what ldd prints), the loader
 * included; `missing` lists the names it could not find.
 */
export async function sharedLibraries(file: string): Promise<{ found: string[]; missing: string[] }> {
  let listing: string;
  try {
    listing = await captureCommand(DYNAMIC_LOADER, ['--list', file]);
  } catch {
    // A static binary, or an ELF file of another kind (an object file, a 32-bit library): nothing to add.
    return { found: [], missing: [] };
  }
  return parseLoaderListing(listing);
}

/** @example parseLoaderListing('\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x7f..)\n') // { found: ['/lib/x86_64-linux-gnu/libc.so.6'], missing: [] } */
export function parseLoaderListing(listing: string): { found: string[]; missing: string[] } {
  const found: string[] = [];
  const missing: string[] = [];
  for (const line of listing.split('\n')) {
    const arrow = /^\s*(\S+) => (.+?)(?: \(0x[0-9a-f]+\))?$/.exec(line);
    if (arrow) {
      if (arrow[2] === 'not found') missing.push(arrow[1]!);
      else if (arrow[2]!.startsWith('/')) found.push(arrow[2]!);
      continue;
    }
    const loader = /^\s*(\/\S+) \(0x[0-9a-f]+\)$/.exec(line);
    if (loader) found.push(loader[1]!);
  }
  return { found, missing };
}

/**
 * Adds the libraries of every ELF file recorded in `copy` (and of those libraries) to `layer`, except
 * those under `skip` (the build's own, already in the image at /app). Returns the names not found.
 */
export async function addSharedLibraries(layer: LayerEntries, copy: HostCopy, skip: string[]): Promise<string[]> {
  const done = new Set<string>();
  const missing = new Set<string>();
  while (true) {
    const pending = [...copy.elfFiles].filter((file) => !done.has(file)).sort();
    if (pending.length === 0) break;
    for (const file of pending) {
      done.add(file);
      const libraries = await sharedLibraries(file);
      for (const name of libraries.missing) missing.add(`${name} (needed by ${file})`);
      for (const library of libraries.found) {
        if (skip.some((dir) => library.startsWith(`${dir}/`))) continue;
        await addHostPath(layer, copy, library);
      }
    }
  }
  return [...missing].sort();
}
