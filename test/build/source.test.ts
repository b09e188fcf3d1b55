import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar';
import { extractSource } from '../../src/build/source.js';
import { TwelveError } from '../../src/errors.js';
import { sourceOf, tempData } from './helpers.js';
import { rawTar, rawTarBytes } from './raw-tar.js';

function streamOf(bytes: Buffer): NodeJS.ReadableStream {
  return Readable.from([bytes]);
}

function invalidSource(pattern: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof TwelveError && error.code === 'INVALID_SOURCE' && pattern.test(error.message);
}

describe('extractSource', () => {
  const data = tempData();
  after(() => data.cleanup());
  let n = 0;
  const dest = (): string => join(data.dir, `dest-${++n}`);

  it('unpacks a tar.c archive with ./ prefixes, keeping modes and relative symlinks', async () => {
    const app = join(data.dir, 'app');
    mkdirSync(join(app, 'bin'), { recursive: true });
    writeFileSync(join(app, 'Procfile'), 'web: bin/run\n');
    writeFileSync(join(app, 'bin', 'run'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    symlinkSync('bin/run', join(app, 'start'));
    const out = dest();
    await extractSource(sourceOf(app), out);
    assert.equal(readFileSync(join(out, 'Procfile'), 'utf8'), 'web: bin/run\n');
    assert.equal(readlinkSync(join(out, 'start')), 'bin/run');
    assert.equal(readFileSync(join(out, 'start'), 'utf8'), '#!/bin/sh\necho hi\n');
  });

  it('unpacks what `git archive` produces, pax global header included', async () => {
    const repo = join(data.dir, 'repo');
    mkdirSync(repo);
    writeFileSync(join(repo, 'Procfile'), 'web: x\n');
    symlinkSync('Procfile', join(repo, 'Procfile.link'));
    const git = (...args: string[]): Buffer => execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args]);
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'first');
    const out = dest();
    await extractSource(streamOf(gzipSync(git('archive', '--format=tar', 'HEAD'))), out);
    assert.equal(readFileSync(join(out, 'Procfile'), 'utf8'), 'web: x\n');
    assert.equal(readlinkSync(join(out, 'Procfile.link')), 'Procfile');
  });

  it('gives every entry, links and the directory itself included, to the owner it is asked for', { skip: process.getuid?.() !== 0 && 'only root can give files away' }, async () => {
    const app = join(data.dir, 'owned');
    mkdirSync(join(app, 'bin'), { recursive: true });
    writeFileSync(join(app, 'bin', 'run'), 'x');
    symlinkSync('bin/run', join(app, 'start'));
    const out = dest();
    await extractSource(sourceOf(app), out, undefined, { uid: 4321, gid: 4322 });
    for (const path of ['', 'bin', 'bin/run', 'start']) {
      const stat = lstatSync(join(out, path));
      assert.deepEqual([stat.uid, stat.gid], [4321, 4322], `${path || 'the directory'}`);
    }
  });

  it('unpacks entries without a ./ prefix', async () => {
    const out = dest();
    await extractSource(streamOf(rawTar([{ path: 'lib/', type: 'Directory' }, { path: 'lib/a.txt', body: 'a' }])), out);
    assert.equal(readFileSync(join(out, 'lib', 'a.txt'), 'utf8'), 'a');
  });

  it('refuses an absolute path and writes nothing outside', async () => {
    const target = join(data.dir, 'absolute-victim.txt');
    await assert.rejects(extractSource(streamOf(rawTar([{ path: target, body: 'x' }])), dest()), invalidSource(/is absolute/));
    assert.equal(existsSync(target), false);
  });

  it('refuses a path climbing out with ..', async () => {
    const out = dest();
    const archive = rawTar([{ path: 'ok.txt', body: 'ok' }, { path: 'sub/../../climbed.txt', body: 'x' }]);
    await assert.rejects(extractSource(streamOf(archive), out), invalidSource(/sub\/\.\.\/\.\.\/climbed\.txt/));
    assert.equal(existsSync(join(data.dir, 'climbed.txt')), false);
  });

  it('refuses a symbolic link pointing outside, relative or absolute', async () => {
    await assert.rejects(extractSource(streamOf(rawTar([{ path: 'etc', type: 'SymbolicLink', linkpath: '/etc' }])), dest()), invalidSource(/symbolic link "etc"/));
    await assert.rejects(extractSource(streamOf(rawTar([{ path: 'a/up', type: 'SymbolicLink', linkpath: '../..' }])), dest()), invalidSource(/outside/));
  });

  it('refuses a hard link to a file outside', async () => {
    await assert.rejects(extractSource(streamOf(rawTar([{ path: 'passwd', type: 'Link', linkpath: '../../../../etc/passwd' }])), dest()), invalidSource(/hard link/));
  });

  it('refuses to write through a symbolic link it extracted, even one pointing inside', async () => {
    const archive = rawTar([
      { path: 'here', type: 'SymbolicLink', linkpath: '.' },
      { path: 'here/../escaped.txt', body: 'x' },
    ]);
    await assert.rejects(extractSource(streamOf(archive), dest()), invalidSource(/contains \.\./));
    const archive2 = rawTar([{ path: 'here', type: 'SymbolicLink', linkpath: '.' }, { path: 'here/x.txt', body: 'x' }]);
    await assert.rejects(extractSource(streamOf(archive2), dest()), invalidSource(/goes through the symbolic link "here"/));
  });

  it('rejects a stream that is not a gzipped tar', async () => {
    await assert.rejects(extractSource(streamOf(Buffer.from('just some text, not an archive')), dest()), invalidSource(/not a gzipped tar/));
    await assert.rejects(extractSource(streamOf(gzipSync('gzipped text, not a tar')), dest()), invalidSource(/not a gzipped tar/));
  });

  it('rejects a truncated archive', async () => {
    const whole = rawTar([{ path: 'big.txt', body: 'y'.repeat(100_000) }]);
    await assert.rejects(extractSource(streamOf(whole.subarray(0, whole.length - 40)), dest()), invalidSource(/not a gzipped tar/));
  });

  it('rejects an archive with no files', async () => {
    await assert.rejects(extractSource(streamOf(rawTar([])), dest()), invalidSource(/no files|not a gzipped tar/));
  });
});
