/**
 * A tar writer that gives the same bytes for the same entries: every header is made from the entry's
 * fields alone (no host mtime, owner names, device or inode numbers), which is what makes an exported
 * image's digests reproducible. node-tar encodes the headers; the order is the caller's.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Header, Pax } from 'tar';
import { TwelveError } from '../errors.js';

/** Every entry's mtime: the epoch, so a layer depends on contents and modes only. */
export const FIXED_MTIME = new Date(0);

interface EntryBase {
  /** Inside the archive, without a leading slash: `app/server.js`, `usr/bin`. */
  path: string;
  uid: number;
  gid: number;
}

export type TarEntry =
  | EntryBase & { type: 'directory'; mode: number }
  | EntryBase & { type: 'file'; mode: number; size: number; source: { file: string } | { data: Buffer } }
  | EntryBase & { type: 'symlink'; linkpath: string };

/** Where the archive's bytes go: write them in order, resolve when it may take more. */
export type Sink = (chunk: Buffer) => Promise<void>;

const BLOCK = 512;
const END = Buffer.alloc(BLOCK * 2);

function headerBlocks(entry: TarEntry): Buffer {
  const isFile = entry.type === 'file';
  const fields = {
    path: entry.type === 'directory' ? `${entry.path}/` : entry.path,
    mode: entry.type === 'symlink' ? 0o777 : entry.mode,
    uid: entry.uid,
    gid: entry.gid,
    size: isFile ? entry.size : 0,
    mtime: FIXED_MTIME,
    type: entry.type === 'directory' ? 'Directory' : entry.type === 'symlink' ? 'SymbolicLink' : 'File',
    linkpath: entry.type === 'symlink' ? entry.linkpath : '',
    uname: '',
    gname: '',
  } as const;
  const header = new Header(fields);
  const needPax = header.encode();
  if (!needPax) return header.block!;
  // A path or link longer than ustar holds: a PAX record carries it, as GNU and node-tar write it.
  const pax = new Pax({ path: fields.path, linkpath: fields.linkpath || undefined, mtime: FIXED_MTIME, uid: fields.uid, gid: fields.gid });
  return Buffer.concat([pax.encode(), header.block!]);
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

async function writeFileBody(entry: Extract<TarEntry, { type: 'file' }>, sink: Sink): Promise<void> {
  if ('data' in entry.source) {
    await sink(entry.source.data);
  } else {
    let written = 0;
    for await (const chunk of createReadStream(entry.source.file)) {
      written += (chunk as Buffer).length;
      await sink(chunk as Buffer);
    }
    // A build never changes once made; a size that moved means something else is writing into it.
    if (written !== entry.size) {
      throw new TwelveError('EXPORT_FAILED', `${entry.source.file} changed while it was exported (${entry.size} bytes, then ${written})`);
    }
  }
  await sink(padding(entry.size));
}

/** Writes the entries, in the order given, and the end-of-archive blocks. */
export async function writeTar(entries: Iterable<TarEntry>, sink: Sink): Promise<void> {
  for (const entry of entries) {
    await sink(headerBlocks(entry));
    if (entry.type === 'file') await writeFileBody(entry, sink);
  }
  await sink(END);
}

/** A blob as OCI names it: its sha256 and its size in bytes. */
export interface Blob { digest: string; size: number }

/** A sink that hashes what passes through it. */
export function hashingSink(next: Sink): { sink: Sink; blob: () => Blob } {
  const hash = createHash('sha256');
  let size = 0;
  return {
    sink: async (chunk) => {
      hash.update(chunk);
      size += chunk.length;
      await next(chunk);
    },
    blob: () => ({ digest: `sha256:${hash.digest('hex')}`, size }),
  };
}

/** Writes a tar of the entries to `file`; returns its digest and size. */
export async function writeTarFile(entries: Iterable<TarEntry>, file: string): Promise<Blob> {
  const out = createWriteStream(file);
  const failed = new Promise<never>((_, reject) => out.on('error', reject));
  failed.catch(() => {}); // raced below; handled here so an early error is not "unhandled"
  const { sink, blob } = hashingSink((chunk) => Promise.race([failed, new Promise<void>((resolve) => {
    if (out.write(chunk)) resolve();
    else out.once('drain', resolve);
  })]));
  try {
    await writeTar(entries, sink);
  } finally {
    await new Promise<void>((resolve) => out.end(resolve));
  }
  return blob();
}
