/** Tar archives written header by header, so they can hold entries `tar.c` would never produce. */
import { gzipSync } from 'node:zlib';
import * as tar from 'tar';

export interface RawEntry {
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'CharacterDevice' | 'BlockDevice' | 'FIFO' | 'SparseFile';
  body?: string | Buffer;
  linkpath?: string;
  mode?: number;
  /** The size the header declares, when it is not the body's (a bomb whose body follows on its own). */
  size?: number;
  /** The name's raw bytes, for names that are not UTF-8; `path` is then only a placeholder of the same length. */
  rawName?: Buffer;
}

/** One tar header block, and the body padded to whole blocks. */
export function rawEntry(entry: RawEntry): Buffer[] {
  const body = typeof entry.body === 'string' || entry.body === undefined ? Buffer.from(entry.body ?? '') : entry.body;
  const header = new tar.Header({
    path: entry.path, type: entry.type ?? 'File', linkpath: entry.linkpath, size: entry.size ?? body.length,
    mode: entry.mode ?? (entry.type === 'Directory' ? 0o755 : 0o644), uid: 0, gid: 0, mtime: new Date(0),
    devmaj: 1, devmin: 3,
  });
  // A name or link too long for the header goes before it in a pax extended header, as tar writes it.
  const pax = header.encode() ? [new tar.Pax({ path: entry.path, linkpath: entry.linkpath }).encode()] : [];
  const block = header.block!;
  if (entry.rawName) {
    block.fill(0, 0, 100);
    entry.rawName.copy(block, 0);
    block.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of block) sum += byte;
    block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  }
  return [...pax, block, body, Buffer.alloc((512 - (body.length % 512)) % 512)];
}

/** A tar written header by header, so it can hold entries `tar.c` would never produce. */
export function rawTarBytes(entries: RawEntry[]): Buffer {
  return Buffer.concat([...entries.flatMap(rawEntry), Buffer.alloc(1024)]);
}

/** The same, gzipped. */
export function rawTar(entries: RawEntry[]): Buffer {
  return gzipSync(rawTarBytes(entries));
}

