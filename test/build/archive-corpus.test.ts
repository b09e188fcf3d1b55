/** Hostile deploy archives: each is refused with a message naming what it held, or neutralised, and leaves nothing behind. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { constants, gzipSync } from 'node:zlib';
import { extractSource, type SourceLimits } from '../../src/build/source.js';
import { type ErrorCode, TwelveError } from '../../src/errors.js';
import { runBuild, tempData } from './helpers.js';
import { rawEntry, rawTar, rawTarBytes, type RawEntry } from './raw-tar.js';

const MB = 1024 * 1024;
const SMALL: SourceLimits = { maxBytes: MB, maxEntries: 50 };

/** The bytes in chunks of 64 KiB, as an upload arrives. */
function streamOf(bytes: Buffer): NodeJS.ReadableStream {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 64 * 1024) chunks.push(bytes.subarray(at, at + 64 * 1024));
  return Readable.from(chunks);
}

function refused(code: ErrorCode, pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof TwelveError, String(error));
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

/** Every byte under `dir`, as the files hold it. */
function bytesUnder(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const stats = lstatSync(join(dir, name));
    total += stats.isDirectory() ? bytesUnder(join(dir, name)) : stats.size;
  }
  return total;
}

/** `s0 -> .`, `s1 -> s0/..`, ... each harmless on its own name by name, then `Procfile -> sN/etc/shadow`. */
function chainedLinks(depth: number): RawEntry[] {
  const entries: RawEntry[] = [{ path: 's0', type: 'SymbolicLink', linkpath: '.' }];
  for (let i = 1; i <= depth; i++) entries.push({ path: `s${i}`, type: 'SymbolicLink', linkpath: `s${i - 1}/..` });
  entries.push({ path: 'Procfile', type: 'SymbolicLink', linkpath: `s${depth}/etc/shadow` });
  return entries;
}

describe('hostile deploy archives', () => {
  const data = tempData();
  after(() => data.cleanup());
  let n = 0;
  const dest = (): string => join(data.dir, `dest-${++n}`);
  const extract = (archive: Buffer, limits = SMALL): Promise<void> => extractSource(streamOf(archive), dest(), limits);

  it('refuses a chain of links that each look harmless but together climb out', async () => {
    await assert.rejects(extract(rawTar(chainedLinks(15))), refused('INVALID_SOURCE', /symbolic link "s1" -> "s0\/\.\." leads outside the app directory/));
  });

  it('refuses a link that dangled when written and leads out once a later entry fills its path', async () => {
    const archive = rawTar([
      { path: 'a', type: 'SymbolicLink', linkpath: 'b/..' },
      { path: 'b', type: 'SymbolicLink', linkpath: '.' },
      { path: 'Procfile', body: 'web: x\n' },
    ]);
    await assert.rejects(extract(archive), refused('INVALID_SOURCE', /symbolic link "a" -> "b\/\.\." leads outside/));
  });

  it('refuses absolute links and loops of links, and keeps links that stay inside', async () => {
    await assert.rejects(extract(rawTar([{ path: 'etc', type: 'SymbolicLink', linkpath: '/etc' }])), refused('INVALID_SOURCE', /"etc" -> "\/etc" is absolute/));
    await assert.rejects(extract(rawTar([
      { path: 'a', type: 'SymbolicLink', linkpath: 'b' }, { path: 'b', type: 'SymbolicLink', linkpath: 'a' },
    ])), refused('INVALID_SOURCE', /more than 40 links \(a loop\)/));
    const out = dest();
    await extractSource(streamOf(rawTar([
      { path: 'lib/', type: 'Directory' }, { path: 'lib/v1/', type: 'Directory' }, { path: 'lib/v1/run', body: 'x' },
      { path: 'current', type: 'SymbolicLink', linkpath: 'lib/v1' },
      { path: 'lib/up', type: 'SymbolicLink', linkpath: '../lib/v1/run' },
    ])), out, SMALL);
    assert.equal(readlinkSync(join(out, 'lib', 'up')), '../lib/v1/run');
    assert.equal(readlinkSync(join(out, 'current')), 'lib/v1');
    // tar itself refuses a link whose path, as written, runs through another link (even one inside).
    await assert.rejects(extract(rawTar([
      { path: 'lib/v1/run', body: 'x' }, { path: 'current', type: 'SymbolicLink', linkpath: 'lib/v1' },
      { path: 'run', type: 'SymbolicLink', linkpath: 'current/run' },
    ])), refused('INVALID_SOURCE', /entry "run": TAR_SYMLINK_ERROR: Cannot extract through symbolic link/));
  });

  it('refuses hard links to a missing file, to a link, or through a link, and keeps one to a file before it', async () => {
    await assert.rejects(extract(rawTar([{ path: 'h', type: 'Link', linkpath: 'missing' }])), refused('INVALID_SOURCE', /hard link "h" -> "missing" names no file earlier in the archive/));
    await assert.rejects(extract(rawTar([
      { path: 'l', type: 'SymbolicLink', linkpath: 'x/..' }, { path: 'h', type: 'Link', linkpath: 'l' },
    ])), refused('INVALID_SOURCE', /hard link to a symbolic link/));
    await assert.rejects(extract(rawTar([
      { path: 'd', type: 'SymbolicLink', linkpath: '.' }, { path: 'h', type: 'Link', linkpath: 'd/f' },
    ])), refused('INVALID_SOURCE', /goes through the symbolic link "d"/));
    const out = dest();
    await extractSource(streamOf(rawTar([{ path: 'f', body: 'shared' }, { path: 'h', type: 'Link', linkpath: 'f' }])), out, SMALL);
    assert.equal(statSync(join(out, 'h')).ino, statSync(join(out, 'f')).ino);
  });

  it('drops setuid, setgid and sticky bits', async () => {
    const out = dest();
    await extractSource(streamOf(rawTar([
      { path: 'shared/', type: 'Directory', mode: 0o3777 },
      { path: 'shared/suid', body: '#!/bin/sh\n', mode: 0o4755 },
      { path: 'sgid', body: 'x', mode: 0o2755 },
    ])), out, SMALL);
    for (const name of ['shared', 'shared/suid', 'sgid']) {
      assert.equal(statSync(join(out, name)).mode & 0o7000, 0, `${name} keeps a special bit`);
    }
    assert.equal(statSync(join(out, 'shared/suid')).mode & 0o777, 0o755);
  });

  it('refuses devices, FIFOs and entries of kinds it does not know, naming the entry', async () => {
    await assert.rejects(extract(rawTar([{ path: 'dev/null', type: 'CharacterDevice' }])), refused('INVALID_SOURCE', /"dev\/null" is a character device/));
    await assert.rejects(extract(rawTar([{ path: 'sda', type: 'BlockDevice' }])), refused('INVALID_SOURCE', /"sda" is a block device/));
    await assert.rejects(extract(rawTar([{ path: 'pipe', type: 'FIFO' }])), refused('INVALID_SOURCE', /"pipe" is a FIFO/));
    await assert.rejects(extract(rawTar([{ path: 'sparse', type: 'SparseFile', body: 'x' }])), refused('INVALID_SOURCE', /"sparse" is of a kind twelve does not unpack/));
  });

  it('refuses a small gzip that declares a file past the cap before writing any of it', async () => {
    // 4 GB of zeros in concatenated gzip members of 16 MB each: about 4 MB to send.
    const member = gzipSync(Buffer.alloc(16 * MB), { level: constants.Z_BEST_COMPRESSION });
    const [header] = rawEntry({ path: 'bomb', size: 4096 * MB });
    const bomb = Buffer.concat([gzipSync(header), ...Array.from({ length: 256 }, () => member)]);
    const out = dest();
    await assert.rejects(extractSource(streamOf(bomb), out, SMALL), refused('SOURCE_TOO_LARGE', /files add up to more than 1 MB \(TWELVE_MAX_SOURCE_MB\)/));
    assert.equal(existsSync(join(out, 'bomb')), false);
  });

  it('stops at the file that crosses the cap, and at an inflated stream past it', async () => {
    const out = dest();
    const third = Buffer.alloc(400 * 1024, 'x');
    await assert.rejects(extractSource(streamOf(rawTar([
      { path: 'a', body: third }, { path: 'b', body: third }, { path: 'c', body: third }, { path: 'd', body: third },
    ])), out, SMALL), refused('SOURCE_TOO_LARGE', /add up to more than 1 MB/));
    assert.ok(bytesUnder(out) <= MB, `${bytesUnder(out)} bytes written`);
    // A whole small tar, then 64 MB of zeros that tar would read past as padding.
    const padded = gzipSync(Buffer.concat([rawTarBytes([{ path: 'Procfile', body: 'web: x\n' }]), Buffer.alloc(64 * MB)]));
    await assert.rejects(extract(padded), refused('SOURCE_TOO_LARGE', /unpacks to more than 1 MB/));
  });

  it('caps the upload and the number of entries', async () => {
    // Stored, not compressed: the upload runs ahead of what it unpacks to, and meets its cap first.
    const files = Array.from({ length: 12 }, (_, i): RawEntry => ({ path: `f${i}`, body: Buffer.alloc(100 * 1024, i) }));
    await assert.rejects(extract(gzipSync(rawTarBytes(files), { level: 0 })), refused('SOURCE_TOO_LARGE', /upload is larger than 1 MB/));
    const many = Array.from({ length: 51 }, (_, i): RawEntry => ({ path: `f${i}`, body: 'x' }));
    await assert.rejects(extract(rawTar(many)), refused('SOURCE_TOO_LARGE', /more than 50 entries \(TWELVE_MAX_SOURCE_ENTRIES\)/));
  });

  it('refuses a tar compressed twice', async () => {
    await assert.rejects(extract(gzipSync(rawTar([{ path: 'Procfile', body: 'web: x\n' }]))), refused('INVALID_SOURCE', /compressed twice/));
  });

  it('handles odd names: a newline kept, a too long one refused with the name cut, bytes that are not UTF-8 kept inside', async () => {
    const out = dest();
    await extractSource(streamOf(rawTar([{ path: 'two\nlines.txt', body: 'x' }])), out, SMALL);
    assert.ok(existsSync(join(out, 'two\nlines.txt')));
    const long = `${'n'.repeat(300)}.txt`;
    await assert.rejects(extract(rawTar([{ path: long, body: 'x' }])), (error: unknown) => {
      refused('INVALID_SOURCE', /name longer than 255 bytes/)(error);
      assert.ok((error as Error).message.length < 300, (error as Error).message);
      return true;
    });
    const odd = dest();
    await extractSource(streamOf(rawTar([{ path: 'xxxx.txt', rawName: Buffer.from([0xff, 0xfe, 0x41, 0x0a, ...Buffer.from('.txt')]), body: 'x' }])), odd, SMALL);
    assert.equal(readdirSync(odd).length, 1);
    assert.equal(bytesUnder(odd), 1);
  });

  it('refuses an entry that would replace the app directory itself', async () => {
    await assert.rejects(extract(rawTar([{ path: './', type: 'SymbolicLink', linkpath: 'x' }])), refused('INVALID_SOURCE', /replace the app directory/));
  });

  it('leaves nothing of a refused build on disk', async () => {
    const archives = [rawTar(chainedLinks(3)), rawTar([{ path: 'Procfile', body: 'web: x\n' }, { path: 'dev/zero', type: 'CharacterDevice' }])];
    for (const archive of archives) {
      await assert.rejects(runBuild(data.paths, 'hostile', streamOf(archive)), (error: unknown) => error instanceof TwelveError && error.code === 'INVALID_SOURCE');
    }
    assert.deepEqual(readdirSync(join(data.dir, 'apps', 'hostile', 'builds')), []);
  });

  it('says DISK_FULL, not a broken archive, when the disk fills while it unpacks', async (t) => {
    const mountPoint = mkdtempSync(join(tmpdir(), 'twelve-full-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], { stdio: 'ignore' });
    } catch {
      rmSync(mountPoint, { recursive: true, force: true });
      t.skip('needs root to mount a tmpfs');
      return;
    }
    try {
      const archive = rawTar([{ path: 'Procfile', body: 'web: x\n' }, { path: 'big', body: Buffer.alloc(2 * MB, 7) }]);
      await assert.rejects(extractSource(streamOf(archive), join(mountPoint, 'app'), { maxBytes: 10 * MB, maxEntries: 10 }), refused('DISK_FULL', /disk of twelve's data dir is full \(.*ENOSPC/));
    } finally {
      execFileSync('umount', ['-l', mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    }
  });
});
