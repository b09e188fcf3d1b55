/**
 * The tree a deploy archive has written so far, kept as names: each entry is checked against it before
 * anything is written, and every symbolic link is resolved through the links before it, so that no
 * chain of links (`s0 -> .`, `s1 -> s0/..`, ...) can lead out of the app directory.
 */
import { posix } from 'node:path';

/** Linux's own limit on the links followed in one path (ELOOP). */
const MAX_HOPS = 40;
/** NAME_MAX and PATH_MAX of Linux file systems, in bytes. */
const MAX_NAME_BYTES = 255;
const MAX_PATH_BYTES = 4095;

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const SPECIAL_TYPES: Record<string, string> = {
  CharacterDevice: 'a character device',
  BlockDevice: 'a block device',
  FIFO: 'a FIFO (named pipe)',
  GNUDumpDir: 'a GNU dump directory',
};

type Kind = 'dir' | 'file' | 'link';

export interface ArchiveEntry {
  path: string;
  type: string;
  linkpath?: string | undefined;
}

/** An entry's name as a message shows it: quoted, control characters escaped, long names cut. */
export function showName(name: string): string {
  const shown = JSON.stringify(name);
  return shown.length > 120 ? `${shown.slice(0, 100)}..." (${Buffer.byteLength(name)} bytes)` : shown;
}

export class ArchiveTree {
  private readonly kinds = new Map<string, Kind>();
  /** Every symbolic link written, by its normalized name, with its target as written. */
  private readonly links = new Map<string, string>();

  /** Why `entry` must be refused, or undefined once it is recorded as written. */
  admit(entry: ArchiveEntry): string | undefined {
    const shown = showName(entry.path);
    const name = normalName(entry.path);
    if (name === undefined) return `entry ${shown} is absolute or contains ..`;
    const tooLong = nameTooLong(name);
    if (tooLong) return `entry ${shown} ${tooLong}`;
    const special = SPECIAL_TYPES[entry.type];
    if (special) return `entry ${shown} is ${special}: an archive may hold only files, directories and links`;
    const through = this.linkAbove(name);
    if (through) return `entry ${shown} goes through the symbolic link ${showName(through)}`;
    if (name === '.' && entry.type !== 'Directory') return `entry ${shown} would replace the app directory itself`;

    if (entry.type === 'Directory') return this.record(name, 'dir');
    if (FILE_TYPES.has(entry.type)) return this.record(name, 'file');
    if (entry.type === 'SymbolicLink') return this.admitSymlink(name, shown, entry.linkpath ?? '');
    if (entry.type === 'Link') return this.admitHardLink(name, shown, entry.linkpath ?? '');
    return `entry ${shown} is of a kind twelve does not unpack (${entry.type}): an archive may hold only files, directories and links`;
  }

  /**
   * Resolves every link again against the whole tree: a link that dangled when it was written can lead
   * elsewhere once a later entry fills in its path (`a -> b/..`, then `b -> .`).
   */
  recheck(): string | undefined {
    for (const [name, target] of this.links) {
      const why = this.leads(name, target);
      if (why) return `symbolic link ${showName(name)} -> ${showName(target)} ${why}`;
    }
    return undefined;
  }

  private admitSymlink(name: string, shown: string, target: string): string | undefined {
    if (target === '') return `symbolic link ${shown} has no target`;
    if (Buffer.byteLength(target) > MAX_PATH_BYTES) return `symbolic link ${shown} has a target longer than ${MAX_PATH_BYTES} bytes`;
    // Recorded before it is followed: a target through its own name meets the new link, as the kernel would.
    this.links.set(name, target);
    this.kinds.set(name, 'link');
    const why = this.leads(name, target);
    return why ? `symbolic link ${shown} -> ${showName(target)} ${why}` : undefined;
  }

  /** A hard link names its target from the archive's root, and may only share a file written before it. */
  private admitHardLink(name: string, shown: string, linkpath: string): string | undefined {
    const target = normalName(linkpath);
    const prefix = `hard link ${shown} -> ${showName(linkpath)}`;
    if (target === undefined) return `${prefix} points outside the app directory`;
    const through = this.linkAbove(target);
    if (through) return `${prefix} goes through the symbolic link ${showName(through)}`;
    const kind = this.kinds.get(target);
    if (kind === 'link') return `${prefix} is a hard link to a symbolic link`;
    if (kind !== 'file') return `${prefix} names no file earlier in the archive`;
    return this.record(name, 'file');
  }

  private record(name: string, kind: Kind): undefined {
    this.kinds.set(name, kind);
    this.links.delete(name);
    return undefined;
  }

  /** The nearest directory above `name` that is a symbolic link, if any. */
  private linkAbove(name: string): string | undefined {
    for (let dir = posix.dirname(name); dir !== '.' && dir !== '/'; dir = posix.dirname(dir)) {
      if (this.kinds.get(dir) === 'link') return dir;
    }
    return undefined;
  }

  /**
   * Follows `target` from the directory holding link `name` as the kernel would, through every link
   * recorded (a name not written yet counts as a directory): why it leaves the tree, or undefined.
   */
  private leads(name: string, target: string): string | undefined {
    if (posix.isAbsolute(target)) return 'is absolute: links must stay inside the app directory';
    const dir = posix.dirname(name);
    const at: string[] = dir === '.' ? [] : dir.split('/');
    const pending = target.split('/').reverse();
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.pop()!;
      if (part === '' || part === '.') continue;
      if (part === '..') {
        if (at.length === 0) return 'leads outside the app directory';
        at.pop();
        continue;
      }
      const next = at.length === 0 ? part : `${at.join('/')}/${part}`;
      const link = this.links.get(next);
      if (link === undefined) {
        at.push(part);
        continue;
      }
      if (++hops > MAX_HOPS) return `goes through more than ${MAX_HOPS} links (a loop)`;
      if (posix.isAbsolute(link)) return 'leads outside the app directory';
      for (const step of link.split('/').reverse()) pending.push(step);
    }
    return undefined;
  }
}

/** The entry's normalized relative name ('.' for the root), or undefined when it is absolute or has a `..`. */
function normalName(path: string): string | undefined {
  if (posix.isAbsolute(path) || /^[A-Za-z]:/.test(path) || path.split('/').includes('..')) return undefined;
  const normalized = posix.normalize(path).replace(/\/+$/, '');
  return normalized === '' ? '.' : normalized;
}

function nameTooLong(name: string): string | undefined {
  if (Buffer.byteLength(name) > MAX_PATH_BYTES) return `has a path longer than ${MAX_PATH_BYTES} bytes`;
  const long = name.split('/').find((part) => Buffer.byteLength(part) > MAX_NAME_BYTES);
  return long === undefined ? undefined : `has a name longer than ${MAX_NAME_BYTES} bytes`;
}
