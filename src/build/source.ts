/**
 * Unpacks the gzipped tar a deploy sends into the build's app directory. Every entry is checked before it
 * is written (archive-tree.ts: paths, links however chained, special files); setuid, setgid and sticky
 * bits are dropped; the upload, the unpacked bytes and the number of entries are capped, and a refusal
 * stops the unpacking at once, so a small gzip that inflates to gigabytes is never written out.
 */
import { chown, lchown, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar';
import { diskFull, errorText, isDiskFull, isTwelveError, TwelveError } from '../errors.js';
import { SOURCE_LIMIT_DEFAULTS } from '../settings.js';
import { ArchiveTree, showName } from './archive-tree.js';

export interface SourceLimits {
  /** Most bytes of the upload, and of the tar it inflates to. */
  maxBytes: number;
  /** Most entries: files, directories and links. */
  maxEntries: number;
}

export const DEFAULT_SOURCE_LIMITS: SourceLimits = {
  maxBytes: SOURCE_LIMIT_DEFAULTS.megabytes * 1024 * 1024,
  maxEntries: SOURCE_LIMIT_DEFAULTS.entries,
};

/**
 * Extracts `source` (a gzipped tar, files at the archive root, `./` prefixes accepted) into `destDir`,
 * everything owned by `owner` when given.
 * Resolves only once nothing more will be written there, refused or not: the caller removes the
 * directory of a refused source, and a write landing after that would leave a piece of it behind.
 */
export async function extractSource(source: NodeJS.ReadableStream, destDir: string, limits: SourceLimits = DEFAULT_SOURCE_LIMITS,
  owner?: { uid: number; gid: number }): Promise<void> {
  await mkdir(destDir, { recursive: true });
  // A sandboxed build's files belong to the app's user: given as they are written, not by a walk after.
  if (owner) await chown(destDir, owner.uid, owner.gid);
  const tree = new ArchiveTree();
  let refusal: TwelveError | undefined;
  const refuse = (error: TwelveError): void => { refusal ??= error; };
  let entries = 0;
  let fileBytes = 0;
  const symlinks: string[] = [];

  const unpack = new tar.Unpack({
    cwd: destDir,
    strict: true,
    // As root, tar would otherwise hand the files to whatever uid the archive names.
    preserveOwner: false,
    ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
    // The stream is inflated before it gets here; a tar that is itself compressed is refused below.
    zstd: false,
    filter: (_path, stat) => {
      const entry = stat as tar.ReadEntry;
      if (refusal) return false;
      const why = tree.admit({ path: entry.path, type: entry.type, linkpath: entry.linkpath });
      if (why) refuse(new TwelveError('INVALID_SOURCE', `the source archive was refused: ${why}`));
      else if (++entries > limits.maxEntries) refuse(tooLarge(`it holds more than ${limits.maxEntries} entries (TWELVE_MAX_SOURCE_ENTRIES)`));
      else if ((fileBytes += entry.size) > limits.maxBytes) refuse(tooLarge(`its files add up to more than ${megabytes(limits.maxBytes)} (TWELVE_MAX_SOURCE_MB)`));
      if (refusal) return false;
      // Nothing in a build runs with its file owner's rights, and no directory of it is shared.
      if (typeof entry.mode === 'number') entry.mode &= 0o777;
      if (entry.type === 'SymbolicLink') symlinks.push(entry.path); // tar gives links no owner
      return true;
    },
  });
  // Entries tar skips by itself: kinds it does not know, and pax headers too large to read.
  unpack.on('ignoredEntry', (entry: tar.ReadEntry) => {
    refuse(new TwelveError('INVALID_SOURCE', `the source archive was refused: entry ${showName(entry.path)} is of a kind twelve does not unpack (${entry.type})`));
  });
  // tar ends with 'finish' once every write it began is done; after a CwdError (the directory itself
  // cannot be used) it writes nothing more and never finishes.
  const finished = new Promise<void>((resolve) => {
    unpack.on('finish', () => resolve());
    unpack.on('error', (error: Error) => {
      refuse(tarRefusal(error, destDir));
      if (error.name === 'CwdError') resolve();
    });
  });

  const upload = byteCap(limits.maxBytes, () => tooLarge(`the upload is larger than ${megabytes(limits.maxBytes)} (TWELVE_MAX_SOURCE_MB)`));
  // Piped by hand rather than through pipeline(): a refusal must not destroy the request, whose
  // connection still has to carry the answer that says why.
  source.pipe(upload);
  source.on('error', (error: Error) => upload.destroy(error));
  try {
    await pipeline(
      upload,
      createGunzip(),
      byteCap(limits.maxBytes, () => tooLarge(`it unpacks to more than ${megabytes(limits.maxBytes)} (TWELVE_MAX_SOURCE_MB)`), refuseCompressedTar),
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          if (refusal) return callback(refusal);
          if (unpack.write(chunk)) return callback();
          const go = (): void => {
            unpack.off('drain', go);
            unpack.off('error', go);
            callback();
          };
          unpack.on('drain', go);
          unpack.on('error', go);
        },
      }),
    );
  } catch (error) {
    refuse(streamRefusal(error));
  } finally {
    source.unpipe(upload);
    source.resume(); // the rest of a refused upload is read and dropped, never stored
  }
  unpack.end();
  await finished;

  if (refusal) throw refusal;
  const late = tree.recheck();
  if (late) throw new TwelveError('INVALID_SOURCE', `the source archive was refused: ${late}`);
  if (owner) await Promise.all(symlinks.map((path) => lchown(join(destDir, path), owner.uid, owner.gid)));
  if (entries === 0) throw new TwelveError('INVALID_SOURCE', 'the source archive holds no files');
}

function tooLarge(why: string): TwelveError {
  return new TwelveError('SOURCE_TOO_LARGE', `the source archive is too large: ${why}`);
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}

/** Passes bytes on until more than `max` went through; `first` may refuse the stream by its first chunk. */
function byteCap(max: number, over: () => TwelveError, first?: (chunk: Buffer) => TwelveError | undefined): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const refused = seen === 0 ? first?.(chunk) : undefined;
      seen += chunk.length;
      callback(refused ?? (seen > max ? over() : null), refused || seen > max ? undefined : chunk);
    },
  });
}

/** tar would inflate a gzip or zstd stream it is given by itself, past every cap above it. */
function refuseCompressedTar(chunk: Buffer): TwelveError | undefined {
  const gzip = chunk.length >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b;
  const zstd = chunk.length >= 4 && chunk.readUInt32LE(0) === 0xfd2fb528;
  return gzip || zstd
    ? new TwelveError('INVALID_SOURCE', 'the source archive was refused: it is compressed twice (send a tar gzipped once)')
    : undefined;
}

/** Why the stream into tar failed: a cap, a full disk, or not a gzip at all. */
function streamRefusal(error: unknown): TwelveError {
  if (isTwelveError(error)) return error;
  if (isDiskFull(error)) return diskFull(error);
  return new TwelveError('INVALID_SOURCE', `the source is not a gzipped tar archive (${errorText(error)})`);
}

/** tar's own refusals name the entry; the server's paths stay out of the message. */
function tarRefusal(error: Error & { tarCode?: string; entry?: { path?: string } }, destDir: string): TwelveError {
  const text = errorText(error).split(destDir).join('.');
  if (isDiskFull(error)) return diskFull(error);
  if (error.tarCode === 'TAR_BAD_ARCHIVE' || error.tarCode === 'TAR_ABORT') {
    return new TwelveError('INVALID_SOURCE', `the source is not a gzipped tar archive (${text})`);
  }
  const entry = error.entry?.path === undefined ? '' : `entry ${showName(error.entry.path)}: `;
  return new TwelveError('INVALID_SOURCE', `the source archive was refused: ${entry}${text}`);
}
