/** The files of one image layer, by path, written in a fixed order with their parent directories. */
import { posix } from 'node:path';
import type { TarEntry } from './tar-writer.js';

export interface Owner { uid: number; gid: number }

export const ROOT_OWNER: Owner = { uid: 0, gid: 0 };

/** `/usr/bin/`, `usr/bin` and `./usr/bin` all name `usr/bin` inside a layer. */
export function layerPath(path: string): string {
  return posix.normalize(`/${path}`).replace(/^\/+|\/+$/g, '');
}

export class LayerEntries {
  private readonly entries = new Map<string, TarEntry>();

  has(path: string): boolean {
    return this.entries.has(layerPath(path));
  }

  get size(): number {
    return this.entries.size;
  }

  directory(path: string, mode: number, owner: Owner = ROOT_OWNER): void {
    this.put({ type: 'directory', path: layerPath(path), mode: mode & 0o7777, ...owner });
  }

  file(path: string, mode: number, size: number, hostFile: string, owner: Owner = ROOT_OWNER): void {
    this.put({ type: 'file', path: layerPath(path), mode: mode & 0o7777, size, source: { file: hostFile }, ...owner });
  }

  data(path: string, mode: number, content: string | Buffer, owner: Owner = ROOT_OWNER): void {
    const data = Buffer.from(content);
    this.put({ type: 'file', path: layerPath(path), mode, size: data.length, source: { data }, ...owner });
  }

  symlink(path: string, linkpath: string, owner: Owner = ROOT_OWNER): void {
    this.put({ type: 'symlink', path: layerPath(path), linkpath, ...owner });
  }

  /** Leaves out the paths a base image already has, but those in `keep`. */
  withoutPaths(paths: Set<string>, keep: string[]): void {
    for (const path of [...this.entries.keys()]) if (paths.has(path) && !keep.includes(path)) this.entries.delete(path);
  }

  /** Adds the other layer's entries that this one lacks: two layers flattened into one tree, this one's first. */
  absorb(other: LayerEntries): void {
    for (const entry of other.entries.values()) this.put(entry);
  }

  /** The entries sorted by path, each directory before what it holds, missing parents made 0755 root. */
  sorted(): TarEntry[] {
    const all = new Map(this.entries);
    for (const path of this.entries.keys()) {
      for (let parent = posix.dirname(path); parent !== '.' && !all.has(parent); parent = posix.dirname(parent)) {
        all.set(parent, { type: 'directory', path: parent, mode: 0o755, ...ROOT_OWNER });
      }
    }
    // Comparing the paths' components keeps `a/b` right after `a`, whatever sorts between `a` and `a/`.
    return [...all.values()].sort((a, b) => compareComponents(a.path, b.path));
  }

  /** The first entry given for a path wins: a directory seen through two symlink chains is one entry. */
  private put(entry: TarEntry): void {
    if (entry.path === '') return;
    if (!this.entries.has(entry.path)) this.entries.set(entry.path, entry);
  }
}

function compareComponents(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] !== right[i]) return left[i]! < right[i]! ? -1 : 1;
  }
  return left.length - right.length;
}
